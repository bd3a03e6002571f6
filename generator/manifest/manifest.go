// Package manifest describes a built site file by file: its size, MD5 and
// sha256, and the class that decides when mip publish may upload or delete
// it. The build writes the manifest as _manifest.json at the root of the
// output; mip publish diffs the bucket against it and mip verify recomputes
// it.
package manifest

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Name is the manifest's file name at the root of an output directory. It is
// not part of the site: publish does not upload it.
const Name = "_manifest.json"

// Class says where a file stands in the order of a publish.
type Class string

const (
	// ContentAddressed files are named by a hash of their bytes: documents
	// docs/<sha256>.pdf and fingerprinted files name.<hex>.ext (assets,
	// search shards, cards). A name never changes meaning, so they go first
	// and old ones stay while cached pages may still point at them.
	ContentAddressed Class = "content-addressed"
	// Page is every other HTML page and JSON file.
	Page Class = "page"
	// Root files are the entry points a visitor or crawler starts from; they
	// point at pages and content-addressed files, so they go last.
	Root Class = "root"
)

// Entry is one file of the site.
type Entry struct {
	Path   string `json:"path"` // slash-separated, relative to the output root
	Size   int64  `json:"size"`
	MD5    string `json:"md5"`    // hex
	SHA256 string `json:"sha256"` // hex
	Class  Class  `json:"class"`
	// Key is a hash of everything the build rendered the file from, for a
	// page that a later build may carry over instead of rendering it again
	// (package generator/outdir); empty for other files.
	Key string `json:"key,omitempty"`
}

// Manifest is every file of a built site, sorted by path.
type Manifest struct {
	Version int     `json:"version"`
	Files   []Entry `json:"files"`
}

// Lookup returns the entry for p.
func (m *Manifest) Lookup(p string) (Entry, bool) {
	i, ok := slices.BinarySearchFunc(m.Files, p, func(e Entry, p string) int { return strings.Compare(e.Path, p) })
	if !ok {
		return Entry{}, false
	}
	return m.Files[i], true
}

var (
	documentRE = regexp.MustCompile(`^docs/([0-9a-f]{64})\.pdf$`)
	// hashedRE matches name.<hex>.ext: at least 8 hex digits, a prefix of
	// the file's sha256.
	hashedRE  = regexp.MustCompile(`^[^/]+\.([0-9a-f]{8,64})\.[A-Za-z0-9]+$`)
	sitemapRE = regexp.MustCompile(`^sitemap[-_.0-9a-z]*\.xml(\.gz)?$`)
	feedRE    = regexp.MustCompile(`(^|/)(feed|atom|rss)[-_.0-9a-z]*\.xml$|\.(atom|rss)$`)
)

// rootFiles are the fixed entry points of the site.
var rootFiles = map[string]bool{
	"index.html":        true,
	"404.html":          true,
	"robots.txt":        true,
	"api/v1/build.json": true,
	"_headers":          true,
	"_redirects":        true,
	// The search index's entry point: it names every shard and card file.
	"search/idx/manifest.bin": true,
}

// immutableDirs hold files whose names fix their bytes though they are not
// named by their own sha256: the search index's shards and card files are
// named by the hash of the pack they belong to (searchidx/FORMAT.md). They
// are published before the roots and deleted only after the grace period.
var immutableDirs = []string{"search/idx/"}

