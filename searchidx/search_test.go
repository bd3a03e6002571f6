package searchidx

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/format"
	"mip/searchidx/query"
)

// handDocs are documents written for the query tests; they are indexed
// with synthetic filler so that term statistics are realistic.
func handDocs() []Doc {
	card := func(p string, subs ...string) Card { return Card{Product: p, URL: "/d/" + p, Substances: subs} }
	return []Doc{
		{Key: "para-spc", Type: "SPC", Products: []string{"PARACETAMOL 500MG TABLETS"}, Substances: []string{"PARACETAMOL"},
			Licences: []string{"PL 12345/0001"}, Title: "spc-doc_PL 12345-0001.pdf", Card: card("para-spc", "PARACETAMOL"),
			Sections: []Section{
				{ID: "spc-4.1", Heading: "4.1 Therapeutic indications", Text: "For the treatment of mild to moderate pain and fever."},
				{ID: "spc-4.8", Heading: "4.8 Undesirable effects", Text: "Skin rash and hepatotoxicity have been reported."},
			}},
		{Key: "para-pil", Type: "PIL", Products: []string{"PARACETAMOL 500MG TABLETS"}, Substances: []string{"PARACETAMOL"},
			Licences: []string{"PL12345-0001"}, Title: "leaflet MAH GENERIC_PL 12345-0001R.pdf", Card: card("para-pil", "PARACETAMOL"),
			Sections: []Section{{ID: "pil-4", Heading: "4. Possible side effects", Text: "Tell your doctor if you get a rash."}}},
		{Key: "ibu-spc", Type: "SPC", Products: []string{"IBUPROFEN 200MG TABLETS"}, Substances: []string{"IBUPROFEN"},
			Licences: []string{"PLGB 54321/0002"}, Card: card("ibu-spc"),
			Sections: []Section{
				{ID: "spc-4.1", Heading: "4.1 Therapeutic indications", Text: "Relief of pain and fever."},
				{ID: "spc-4.5", Heading: "4.5 Interaction", Text: "Can be combined with paracetamol."},
			}},
		{Key: "dosu-spc", Type: "SPC", Products: []string{"PROTHIADEN 75MG TABLETS"}, Substances: []string{"DOTHIEPIN HYDROCHLORIDE"},
			Licences: []string{"PL 00289/0123"}, Card: card("dosu-spc"), Body: "Dothiepin is a tricyclic antidepressant."},
		{Key: "amlo-pil", Type: "PIL", Territory: "NI", Products: []string{"AMLODIPINE 5MG TABLETS"},
			Substances: []string{"AMLODIPINE BESYLATE"}, Licences: []string{"PLNI 11111/0005"}, Card: card("amlo-pil"),
			Body: "Each tablet contains amlodipine besylate."},
		{Key: "furo-par", Type: "PAR", Products: []string{"FRUSEMIDE 40MG TABLETS"}, Substances: []string{"FRUSEMIDE"},
			Licences: []string{"PLGB 22222/0040", "PLGB 22222/0041"}, Card: card("furo-par"), Body: "Frusemide is a loop diuretic."},
		{Key: "herb-thr", Type: "SPC", Products: []string{"VALERIAN ROOT TABLETS"}, Substances: []string{"VALERIAN"},
			Licences: []string{"THR 33333/0001"}, Card: card("herb-thr"), Body: "Traditional herbal medicine for sleep."},
		{Key: "caps-a", Type: "PIL", Products: []string{"AAA TESTDRUG"}, Substances: []string{"TESTDRUG"}, Card: card("caps-a"),
			Body: "zqvcapsule one"},
		{Key: "caps-b", Type: "PIL", Products: []string{"BBB TESTDRUG"}, Substances: []string{"TESTDRUG"}, Card: card("caps-b"),
			Body: "zqvcapsules one"},
	}
}

type searchFixture struct {
	dir  string
	docs []Doc
}

var fixture *searchFixture

