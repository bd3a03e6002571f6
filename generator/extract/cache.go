package extract

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Version names the extraction: engine, normalisation and section rules.
// Cache entries made by another version are misses, so a change to any of
// them re-extracts. Bump it with such a change.
const Version = "pdfium-wasm go-pdfium@v1.20.0; normalize 1; sections 1"

// A Cache keeps extraction results keyed by the sha256 of the PDF, so that
// a nightly build extracts only new documents. Each entry is one file,
// dir/ab/abcdef….mipx: a header (magic, the sha256 of the rest) and the
// gzip-compressed JSON of the result. Entries are written to a temporary
// file and renamed, so readers never see half an entry; an entry that fails
// its checksum, does not decode or was made by another Version is a miss,
// and the next Put replaces it. It is safe for concurrent use by goroutines
// and processes.
type Cache struct {
	dir string
}

// OpenCache opens (creating it if need be) a cache in dir, which belongs in
// the build's state directory.
func OpenCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open extract cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// cacheMagic starts every entry.
const cacheMagic = "MIPX1\n"

type cacheEntry struct {
	Key     string       `json:"key"`
	Version string       `json:"version"`
	Text    Text         `json:"text"`
	Broken  *BrokenError `json:"broken,omitempty"`
}

// path returns the file of the entry for sha, which must be a lower-case
// hex sha256, or "" when it is not one.
func (c *Cache) path(sha string) string {
	if len(sha) != 2*sha256.Size {
		return ""
	}
	if _, err := hex.DecodeString(sha); err != nil || sha != toLowerHex(sha) {
		return ""
	}
	return filepath.Join(c.dir, sha[:2], sha+".mipx")
}

func toLowerHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Get returns the result cached for the PDF whose sha256 is sha (lower-case
// hex). A missing, corrupt or outdated entry is a miss, and so is a
// document recorded as broken (see Broken).
func (c *Cache) Get(sha string) (Text, bool) {
	e, ok := c.entry(sha)
	if !ok || e.Broken != nil {
		return Text{}, false
	}
	return e.Text, true
}

// Broken returns the BrokenError recorded by PutBroken for the PDF whose
// sha256 is sha, so that a nightly build need not try a broken document
// again.
func (c *Cache) Broken(sha string) (*BrokenError, bool) {
	e, ok := c.entry(sha)
	if !ok || e.Broken == nil {
		return nil, false
	}
	return e.Broken, true
}

// Lookup reads the entry for sha once: a Text, or the BrokenError recorded
// by PutBroken; ok is false on a miss.
func (c *Cache) Lookup(sha string) (t Text, broken *BrokenError, ok bool) {
	e, ok := c.entry(sha)
	return e.Text, e.Broken, ok
}

func (c *Cache) entry(sha string) (cacheEntry, bool) {
	p := c.path(sha)
	if p == "" {
		return cacheEntry{}, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return cacheEntry{}, false
	}
	e, err := decodeEntry(data)
	if err != nil || e.Key != sha || e.Version != Version {
		return cacheEntry{}, false
	}
	return e, true
}

func decodeEntry(data []byte) (cacheEntry, error) {
	var e cacheEntry
	body, ok := bytes.CutPrefix(data, []byte(cacheMagic))
	if !ok || len(body) < sha256.Size {
		return e, errors.New("not a cache entry")
	}
	sum, payload := body[:sha256.Size], body[sha256.Size:]
	if got := sha256.Sum256(payload); !bytes.Equal(got[:], sum) {
		return e, errors.New("checksum mismatch")
	}
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		return e, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return e, err
	}
	return e, json.Unmarshal(raw, &e)
}

// Put stores t as the result for the PDF whose sha256 is sha.
func (c *Cache) Put(sha string, t Text) error {
	return c.put(cacheEntry{Key: sha, Version: Version, Text: t})
}

// PutBroken records that the PDF whose sha256 is sha is broken. Whether to
// record a failure due to a limit (b.Limit: a timeout on a loaded machine)
// is the caller's choice; a Version change forgets every record.
func (c *Cache) PutBroken(sha string, b *BrokenError) error {
	return c.put(cacheEntry{Key: sha, Version: Version, Broken: b})
}

func (c *Cache) put(e cacheEntry) error {
	sha := e.Key
	p := c.path(sha)
	if p == "" {
		return fmt.Errorf("extract cache: %q is not a sha256", sha)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	var payload bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&payload, gzip.BestSpeed)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return err
	}
	sum := sha256.Sum256(payload.Bytes())
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("extract cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("extract cache: %w", err)
	}
	_, err = f.Write(append(append([]byte(cacheMagic), sum[:]...), payload.Bytes()...))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("extract cache: write %s: %w", p, err)
	}
	return nil
}

// Sum returns the cache key of a PDF: its sha256 in lower-case hex.
func Sum(pdf []byte) string {
	s := sha256.Sum256(pdf)
	return hex.EncodeToString(s[:])
}
