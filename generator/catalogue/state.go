package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sync/errgroup"

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
	c, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", filepath.Join(dir, FileName), err)
	}
	if c.Version != 1 {
		return nil, fmt.Errorf("read state %s: format version %d, this mip reads 1", filepath.Join(dir, FileName), c.Version)
	}
	c.index()
	return c, nil
}

// decode reads a catalogue's JSON. Documents are most of it (about 3 kB
// each): their JSON is cut out in one pass and decoded on every core.
func decode(data []byte) (*Catalogue, error) {
	var raw struct {
		Catalogue
		Documents map[string]json.RawMessage `json:"documents"`
	}
	raw.Catalogue = *New()
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	c := &raw.Catalogue
	keys := make([]string, 0, len(raw.Documents))
	for k := range raw.Documents {
		keys = append(keys, k)
	}
	docs := make([]*Document, len(keys))
	var g errgroup.Group
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		g.Go(func() error {
			for i := w; i < len(keys); i += workers {
				var d Document
				if err := json.Unmarshal(raw.Documents[keys[i]], &d); err != nil {
					return fmt.Errorf("document %s: %w", keys[i], err)
				}
				docs[i] = &d
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	c.Documents = make(map[string]*Document, len(keys))
	for i, k := range keys {
		c.Documents[k] = docs[i]
	}
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
	return Write(dir, data)
}

// Write puts a catalogue that Marshal encoded in the state directory dir,
// as Save does.
func Write(dir string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return documents.WriteFileAtomic(filepath.Join(dir, FileName), data)
}