// IsDocument reports whether p is a document PDF at its content address,
// returning the sha256 its name claims.
func IsDocument(p string) (sha string, ok bool) {
	if !strings.HasPrefix(p, "docs/") {
		return "", false
	}
	m := documentRE.FindStringSubmatch(p)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ClaimedHash returns the hex hash a content-addressed name claims: the
// whole sha256 for a document, a prefix of it for a fingerprinted file.
func ClaimedHash(p string) (string, bool) {
	if sha, ok := IsDocument(p); ok {
		return sha, true
	}
	if base := path.Base(p); strings.Count(base, ".") < 2 {
		return "", false // no room for name.<hex>.ext
	} else if m := hashedRE.FindStringSubmatch(base); m != nil {
		return m[1], true
	}
	return "", false
}

// mayBeFeed is a cheap test that p could match feedRE.
func mayBeFeed(p string) bool {
	return strings.Contains(p, "feed") || strings.Contains(p, "atom") || strings.Contains(p, "rss")
}

// Classify gives the class of the file at p.
func Classify(p string) Class {
	base := path.Base(p)
	switch {
	case rootFiles[p], strings.HasPrefix(base, "sitemap") && sitemapRE.MatchString(base), mayBeFeed(p) && feedRE.MatchString(p),
		base == "manifest.json", strings.HasSuffix(base, ".webmanifest"):
		return Root
	}
	if _, ok := ClaimedHash(p); ok {
		return ContentAddressed
	}
	for _, d := range immutableDirs {
		if strings.HasPrefix(p, d) {
			return ContentAddressed
		}
	}
	return Page
}

// Compute walks dir and describes every regular file in it but the manifest
// itself. A content-addressed file that prev already describes with the
// same size is not read again: its name fixes its bytes, and Verify checks
// that claim.
func Compute(dir string, prev *Manifest) (*Manifest, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	defer root.Close()
	var entries []Entry
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("manifest: walk %s: %w", p, err)
		}
		if d.IsDir() || p == Name {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("manifest: %s is not a regular file", p)
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("manifest: stat %s: %w", p, err)
		}
		entries = append(entries, Entry{Path: p, Size: info.Size(), Class: Classify(p)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	var (
		wg       sync.WaitGroup
		sem      = make(chan struct{}, runtime.GOMAXPROCS(0))
		mu       sync.Mutex
		firstErr error
	)
	for i := range entries {
		e := &entries[i]
		if prev != nil && e.Class == ContentAddressed {
			if old, ok := prev.Lookup(e.Path); ok && old.Size == e.Size && old.MD5 != "" && old.SHA256 != "" {
				e.MD5, e.SHA256 = old.MD5, old.SHA256
				continue
			}
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			m, s, n, err := hashFile(root, e.Path)
			if err == nil && n != e.Size {
				err = fmt.Errorf("manifest: %s changed size while it was read", e.Path)
			}
			if err != nil {
				mu.Lock()
				firstErr = cmpErr(firstErr, err)
				mu.Unlock()
				return
			}
			e.MD5, e.SHA256 = m, s
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return &Manifest{Version: 1, Files: entries}, nil
}

func cmpErr(a, b error) error {
	if a == nil {
		return b
	}
	return a
}

func hashFile(root *os.Root, p string) (md5hex, shahex string, n int64, err error) {
	f, err := root.Open(p)
	if err != nil {
		return "", "", 0, fmt.Errorf("manifest: read %s: %w", p, err)
	}
	defer f.Close()
	md5hex, shahex, n, err = Hash(f)
	if err != nil {
		return "", "", 0, fmt.Errorf("manifest: read %s: %w", p, err)
	}
	return md5hex, shahex, n, nil
}

// Hash reads r to its end and returns the MD5 and sha256 (hex) of what it
// read, and how many bytes: what an Entry records of a file.
func Hash(r io.Reader) (md5hex, shahex string, n int64, err error) {
	hm, hs := md5.New(), sha256.New()
	n, err = io.Copy(io.MultiWriter(hm, hs), r)
	if err != nil {
		return "", "", 0, err
	}
	return hex.EncodeToString(hm.Sum(nil)), hex.EncodeToString(hs.Sum(nil)), n, nil
}

// Write computes the manifest of dir and writes it to dir/_manifest.json,
// taking what prev (a previous manifest, or nil) says of content-addressed
// files as Compute does.
func Write(dir string, prev *Manifest) error {
	m, err := Compute(dir, prev)
	if err != nil {
		return err
	}
	return WriteManifest(dir, m)
}

// WriteManifest writes m as dir/_manifest.json, all at once: a reader sees
// the old manifest, none, or the whole new one. It is compact JSON with one
// file per line, for diffs.
func WriteManifest(dir string, m *Manifest) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\"version\":%d,\"files\":[", m.Version)
	for i, e := range m.Files {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n")
		buf.Write(line)
	}
	buf.WriteString("\n]}")
	data := buf.Bytes()
	f, err := os.CreateTemp(dir, ".tmp-manifest-*")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	_, err = f.Write(append(data, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, Name))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("manifest: write %s: %w", Name, err)
	}
	return nil
}

// Read reads dir/_manifest.json.
func Read(dir string) (*Manifest, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	defer root.Close()
	data, err := root.ReadFile(Name)
	if err != nil {
		return nil, fmt.Errorf("manifest: read %s: %w", Name, err)
	}
	m, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("manifest: read %s: %w", Name, err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("manifest: %s has version %d, want 1", Name, m.Version)
	}
	if !slices.IsSortedFunc(m.Files, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) }) {
		return nil, fmt.Errorf("manifest: %s is not sorted by path", Name)
	}
	return m, nil
}

// ErrMismatch is wrapped by the error Verify returns when the site does not
// match its manifest or its content addresses.
var ErrMismatch = errors.New("the site does not match its manifest")
