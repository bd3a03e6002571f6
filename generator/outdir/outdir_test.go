package outdir

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"mip/generator/manifest"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// build makes one output generation of out with write, commits it and
// checks that the live tree and the spare match their manifests.
func build(t *testing.T, out string, write func(w *Writer)) Stats {
	t.Helper()
	w, err := Begin(out)
	must(t, err)
	write(w)
	must(t, w.Commit())
	for _, dir := range []string{out, SpareName(out)} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		if _, err := manifest.Verify(dir); err != nil {
			t.Fatalf("%s does not match its manifest: %v", dir, err)
		}
	}
	return w.Stats()
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	return string(b)
}

func TestGenerations(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	st := build(t, out, func(w *Writer) {
		must(t, w.WriteFile("api/same.json", []byte(`{"a":1}`)))
		must(t, w.WriteFile("api/changed.json", []byte(`{"a":1}`)))
		must(t, w.WriteFile("api/gone.json", []byte(`{}`)))
		must(t, w.WriteKeyed("p/x/index.html", "k1", []byte("<p>x</p>")))
		must(t, w.WriteKeyed("p/y/index.html", "k1", []byte("<p>y</p>")))
	})
	if st != (Stats{Written: 5}) {
		t.Errorf("first generation: %+v", st)
	}
	first := map[string]uint64{}
	for _, n := range []string{"api/same.json", "p/x/index.html"} {
		first[n] = inode(t, filepath.Join(out, n))
	}

	// Generation 2: no spare yet; unchanged files are linked from the live
	// tree, which then becomes the spare.
	again := false // generation 3 repeats generation 2: every page is reusable
	gen2 := func(w *Writer) {
		must(t, w.WriteFile("api/same.json", []byte(`{"a":1}`)))
		must(t, w.WriteFile("api/changed.json", []byte(`{"a":2}`)))
		for name, want := range map[string]bool{"p/x/index.html": true, "p/y/index.html": false, "p/new/index.html": false, "../escape.html": false} {
			key := "k1"
			if name == "p/y/index.html" {
				key = "k2"
			}
			ok, err := w.Reuse(name, key)
			must(t, err)
			if ok != (want || again && filepath.IsLocal(name)) {
				t.Errorf("Reuse(%s) = %v, want %v", name, ok, want)
			}
			if !ok && filepath.IsLocal(name) {
				must(t, w.WriteKeyed(name, key, []byte("<p>new</p>")))
			}
		}
	}
	st = build(t, out, gen2)
	if st != (Stats{Written: 3, Linked: 2}) {
		t.Errorf("second generation: %+v", st)
	}
	for n, ino := range first {
		if inode(t, filepath.Join(out, n)) != ino {
			t.Errorf("%s was written again, not linked", n)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "api/gone.json")); !os.IsNotExist(err) {
		t.Errorf("a file the new output lacks is still live: %v", err)
	}
	if read(t, filepath.Join(SpareName(out), "api/gone.json")) != "{}" {
		t.Error("the spare is not the first generation")
	}

	// Generation 3, the same as 2: the spare (generation 1) is updated in
	// place: what it holds is kept, what changed in generation 2 is linked
	// from the live tree, gone.json is removed from it.
	again = true
	st = build(t, out, gen2)
	if st.Written != 0 || st.Kept != 2 || st.Linked != 3 || st.Removed != 1 {
		t.Errorf("third generation: %+v", st)
	}
	if read(t, filepath.Join(out, "p/y/index.html")) != "<p>new</p>" || read(t, filepath.Join(out, "api/changed.json")) != `{"a":2}` {
		t.Error("the third generation is not the second's content")
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, "*", "*", ".tmp-*"))
	more, _ := filepath.Glob(filepath.Join(out, "*", ".tmp-*"))
	if len(leftovers)+len(more) > 0 {
		t.Errorf("temporary files left: %v %v", leftovers, more)
	}
}

// TestKilledBuildSpareNotTrusted: a build that stops while updating the
// spare leaves it without a manifest; the next build clears it and takes
// everything from the live tree.
func TestKilledBuildSpareNotTrusted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	for range 2 {
		build(t, out, func(w *Writer) { must(t, w.WriteKeyed("index.html", "k", []byte("one"))) })
	}
	w, err := Begin(out)
	must(t, err)
	must(t, w.WriteKeyed("index.html", "k2", []byte("half")))
	w.Abort() // as if killed
	if _, err := os.Stat(filepath.Join(SpareName(out), manifest.Name)); !os.IsNotExist(err) {
		t.Fatalf("a spare being updated still has its manifest: %v", err)
	}
	if read(t, filepath.Join(out, "index.html")) != "one" {
		t.Fatal("the live tree changed")
	}
	st := build(t, out, func(w *Writer) {
		if ok, _ := w.Reuse("index.html", "k2"); ok {
			t.Error("reused a page from an untrusted spare")
		}
		ok, err := w.Reuse("index.html", "k")
		must(t, err)
		if !ok {
			t.Error("the live page was not reused")
		}
	})
	if st != (Stats{Linked: 1}) {
		t.Errorf("stats %+v", st)
	}
	if read(t, filepath.Join(out, "index.html")) != "one" {
		t.Error("the page from the killed build was published")
	}
}

