// Package outdir writes a build's output tree so that a crash never leaves
// a half-written site, and so that a night which changes little writes
// little.
//
// Beside the live output OUT lives a spare tree, .OUT.spare: the output
// before the live one, kept when a build swapped it out. A build brings the
// spare up to date in place and then exchanges it with the live tree in one
// renameat2(RENAME_EXCHANGE); the old live tree becomes the next spare. The
// live tree is never written to.
//
// Every tree carries its manifest (_manifest.json: each file's size,
// hashes and, for a page, the key of what it was rendered from), which is
// how the build knows what a tree holds without reading it:
//
//   - A file whose bytes (or, for a page, whose key) the spare's manifest
//     already lists is left alone: no write, no system call.
//   - Else, when the live tree holds it, it is hard-linked from there.
//   - Else it is written as a new file; where the spare holds a file of
//     that name, under a temporary name then renamed over it.
//   - Files of the spare that the new output does not have are removed.
//
// The spare was the live tree, which an operator may have edited by hand:
// Begin walks it once (a directory read per directory: names and types, no
// lstat per file) and removes what its manifest does not list as it is
// there, so that no stray file, directory or symlink is ever published. An
// edit that keeps a file's name (new bytes in place, or a file replaced)
// is not seen here: mip verify, which a nightly job runs before
// publishing, reports it.
//
// So a night's writes scale with what changed in the last two nights, not
// with the size of the site. Files are never changed in place
// (a rename replaces a name, not the shared inode), so the trees can share
// inodes safely. Before its first change to the spare, a build removes the
// spare's manifest; a spare without one (a build was killed while updating
// it) is not trusted and is cleared, and that build links everything from
// the live tree instead. One build at a time updates the spare: Begin
// takes an flock on .OUT.lock beside the output.
package outdir

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"

	"mip/generator/manifest"
)

// Stats count what a build did to the output tree.
type Stats struct {
	Written int // files written (or, for LinkFile, linked from outside both trees)
	Linked  int // files hard-linked from the live tree
	Kept    int // files the spare tree already held
	Removed int // files of the spare the new output does not have
}

// Writer brings the spare tree up to date for a new output. Its methods
// are safe for concurrent use; Commit and Abort end it.
type Writer struct {
	out, spare string
	root       *os.Root // the spare
	held       *os.File // the lock beside the output, while the build runs
	live       *manifest.Manifest
	had        *manifest.Manifest // what the spare held when the build began

	made    sync.Map       // directories known to exist in the spare
	names   [64]sync.Mutex // one name is put by one call at a time
	tmps    atomic.Int64   // temporary names made
	mu      sync.Mutex
	entries map[string]manifest.Entry // the new output, by path

	written, linked, kept atomic.Int64
	removed               int
}

// SpareName is the spare tree of the output out.
func SpareName(out string) string {
	out = resolve(out)
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".spare")
}

// resolve names the output directory out absolutely and without symlinks,
// so that its spare is beside the directory itself (not inside it, for
// ".") and the exchange swaps directories, never an operator's symlink.
func resolve(out string) string {
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	}
	if real, err := filepath.EvalSymlinks(out); err == nil {
		out = real
	}
	return filepath.Clean(out)
}

// Begin starts a new output for out: it makes the spare tree ready to be
// updated (clearing it when it cannot be trusted) and reads what the live
// tree and the spare hold.
func Begin(out string) (*Writer, error) {
	out = resolve(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("make output directory: %w", err)
	}
	// One build at a time updates the spare; the kernel drops the lock of
	// a killed build.
	held, err := os.OpenFile(filepath.Join(parent, "."+filepath.Base(out)+".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock the output: %w", err)
	}
	if err := unix.Flock(int(held.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		held.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock the output: another build of %s is running", out)
		}
		return nil, fmt.Errorf("lock the output: %w", err)
	}
	w, err := begin(out, held)
	if err != nil {
		held.Close()
		return nil, err
	}
	return w, nil
}

