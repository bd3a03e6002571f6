package reuse

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"mip/generator/manifest"
)

// output writes files into a new output directory through a Writer over
// prev, then its manifest from the Writer's entries, as a build does.
func output(t *testing.T, dir string, prev *Previous, write func(w *Writer)) *Writer {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	w := NewWriter(root, dir, prev)
	write(w)
	if err := manifest.Write(dir, prev.Manifest(), w.Entries()); err != nil {
		t.Fatal(err)
	}
	if _, err := manifest.Verify(dir); err != nil {
		t.Fatalf("the manifest does not describe %s: %v", dir, err)
	}
	return w
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCarryOver(t *testing.T) {
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	output(t, a, Open(a), func(w *Writer) {
		must(t, w.WriteFile("api/v1/same.json", []byte(`{"a":1}`)))
		must(t, w.WriteFile("api/v1/changed.json", []byte(`{"a":1}`)))
		must(t, w.WriteKeyed("products/x/index.html", "k1", []byte("<p>x</p>")))
		must(t, w.WriteKeyed("products/y/index.html", "k1", []byte("<p>y</p>")))
		must(t, w.WriteKeyed("products/z/index.html", "k1", []byte("<p>z</p>")))
	})
	// Someone truncates z in the live output: its manifest entry no longer
	// vouches for it.
	must(t, os.WriteFile(filepath.Join(a, "products/z/index.html"), []byte("<p>"), 0o644))

	w := output(t, b, Open(a), func(w *Writer) {
		must(t, w.WriteFile("api/v1/same.json", []byte(`{"a":1}`)))
		must(t, w.WriteFile("api/v1/changed.json", []byte(`{"a":2}`)))
		for name, want := range map[string]bool{
			"products/x/index.html": true,  // same key
			"products/y/index.html": false, // another key
			"products/z/index.html": false, // the file is not what the manifest says
			"products/w/index.html": false, // not in the previous output
			"../escape.html":        false,
		} {
			key := "k1"
			if name == "products/y/index.html" {
				key = "k2"
			}
			ok, err := w.Reuse(name, key)
			must(t, err)
			if ok != want {
				t.Errorf("Reuse(%s) = %v, want %v", name, ok, want)
			}
			if !ok && filepath.IsLocal(name) {
				must(t, w.WriteKeyed(name, key, []byte("<p>new</p>")))
			}
		}
		if ok, _ := w.Reuse("api/v1/same.json", ""); ok {
			t.Error("a file with no key was reused by key")
		}
	})
	for name, same := range map[string]bool{
		"api/v1/same.json": true, "api/v1/changed.json": false,
		"products/x/index.html": true, "products/y/index.html": false, "products/z/index.html": false,
	} {
		if got := inode(t, filepath.Join(a, name)) == inode(t, filepath.Join(b, name)); got != same {
			t.Errorf("%s carried over = %v, want %v", name, got, same)
		}
	}
	if st := w.Stats(); st.Linked != 2 || st.Written != 4 {
		t.Errorf("stats %+v, want 2 linked, 4 written", st)
	}
	m, err := manifest.Read(b)
	must(t, err)
	if e, _ := m.Lookup("products/x/index.html"); e.Key != "k1" {
		t.Errorf("carried page's entry %+v lost its key", e)
	}
	if e, _ := m.Lookup("products/y/index.html"); e.Key != "k2" {
		t.Errorf("rewritten page's entry %+v, want key k2", e)
	}
}

// TestNoManifestNoReuse: an output without a readable manifest lends
// nothing.
func TestNoManifestNoReuse(t *testing.T) {
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	output(t, a, nil, func(w *Writer) { must(t, w.WriteKeyed("index.html", "k", []byte("x"))) })
	must(t, os.WriteFile(filepath.Join(a, manifest.Name), []byte("{not json"), 0o644))
	output(t, b, Open(a), func(w *Writer) {
		if ok, _ := w.Reuse("index.html", "k"); ok {
			t.Error("reused a file no manifest vouches for")
		}
		must(t, w.WriteFile("index.html", []byte("x")))
		if st := w.Stats(); st.Linked != 0 || st.Written != 1 {
			t.Errorf("stats %+v", st)
		}
	})
}
