package searchidx

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mip/searchidx/query"
)

// The conformance suite shared with the browser client: a fixed corpus's
// index in testdata/conformance/idx and, in queries.json, what the Go engine
// answers to each query. TestConformance checks the Go engine against it;
// node --test assets/search/ checks the JavaScript client against the same
// files. go test ./searchidx -run Conformance -update rewrites both.
var update = flag.Bool("update", false, "rewrite testdata/conformance from the Go engine")

const conformanceDir = "testdata/conformance"

// confOpts build the conformance index; confDirOpts the same index with
// its shards listed in directory files (idx-dirs holds its manifest and
// directories, the rest being idx's files).
var (
	confOpts    = Options{ShardBytes: 3 << 10, CardsPerFile: 8, FilesPerPack: 4, ShardsPerPack: 4, SplitBytes: 400, ChunkBytes: 300, ChunkSpan: 50}
	confDirOpts = Options{ShardBytes: 3 << 10, CardsPerFile: 8, FilesPerPack: 4, ShardsPerPack: 4, SplitBytes: 400, ChunkBytes: 300, ChunkSpan: 50, ManifestBytes: 1, ShardsPerDir: 8}
)

// overlayFS reads a file from top, or from base when top has none.
type overlayFS struct{ top, base fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return o.base.Open(name)
	}
	return f, err
}

func dirsFS() fs.FS {
	return overlayFS{os.DirFS(filepath.Join(conformanceDir, "idx-dirs")), os.DirFS(filepath.Join(conformanceDir, "idx"))}
}