func TestRefusedNames(t *testing.T) {
	w, err := Begin(filepath.Join(t.TempDir(), "site"))
	must(t, err)
	defer w.Abort()
	for _, name := range []string{"../x", "/etc/passwd", "a/../../x", "a/.tmp-x", manifest.Name, ""} {
		if err := w.WriteFile(name, []byte("x")); err == nil {
			t.Errorf("WriteFile(%q) accepted", name)
		}
	}
}

// TestWrittenTwiceNeverWritesThroughLive: a name written twice in one
// build, the first time linked from the live tree, must not have its
// second bytes written into the inode it shares with the live tree; and
// the manifest must describe the bytes that were written last.
func TestWrittenTwiceNeverWritesThroughLive(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	build(t, out, func(w *Writer) { must(t, w.WriteFile("x.json", []byte("one"))) })
	w, err := Begin(out)
	must(t, err)
	must(t, w.WriteFile("x.json", []byte("one"))) // linked from the live tree
	must(t, w.WriteFile("x.json", []byte("two")))
	if got := read(t, filepath.Join(out, "x.json")); got != "one" {
		t.Fatalf("the live tree's x.json became %q while the spare was written", got)
	}
	must(t, w.Commit())
	if got := read(t, filepath.Join(out, "x.json")); got != "two" {
		t.Errorf("published x.json is %q, want the last write", got)
	}
	for _, dir := range []string{out, SpareName(out)} {
		if _, err := manifest.Verify(dir); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
	if got := read(t, filepath.Join(SpareName(out), "x.json")); got != "one" {
		t.Errorf("the spare (previous output) holds %q", got)
	}

	// Written, then written again with the bytes the spare already holds:
	// the manifest must say what is on disk.
	w, err = Begin(out)
	must(t, err)
	must(t, w.WriteFile("x.json", []byte("three")))
	must(t, w.WriteFile("x.json", []byte("one")))
	must(t, w.Commit())
	if got := read(t, filepath.Join(out, "x.json")); got != "one" {
		t.Errorf("published x.json is %q, want the last write", got)
	}
	if _, err := manifest.Verify(out); err != nil {
		t.Error(err)
	}
}

// TestFileBecomesDirectory: a path that is a file in the spare and a
// directory in the new output (a/b → a/b/index.html), and the reverse.
func TestFileBecomesDirectory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	gen1 := func(w *Writer) {
		must(t, w.WriteFile("a/b", []byte("file b")))
		must(t, w.WriteFile("c/d/index.html", []byte("dir d")))
		must(t, w.WriteFile("c/d/e/f.json", []byte("deep")))
	}
	gen2 := func(w *Writer) {
		must(t, w.WriteFile("a/b/index.html", []byte("dir b")))
		must(t, w.WriteFile("c/d", []byte("file d")))
	}
	// The spare is, in turn, gen1 while gen2 is written and the reverse.
	for i, g := range []func(*Writer){gen1, gen2, gen2, gen1, gen2, gen1} {
		w, err := Begin(out)
		must(t, err)
		g(w)
		if err := w.Commit(); err != nil {
			t.Fatalf("generation %d: %v", i+1, err)
		}
		for _, dir := range []string{out, SpareName(out)} {
			if _, err := os.Stat(dir); err == nil {
				if _, err := manifest.Verify(dir); err != nil {
					t.Fatalf("generation %d: %v", i+1, err)
				}
			}
		}
	}
	if read(t, filepath.Join(out, "c/d/index.html")) != "dir d" || read(t, filepath.Join(out, "a/b")) != "file b" {
		t.Error("the last generation is not gen1")
	}
}

