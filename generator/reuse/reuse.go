// Package reuse carries the files that have not changed from the previous
// output into the new one.
//
// A build writes a fresh output tree beside the live one and swaps it in
// whole, so that a crash never leaves a half-written site. Most of a nightly
// build's files are the same as the night before; this package lets the
// build hard-link them from the live tree instead of writing them again, and
// skip rendering the pages whose inputs have not changed:
//
//   - A keyed file (an HTML page) carries a key, a hash of everything it is
//     rendered from. Before rendering it, the build asks Reuse whether the
//     previous output holds the file made from the same key; if so the file
//     is linked and not rendered at all.
//   - Any other file (JSON, feeds, the sitemap) is made as before, and
//     linked instead of written when the previous output holds the same
//     bytes.
//
// The previous output is known through its manifest (_manifest.json), which
// records every file's size, hashes and key; a file is only carried over
// when it is a regular file of the size the manifest gives. An output with
// no readable manifest offers nothing, and the build writes every file. The
// entries of carried and written files are handed to the new manifest, so
// that it need not read them back.
package reuse

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"sync"
	"sync/atomic"

	"mip/generator/manifest"
)

// Previous is the output a build replaces, as far as its manifest vouches
// for it.
type Previous struct {
	dir string
	man *manifest.Manifest
}

// Open describes the output in dir. An output that is missing, or whose
// manifest cannot be read, offers nothing to reuse.
func Open(dir string) *Previous {
	m, err := manifest.Read(dir)
	if err != nil {
		return &Previous{dir: dir}
	}
	return &Previous{dir: dir, man: m}
}

// Manifest is the previous output's manifest, or nil.
func (p *Previous) Manifest() *manifest.Manifest {
	if p == nil {
		return nil
	}
	return p.man
}

func (p *Previous) lookup(name string) (manifest.Entry, bool) {
	if p == nil || p.man == nil {
		return manifest.Entry{}, false
	}
	return p.man.Lookup(name)
}

// Stats count what a Writer did.
type Stats struct {
	Written int // files written
	Linked  int // files carried over from the previous output
}

// Writer writes a new output tree under dir, carrying over files from the
// previous output. It is safe for concurrent use.
type Writer struct {
	root *os.Root
	dir  string
	prev *Previous

	made    sync.Map // directories already made
	mu      sync.Mutex
	entries map[string]manifest.Entry

	written, linked atomic.Int64
}

// NewWriter returns a Writer for the new output tree dir (open as root),
// reusing prev's files; prev may be nil.
func NewWriter(root *os.Root, dir string, prev *Previous) *Writer {
	return &Writer{root: root, dir: dir, prev: prev, entries: map[string]manifest.Entry{}}
}

// WriteFile writes data as name, or links the previous output's file when
// it holds the same bytes.
func (w *Writer) WriteFile(name string, data []byte) error {
	return w.WriteKeyed(name, "", data)
}

// WriteKeyed writes data as name, recording key, the hash of what it was
// rendered from ("" for none); the previous output's file is linked instead
// when it holds the same bytes.
func (w *Writer) WriteKeyed(name, key string, data []byte) error {
	if !filepath.IsLocal(name) {
		return fmt.Errorf("write %s: not a local name", name)
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if e, ok := w.prev.lookup(name); ok && e.Size == int64(len(data)) && e.SHA256 == sha {
		e.Key = key
		if ok, err := w.link(name, e); ok || err != nil {
			return err
		}
	}
	if err := w.mkdir(name); err != nil {
		return err
	}
	if err := w.root.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	m := md5.Sum(data)
	w.record(manifest.Entry{Path: name, Size: int64(len(data)), MD5: hex.EncodeToString(m[:]), SHA256: sha,
		Class: manifest.Classify(name), Key: key})
	w.written.Add(1)
	return nil
}

// Reuse links name from the previous output when it was made from inputs
// with the same key, and reports whether it did. An empty key is never
// reused.
func (w *Writer) Reuse(name, key string) (bool, error) {
	if key == "" || !filepath.IsLocal(name) {
		return false, nil
	}
	e, ok := w.prev.lookup(name)
	if !ok || e.Key != key {
		return false, nil
	}
	return w.link(name, e)
}

// link hard-links the previous output's file name, described by e, into
// the new tree. It reports false (and the caller writes the file) when the
// previous file is not what e says or cannot be linked here.
func (w *Writer) link(name string, e manifest.Entry) (bool, error) {
	src := filepath.Join(w.prev.dir, filepath.FromSlash(name))
	fi, err := os.Lstat(src)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != e.Size {
		return false, nil
	}
	if err := w.mkdir(name); err != nil {
		return false, err
	}
	if err := os.Link(src, filepath.Join(w.dir, filepath.FromSlash(name))); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, fmt.Errorf("write %s: %w", name, err)
		}
		return false, nil // another file system, or links not allowed: write it
	}
	e.Class = manifest.Classify(name)
	w.record(e)
	w.linked.Add(1)
	return true, nil
}

func (w *Writer) mkdir(name string) error {
	dir := path.Dir(name)
	if dir == "." {
		return nil
	}
	if _, ok := w.made.Load(dir); ok {
		return nil
	}
	if err := w.root.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	w.made.Store(dir, true)
	return nil
}

func (w *Writer) record(e manifest.Entry) {
	w.mu.Lock()
	w.entries[e.Path] = e
	w.mu.Unlock()
}

// Entries are the manifest entries of every file the Writer wrote or
// linked, by path.
func (w *Writer) Entries() map[string]manifest.Entry {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.entries)
}

// Stats says how many files were written and how many carried over.
func (w *Writer) Stats() Stats {
	return Stats{Written: int(w.written.Load()), Linked: int(w.linked.Load())}
}