// openFixture builds the hand documents with 400 synthetic ones, with
// small shards so that completion and typo tolerance must cross shards.
func openFixture(t *testing.T) (*query.Index, *searchFixture) {
	t.Helper()
	if fixture == nil {
		// Filler shares no substance with the hand documents, whose
		// rankings the tests state exactly.
		docs := handDocs()
		for _, d := range syntheticDocs(400, 150, 7) {
			switch d.Substances[0] {
			case "PARACETAMOL", "IBUPROFEN", "FUROSEMIDE", "DOSULEPIN", "AMLODIPINE":
			default:
				docs = append(docs, d)
			}
		}
		dir, err := os.MkdirTemp("", "searchidx-test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Build(docs, dir, Options{ShardBytes: 3 << 10, CardsPerFile: 8, FilesPerPack: 4, SectionShare: 1}); err != nil {
			t.Fatal(err)
		}
		fixture = &searchFixture{dir: dir, docs: docs}
	}
	ix, err := query.Open(os.DirFS(fixture.dir))
	if err != nil {
		t.Fatal(err)
	}
	return ix, fixture
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture != nil {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func search(t *testing.T, ix *query.Index, req query.Request) *query.Result {
	t.Helper()
	res, err := ix.Search(req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return res
}

func urls(res *query.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, strings.TrimPrefix(h.Card.URL, "/d/"))
	}
	return out
}

func TestRankingProductFirst(t *testing.T) {
	ix, _ := openFixture(t)
	res := search(t, ix, query.Request{Query: "paracetamol tablets "})
	if got := urls(res); len(got) < 2 || got[0] != "para-spc" || got[1] != "para-pil" {
		t.Errorf("paracetamol tablets: %v; want para-spc then para-pil first", got)
	}
	if res.Fallback || res.Corrected != "" {
		t.Errorf("unexpected fallback/correction: %+v", res)
	}
}

func TestLicenceQueries(t *testing.T) {
	ix, _ := openFixture(t)
	for _, q := range []string{"PL 12345/0001", "pl123450001", "12345/0001", "PL-12345-0001", "pl 12345 0001 "} {
		res := search(t, ix, query.Request{Query: q})
		if got := urls(res); len(got) < 2 || !slices.Equal(got[:2], []string{"para-spc", "para-pil"}) {
			t.Errorf("%q: %v; want the paracetamol SPC and PIL first", q, got)
		}
	}
	// One PAR with two licence numbers: both find it.
	for _, q := range []string{"PLGB 22222/0040", "plgb222220041"} {
		if got := urls(search(t, ix, query.Request{Query: q})); len(got) == 0 || got[0] != "furo-par" {
			t.Errorf("%q: %v; want furo-par first", q, got)
		}
	}
	// An unfinished licence number completes.
	res := search(t, ix, query.Request{Query: "PL 12345/00"})
	if got := urls(res); len(got) < 2 || got[0] != "para-spc" {
		t.Errorf("partial licence: %v", got)
	}
}

func TestVariantsFindEachOther(t *testing.T) {
	ix, _ := openFixture(t)
	for q, want := range map[string]string{
		"acetaminophen ": "para-spc", "dosulepin ": "dosu-spc", "dothiepin ": "dosu-spc",
		"besilate ": "amlo-pil", "furosemide ": "furo-par", "frusemide ": "furo-par",
	} {
		got := urls(search(t, ix, query.Request{Query: q}))
		if len(got) == 0 || got[0] != want {
			t.Errorf("%q: %v; want %s first", q, got, want)
		}
	}
}

func TestTypoTolerance(t *testing.T) {
	ix, _ := openFixture(t)
	for _, c := range []struct{ q, to string }{
		{"paracetanol ", "paracetamol"}, // substitution
		{"paracetmol ", "paracetamol"},  // deletion
		{"paracettamol ", "paracetamol"},
		{"paracetaoml ", "paracetamol"}, // transposition
		{"baracetamol ", "paracetamol"}, // first letter
		{"aracetamol ", "paracetamol"},  // first letter dropped
		{"apracetamol ", "paracetamol"}, // first two letters swapped
		{"paracitamal ", "paracetamol"}, // two edits, word of 11 letters
		{"ibuprofem ", "ibuprofen"},
		{"fibuprofen ", "ibuprofen"}, // letter added in front
	} {
		res := search(t, ix, query.Request{Query: c.q})
		if len(res.Corrections) != 1 || res.Corrections[0].To != c.to || res.Corrected != c.to {
			t.Errorf("%q: corrections %+v, corrected %q; want %s", c.q, res.Corrections, res.Corrected, c.to)
			continue
		}
		if res.Total == 0 {
			t.Errorf("%q: corrected but no results", c.q)
		}
	}
	// No tolerance below five letters, nor two edits below nine.
	for _, q := range []string{"rahs ", "paxacetamxl "} {
		if res := search(t, ix, query.Request{Query: q}); res.Corrected != "" {
			t.Errorf("%q corrected to %q", q, res.Corrected)
		}
	}
}

// allEntries reads every shard of the index, the way no client should.
func allEntries(t *testing.T, dir string, m *format.Manifest) []format.Entry {
	var out []format.Entry
	for i := range m.Shards {
		b, err := os.ReadFile(dir + "/" + m.ShardName(i))
		if err != nil {
			t.Fatal(err)
		}
		sh, err := format.DecodeShard(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sh.Entries...)
	}
	return out
}

// Completing the last word finds every document of every term with that
// prefix, however many shards they span.
func TestPrefixComplete(t *testing.T) {
	ix, fx := openFixture(t)
	all := allEntries(t, fx.dir, ix.Manifest())
	spanning, unions := 0, 0
	for _, p := range []string{"p", "pa", "par", "ra", "zo", "mi", "t", "ta", "1", "pl", "c", "ibu"} {
		want := roaring.New()
		for _, e := range all {
			if format.KindOf(e.Key) == format.TermEntry && strings.HasPrefix(e.Key, p) {
				want.Or(e.Matches())
			}
		}
		if len(ix.Manifest().ShardsWithPrefix(p)) > 1 {
			spanning++
		}
		if ix.Manifest().HasUnion(p) {
			unions++
		}
		res := search(t, ix, query.Request{Query: p, PageSize: 1})
		if res.Total != int(want.GetCardinality()) || res.Total == 0 {
			t.Errorf("prefix %q: %d results, want %d", p, res.Total, want.GetCardinality())
		}
		if len(res.Completions) == 0 || !strings.HasPrefix(res.Completions[0], p) {
			t.Errorf("prefix %q: completions %v", p, res.Completions)
		}
	}
	if spanning < 3 || unions < 2 || unions == spanning {
		t.Errorf("%d prefixes span shards, %d have union entries; the test does not exercise both ways", spanning, unions)
	}
}

func TestAndFallback(t *testing.T) {
	ix, _ := openFixture(t)
	res := search(t, ix, query.Request{Query: "paracetamol ibuprofen "})
	if got := urls(res); res.Fallback || len(got) != 1 || got[0] != "ibu-spc" {
		t.Errorf("AND: %v fallback=%v; want only ibu-spc", got, res.Fallback)
	}
	res = search(t, ix, query.Request{Query: "valerian hepatotoxicity "})
	if got := urls(res); !res.Fallback || len(got) < 2 {
		t.Errorf("fallback: %v fallback=%v", got, res.Fallback)
	}
}

func TestFiltersAndCounts(t *testing.T) {
	ix, fx := openFixture(t)
	q := "tablets "
	all := search(t, ix, query.Request{Query: q})
	// Counts by brute force over the documents.
	typeOf := map[string]string{}
	terrOf := map[string]string{}
	for _, d := range fx.docs {
		typeOf[d.Card.URL] = d.Type
		terrOf[d.Card.URL] = d.Territory
	}
	sum := 0
	for _, n := range all.Facets.Types {
		sum += n
	}
	if sum != all.Total || all.Total < 10 {
		t.Errorf("type counts %v sum to %d, total %d", all.Facets.Types, sum, all.Total)
	}
	for _, typ := range []string{"SPC", "PIL", "PAR"} {
		res := search(t, ix, query.Request{Query: q, Types: []string{typ}, PageSize: 1000})
		if res.Total != all.Facets.Types[typ] {
			t.Errorf("%s: %d results, facet said %d", typ, res.Total, all.Facets.Types[typ])
		}
		for _, h := range res.Hits {
			if h.Card.Type != typ {
				t.Errorf("%s filter returned a %s", typ, h.Card.Type)
			}
		}
	}
	for _, terr := range []string{"GB", "NI", "UK"} {
		res := search(t, ix, query.Request{Query: q, Territory: terr, PageSize: 1000})
		want := all.Facets.Territories[terr]
		if terr != "UK" {
			want += all.Facets.Territories["UK"] + all.Facets.Territories[""]
		}
		if res.Total != want || res.Total == 0 {
			t.Errorf("territory %s: %d results, want %d (facets %v)", terr, res.Total, want, all.Facets.Territories)
		}
		for _, h := range res.Hits {
			if h.Card.Territory != terr && (terr == "UK" || h.Card.Territory != "UK" && h.Card.Territory != "") {
				t.Errorf("territory %s filter returned %s", terr, h.Card.Territory)
			}
		}
	}
	res := search(t, ix, query.Request{Query: "tablets ", Substance: "Amlodipine Besylate", SubstanceCounts: true})
	if got := urls(res); len(got) != 1 || got[0] != "amlo-pil" {
		t.Errorf("substance filter: %v", got)
	}
	if n := res.Facets.Substances["amlodipine besylate"]; n != 1 {
		t.Errorf("substance count %d, want 1 (%v)", n, res.Facets.Substances)
	}
	res = search(t, ix, query.Request{Query: "paracetamol ", SubstanceCounts: true})
	if n := res.Facets.Substances["paracetamol"]; n < 2 {
		t.Errorf("paracetamol substance count %d (%v)", n, res.Facets.Substances)
	}
}

func TestSections(t *testing.T) {
	ix, _ := openFixture(t)
	res := search(t, ix, query.Request{Query: "fever ", Section: "indications", PageSize: 1000})
	if got := urls(res); !slices.Contains(got, "para-spc") || !slices.Contains(got, "ibu-spc") {
		t.Errorf("fever in indications: %v", got)
	}
	for _, h := range res.Hits {
		if h.Section != "spc-4.1" {
			t.Errorf("%s matched in %q, want spc-4.1", h.Card.URL, h.Section)
		}
	}
	if got := urls(search(t, ix, query.Request{Query: "hepatotoxicity ", Section: "spc-4.1"})); len(got) != 0 {
		t.Errorf("hepatotoxicity in 4.1: %v, want none", got)
	}
	res = search(t, ix, query.Request{Query: "rash ", Section: "side-effects", PageSize: 1000})
	got := map[string]string{}
	for _, h := range res.Hits {
		got[strings.TrimPrefix(h.Card.URL, "/d/")] = h.Section
	}
	if got["para-spc"] != "spc-4.8" || got["para-pil"] != "pil-4" {
		t.Errorf("rash in side-effects: %v", got)
	}
	res = search(t, ix, query.Request{Query: "hepatotoxicity "})
	if len(res.Hits) != 1 || res.Hits[0].Section != "spc-4.8" {
		t.Errorf("unrestricted hepatotoxicity: %+v", res.Hits)
	}
	if _, err := ix.Search(query.Request{Query: "x", Section: "nowhere"}); err == nil {
		t.Error("unknown section accepted")
	}
}

func TestExactFormBonus(t *testing.T) {
	ix, _ := openFixture(t)
	res := search(t, ix, query.Request{Query: "zqvcapsules "})
	if got := urls(res); len(got) != 2 || got[0] != "caps-b" {
		t.Errorf("zqvcapsules: %v; want caps-b (exact form) first", got)
	}
	if got := urls(search(t, ix, query.Request{Query: "zqvcapsule "})); len(got) != 2 || got[0] != "caps-a" {
		t.Errorf("zqvcapsule: %v; want both, caps-a first", got)
	}
}

// A cold query for a rare term reads the manifest, one term shard (which
// holds the section postings too) and the card file of its result, nothing
// else; substance counts read a facet shard more.
func TestColdQueryFiles(t *testing.T) {
	ix, _ := openFixture(t)
	res := search(t, ix, query.Request{Query: "hepatotoxicity "})
	if res.Total != 1 {
		t.Fatalf("%d results", res.Total)
	}
	count := map[string]int{}
	for _, f := range ix.Fetches() {
		count[f.What]++
	}
	want := map[string]int{"manifest": 1, "terms": 1, "cards": 1}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("cold query read %v, want %v", count, want)
	}
	if _, err := ix.Search(query.Request{Query: "hepatotoxicity ", SubstanceCounts: true}); err != nil {
		t.Fatal(err)
	}
	if f := ix.Fetches(); len(f) != 4 || f[3].What != "facets" {
		t.Errorf("substance counts read %+v, want one facet shard more", f)
	}
}

