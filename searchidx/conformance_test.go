package searchidx

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mip/searchidx/query"
)

var update = flag.Bool("update", false, "rewrite testdata/conformance from the current code")

// The conformance suite: a small index committed under
// testdata/conformance/index and the results of queries on it in
// testdata/conformance/queries.json. The Go build must reproduce the index
// byte for byte, and the Go engine the results; a client in another
// language runs the same queries on the same files.
const conformanceDir = "testdata/conformance"

func conformanceDocs() []Doc {
	return append(handDocs(), syntheticDocs(60, 40, 3)...)
}

var conformanceOptions = Options{ShardBytes: 2 << 10, CardsPerFile: 8, FilesPerPack: 2, ShardsPerPack: 4, SectionShare: 1}

// conformanceQuery is one case of queries.json.
type conformanceQuery struct {
	Request query.Request     `json:"request"`
	Want    conformanceResult `json:"want"`
}

// conformanceResult is the part of a result a client must reproduce.
type conformanceResult struct {
	Total       int                `json:"total"`
	Hits        []conformanceHit   `json:"hits"`
	Corrected   string             `json:"corrected,omitempty"`
	Corrections []query.Correction `json:"corrections,omitempty"`
	Fallback    bool               `json:"fallback,omitempty"`
	Completions []string           `json:"completions,omitempty"`
	Types       map[string]int     `json:"types"`
	Territories map[string]int     `json:"territories"`
	Substances  map[string]int     `json:"substances,omitempty"`
}

type conformanceHit struct {
	Doc     uint32 `json:"doc"`
	Score   int    `json:"score"`
	URL     string `json:"url"`
	Section string `json:"section,omitempty"`
}

var conformanceRequests = []query.Request{
	{Query: "paracetamol "},
	{Query: "paracetamol 500mg tablets"},
	{Query: "PL 12345/0001"},
	{Query: "PL 12345/00"},
	{Query: "acetaminophen "},
	{Query: "besilate "},
	{Query: "paracetanol "},
	{Query: "baracetamol "},
	{Query: "p"},
	{Query: "ibu"},
	{Query: "paracetamol ibuprofen "},
	{Query: "valerian hepatotoxicity "},
	{Query: "tablets ", Types: []string{"PIL"}},
	{Query: "tablets ", Territory: "GB"},
	{Query: "tablets ", Substance: "amlodipine besylate", SubstanceCounts: true},
	{Query: "fever ", Section: "indications"},
	{Query: "rash ", Section: "side-effects"},
	{Query: "zqvcapsules "},
	{Query: "tablets ", Page: 1, PageSize: 5},
}

func runConformance(t *testing.T, dir string) []conformanceQuery {
	ix, err := query.Open(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []conformanceQuery
	for _, req := range conformanceRequests {
		res, err := ix.Search(req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		w := conformanceResult{Total: res.Total, Corrected: res.Corrected, Corrections: res.Corrections,
			Fallback: res.Fallback, Completions: res.Completions, Types: res.Facets.Types,
			Territories: res.Facets.Territories, Substances: res.Facets.Substances, Hits: []conformanceHit{}}
		for _, h := range res.Hits {
			w.Hits = append(w.Hits, conformanceHit{h.Doc, h.Score, h.Card.URL, h.Section})
		}
		out = append(out, conformanceQuery{req, w})
	}
	return out
}

func TestConformance(t *testing.T) {
	built := t.TempDir()
	if _, err := Build(conformanceDocs(), built, conformanceOptions); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(conformanceDir, "index")
	if *update {
		os.RemoveAll(golden)
		if err := os.CopyFS(golden, os.DirFS(built)); err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(runConformance(t, golden), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(conformanceDir, "queries.json"), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The build reproduces the committed index byte for byte.
	a, b := readDir(t, built), readDir(t, golden)
	names := func(m map[string][]byte) []string {
		var ns []string
		for n := range m {
			ns = append(ns, n)
		}
		slices.Sort(ns)
		return ns
	}
	if !slices.Equal(names(a), names(b)) {
		t.Fatalf("built files differ from %s (run go test -update and review):\n built %v\ngolden %v", golden, names(a), names(b))
	}
	for n := range a {
		if !bytes.Equal(a[n], b[n]) {
			t.Errorf("%s differs from %s/%s", n, golden, n)
		}
	}
	// The engine reproduces the committed results.
	var want []conformanceQuery
	data, err := os.ReadFile(filepath.Join(conformanceDir, "queries.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	got := runConformance(t, golden)
	if len(got) != len(want) {
		t.Fatalf("%d queries, queries.json has %d", len(got), len(want))
	}
	for i := range got {
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if !bytes.Equal(g, w) {
			t.Errorf("query %+v:\n got %s\nwant %s", got[i].Request, g, w)
		}
	}
	// Spot checks that the committed results are the right ones, not
	// merely stable.
	for _, q := range want {
		switch q.Request.Query {
		case "paracetamol 500mg tablets":
			if len(q.Want.Hits) < 2 || q.Want.Hits[0].URL != "/d/para-spc" || q.Want.Hits[1].URL != "/d/para-pil" {
				t.Errorf("product query: %+v", q.Want.Hits)
			}
		case "paracetanol ", "baracetamol ":
			if q.Want.Corrected != "paracetamol" {
				t.Errorf("%q corrected to %q", q.Request.Query, q.Want.Corrected)
			}
		case "valerian hepatotoxicity ":
			if !q.Want.Fallback {
				t.Errorf("no fallback for %q", q.Request.Query)
			}
		case "rash ":
			for _, h := range q.Want.Hits {
				if !strings.HasPrefix(h.Section, "spc-4.8") && h.Section != "pil-4" {
					t.Errorf("rash in side-effects matched in %q", h.Section)
				}
			}
		}
	}
}
