package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/manifest"
	"mip/searchidx/query"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var (
	night1 = Options{
		Sentinel:  []string{"testdata/night1/sentinel"},
		LegacyCSV: "testdata/night1/legacy/export.csv",
		PARs:      "testdata/night1/pars",
		Now:       time.Date(2024, 10, 1, 2, 0, 0, 0, time.UTC),
	}
	night2 = Options{
		Sentinel: []string{"testdata/night2/sentinel"},
		Now:      time.Date(2024, 10, 2, 2, 0, 0, 0, time.UTC),
	}
)

func build(t *testing.T, o Options, out, state string) *Report {
	t.Helper()
	o.Out, o.State = out, state
	rep, err := Build(context.Background(), o)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return rep
}

// tree reads every file below dir except the PDFs, which are checked by
// content address instead, the fingerprinted assets, which generator/pages
// tests, the binary search index, which TestSearchIndex queries, and the
// output manifest, which golden checks with manifest.Verify (it changes
// whenever any page does).
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == manifest.Name || strings.HasPrefix(filepath.ToSlash(rel), "assets/") || strings.HasPrefix(filepath.ToSlash(rel), IndexDir+"/") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".pdf") {
			if got := documents.Address(data) + ".pdf"; got != filepath.Base(p) {
				t.Errorf("%s holds bytes whose address is %s", rel, got)
			}
			return nil
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func golden(t *testing.T, out, name string) {
	t.Helper()
	got := tree(t, out)
	if _, err := manifest.Verify(out); err != nil {
		t.Errorf("the output manifest of %s: %v", name, err)
	}
	dir := filepath.Join("testdata", "golden", name)
	if *update {
		os.RemoveAll(dir)
		for rel, data := range got {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := tree(t, dir)
	for rel, data := range want {
		if g, ok := got[rel]; !ok {
			t.Errorf("%s: missing from the output", rel)
		} else if !bytes.Equal(g, data) {
			t.Errorf("%s differs from testdata/golden/%s (run go test -update and review the diff):\n%s", rel, name, g)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s: in the output but not in testdata/golden/%s", rel, name)
		}
	}
}

func TestGoldenTwoNights(t *testing.T) {
	tmp := t.TempDir()
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	rep := build(t, night1, out, state)
	if len(rep.Findings) != 0 {
		t.Errorf("night 1 findings: %v", rep.Findings)
	}
	if rep.Added != 7 || rep.LiveDocuments != 7 || rep.Products != 6 || rep.Totals.Unreleased != 1 {
		t.Errorf("night 1 report: %+v", rep)
	}
	golden(t, out, "night1")
	rep = build(t, night2, out, state)
	if rep.Added != 1 || rep.Revised != 1 || rep.Withdrawn != 1 {
		t.Errorf("night 2: added %d revised %d withdrawn %d, want 1 1 1", rep.Added, rep.Revised, rep.Withdrawn)
	}
	golden(t, out, "night2")
}

func TestRevisionAndDeletion(t *testing.T) {
	tmp := t.TempDir()
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	build(t, night1, out, state)
	build(t, night2, out, state)
	cat, err := catalogue.Load(state)
	if err != nil {
		t.Fatal(err)
	}
	old := docBySource(t, cat, "CON1001")
	rev := docBySource(t, cat, "CON2001")
	if old.Status != catalogue.Superseded || old.SupersededBy != rev.SHA256 || len(rev.Supersedes) != 1 || rev.Supersedes[0] != old.SHA256 {
		t.Errorf("revision not linked: old %s → %q, new supersedes %v", old.Status, old.SupersededBy, rev.Supersedes)
	}
	gone := docBySource(t, cat, "CON1006")
	if gone.Status != catalogue.Withdrawn || gone.SupersededBy != "" {
		t.Errorf("deleted document: status %s superseded by %q", gone.Status, gone.SupersededBy)
	}
	// Every version stays reachable at its address.
	for _, d := range []*catalogue.Document{old, rev, gone} {
		if _, err := os.Stat(filepath.Join(out, "docs", d.SHA256+".pdf")); err != nil {
			t.Errorf("version %s not published: %v", d.SHA256, err)
		}
	}
	// The withdrawn product is marked, not dropped.
	data, err := os.ReadFile(filepath.Join(out, "api/v1/products/echinacea-tincture-thr222220003.json"))
	var product struct{ Status string }
	if err != nil || json.Unmarshal(data, &product) != nil || product.Status != catalogue.Withdrawn {
		t.Errorf("withdrawn product: %s %v", data, err)
	}
}

func docBySource(t *testing.T, c *catalogue.Catalogue, id string) *catalogue.Document {
	t.Helper()
	for _, d := range c.Documents {
		for _, s := range d.Sources {
			if s.ID == id {
				return d
			}
		}
	}
	t.Fatalf("no document from record %s", id)
	return nil
}

func TestRerunIsNoOp(t *testing.T) {
	tmp := t.TempDir()
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	build(t, night1, out, state)
	build(t, night2, out, state)
	before := tree(t, out)
	stateBefore, _ := os.ReadFile(filepath.Join(state, catalogue.FileName))
	for _, o := range []Options{night1, night2} {
		o.Now = o.Now.Add(48 * time.Hour)
		rep := build(t, o, out, state)
		if rep.Added+rep.Revised+rep.Withdrawn+rep.Restored != 0 {
			t.Errorf("rerun changed the catalogue: %+v", rep.Changes)
		}
	}
	after := tree(t, out)
	if len(after) != len(before) {
		t.Errorf("rerun output has %d files, before %d", len(after), len(before))
	}
	for rel, data := range before {
		if rel == "api/v1/build.json" || rel == "api/v1/changes.json" {
			continue // these say when the build ran and what it changed
		}
		if !bytes.Equal(after[rel], data) {
			t.Errorf("rerun changed %s", rel)
		}
	}
	cat, _ := catalogue.Load(state)
	var stateNow catalogue.Catalogue = *cat
	stateNow.Generation -= 2 // the generation counts builds; nothing else may move
	data, _ := stateNow.Marshal()
	if !bytes.Equal(data, stateBefore) {
		t.Error("rerun changed the catalogue in the state directory beyond the build count")
	}
}

func TestIdenticalBytesOneFile(t *testing.T) {
	tmp := t.TempDir()
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	build(t, night1, out, state)
	cat, _ := catalogue.Load(state)
	d := docBySource(t, cat, "CON1002")
	if len(d.Sources) != 2 || d.Sources[1].ID != "CON1005" {
		t.Fatalf("CON1002 and CON1005 share bytes; sources = %+v", d.Sources)
	}
	if len(d.Products) != 2 {
		t.Errorf("shared file lists products %v, want both", d.Products)
	}
}

func TestStrictPublishesNothing(t *testing.T) {
	tmp := t.TempDir()
	exp := filepath.Join(tmp, "exp")
	os.MkdirAll(exp, 0o755)
	os.WriteFile(filepath.Join(exp, "a.xml"), []byte(`<document><id>C1</id><type>SMPC</type><products><product>A</product></products><file_path>/a.pdf</file_path></document>`), 0o644)
	o := Options{Sentinel: []string{exp}, Strict: true, Out: filepath.Join(tmp, "site"), State: filepath.Join(tmp, "state")}
	rep, err := Build(context.Background(), o)
	if err != ErrFindings {
		t.Fatalf("err = %v, want ErrFindings", err)
	}
	if rep.Published || len(rep.Findings) != 1 {
		t.Errorf("report: published %v findings %v", rep.Published, rep.Findings)
	}
	if _, err := os.Stat(o.Out); !os.IsNotExist(err) {
		t.Errorf("strict build with findings wrote output: %v", err)
	}
	if _, err := os.Stat(filepath.Join(o.State, "build-report.json")); err != nil {
		t.Errorf("no build report: %v", err)
	}
}

func TestFailedBuildKeepsPreviousOutput(t *testing.T) {
	tmp := t.TempDir()
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	build(t, night1, out, state)
	before := tree(t, out)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := night2
	o.Out, o.State = out, state
	if _, err := Build(ctx, o); err == nil {
		t.Fatal("a cancelled build succeeded")
	}
	after := tree(t, out)
	if len(after) != len(before) {
		t.Errorf("a failed build changed the output: %d files, before %d", len(after), len(before))
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".new-") {
			t.Errorf("left a half-written directory %s", e.Name())
		}
	}
}

func TestSearchIndex(t *testing.T) {
	tmp := t.TempDir()
	out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
	build(t, night1, out, state)
	build(t, night2, out, state)
	ix, err := query.Open(os.DirFS(filepath.Join(out, IndexDir)))
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := catalogue.Load(state)
	rev := docBySource(t, cat, "CON2001").SHA256
	tests := []struct {
		q, section string
		first      string // card URL of the first hit
		total      int
		corrected  string
	}{
		{q: "paracetamol 500mg tablets", first: "/documents/" + rev + "/"},
		{q: "PL 12345/0010", first: "/documents/" + rev + "/"},
		{q: "paracetanol", corrected: "paracetamol"},
		{q: "echinacea", total: 0}, // withdrawn: not searchable
		{q: "headache", section: "indications", first: "/documents/" + rev + "/", total: 1},
	}
	for _, tt := range tests {
		res, err := ix.Search(query.Request{Query: tt.q, Section: tt.section})
		if err != nil {
			t.Errorf("%q: %v", tt.q, err)
			continue
		}
		if tt.first != "" && (len(res.Hits) == 0 || res.Hits[0].Card.URL != tt.first) {
			t.Errorf("%q: first hit %v, want %s", tt.q, res.Hits, tt.first)
		}
		if tt.corrected != "" && !strings.Contains(res.Corrected, tt.corrected) {
			t.Errorf("%q: corrected to %q, want %q", tt.q, res.Corrected, tt.corrected)
		}
		if (tt.total > 0 || tt.q == "echinacea") && res.Total != tt.total {
			t.Errorf("%q: %d results, want %d", tt.q, res.Total, tt.total)
		}
	}
}