// In a corpus where many products share a substance, a product's full name
// puts that product's SPC first and its documents before any other.
func TestRankingByProductName(t *testing.T) {
	docs := syntheticDocs(3000, 200, 11)
	dir, _ := buildDir(t, docs, Options{})
	ix, err := query.Open(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	products := map[string]int{}
	for _, d := range docs {
		products[d.Products[0]]++
	}
	checked := 0
	for _, d := range docs {
		if d.Type != "SPC" || products[d.Products[0]] != 2 || checked == 40 {
			continue
		}
		checked++
		q := d.Products[0]
		if checked%2 == 0 {
			q += " " // half the queries end inside their last word
		}
		res := search(t, ix, query.Request{Query: q})
		if len(res.Hits) < 2 {
			t.Errorf("%q: %d hits", d.Products[0], len(res.Hits))
			continue
		}
		h := res.Hits[0].Card
		if h.Type != "SPC" || h.Product != d.Products[0] || res.Hits[1].Card.Product != d.Products[0] {
			t.Errorf("%q: first hits %s %q, %s %q", d.Products[0], h.Type, h.Product, res.Hits[1].Card.Type, res.Hits[1].Card.Product)
		}
		// Its licence number, in display form, finds it first too.
		res = search(t, ix, query.Request{Query: d.Card.Licences[0]})
		if len(res.Hits) == 0 || res.Hits[0].Card.Licences[0] != d.Card.Licences[0] {
			t.Errorf("%q: first hit %+v", d.Card.Licences[0], res.Hits)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d products checked", checked)
	}
}

// A term in more than SectionShare of the documents has no section
// postings; a section search ignores it instead of failing.
func TestSectionShare(t *testing.T) {
	docs := []Doc{}
	for i := range 20 {
		docs = append(docs, Doc{Key: fmt.Sprint(i), Type: "SPC", Products: []string{fmt.Sprint("P", i)},
			Sections: []Section{{ID: "spc-4.3", Text: "common words"}, {ID: "spc-4.8", Text: "common"}}})
	}
	docs[3].Sections[1].Text = "common rarity"
	dir, _ := buildDir(t, docs, Options{SectionShare: 0.5})
	ix, err := query.Open(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	res := search(t, ix, query.Request{Query: "common rarity ", Section: "side-effects"})
	if res.Total != 1 || res.Hits[0].Section != "spc-4.8" {
		t.Errorf("common rarity in side-effects: %d results %+v", res.Total, res.Hits)
	}
	if res := search(t, ix, query.Request{Query: "rarity ", Section: "contraindications"}); res.Total != 0 {
		t.Errorf("rarity in contraindications: %d results", res.Total)
	}
	if res := search(t, ix, query.Request{Query: "common ", Section: "contraindications"}); res.Total != 20 {
		t.Errorf("common in contraindications (ignored): %d results", res.Total)
	}
}

// A query naming a substance and a dose form ranks a product of that
// substance and form first in most cases. Both words are in the product
// names, but the form words are common in the text too; this guards the
// resolution of the impact levels (with 8 linear levels it was 80%).
func TestRankingSubstanceAndForm(t *testing.T) {
	docs := syntheticDocs(3000, 200, 11)
	dir, _ := buildDir(t, docs, Options{})
	ix, err := query.Open(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	good, total := 0, 0
	seen := map[string]bool{}
	for _, d := range docs {
		f := strings.Fields(d.Products[0])
		sub, form := f[0], f[len(f)-1]
		if seen[sub+form] || !slices.Contains([]string{"TABLETS", "CAPSULES", "CREAM", "INHALER"}, form) {
			continue
		}
		seen[sub+form] = true
		res := search(t, ix, query.Request{Query: sub + " " + form + " "})
		total++
		if len(res.Hits) > 0 && strings.HasPrefix(res.Hits[0].Card.Product, sub+" ") && strings.HasSuffix(res.Hits[0].Card.Product, " "+form) {
			good++
		}
	}
	if total < 100 || float64(good) < 0.85*float64(total) {
		t.Errorf("%d of %d substance+form queries rank such a product first; want 85%%", good, total)
	}
}