// writeDirsFixture builds the directory form of the conformance index and
// keeps in idx-dirs the files that differ from idx's: the manifest and the
// directories.
func writeDirsFixture(t *testing.T) {
	tmp := t.TempDir()
	st, err := Build(conformanceDocs(), tmp, confDirOpts)
	if err != nil {
		t.Fatal(err)
	}
	if st.Dirs < 3 {
		t.Fatalf("%d directories", st.Dirs)
	}
	out := filepath.Join(conformanceDir, "idx-dirs")
	os.RemoveAll(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range indexFiles(t, tmp) {
		b, _ := os.ReadFile(filepath.Join(tmp, filepath.FromSlash(name)))
		if name == "manifest.bin" || strings.HasPrefix(name, "f/d-") {
			dst := filepath.Join(out, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if old, err := os.ReadFile(filepath.Join(conformanceDir, "idx", filepath.FromSlash(name))); err != nil || !bytes.Equal(old, b) {
			t.Fatalf("%s: the directory form changes a shard or card file", name)
		}
	}
}

// The directory form of the index answers every conformance request as
// the one-level form does, reading one directory more.
func TestConformanceDirs(t *testing.T) {
	if *update {
		t.Skip("the fixtures are being rewritten")
	}
	one, err := query.Open(os.DirFS(filepath.Join(conformanceDir, "idx")))
	if err != nil {
		t.Fatal(err)
	}
	two, err := query.Open(dirsFS())
	if err != nil {
		t.Fatal(err)
	}
	if two.Manifest().ShardsPerDir == 0 || len(two.Manifest().Dirs) < 3 {
		t.Fatalf("idx-dirs has no directories (go test ./searchidx -run Conformance -update)")
	}
	for _, r := range confRequests(conformanceDocs()) {
		a, _ := json.Marshal(runConformance(one, r))
		b, _ := json.Marshal(runConformance(two, r))
		if !bytes.Equal(a, b) {
			t.Fatalf("%+v:\n one level %s\n directory %s", r, a, b)
		}
	}
	dirs := 0
	for _, f := range two.Fetches() {
		if f.What == "directory" {
			dirs++
		}
	}
	if dirs == 0 {
		t.Error("no directory was read")
	}
	// Cold: a rare word reads the manifest, one directory, one shard.
	cold, _ := query.Open(dirsFS())
	if _, err := cold.Search(query.Request{Query: "zqvcapsules "}); err != nil {
		t.Fatal(err)
	}
	var what []string
	for _, f := range cold.Fetches() {
		what = append(what, f.What)
	}
	if len(what) < 3 || what[0] != "manifest" || what[1] != "directory" || what[2] != "terms" {
		t.Errorf("cold query read %v", what)
	}
}

func conformanceDocs() []Doc {
	docs := handDocs()
	docs = append(docs,
		Doc{Key: "xss-pil", Type: "PIL", Territory: "GB", Products: []string{"<img src=x onerror=alert(1)> 10MG CAPSULES"},
			Substances: []string{"<b>BOLDAMINE</b>"}, Licences: []string{"PLGB 44444/0001"},
			Card: Card{Product: "<img src=x onerror=alert(1)> 10MG CAPSULES", URL: "/d/xss-pil", Substances: []string{"<b>BOLDAMINE</b>"},
				Snippet: "<script>alert(2)</script> & more"},
			Body: "Boldamine capsules for <script> testing."},
		Doc{Key: "creme-spc", Type: "SPC", Territory: "UK", Products: []string{"CRÈME ÅNGSTRÖM 100µg/G CREAM"},
			Substances: []string{"ÉTHYL ÅNGSTRÖMATE"}, Licences: []string{"PL 55555/0007"},
			Card:     Card{Product: "CRÈME ÅNGSTRÖM 100µg/G CREAM", URL: "/d/creme-spc", Substances: []string{"ÉTHYL ÅNGSTRÖMATE"}},
			Sections: []Section{{ID: "spc-4.1", Heading: "4.1 Therapeutic indications", Text: "Für die Behandlung von Ekzemen; Straße café naïve φάρμακο."}}},
	)
	for _, d := range syntheticDocs(400, 150, 11) {
		switch d.Substances[0] {
		case "PARACETAMOL", "IBUPROFEN", "FUROSEMIDE", "DOSULEPIN", "AMLODIPINE":
		default:
			docs = append(docs, d)
		}
	}
	return docs
}

type confRequest struct {
	Query           string   `json:"query"`
	Types           []string `json:"types,omitempty"`
	Territory       string   `json:"territory,omitempty"`
	Substance       string   `json:"substance,omitempty"`
	Section         string   `json:"section,omitempty"`
	Page            int      `json:"page,omitempty"`
	SubstanceCounts bool     `json:"substanceCounts,omitempty"`
	NoCorrect       bool     `json:"noCorrect,omitempty"`
}

type confHit struct {
	Doc     uint32 `json:"doc"`
	Score   int    `json:"score"`
	Section string `json:"section"`
	URL     string `json:"url"`
	Product string `json:"product"`
}

type confResult struct {
	Error       string             `json:"error,omitempty"`
	Total       int                `json:"total"`
	Hits        []confHit          `json:"hits"`
	Corrected   string             `json:"corrected"`
	Corrections []query.Correction `json:"corrections"`
	Fallback    bool               `json:"fallback"`
	Completions []string           `json:"completions"`
	Types       map[string]int     `json:"types"`
	Territories map[string]int     `json:"territories"`
	Substances  map[string]int     `json:"substances,omitempty"`
}

type confCase struct {
	Request confRequest `json:"request"`
	Want    confResult  `json:"want"`
}

func confRequests(docs []Doc) []confRequest {
	var reqs []confRequest
	for _, q := range []string{
		"paracetamol", "paracetamol tablets ", "paracetamol 500mg tablets", "paracetamol tablets", "tablet ", "tablets ",
		"paracetanol", "baracetamol", "paracitamal ", "ibuprofen", "ibuprofen 200mg tablets ", "dothiepin", "dosulepin",
		"frusemide", "furosemide", "amlodipine besilate", "amlodipine besylate", "PL 12345/0001", "pl123450001",
		"12345/0001", "PL 12345/00", "plgb 2222", "PLGB 22222/0041", "thr 33333/0001 ", "p", "pa", "par", "z", "zqv",
		"zqvcapsules ", "zqvcapsule ", "valerian sleep", "pain fever", "rash", "rash hepatotoxicity", "mild zzzzqqq ",
		"<img src=x onerror=alert(1)>", "boldamine", "<script>", "crème", "CREME angstrom", "ångström ", "100µg",
		"100 mcg ", "straße", "strasse ", "φάρμακο", "φαρμακο ", "cafe naive", "500 mg ", "co-codamol", "the ",
		"the", "and of", "paracetamol paracetamol", "  ", "", "!!!", "a b c d e f g h", strings.Repeat("ångström ", 40),
		strings.Repeat("é", 200), "testdrug", "aaa testdrug", "bbb testdrug ", "4.1", "pl", "pl3",
	} {
		reqs = append(reqs, confRequest{Query: q})
	}
	// The synthetic documents' words: product names, typos and prefixes of
	// them, as the filler spells them.
	for i, d := range docs[len(handDocs())+2:] {
		if i%23 != 0 {
			continue
		}
		name := strings.ToLower(d.Products[0])
		w := strings.Fields(name)[0]
		reqs = append(reqs, confRequest{Query: name}, confRequest{Query: w + " "})
		if r := []rune(w); len(r) >= 5 {
			r[2], r[3] = r[3], r[2]
			reqs = append(reqs, confRequest{Query: string(r) + " "})
			reqs = append(reqs, confRequest{Query: string(r[:len(r)-1]) + "q"})
			reqs = append(reqs, confRequest{Query: string(r[:3])})
		}
		if len(d.Substances) > 0 {
			reqs = append(reqs, confRequest{Query: strings.ToLower(d.Substances[0]), SubstanceCounts: true})
		}
	}
	reqs = append(reqs,
		confRequest{Query: "tablets", Types: []string{"PIL"}},
		confRequest{Query: "tablets", Types: []string{"SPC", "PAR"}, Page: 1},
		confRequest{Query: "tablets", Page: 1},
		confRequest{Query: "tablets", Page: 3},
		confRequest{Query: "tablets", Page: 1000},
		confRequest{Query: "tablets", Territory: "GB"},
		confRequest{Query: "tablets", Territory: "NI"},
		confRequest{Query: "tablets", Territory: "UK", Types: []string{"PIL"}},
		confRequest{Query: "tablet", Substance: "paracetamol", SubstanceCounts: true},
		confRequest{Query: "tablet", Substance: " Amlodipine Besylate ", Territory: "NI"},
		confRequest{Query: "tablet", Substance: "no such thing"},
		confRequest{Query: "paracetamol", SubstanceCounts: true},
		confRequest{Query: "tablets ", SubstanceCounts: true, Page: 2},
		confRequest{Query: "pain", Section: "indications"},
		confRequest{Query: "pain", Section: "spc-4.1"},
		confRequest{Query: "rash", Section: "side-effects"},
		confRequest{Query: "rash", Section: "SPC-4.8"},
		confRequest{Query: "paracetamol", Section: "interactions"},
		confRequest{Query: "paracetamol rash", Section: "side-effects"},
		confRequest{Query: "the pain", Section: "indications"},
		confRequest{Query: "pain", Section: "nowhere"},
		confRequest{Query: "", Section: "nowhere"},
		confRequest{Query: "paracetanol", NoCorrect: true},
		confRequest{Query: "paracetanol tablets", NoCorrect: true},
		confRequest{Query: "ekzemen", Section: "indications", Types: []string{"SPC"}},
	)
	return reqs
}

func runConformance(ix *query.Index, r confRequest) confResult {
	res, err := ix.Search(query.Request{Query: r.Query, Types: r.Types, Territory: r.Territory, Substance: r.Substance,
		Section: r.Section, Page: r.Page, SubstanceCounts: r.SubstanceCounts, NoCorrect: r.NoCorrect})
	if err != nil {
		return confResult{Error: err.Error()}
	}
	out := confResult{Total: res.Total, Hits: []confHit{}, Corrected: res.Corrected, Corrections: res.Corrections,
		Fallback: res.Fallback, Completions: res.Completions, Types: res.Facets.Types, Territories: res.Facets.Territories,
		Substances: res.Facets.Substances}
	if out.Corrections == nil {
		out.Corrections = []query.Correction{}
	}
	if out.Completions == nil {
		out.Completions = []string{}
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, confHit{h.Doc, h.Score, h.Section, h.Card.URL, h.Card.Product})
	}
	return out
}

func TestConformance(t *testing.T) {
	idx := filepath.Join(conformanceDir, "idx")
	docs := conformanceDocs()
	if *update {
		os.RemoveAll(idx)
		if _, err := Build(docs, idx, confOpts); err != nil {
			t.Fatal(err)
		}
	}
	if *update {
		writeDirsFixture(t)
	}
	ix, err := query.Open(os.DirFS(idx))
	if err != nil {
		t.Fatal(err)
	}
	var cases []confCase
	for _, r := range confRequests(docs) {
		cases = append(cases, confCase{r, runConformance(ix, r)})
	}
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, c := range cases {
		j, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		if i < len(cases)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	path := filepath.Join(conformanceDir, "queries.json")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, b.Bytes()) {
		got := strings.Split(b.String(), "\n")
		for i, w := range strings.Split(string(want), "\n") {
			if i >= len(got) || got[i] != w {
				t.Fatalf("the Go engine no longer gives %s line %d:\n want %s\n  got %s\n(go test ./searchidx -run Conformance -update rewrites it; then node --test assets/search/ must pass)", path, i+1, w, fmt.Sprint(got[min(i, len(got)-1)]))
			}
		}
		t.Fatalf("%s: the Go engine gives more cases", path)
	}
}

// The committed index is what Build writes for the corpus today: a change
// to the builder shows here, and -update rewrites the suite.
func TestConformanceIndexCurrent(t *testing.T) {
	for _, c := range []struct {
		dir  string
		opts Options
		all  bool // the fixture holds every file, not only those differing from idx
	}{{"idx", confOpts, true}, {"idx-dirs", confDirOpts, false}} {
		dir := t.TempDir()
		if _, err := Build(conformanceDocs(), dir, c.opts); err != nil {
			t.Fatal(err)
		}
		names := indexFiles(t, dir)
		committed := indexFiles(t, filepath.Join(conformanceDir, c.dir))
		if c.all && len(names) != len(committed) || len(committed) < 2 {
			t.Fatalf("Build writes %d files, %s/%s holds %d (go test ./searchidx -run Conformance -update)", len(names), conformanceDir, c.dir, len(committed))
		}
		for _, n := range committed {
			a, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
			b, _ := os.ReadFile(filepath.Join(conformanceDir, c.dir, filepath.FromSlash(n)))
			if err != nil || !bytes.Equal(a, b) {
				t.Fatalf("%s/%s differs from what Build writes (go test ./searchidx -run Conformance -update)", c.dir, n)
			}
		}
	}
}
