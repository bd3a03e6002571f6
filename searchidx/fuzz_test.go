package searchidx

import (
	"os"
	"testing"

	"mip/searchidx/analysis"
	"mip/searchidx/query"
)

// FuzzBuildAndFind builds a small index holding a document with the
// fuzzed product name, licence and text, and checks that searching for
// the product name, or the text, finds that document.
func FuzzBuildAndFind(f *testing.F) {
	f.Add("PARACETAMOL 500MG TABLETS", "PL 12345/0001", "For pain and fever.")
	f.Add("CO-CODAMOL 30/500 CAPSULES", "02 123451234", "Contains codeine.")
	f.Add("Crème ÉMOLLIENTE", "THRGB 12345-0001R", "ﬁlm µg 0,5 %")
	f.Fuzz(func(t *testing.T, product, licence, text string) {
		if len(product) > 100 || len(licence) > 40 || len(text) > 200 {
			return
		}
		docs := []Doc{
			{Key: "x", Type: "SPC", Products: []string{product}, Licences: []string{licence}, Body: text,
				Card: Card{URL: "x"}},
			{Key: "y", Type: "PIL", Products: []string{"OTHER PRODUCT"}, Body: "unrelated words", Card: Card{URL: "y"}},
		}
		dir := t.TempDir()
		if _, err := Build(docs, dir, Options{ShardBytes: 256}); err != nil {
			t.Fatal(err)
		}
		ix, err := query.Open(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{product, text} {
			if len(analysis.ParseQuery(q+" ").Tokens) == 0 {
				continue
			}
			res, err := ix.Search(query.Request{Query: q + " ", PageSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range res.Hits {
				found = found || h.Card.URL == "x"
			}
			if !found || res.Fallback {
				t.Fatalf("%q does not find its document: %+v", q, res)
			}
		}
	})
}