// TestLiveEditedByHand: the live tree changed by hand (a file added,
// removed, replaced by a directory or a symlink) becomes the spare; what
// the next builds publish must still be exactly their output.
func TestLiveEditedByHand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	files := map[string]string{"a.json": "a", "gone.json": "g", "dir.json": "d", "link.json": "l", "short.json": "long"}
	gen := func(w *Writer) {
		for n, data := range files {
			must(t, w.WriteFile(n, []byte(data)))
		}
	}
	commit := func() {
		t.Helper()
		w, err := Begin(out)
		must(t, err)
		gen(w)
		must(t, w.Commit())
	}
	commit()
	must(t, os.WriteFile(filepath.Join(out, "stray.html"), []byte("not ours"), 0o644))
	must(t, os.MkdirAll(filepath.Join(out, "straydir"), 0o755))
	must(t, os.WriteFile(filepath.Join(out, "straydir", "x.html"), []byte("not ours"), 0o644))
	must(t, os.Remove(filepath.Join(out, "gone.json")))
	must(t, os.Remove(filepath.Join(out, "dir.json")))
	must(t, os.MkdirAll(filepath.Join(out, "dir.json"), 0o755))
	must(t, os.Remove(filepath.Join(out, "link.json")))
	elsewhere := filepath.Join(t.TempDir(), "l")
	must(t, os.WriteFile(elsewhere, []byte("l"), 0o644))
	must(t, os.Symlink(elsewhere, filepath.Join(out, "link.json")))
	commit() // the edited tree becomes the spare
	commit() // and is brought up to date
	if _, err := manifest.Verify(out); err != nil {
		t.Fatalf("the live tree: %v", err)
	}
	for n, data := range files {
		if got := read(t, filepath.Join(out, n)); got != data {
			t.Errorf("%s is %q, want %q", n, got, data)
		}
	}
	commit()
	for _, dir := range []string{out, SpareName(out)} {
		if _, err := manifest.Verify(dir); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
}

// TestOutputPathForms: the output named with a trailing slash, as ".", or
// through a symlink (which must stay one, pointing at the output).
func TestOutputPathForms(t *testing.T) {
	dir := t.TempDir()
	gen := func(out, data string) {
		t.Helper()
		w, err := Begin(out)
		must(t, err)
		must(t, w.WriteFile("index.html", []byte(data)))
		must(t, w.Commit())
	}
	site := filepath.Join(dir, "site")
	gen(site+"/", "1")
	gen(site+"/", "2")
	if read(t, filepath.Join(site, "index.html")) != "2" {
		t.Error("trailing slash: not published")
	}

	for _, data := range []string{"3", "4", "5"} {
		// As a new process would: the exchange makes the old working
		// directory the spare.
		t.Chdir(site)
		gen(".", data)
		if got := read(t, filepath.Join(site, "index.html")); got != data {
			t.Fatalf(`"." : published %q, want %q`, got, data)
		}
	}
	if entries, _ := filepath.Glob(filepath.Join(site, ".*")); len(entries) > 0 {
		t.Errorf(`"." : %v inside the output`, entries)
	}

	real, link := filepath.Join(dir, "real"), filepath.Join(dir, "link")
	must(t, os.MkdirAll(real, 0o755))
	must(t, os.Symlink(real, link))
	for _, data := range []string{"6", "7", "8"} {
		gen(link, data)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the symlink to the output was replaced: %v %v", fi.Mode(), err)
		}
		if got := read(t, filepath.Join(real, "index.html")); got != data {
			t.Fatalf("symlink: published %q, want %q", got, data)
		}
	}
}

// TestBeginWhileBuilding: a second build of the same output while one is
// updating the spare (an overlapping nightly run) must not share the
// spare: it is refused, and the first build publishes its whole output.
func TestBeginWhileBuilding(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	for range 2 {
		build(t, out, func(w *Writer) { must(t, w.WriteFile("a.json", []byte("a"))) })
	}
	w1, err := Begin(out)
	must(t, err)
	must(t, w1.WriteFile("b.json", []byte("b")))
	w2, err := Begin(out)
	if err == nil {
		w2.Abort()
		t.Error("a second Begin while a build is in progress succeeded")
	}
	must(t, w1.WriteFile("a.json", []byte("a")))
	must(t, w1.Commit())
	if _, err := manifest.Verify(out); err != nil {
		t.Error(err)
	}
	// Once the first build has ended, the next may begin.
	build(t, out, func(w *Writer) { must(t, w.WriteFile("a.json", []byte("a"))) })
}

