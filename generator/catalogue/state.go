package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"mip/generator/documents"
)

// FileName is the catalogue's file in the state directory.
const FileName = "catalogue.json"

// Load reads the catalogue kept in the state directory dir, or returns an
// empty one when there is none yet.
func Load(dir string) (*Catalogue, error) {
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	c := New()
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("read state %s: %w", filepath.Join(dir, FileName), err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("read state %s: format version %d, this mip reads 1", filepath.Join(dir, FileName), c.Version)
	}
	c.index()
	return c, nil
}

// Marshal encodes the catalogue deterministically, as compact JSON (one
// line: indentation was 28% of the 2,000-document sample's state file, read
// and written by every build).
func (c *Catalogue) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Save writes the catalogue to the state directory dir atomically: the old
// file stays whole until the new one is complete.
func (c *Catalogue) Save(dir string) error {
	data, err := c.Marshal()
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return documents.WriteFileAtomic(filepath.Join(dir, FileName), data)
}
