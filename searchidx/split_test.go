package searchidx

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"mip/searchidx/format"
	"mip/searchidx/query"
)

// TestSplitAnswersAlike builds the same documents with every large entry
// whole and with most entries split into small chunks, and checks that
// every request gets the same answer from both: totals, hits, scores,
// sections, counts, corrections. The split index must also read fewer
// bytes for a one-word query than the whole one when its word is split.
func TestSplitAnswersAlike(t *testing.T) {
	docs := conformanceDocs()
	for _, d := range syntheticDocs(600, 200, 5) {
		d.Key = "extra-" + d.Key
		if len(docs)%3 == 0 {
			d.Territory = []string{"UK", "GB", "NI"}[len(docs)%9/3]
		}
		docs = append(docs, d)
	}
	whole, _ := buildDir(t, docs, Options{ShardBytes: 4 << 10, SplitBytes: 1 << 30})
	// Most entries split, then only the larger ones (so that an unfinished
	// word's completions mix split and whole entries).
	split, st := buildDir(t, docs, Options{ShardBytes: 4 << 10, SplitBytes: 300, ChunkBytes: 500, ChunkSpan: 1})
	if st.Split < 50 || st.ChunkFiles < 2*st.Split {
		t.Fatalf("only %d entries split, into %d chunks", st.Split, st.ChunkFiles)
	}
	some, st := buildDir(t, docs, Options{ShardBytes: 4 << 10, SplitBytes: 1500, ChunkBytes: 700, ChunkSpan: 200})
	if st.Split < 5 {
		t.Fatalf("only %d entries split", st.Split)
	}
	var reqs []query.Request
	for _, r := range confRequests(docs) {
		reqs = append(reqs, query.Request{Query: r.Query, Types: r.Types, Territory: r.Territory, Substance: r.Substance,
			Section: r.Section, Page: r.Page, SubstanceCounts: r.SubstanceCounts, NoCorrect: r.NoCorrect})
	}
	for _, q := range []string{"p", "pa", "par", "para", "t", "ta", "tab", "tablet", "tablets", "tablets ", "the", "the ",
		"pain", "pains", "patients", "patient ", "dose doses", "tablets pain", "paracetamol 500mg tablets ", "paracetanol ",
		"baracetamol ", "effects", "effect ", "capsules", "capsule", "cap", "c", "s", "sol", "solution", "fever rash ",
		"zzqqxx tablets ", "headaches", "headache"} {
		for _, f := range []query.Request{{}, {Types: []string{"PIL"}}, {Types: []string{"SPC", "PAR"}}, {Territory: "GB"},
			{Territory: "UK", Types: []string{"SPC"}}, {Territory: "NI"}, {PageSize: 5, Page: 1}, {PageSize: 3},
			{Page: 1}, {PageSize: 20}, {Section: "side-effects"}, {SubstanceCounts: true}, {Substance: "quinine"}} {
			f.Query = q
			reqs = append(reqs, f)
		}
	}
	a, err := query.Open(os.DirFS(whole))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{split, some} {
		b, err := query.Open(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			ra, errA := a.Search(r)
			rb, errB := b.Search(r)
			if (errA == nil) != (errB == nil) {
				t.Fatalf("%+v: errors %v, %v", r, errA, errB)
			}
			ja, _ := json.Marshal(ra)
			jb, _ := json.Marshal(rb)
			if string(ja) != string(jb) {
				t.Errorf("%+v:\n whole %s\n split %s", r, ja, jb)
			}
		}
	}

	// "p" alone is answered from its union's split entry: no chunk read.
	ix, _ := query.Open(os.DirFS(split))
	if _, err := ix.Search(query.Request{Query: "p"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range ix.Fetches() {
		if f.What == "chunk" {
			t.Errorf("the first page of p read %s", f.Name)
		}
	}
	if !strings.Contains(ix.Fetches()[1].Name, "/t-") {
		t.Errorf("read %v", ix.Fetches())
	}
}

// TestSplitChunksDecode checks that every chunk of a split index decodes
// against its entry, and that a chunk read against another chunk's range
// is refused.
func TestSplitChunksDecode(t *testing.T) {
	dir, st := buildDir(t, syntheticDocs(300, 200, 5), Options{SplitBytes: 300, ChunkBytes: 500, ChunkSpan: 1})
	if st.ChunkFiles == 0 {
		t.Fatal("no chunks")
	}
	ix, err := query.Open(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	m := ix.Manifest()
	checked := 0
	for i := range m.Shards {
		b, err := os.ReadFile(dir + "/" + m.ShardName(i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := format.DecodeShard(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range s.Entries {
			if e.Split == nil {
				continue
			}
			for k := range e.Split.Chunks {
				c, err := os.ReadFile(dir + "/" + format.ChunkName(e.Split.Hash, k))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := format.DecodeChunk(c, &e, k, m.Docs); err != nil {
					t.Fatalf("%s chunk %d: %v", e.Key, k, err)
				}
				if other := (k + 1) % len(e.Split.Chunks); other != k {
					if _, err := format.DecodeChunk(c, &e, other, m.Docs); err == nil {
						t.Fatalf("%s: chunk %d read as chunk %d", e.Key, k, other)
					}
				}
				checked++
			}
		}
	}
	if checked != st.ChunkFiles {
		t.Fatalf("checked %d of %d chunks", checked, st.ChunkFiles)
	}
}
