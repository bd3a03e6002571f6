package generator

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"mip/generator/sample"
)

// allFiles reads every file below dir, byte for byte, with its inode.
func allFiles(t *testing.T, dir string) (data map[string][]byte, inode map[string]uint64) {
	t.Helper()
	data, inode = map[string][]byte{}, map[string]uint64{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		data[filepath.ToSlash(rel)] = b
		inode[filepath.ToSlash(rel)] = fi.Sys().(*syscall.Stat_t).Ino
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return data, inode
}

// TestIncrementalBuild: a nightly build on top of the previous output
// carries the unchanged files over (the same inodes) and writes only what
// the night changed, and its output is byte for byte the output of the
// same build rendered from scratch: every page, the search index and the
// manifest.
func TestIncrementalBuild(t *testing.T) {
	tmp := t.TempDir()
	exp := filepath.Join(tmp, "export")
	if _, err := sample.Write(exp, sample.Options{Documents: 120, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	night2 := filepath.Join(tmp, "night2")
	if _, err := sample.Write(night2, sample.Options{Documents: 120, Seed: 7, Night: 2, Changes: 0.03}); err != nil {
		t.Fatal(err)
	}
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	first := Options{Sentinel: []string{filepath.Join(exp, "sentinel")}, LegacyCSV: filepath.Join(exp, "legacy", "export.csv"),
		PARs: filepath.Join(exp, "pars"), Now: time.Date(2025, 8, 1, 2, 0, 0, 0, time.UTC)}
	cold := build(t, first, out, state)
	if cold.Output.Linked != 0 || cold.Output.Written == 0 {
		t.Fatalf("first build: %+v, want everything written", cold.Output)
	}
	before, beforeIno := allFiles(t, out)

	// The same night built from scratch, on a copy of the state.
	stateCopy, fresh := filepath.Join(tmp, "state-copy"), filepath.Join(tmp, "fresh")
	if err := os.CopyFS(stateCopy, os.DirFS(state)); err != nil {
		t.Fatal(err)
	}
	next := Options{Sentinel: []string{filepath.Join(night2, "sentinel")}, Now: first.Now.Add(24 * time.Hour)}
	build(t, next, fresh, stateCopy)
	want, _ := allFiles(t, fresh)

	rep := build(t, next, out, state)
	if rep.Revised == 0 {
		t.Fatalf("night 2 revised nothing: %+v", rep.Changes)
	}
	got, gotIno := allFiles(t, out)
	for rel, w := range want {
		if g, ok := got[rel]; !ok {
			t.Errorf("%s: missing from the incremental build", rel)
		} else if !bytes.Equal(g, w) {
			t.Errorf("%s: the incremental build differs from a build from scratch", rel)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s: only in the incremental build", rel)
		}
	}
	carried, changed := 0, 0
	for rel, g := range got {
		old, ok := before[rel]
		switch {
		case ok && gotIno[rel] == beforeIno[rel]:
			carried++
		case ok && bytes.Equal(old, g) && filepath.Ext(rel) != ".pdf":
			t.Errorf("%s: unchanged but written again", rel)
		default:
			changed++
		}
	}
	if carried < 3*changed {
		t.Errorf("carried over %d files, wrote %d: a night that changes 3%% should carry over most", carried, changed)
	}
	if rep.Output.Linked == 0 || rep.Output.Written >= rep.Output.Linked {
		t.Errorf("report: %+v", rep.Output)
	}
	t.Logf("night 2: %d files carried over, %d written (report %+v)", carried, changed, rep.Output)
}
