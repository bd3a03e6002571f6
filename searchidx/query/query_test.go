package query

import (
	"errors"
	"testing"
	"testing/fstest"

	"mip/searchidx/format"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		k    int
		want int
	}{
		{"paracetamol", "paracetamol", 1, 0},
		{"paracetanol", "paracetamol", 1, 1}, // substitution
		{"paracetmol", "paracetamol", 1, 1},  // deletion
		{"paracettamol", "paracetamol", 1, 1},
		{"paracetaoml", "paracetamol", 1, 1}, // transposition counts one
		{"apracetamol", "paracetamol", 1, 1},
		{"baracetamol", "paracetamol", 1, 1},
		{"paracitamal", "paracetamol", 2, 2},
		{"paracitamal", "paracetamol", 1, 2}, // more than k: k+1
		{"ibuprofen", "paracetamol", 2, 3},
		{"abc", "abcdef", 2, 3}, // length difference alone
		{"", "ab", 2, 2},
	} {
		if got := distance([]rune(c.a), []rune(c.b), c.k); got != c.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.k, got, c.want)
		}
	}
}

func TestMaxEdits(t *testing.T) {
	for n, want := range map[int]int{3: 0, 4: 0, 5: 1, 8: 1, 9: 2, 20: 2} {
		if got := maxEdits(n); got != want {
			t.Errorf("maxEdits(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestTerritoryKeeps(t *testing.T) {
	for _, c := range []struct {
		filter, t string
		want      bool
	}{
		{"", "NI", true}, {"GB", "GB", true}, {"GB", "UK", true}, {"GB", "", true}, {"GB", "NI", false},
		{"NI", "NI", true}, {"NI", "UK", true}, {"NI", "GB", false}, {"UK", "UK", true}, {"UK", "", false},
	} {
		if got := territoryKeeps(c.filter, c.t); got != c.want {
			t.Errorf("territoryKeeps(%q, %q) = %v", c.filter, c.t, got)
		}
	}
}

// A damaged index is an error, never a panic or a wrong answer.
func TestOpenRejectsDamage(t *testing.T) {
	if _, err := Open(fstest.MapFS{}); err == nil {
		t.Error("Open of an empty directory succeeded")
	}
	fs := fstest.MapFS{format.ManifestName: {Data: []byte("MIPM\x01garbage")}}
	if _, err := Open(fs); !errors.Is(err, format.ErrFormat) {
		t.Errorf("Open of a damaged manifest: %v", err)
	}
}

// tinyIndex is a hand-assembled index of three documents in one shard.
func tinyIndex(t *testing.T, shard []byte) fstest.MapFS {
	t.Helper()
	m := &format.Manifest{Docs: 3, Levels: 4, CardsPerFile: 4, FilesPerPack: 1, ShardsPerPack: 1,
		SectionMaxDocs: 3, Groups: []format.Group{{Type: "SPC", Territory: "UK", Count: 3}},
		Shards: []format.ShardRef{{First: ""}}, ShardPacks: []format.Hash{{1}}, Packs: []format.Hash{{2}}}
	cards := format.EncodeCards([]format.Card{{Product: "A"}, {Product: "B"}, {Product: "C"}})
	return fstest.MapFS{
		format.ManifestName: {Data: m.Encode()},
		m.ShardName(0):      {Data: shard},
		m.CardFileName(0):   {Data: cards},
	}
}

func TestSearchTinyIndex(t *testing.T) {
	es := []format.Entry{
		{Key: "alpha", Levels: []format.Level{{Level: 4, Docs: bmOf(2)}, {Level: 1, Docs: bmOf(0, 1)}}},
		{Key: "beta", Levels: []format.Level{{Level: 2, Docs: bmOf(1, 2)}}},
	}
	ix, err := Open(tinyIndex(t, format.EncodeShard(es)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(Request{Query: "alpha beta "})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || res.Hits[0].Card.Product != "C" || res.Hits[0].Score != 6 || res.Hits[1].Score != 3 {
		t.Errorf("alpha beta: %+v", res)
	}
	if res, _ := ix.Search(Request{Query: "alp"}); res.Total != 3 || res.Completions[0] != "alpha" {
		t.Errorf("alp: %+v", res)
	}
}

func TestSearchDamagedShard(t *testing.T) {
	ix, err := Open(tinyIndex(t, []byte("MIPS\x01\x05junk")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(Request{Query: "alpha"}); !errors.Is(err, format.ErrFormat) {
		t.Errorf("search on a damaged shard: %v", err)
	}
}

func FuzzSearch(f *testing.F) {
	es := []format.Entry{
		{Key: "alpha", Levels: []format.Level{{Level: 4, Docs: bmOf(2)}, {Level: 1, Docs: bmOf(0, 1)}}},
		{Key: "alphabet", Levels: []format.Level{{Level: 3, Docs: bmOf(0)}}},
		{Key: "beta", Levels: []format.Level{{Level: 2, Docs: bmOf(1, 2)}}},
		{Key: "~ahpla", DF: 3},
	}
	fsys := tinyIndex(&testing.T{}, format.EncodeShard(es))
	for _, s := range []string{"alpha beta", "alpah", "lpha", "PL 12345/0", "b", "ALPHA BETA GAMMA DELTA"} {
		f.Add(s, "", "")
	}
	f.Fuzz(func(t *testing.T, q, section, territory string) {
		ix, err := Open(fsys)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(Request{Query: q, Section: section, Territory: territory, SubstanceCounts: true})
		if err != nil {
			return // an unknown section
		}
		if res.Total < len(res.Hits) || res.Total > 3 {
			t.Fatalf("%q: total %d, %d hits", q, res.Total, len(res.Hits))
		}
	})
}
