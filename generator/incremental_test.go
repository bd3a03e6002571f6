package generator

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mip/generator/manifest"
	"mip/generator/outdir"
	"mip/generator/sample"
)

// allFiles reads every file below dir.
func allFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestIncrementalBuild: each nightly build on top of the previous outputs
// writes only the files whose bytes changed (the rest are kept in the
// spare tree or linked from the live one), and its output is byte for byte
// the output of the same build rendered from scratch: every page, the
// search index and the manifest. Night 3 updates the spare tree left by
// night 2 in place.
func TestIncrementalBuild(t *testing.T) {
	tmp := t.TempDir()
	exp := filepath.Join(tmp, "export")
	if _, err := sample.Write(exp, sample.Options{Documents: 120, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	now := time.Date(2025, 8, 1, 2, 0, 0, 0, time.UTC)
	cold := build(t, Options{Sentinel: []string{filepath.Join(exp, "sentinel")}, LegacyCSV: filepath.Join(exp, "legacy", "export.csv"),
		PARs: filepath.Join(exp, "pars"), Now: now}, out, state)
	if cold.Output.Kept+cold.Output.Linked != 0 || cold.Output.Written == 0 {
		t.Fatalf("first build: %+v, want every file written", cold.Output)
	}
	for night := 2; night <= 3; night++ {
		dir := filepath.Join(tmp, "night", string(rune('0'+night)))
		if _, err := sample.Write(dir, sample.Options{Documents: 120, Seed: 7, Night: night, Changes: 0.03}); err != nil {
			t.Fatal(err)
		}
		before := allFiles(t, out)
		next := Options{Sentinel: []string{filepath.Join(dir, "sentinel")}, Now: now.AddDate(0, 0, night-1)}

		// The same night built from scratch, on a copy of the state.
		stateCopy, fresh := filepath.Join(tmp, "state-copy", dir), filepath.Join(tmp, "fresh", dir)
		if err := os.CopyFS(stateCopy, os.DirFS(state)); err != nil {
			t.Fatal(err)
		}
		// … without the analysed documents, so that it indexes every one.
		if err := os.Remove(filepath.Join(stateCopy, SegmentFile)); err != nil {
			t.Fatal(err)
		}
		build(t, next, fresh, stateCopy)
		want := allFiles(t, fresh)

		rep := build(t, next, out, state)
		if rep.Revised == 0 {
			t.Fatalf("night %d revised nothing: %+v", night, rep.Changes)
		}
		got := allFiles(t, out)
		for rel, w := range want {
			if g, ok := got[rel]; !ok {
				t.Errorf("night %d: %s missing from the incremental build", night, rel)
			} else if !bytes.Equal(g, w) {
				t.Errorf("night %d: %s: the incremental build differs from a build from scratch", night, rel)
			}
		}
		for rel := range got {
			if _, ok := want[rel]; !ok {
				t.Errorf("night %d: %s only in the incremental build", night, rel)
			}
		}
		changed := 0
		for rel, g := range got {
			if old, ok := before[rel]; !ok || !bytes.Equal(old, g) {
				changed++
			}
		}
		o := rep.Output
		if o.Written > changed || o.Linked+o.Kept < 4*o.Written {
			t.Errorf("night %d: %d files changed, but the build wrote %d (linked %d, kept %d)", night, changed, o.Written, o.Linked, o.Kept)
		}
		if rep.Search.Analysed > rep.Added || rep.Search.Reused < 4*rep.Search.Analysed {
			t.Errorf("night %d: the search index analysed %d documents and reused %d; %d were added", night, rep.Search.Analysed, rep.Search.Reused, rep.Added)
		}
		if night == 3 && o.Kept == 0 {
			t.Errorf("night 3 kept nothing of the spare tree: %+v", o)
		}
		if _, err := manifest.Verify(outdir.SpareName(out)); err != nil {
			t.Errorf("night %d: the spare tree does not match its manifest: %v", night, err)
		}
		t.Logf("night %d: %d files changed; %+v", night, changed, o)
	}
}