func begin(out string, held *os.File) (*Writer, error) {
	parent := filepath.Dir(out)
	// Trees left by builds of earlier versions, which built a fresh tree
	// each time; they were never live.
	for _, pattern := range []string{".new-*", ".index-*"} {
		stale, _ := filepath.Glob(filepath.Join(parent, "."+filepath.Base(out)+pattern))
		for _, d := range stale {
			os.RemoveAll(d)
		}
	}
	// The old live tree of a build killed between the two renames that
	// stand in for the exchange (see Commit); the spare is newer.
	os.RemoveAll(SpareName(out) + ".old")
	w := &Writer{out: out, spare: SpareName(out), held: held, entries: map[string]manifest.Entry{}}
	// The two manifests are large (a line per file): read them at once.
	var spareErr error
	var since time.Time // when the spare's manifest was written
	var wg sync.WaitGroup
	wg.Go(func() {
		// Only a directory is a spare: a symlink made by hand is not
		// followed (it is removed, not what it points at).
		if fi, err := os.Lstat(w.spare); err == nil && !fi.IsDir() {
			spareErr = fmt.Errorf("%s is not a directory", w.spare)
			return
		}
		fi, err := os.Lstat(filepath.Join(w.spare, manifest.Name))
		if err != nil {
			spareErr = err
			return
		}
		since = fi.ModTime()
		w.had, spareErr = manifest.Read(w.spare)
	})
	if m, err := manifest.Read(out); err == nil {
		w.live = m
	}
	wg.Wait()
	if spareErr != nil {
		w.had = nil
		if err := os.RemoveAll(w.spare); err != nil {
			return nil, fmt.Errorf("clear the spare output tree: %w", err)
		}
	}
	if err := os.MkdirAll(w.spare, 0o755); err != nil {
		return nil, fmt.Errorf("make output directory: %w", err)
	}
	if err := os.Chmod(w.spare, 0o755); err != nil {
		return nil, err
	}
	// From here on the spare is being changed: without its manifest, a
	// build killed now leaves a spare the next build will not trust.
	if err := os.Remove(filepath.Join(w.spare, manifest.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("mark the spare output tree: %w", err)
	}
	root, err := os.OpenRoot(w.spare)
	if err != nil {
		return nil, err
	}
	w.root = root
	if w.had != nil {
		if err := w.reconcile(since); err != nil {
			root.Close()
			return nil, err
		}
	}
	return w, nil
}

// reconcile makes the spare hold what its manifest lists and nothing else,
// by name and type: it was the live tree, which may have been edited by
// hand. It removes whatever the manifest does not list as it is there
// (files it does not list, symlinks, directories where it lists a file)
// and drops from w.had what the spare lacks, so nothing but the new output
// is published and the spare's manifest is never taken for more than the
// spare holds.
//
// A directory whose entries changed since the manifest was written (since)
// has a newer modification time: adding, removing or renaming a name in a
// directory sets it. So only the directories changed since are read; the
// others cost one lstat each (about 150,000 at 100,000 documents, against
// reading every directory). Directories are checked a level at a time, so
// a directory's own name has been checked (not a symlink made by hand)
// before anything below it is looked at.
func (w *Writer) reconcile(since time.Time) error {
	type dir struct {
		name  string
		files map[string]int // a file's base name → its index in w.had.Files
		dirs  []*dir
		gone  bool // not in the spare as a directory
	}
	top := &dir{name: ".", files: map[string]int{}}
	dirs := map[string]*dir{".": top}
	var ensure func(name string) *dir
	ensure = func(name string) *dir {
		if d, ok := dirs[name]; ok {
			return d
		}
		d := &dir{name: name, files: map[string]int{}}
		dirs[name] = d
		parent := ensure(path.Dir(name))
		parent.dirs = append(parent.dirs, d)
		return d
	}
	for i, e := range w.had.Files {
		ensure(path.Dir(e.Path)).files[path.Base(e.Path)] = i
	}
	seen := make([]bool, len(w.had.Files))
	var removed atomic.Bool
	remove := func(name string) error {
		removed.Store(true)
		if err := w.root.RemoveAll(name); err != nil {
			return fmt.Errorf("check the spare output tree: %w", err)
		}
		return nil
	}
	check := func(d *dir) error {
		if d != top {
			fi, err := os.Lstat(filepath.Join(w.spare, filepath.FromSlash(d.name)))
			if err != nil || !fi.IsDir() {
				// Its parent was read and found it missing or not a
				// directory, or it went since: nothing below it is there.
				d.gone = true
				return nil
			}
			if fi.ModTime().Before(since) {
				for _, i := range d.files {
					seen[i] = true
				}
				return nil
			}
		}
		f, err := w.root.Open(d.name)
		if err != nil {
			return fmt.Errorf("check the spare output tree: %w", err)
		}
		entries, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			return fmt.Errorf("check the spare output tree: %s: %w", d.name, err)
		}
		sub := map[string]*dir{}
		for _, c := range d.dirs {
			c.gone = true // until found below
			sub[path.Base(c.name)] = c
		}
		for _, ent := range entries {
			name := path.Join(d.name, ent.Name())
			if i, ok := d.files[ent.Name()]; ok && ent.Type().IsRegular() {
				seen[i] = true
				continue
			}
			if c, ok := sub[ent.Name()]; ok && ent.IsDir() {
				c.gone = false
				continue
			}
			if err := remove(name); err != nil {
				return err
			}
		}
		return nil
	}
	for level := []*dir{top}; len(level) > 0; {
		var g errgroup.Group
		g.SetLimit(8)
		for _, d := range level {
			g.Go(func() error { return check(d) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
		var next []*dir
		for _, d := range level {
			if !d.gone {
				next = append(next, d.dirs...)
			}
		}
		level = next
	}
	held := w.had.Files[:0:0]
	for i, e := range w.had.Files {
		if seen[i] {
			held = append(held, e)
		}
	}
	if removed.Load() || len(held) != len(w.had.Files) {
		w.had = &manifest.Manifest{Version: w.had.Version, Files: held}
	}
	return nil
}

// TempDir makes a directory beside the output for files to Import; a
// build killed before it is imported leaves it for the next Begin to clear.
func (w *Writer) TempDir() (string, error) {
	return os.MkdirTemp(filepath.Dir(w.out), "."+filepath.Base(w.out)+".index-")
}

func lookup(m *manifest.Manifest, name string) (manifest.Entry, bool) {
	if m == nil {
		return manifest.Entry{}, false
	}
	return m.Lookup(name)
}

// WriteFile puts data in the new output as name.
func (w *Writer) WriteFile(name string, data []byte) error {
	return w.WriteKeyed(name, "", data)
}

// WriteKeyed puts data in the new output as name, recording key, the hash
// of what it was rendered from ("" for none). Data the spare or the live
// tree already holds under that name is not written again.
func (w *Writer) WriteKeyed(name, key string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	defer w.lock(name)()
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	same := func(e manifest.Entry) bool { return e.Size == int64(len(data)) && e.SHA256 == sha && e.MD5 != "" }
	if e, ok := w.spareHas(name); ok && same(e) {
		e.Key = key
		w.keep(e)
		return nil
	}
	if e, ok := lookup(w.live, name); ok && same(e) {
		e.Key = key
		if ok, err := w.linkLive(name, e); ok || err != nil {
			return err
		}
	}
	if err := w.put(name, func(tmp string) error { return w.create(tmp, data) }); err != nil {
		return err
	}
	m := md5.Sum(data)
	w.record(manifest.Entry{Path: name, Size: int64(len(data)), MD5: hex.EncodeToString(m[:]), SHA256: sha,
		Class: manifest.Classify(name), Key: key})
	w.written.Add(1)
	return nil
}

// Reuse puts name in the new output unrendered when the spare or the live
// tree holds it rendered from inputs with the same key, and reports whether
// it did. An empty key is never reused.
func (w *Writer) Reuse(name, key string) (bool, error) {
	if key == "" || checkName(name) != nil {
		return false, nil
	}
	defer w.lock(name)()
	if e, ok := w.spareHas(name); ok && e.Key == key {
		w.keep(e)
		return true, nil
	}
	if e, ok := lookup(w.live, name); ok && e.Key == key {
		return w.linkLive(name, e)
	}
	return false, nil
}

// LinkFile puts the file src (outside both trees, such as a stored PDF)
// in the new output as name, by hard link (a copy where src cannot be
// linked, on another file system). Its name must fix its bytes (a
// content address): a name the spare already lists is left alone, one the
// live tree lists with src's size is linked from there.
func (w *Writer) LinkFile(name, src string) error {
	if err := checkName(name); err != nil {
		return err
	}
	defer w.lock(name)()
	// The name fixes the bytes, so a tree whose manifest lists it holds
	// them (mip verify checks that claim).
	if e, ok := w.spareHas(name); ok && e.MD5 != "" {
		w.keep(e)
		return nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if e, ok := lookup(w.live, name); ok && e.Size == fi.Size() && e.MD5 != "" {
		if ok, err := w.linkLive(name, e); ok || err != nil {
			return err
		}
	}
	if err := w.put(name, func(tmp string) error { return link(src, filepath.Join(w.spare, tmp)) }); err != nil {
		// Another file system, or links not allowed: copy it.
		data, rerr := os.ReadFile(src)
		if rerr != nil {
			return fmt.Errorf("write %s: %w", name, rerr)
		}
		if err := w.put(name, func(tmp string) error { return w.create(tmp, data) }); err != nil {
			return err
		}
	}
	e, err := hashFile(src, name)
	if err != nil {
		return err
	}
	e.Class = manifest.Classify(name)
	w.record(e)
	w.written.Add(1)
	return nil
}

// Import moves every file below dir into the new output under prefix, as
// WriteFile would put its bytes: a file the spare or the live tree already
// holds is left there (or linked), any other is renamed into place, not
// copied. dir must be on the output's file system (see TempDir); it is
// removed.
func (w *Writer) Import(prefix, dir string) error {
	defer os.RemoveAll(dir)
	var rels []string
	if err := filepathWalk(dir, func(rel string) error {
		rels = append(rels, rel)
		return nil
	}); err != nil {
		return err
	}
	// Each file is read to hash it, then left, linked or renamed: the
	// reads and system calls of several at once overlap.
	var g errgroup.Group
	g.SetLimit(8)
	for _, rel := range rels {
		g.Go(func() error { return w.import1(filepath.Join(dir, filepath.FromSlash(rel)), path.Join(prefix, rel)) })
	}
	return g.Wait()
}

func (w *Writer) import1(src, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	defer w.lock(name)()
	e, err := hashFile(src, name)
	if err != nil {
		return err
	}
	same := func(o manifest.Entry) bool { return o.Size == e.Size && o.SHA256 == e.SHA256 && o.MD5 != "" }
	if o, ok := w.spareHas(name); ok && same(o) {
		w.keep(o)
		return nil
	}
	if o, ok := lookup(w.live, name); ok && same(o) {
		if ok, err := w.linkLive(name, o); ok || err != nil {
			return err
		}
	}
	if err := w.put(name, func(tmp string) error { return os.Rename(src, filepath.Join(w.spare, tmp)) }); err != nil {
		return err
	}
	e.Class = manifest.Classify(name)
	w.record(e)
	w.written.Add(1)
	return nil
}

// linkLive hard-links the live tree's file name, described by e, into the
// spare. It reports false (and the caller writes the file) when the live
// file is not what e says or cannot be linked.
func (w *Writer) linkLive(name string, e manifest.Entry) (bool, error) {
	src := filepath.Join(w.out, filepath.FromSlash(name))
	fi, err := os.Lstat(src)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != e.Size {
		return false, nil
	}
	err = w.put(name, func(tmp string) error { return link(src, filepath.Join(w.spare, tmp)) })
	if err != nil {
		return false, nil // another file system, or links not allowed: write it
	}
	e.Class = manifest.Classify(name)
	w.record(e)
	w.linked.Add(1)
	return true, nil
}

// put makes name in the spare with make, which creates (or hard-links,
// or renames into place) the file it is given, failing if a file of that
// name exists. A name the spare does not hold yet is made in place. One it
// holds is made under a temporary name in the same directory and renamed
// over it: the spare's file is replaced, never changed, since its inode
// may be the live tree's too.
func (w *Writer) put(name string, make func(tmp string) error) error {
	if err := w.mkdir(name); err != nil {
		return err
	}
	err := make(name)
	if err != nil && w.clearDir(name) {
		err = make(name)
	}
	if err == nil {
		return nil
	}
	if !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("write %s: %w", name, err)
	}
	// Not named after name: that may be as long as a name can be.
	tmp := path.Join(path.Dir(name), fmt.Sprintf(".tmp-%d", w.tmps.Add(1)))
	if err := make(tmp); err != nil {
		w.root.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	err = w.root.Rename(tmp, name)
	if err != nil && w.clearDir(name) {
		err = w.root.Rename(tmp, name)
	}
	if err != nil {
		w.root.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	// rename(2) does nothing when both names are links to one inode (the
	// spare already held the live file): tmp is still there.
	if err := w.root.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// create writes data as the new file name; it fails if name exists, so it
// never writes into an inode the live tree may share.
func (w *Writer) create(name string, data []byte) error {
	f, err := w.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// lock serializes the calls that put one name; it returns the unlock.
func (w *Writer) lock(name string) func() {
	h := fnv.New32a()
	h.Write([]byte(name))
	l := &w.names[h.Sum32()%uint32(len(w.names))]
	l.Lock()
	return l.Unlock
}

// spareHas returns the spare's entry for name, if the spare still holds
// what its manifest says there: not once this build has put name.
func (w *Writer) spareHas(name string) (manifest.Entry, bool) {
	w.mu.Lock()
	_, put := w.entries[name]
	w.mu.Unlock()
	if put {
		return manifest.Entry{}, false
	}
	return lookup(w.had, name)
}

func (w *Writer) mkdir(name string) error {
	dir := path.Dir(name)
	if dir == "." {
		return nil
	}
	if _, ok := w.made.Load(dir); ok {
		return nil
	}
	err := w.root.MkdirAll(dir, 0o755)
	if err != nil {
		// A file of the spare the new output has as a directory (a/b
		// before, a/b/index.html now) is in the way.
		cleared := false
		for d := dir; d != "."; d = path.Dir(d) {
			if _, ok := w.spareHas(d); ok && w.root.Remove(d) == nil {
				cleared = true
			}
		}
		if cleared {
			err = w.root.MkdirAll(dir, 0o755)
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	w.made.Store(dir, true)
	return nil
}

// clearDir removes the directory name from the spare when the new output
// has nothing below it so far (the new output has a file where the spare
// has a directory: the old output's, or one left empty by hand), and
// reports whether it did.
func (w *Writer) clearDir(name string) bool {
	fi, err := w.root.Lstat(name)
	if err != nil || !fi.IsDir() {
		return false
	}
	prefix := name + "/"
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.entries {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	return w.root.RemoveAll(name) == nil
}

func (w *Writer) keep(e manifest.Entry) {
	e.Class = manifest.Classify(e.Path)
	w.record(e)
	w.kept.Add(1)
}

func (w *Writer) record(e manifest.Entry) {
	w.mu.Lock()
	w.entries[e.Path] = e
	w.mu.Unlock()
}

// Stats say what the build did to the tree so far.
func (w *Writer) Stats() Stats {
	return Stats{Written: int(w.written.Load()), Linked: int(w.linked.Load()), Kept: int(w.kept.Load()), Removed: w.removed}
}

// Manifest is the new output's manifest as it stands.
func (w *Writer) Manifest() *manifest.Manifest {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := &manifest.Manifest{Version: 1, Files: make([]manifest.Entry, 0, len(w.entries))}
	for _, e := range w.entries {
		m.Files = append(m.Files, e)
	}
	slices.SortFunc(m.Files, func(a, b manifest.Entry) int { return strings.Compare(a.Path, b.Path) })
	return m
}

// Commit removes the spare's files that the new output does not have,
// writes the manifest, and exchanges the spare with the live tree in one
// step; the old live tree becomes the spare.
func (w *Writer) Commit() error {
	defer w.end()
	if err := w.sweep(); err != nil {
		return err
	}
	if err := manifest.WriteManifest(w.spare, w.Manifest()); err != nil {
		return err
	}
	if _, err := os.Lstat(w.out); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(w.spare, w.out); err != nil {
			return fmt.Errorf("publish output: %w", err)
		}
		return nil
	}
	if err := exchange(w.spare, w.out); err != nil {
		// No atomic exchange here: two renames, and no spare kept.
		old := w.spare + ".old"
		os.RemoveAll(old)
		if err := os.Rename(w.out, old); err != nil {
			return fmt.Errorf("publish output: %w", err)
		}
		if err := os.Rename(w.spare, w.out); err != nil {
			os.Rename(old, w.out)
			return fmt.Errorf("publish output: %w", err)
		}
		return os.RemoveAll(old)
	}
	return nil
}

// Abort ends a build that will not publish: the live tree is as it was;
// the spare, without its manifest, is cleared by the next build.
func (w *Writer) Abort() {
	w.end()
}

func (w *Writer) end() {
	w.root.Close()
	if w.held != nil {
		w.held.Close()
		w.held = nil
	}
}

// link makes a hard link.
var link = os.Link

// exchange swaps the directories a and b in one step.
var exchange = func(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// sweep removes from the spare every file the new output does not have,
// and the directories that leaves empty.
func (w *Writer) sweep() error {
	if w.had == nil {
		return nil
	}
	var gone []string
	for _, e := range w.had.Files {
		if _, ok := w.entries[e.Path]; !ok {
			gone = append(gone, e.Path)
		}
	}
	var g errgroup.Group
	g.SetLimit(8)
	for _, name := range gone {
		g.Go(func() error {
			// ENOTDIR: a directory above it is a file of the new output now.
			if err := w.root.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, unix.ENOTDIR) {
				// Unless it was removed already, for a directory of the
				// new output (see mkdir).
				if fi, serr := w.root.Lstat(name); serr != nil || !fi.IsDir() {
					return fmt.Errorf("remove %s from the spare output tree: %w", name, err)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	w.removed = len(gone)
	dirs := map[string]bool{}
	for _, name := range gone {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	// Deepest first; a directory still holding something stays.
	for _, d := range deepestFirst(dirs) {
		if _, ok := w.entries[d]; !ok { // not a file of the new output
			w.root.Remove(d)
		}
	}
	return nil
}

func deepestFirst(dirs map[string]bool) []string {
	out := make([]string, 0, len(dirs))
	for d := range dirs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := strings.Count(b, "/") - strings.Count(a, "/"); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// checkName refuses names that are not plain relative paths, and the
// manifest's own name.
func checkName(name string) error {
	if !filepath.IsLocal(name) || path.Clean(name) != name || strings.Contains(name, "\\") || name == manifest.Name {
		return fmt.Errorf("refusing to write %q: not a plain relative path", name)
	}
	if strings.HasPrefix(path.Base(name), ".tmp-") {
		return fmt.Errorf("refusing to write %q: a temporary name", name)
	}
	return nil
}

func hashFile(p, name string) (manifest.Entry, error) {
	f, err := os.Open(p)
	if err != nil {
		return manifest.Entry{}, err
	}
	defer f.Close()
	m, sha, n, err := manifest.Hash(f)
	if err != nil {
		return manifest.Entry{}, fmt.Errorf("read %s: %w", p, err)
	}
	return manifest.Entry{Path: name, Size: n, MD5: m, SHA256: sha}, nil
}

// filepathWalk calls f with the slash-separated path, relative to dir, of
// every regular file below dir.
func filepathWalk(dir string, f func(rel string) error) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return f(filepath.ToSlash(rel))
	})
}
