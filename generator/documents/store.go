package documents

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"golang.org/x/sys/unix"
)

// Store is a content-addressed file store: each PDF is kept once, as
// <dir>/<sha256>.pdf, and never changed or removed.
type Store struct {
	dir string
}

var addressRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// OpenStore opens (and creates) a store in dir.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open document store: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Path is where the file with content address sha lives.
func (s *Store) Path(sha string) string { return filepath.Join(s.dir, sha+".pdf") }

// Has reports whether the store holds sha.
func (s *Store) Has(sha string) bool {
	_, err := os.Stat(s.Path(sha))
	return err == nil
}

// Put stores data under its content address, unless it is there already. The
// file appears whole or not at all.
func (s *Store) Put(data []byte) (sha string, err error) {
	sha = Address(data)
	if s.Has(sha) {
		return sha, nil
	}
	return sha, writeFile(s.Path(sha), data, false)
}

// Sync flushes every file Put wrote to stable storage, with one syncfs(2)
// for the whole file system rather than an fsync per file. Call it before
// saving anything that refers to the stored files.
func (s *Store) Sync() error {
	f, err := os.Open(s.dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("sync document store: %w", err)
	}
	return nil
}

// Link makes the stored file sha appear at dst: a hard link where the file
// system allows, else a copy.
func (s *Store) Link(sha, dst string) error {
	if !addressRE.MatchString(sha) {
		return fmt.Errorf("bad content address %q", sha)
	}
	src := s.Path(sha)
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("read stored document: %w", err)
	}
	if Address(data) != sha {
		return fmt.Errorf("stored document %s is corrupt: its bytes hash differently", sha)
	}
	return WriteFileAtomic(dst, data)
}

// WriteFileAtomic writes data to a temporary file beside name, syncs it and
// renames it into place.
func WriteFileAtomic(name string, data []byte) error { return writeFile(name, data, true) }

func writeFile(name string, data []byte, sync bool) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