// TestDirectoryEmptiedByHand: a directory of the live tree emptied by hand
// (its files removed, the directory left) must not stop a later output
// from having a file of that name.
func TestDirectoryEmptiedByHand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	build(t, out, func(w *Writer) { must(t, w.WriteFile("a/b", []byte("b"))) })
	must(t, os.Remove(filepath.Join(out, "a/b")))
	w, err := Begin(out)
	must(t, err)
	must(t, w.WriteFile("x", []byte("x")))
	must(t, w.Commit()) // the emptied tree becomes the spare
	build(t, out, func(w *Writer) { must(t, w.WriteFile("a", []byte("now a file"))) })
	if got := read(t, filepath.Join(out, "a")); got != "now a file" {
		t.Errorf("a is %q", got)
	}
}

// TestWithoutExchange: where renameat2(RENAME_EXCHANGE) is not supported
// the output is published with two renames and no spare is kept; a build
// killed between the two leaves the old live tree as .OUT.spare.old, which
// a later build clears.
func TestWithoutExchange(t *testing.T) {
	defer func(e func(string, string) error) { exchange = e }(exchange)
	exchange = func(string, string) error { return syscall.ENOSYS }
	out := filepath.Join(t.TempDir(), "site")
	for _, data := range []string{"1", "2", "3"} {
		build(t, out, func(w *Writer) {
			must(t, w.WriteFile("index.html", []byte(data)))
			must(t, w.WriteFile("same.json", []byte("s")))
		})
		if got := read(t, filepath.Join(out, "index.html")); got != data {
			t.Fatalf("published %q, want %q", got, data)
		}
	}
	// Killed between the renames: the live tree is .site.spare.old.
	must(t, os.Rename(out, SpareName(out)+".old"))
	build(t, out, func(w *Writer) { must(t, w.WriteFile("index.html", []byte("4"))) })
	exchange = func(a, b string) error {
		return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	}
	build(t, out, func(w *Writer) { must(t, w.WriteFile("index.html", []byte("5"))) })
	if _, err := os.Lstat(SpareName(out) + ".old"); !os.IsNotExist(err) {
		t.Errorf("the old live tree of a killed build is left behind: %v", err)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "5" {
		t.Errorf("published %q", got)
	}
}

// TestLinkFileAcrossFileSystems: a stored PDF on another file system than
// the output cannot be hard-linked; it is copied, as before the spare tree.
func TestLinkFileAcrossFileSystems(t *testing.T) {
	defer func(l func(string, string) error) { link = l }(link)
	link = func(string, string) error { return syscall.EXDEV }
	dir := t.TempDir()
	src := filepath.Join(dir, "stored.pdf")
	must(t, os.WriteFile(src, []byte("%PDF-1.7"), 0o644))
	out := filepath.Join(dir, "site")
	for range 3 {
		build(t, out, func(w *Writer) { must(t, w.LinkFile("docs/a.pdf", src)) })
		if got := read(t, filepath.Join(out, "docs/a.pdf")); got != "%PDF-1.7" {
			t.Fatalf("published %q", got)
		}
	}
}

// TestLongName: a name as long as the file system allows can be replaced
// in the spare (its temporary name must not be longer).
func TestLongName(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	name := "p/" + strings.Repeat("x", 250) + ".html"
	for _, data := range []string{"1", "2", "3", "4"} {
		build(t, out, func(w *Writer) { must(t, w.WriteFile(name, []byte(data))) })
		if got := read(t, filepath.Join(out, name)); got != data {
			t.Fatalf("published %q, want %q", got, data)
		}
	}
}

// TestSpareIsSymlink: a symlink where the spare should be (made by hand,
// to another tree with a manifest) is not followed: that tree is not
// written to, and the live output does not become a symlink.
func TestSpareIsSymlink(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other")
	build(t, other, func(w *Writer) { must(t, w.WriteFile("index.html", []byte("other"))) })
	out := filepath.Join(dir, "site")
	build(t, out, func(w *Writer) { must(t, w.WriteFile("index.html", []byte("1"))) })
	must(t, os.Symlink(other, SpareName(out)))
	for _, data := range []string{"2", "3"} {
		w, err := Begin(out)
		must(t, err)
		must(t, w.WriteFile("index.html", []byte(data)))
		must(t, w.WriteFile("new.html", []byte(data)))
		must(t, w.Commit())
		if fi, err := os.Lstat(out); err != nil || !fi.IsDir() {
			t.Fatalf("the output is not a directory: %v %v", fi.Mode(), err)
		}
		if got := read(t, filepath.Join(out, "index.html")); got != data {
			t.Fatalf("published %q, want %q", got, data)
		}
	}
	if got := read(t, filepath.Join(other, "index.html")); got != "other" {
		t.Errorf("the tree the symlink pointed at was written to: %q", got)
	}
	if _, err := os.Stat(filepath.Join(other, "new.html")); err == nil {
		t.Error("the tree the symlink pointed at was written to")
	}
}
