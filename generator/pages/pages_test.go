package pages

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"mip/generator/catalogue"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// memWriter keeps written files in memory.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memWriter) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	if _, dup := m.files[name]; dup {
		return &os.PathError{Op: "write", Path: name, Err: os.ErrExist}
	}
	m.files[name] = bytes.Clone(data)
	return nil
}

// sampleCatalogue is the state after the generator's two sample nights
// (generator/testdata/night1 and night2, built at 02:00 UTC on 1 and 2
// October 2024): six products, one revision, one withdrawal.
func sampleCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	c, err := catalogue.Load("testdata/state")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var built = time.Date(2024, 10, 2, 2, 0, 0, 0, time.UTC)

// sampleSections stands in for the text extractor for one document.
func sampleSections(d *catalogue.Document) ([]Section, error) {
	if !strings.HasPrefix(d.SHA256, "1c823ee1") {
		return nil, nil
	}
	return []Section{
		{ID: "section-1", Number: "1", Heading: "NAME OF THE MEDICINAL PRODUCT", Text: "Paracetamol 500 mg tablets"},
		{ID: "section-4-3", Number: "4.3", Heading: "Contraindications", Text: "Hypersensitivity to the active substance.\n\nSevere hepatic impairment <b>not bold</b>."},
	}, nil
}

func sampleOptions(minify bool) Options {
	return Options{Minify: minify, BaseURL: "https://medicines.example.org", Built: built, Generation: 2,
		Changes:  catalogue.Changes{Added: []string{"1c823ee17618ea5bd11c1c3b1d6e2756f866ec504d66e4f874da77d638cb7eaf"}},
		Sections: sampleSections, Workers: 2}
}

func writeSite(t testing.TB, c *catalogue.Catalogue, o Options) map[string][]byte {
	t.Helper()
	var w memWriter
	if err := Write(&w, c, c.View(), o); err != nil {
		t.Fatal(err)
	}
	return w.files
}

// TestGolden compares the un-minified site of the sample catalogue with
// testdata/golden. Fingerprinted assets are checked by their names instead.
func TestGolden(t *testing.T) {
	files := writeSite(t, sampleCatalogue(t), sampleOptions(false))
	dir := filepath.Join("testdata", "golden")
	got := map[string][]byte{}
	for name, data := range files {
		if strings.HasPrefix(name, "assets/") {
			continue
		}
		got[name] = data
	}
	if *update {
		os.RemoveAll(dir)
		for name, data := range got {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		want[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: not written", name)
		} else if !bytes.Equal(g, data) {
			t.Errorf("%s differs from testdata/golden (run go test -update and review the diff):\n%s", name, g)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: written but not in testdata/golden", name)
		}
	}
}

// TestDeterministic: two builds of the same catalogue differ only in
// build.json and changes.json, which carry the build's time.
func TestDeterministic(t *testing.T) {
	c := sampleCatalogue(t)
	a := writeSite(t, c, sampleOptions(true))
	o := sampleOptions(true)
	o.Built = o.Built.Add(24 * time.Hour)
	o.Workers = 1
	b := writeSite(t, c, o)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	var differ []string
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			differ = append(differ, name)
		}
	}
	sort.Strings(differ)
	if strings.Join(differ, " ") != "api/v1/build.json api/v1/changes.json" {
		t.Errorf("files that differ between builds: %v", differ)
	}
}

// TestAssetsFingerprinted: every asset is named by its content's hash, and
// every page refers to assets only by those names, with their SRI hash.
func TestAssetsFingerprinted(t *testing.T) {
	files := writeSite(t, sampleCatalogue(t), sampleOptions(true))
	var assetNames []string
	for name := range files {
		if strings.HasPrefix(name, "assets/") {
			assetNames = append(assetNames, name)
		}
	}
	if len(assetNames) < 8 {
		t.Fatalf("only %d assets: %v", len(assetNames), assetNames)
	}
	for _, name := range assetNames {
		set, _ := loadAssets(newMinifier(true))
		found := false
		for _, a := range set.order {
			if a.URL == "/"+name {
				found = true
				if !bytes.Equal(a.data, files[name]) {
					t.Errorf("%s: published bytes differ from the fingerprinted ones", name)
				}
			}
		}
		if !found {
			t.Errorf("%s: not a fingerprinted asset", name)
		}
	}
	home := string(files["index.html"])
	for _, want := range []string{`rel="stylesheet" href="/assets/govuk-frontend.`, `integrity="sha256-`, `media="print"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	for _, js := range []string{"site", "govuk-frontend"} {
		for name, data := range files {
			if strings.HasPrefix(name, "assets/"+js+".") && strings.HasSuffix(name, ".js") && strings.Contains(string(data), `"/assets/govuk-frontend.min.js"`) {
				t.Errorf("%s still imports the unfingerprinted name", name)
			}
		}
	}
	css := ""
	for name, data := range files {
		if strings.HasPrefix(name, "assets/govuk-frontend.") && strings.HasSuffix(name, ".css") {
			css = string(data)
		}
	}
	if strings.Contains(css, "/assets/fonts/bold-b542beb274-v2.woff2") || !strings.Contains(css, "/assets/fonts/bold-b542beb274-v2.") {
		t.Error("the stylesheet does not name the fingerprinted fonts")
	}
}

func TestJSONIsValid(t *testing.T) {
	files := writeSite(t, sampleCatalogue(t), sampleOptions(true))
	n := 0
	for name, data := range files {
		if strings.HasSuffix(name, ".json") {
			n++
			if !json.Valid(data) {
				t.Errorf("%s: not valid JSON", name)
			}
		}
	}
	var b BuildJSON
	if err := json.Unmarshal(files["api/v1/build.json"], &b); err != nil {
		t.Fatal(err)
	}
	if b.Products != 6 || b.Documents != 8 || b.LiveDocuments != 6 || !b.Time.Equal(built) || b.BuildID != "2-20241002T020000Z" || b.Added != 1 {
		t.Errorf("build.json: %+v", b)
	}
	var ch ChangesJSON
	if err := json.Unmarshal(files["api/v1/changes.json"], &ch); err != nil {
		t.Fatal(err)
	}
	if len(ch.Added) != 1 || ch.Added[0].Type == "" || len(ch.Added[0].Products) == 0 {
		t.Errorf("changes.json: %+v", ch)
	}
}
