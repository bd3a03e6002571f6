package searchidx

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"mip/searchidx/analysis"
	"mip/searchidx/format"
	"mip/searchidx/query"
)

func TestVariantsTable(t *testing.T) {
	pairs := 0
	for _, line := range bytes.Split([]byte(variantsTSV), []byte("\n")) {
		if len(line) > 0 && line[0] != '#' {
			pairs++
		}
	}
	if pairs < 60 {
		t.Errorf("variants.tsv has %d pairs, want at least 60", pairs)
	}
	term := func(s string) string { return analysis.Analyze(s, analysis.IndexMode)[0].Term }
	for _, p := range [][2]string{
		{"paracetamol", "acetaminophen"}, {"dothiepin", "dosulepin"}, {"frusemide", "furosemide"},
		{"amoxycillin", "amoxicillin"}, {"cephalexin", "cefalexin"}, {"lignocaine", "lidocaine"},
		{"sulphate", "sulfate"}, {"besylate", "besilate"}, {"adrenaline", "epinephrine"},
		{"noradrenaline", "norepinephrine"}, {"salbutamol", "albuterol"}, {"glibenclamide", "glyburide"},
		{"ciclosporin", "cyclosporine"}, // cyclosporine and cyclosporin stem alike
	} {
		a, b := term(p[0]), term(p[1])
		if !slices.Contains(defaultVariants[a], b) || !slices.Contains(defaultVariants[b], a) {
			t.Errorf("variants: %s and %s do not find each other", p[0], p[1])
		}
	}
}

func TestParseVariantsRejects(t *testing.T) {
	for _, bad := range []string{
		"paracetamol\tacetaminophen\n",                // no kind
		"glyceryl trinitrate\tnitroglycerin\tuk-us\n", // two words
		"tablet\ttablets\tspelling\n",                 // same term
		"a1\tb1\tx\nb1\ta1\tx\n",                      // repeated pair (and not words)
		"paracetamol\tacetaminophen\tuk-us\nacetaminophen\tparacetamol\tuk-us\n",
	} {
		if _, err := parseVariants(bad); err == nil {
			t.Errorf("parseVariants(%q) accepted", bad)
		}
	}
}

func buildDir(t testing.TB, docs []Doc, opts Options) (string, Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := Build(docs, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range indexFiles(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

// indexFiles lists the files of an index directory, as slash paths.
func indexFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBuildDeterministic(t *testing.T) {
	docs := syntheticDocs(300, 200, 1)
	opts := Options{ShardBytes: 4 << 10, Workers: 3}
	d1, st := buildDir(t, docs, opts)
	shuffled := slices.Clone(docs)
	slices.Reverse(shuffled)
	d2, _ := buildDir(t, shuffled, Options{ShardBytes: 4 << 10, Workers: 1})
	a, b := readDir(t, d1), readDir(t, d2)
	if len(a) != len(b) || len(a) != st.Files {
		t.Fatalf("%d and %d files, stats say %d", len(a), len(b), st.Files)
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Fatalf("%s differs between builds", name)
		}
	}
	if st.Shards < 5 {
		t.Errorf("%d shards with a 4 KiB target; want several", st.Shards)
	}
}

func TestBuildRejects(t *testing.T) {
	for _, docs := range [][]Doc{
		{{Key: "a", Type: "LEAFLET"}},
		{{Key: "a", Type: "SPC"}, {Key: "a", Type: "PIL"}},
		{{Key: "", Type: "SPC"}},
		{{Key: "a", Type: "SPC", Territory: "FR"}},
	} {
		if _, err := Build(docs, t.TempDir(), Options{}); err == nil {
			t.Errorf("Build(%+v) accepted", docs)
		}
	}
}

// Shards respect the byte target (unless one entry alone is larger), and
// every file the manifest names exists and decodes.
func TestShardLayout(t *testing.T) {
	docs := syntheticDocs(600, 300, 2)
	target := 6 << 10
	dir, st := buildDir(t, docs, Options{ShardBytes: target})
	fsys := os.DirFS(dir)
	ix, err := query.Open(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m := ix.Manifest()
	names := map[string]bool{format.ManifestName: true}
	for i := range m.Shards {
		name := m.ShardName(i)
		names[name] = true
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sh, err := format.DecodeShard(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(b) > target && len(sh.Entries) > 1 {
			t.Errorf("%s: %d bytes for %d entries, target %d", name, len(b), len(sh.Entries), target)
		}
		for _, e := range sh.Entries {
			if m.ShardFor(e.Key) != i {
				t.Fatalf("key %q is in shard %d, manifest says %d", e.Key, i, m.ShardFor(e.Key))
			}
		}
	}
	for f := range m.CardFiles() {
		names[m.CardFileName(f)] = true
	}
	files := indexFiles(t, dir)
	if len(files) != len(names) || len(files) != st.Files {
		t.Errorf("%d files on disk, manifest names %d, stats %d", len(files), len(names), st.Files)
	}
	for _, f := range files {
		if !names[f] {
			t.Errorf("%s is not named by the manifest", f)
		}
	}
}

// An index of no documents is valid and finds nothing.
func TestEmptyIndex(t *testing.T) {
	dir, st := buildDir(t, nil, Options{})
	if st.Docs != 0 || st.Shards != 1 || st.Files != 2 {
		t.Errorf("stats %+v", st)
	}
	ix, err := query.Open(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"paracetamol ", "p", "paracetanol"} {
		res, err := ix.Search(query.Request{Query: q, Types: []string{"SPC"}, Territory: "GB"})
		if err != nil || res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("%q: %+v, %v", q, res, err)
		}
	}
}
