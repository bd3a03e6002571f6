package format

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

func sampleManifest() *Manifest {
	return &Manifest{
		Docs: 25, Levels: 8, CardsPerFile: 10, FilesPerPack: 2, ShardsPerPack: 3, SectionMaxDocs: 3,
		Groups:     []Group{{"PAR", "", 5}, {"SPC", "UK", 15}, {"SPC", "NI", 5}},
		Shards:     []ShardRef{{""}, {"ib"}, {"par"}, {"|"}},
		ShardPacks: []Hash{{1}, {2}},
		Packs:      []Hash{{9}, {8}},
		Sections:   []SectionDef{{1, "spc-4.1", "indications"}, {14, "pil-4", "side-effects"}},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := sampleManifest()
	got, err := DecodeManifest(m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
	if n := m.CardFileName(3); n != "f/c-0800000000000000-3.bin" {
		t.Errorf("CardFileName(3) = %q", n)
	}
	if n := m.ShardName(3); n != "f/t-0200000000000000-3.bin" {
		t.Errorf("ShardName(3) = %q", n)
	}
	for key, want := range map[string]int{"": 0, "a": 0, "ib": 1, "ibuprofen": 1, "p": 1, "par": 2, "zzz": 2, "|x": 3} {
		if got := m.ShardFor(key); got != want {
			t.Errorf("ShardFor(%q) = %d, want %d", key, got, want)
		}
	}
	if got := m.ShardsWithPrefix("i"); !reflect.DeepEqual(got, []int{0, 1}) {
		t.Errorf("ShardsWithPrefix(i) = %v", got)
	}
	if got := m.ShardsWithPrefix("pa"); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Errorf("ShardsWithPrefix(pa) = %v", got)
	}
	if got := m.ShardsWithPrefix("pb"); !reflect.DeepEqual(got, []int{2}) {
		t.Errorf("ShardsWithPrefix(pb) = %v", got)
	}
}

func TestManifestRejects(t *testing.T) {
	m := sampleManifest()
	m.Groups[0].Count = 4
	if _, err := DecodeManifest(m.Encode()); !errors.Is(err, ErrFormat) {
		t.Errorf("inconsistent counts: err = %v", err)
	}
	b := sampleManifest().Encode()
	for _, bad := range [][]byte{nil, b[:10], append(append([]byte{}, b...), 0), []byte("MIPM\x02")} {
		if _, err := DecodeManifest(bad); !errors.Is(err, ErrFormat) {
			t.Errorf("DecodeManifest(%q) err = %v", bad, err)
		}
	}
}

func bm(ids ...uint32) *roaring.Bitmap { return roaring.BitmapOf(ids...) }

func sampleEntries() []Entry {
	return []Entry{
		{Key: "#paracetamol", Docs: bm(1, 2, 3)},
		{Key: "*p", Levels: []Level{{4, bm(7)}, {2, bm(1, 2)}}, Completions: []string{"pl123450001", "para"}},
		{Key: "*t", Split: &Split{Groups: []uint64{2, 0}, K: 1, Top: []TopDoc{{ID: 3, Level: 9}}, Hash: Hash{9}, Chunks: []Chunk{{0, 2}}},
			Completions: []string{"tablet"}},
		sampleSplit(),
		{Key: "pl123450001", Levels: []Level{{15, bm(7)}}},
		{Key: "tablet", Levels: []Level{{3, bm(1)}, {1, bm(2, 3, 4)}}, Exact: []Exact{{"tablets", bm(1, 3)}},
			Sections: []SectionPosting{{1, bm(1)}, {14, bm(3)}}},
		{Key: "tablet 5mg", Docs: bm(1, 2)},
		{Key: "~telbat", DF: 4},
	}
}

// sampleSplit is a split term entry of an index of 10 documents in two
// groups (0–4, 5–9), whose chunks sampleChunks holds.
func sampleSplit() Entry {
	return Entry{Key: "pain", Split: &Split{Groups: []uint64{2, 1}, K: 10, Surfaces: []string{"pains"},
		Top:  []TopDoc{{ID: 1, Level: 5, Exact: 1, Section: 3}, {ID: 3, Level: 2}, {ID: 6, Level: 2}},
		Hash: Hash{1, 2, 3, 4, 5, 6, 7, 8}, Chunks: []Chunk{{0, 2}, {5, 1}}}}
}

func sampleChunks() [][]byte {
	return [][]byte{
		EncodeChunk(TermEntry, &Entry{Levels: []Level{{5, bm(1)}, {2, bm(3)}}, Exact: []Exact{{"pains", bm(1)}},
			Sections: []SectionPosting{{3, bm(1)}, {5, bm(1, 3)}}}),
		EncodeChunk(TermEntry, &Entry{Levels: []Level{{2, bm(6)}}}),
	}
}

func TestSplitRoundTrip(t *testing.T) {
	want := sampleSplit()
	s, err := DecodeShard(EncodeShard([]Entry{want}))
	if err != nil {
		t.Fatal(err)
	}
	got := s.Entries[0]
	if got.Split == nil || !reflect.DeepEqual(*got.Split, *want.Split) || got.DocCount() != 3 {
		t.Fatalf("got %+v, want %+v", got.Split, want.Split)
	}
	if ChunkName(got.Split.Hash, 1) != "f/p-0102030405060708-1.bin" || got.Split.End(0, 10) != 5 || got.Split.End(1, 10) != 10 {
		t.Errorf("chunk names or ends wrong")
	}
	cs := sampleChunks()
	for k, b := range cs {
		c, err := DecodeChunk(b, &got, k, 10)
		if err != nil {
			t.Fatalf("chunk %d: %v", k, err)
		}
		if c.Key != "pain" || c.DocCount() != 3 || c.Matches().GetCardinality() != got.Split.Chunks[k].Docs {
			t.Errorf("chunk %d: %+v", k, c)
		}
	}
	// A chunk read in the other's place, or of a wrong count, is refused.
	for _, bad := range []struct {
		b []byte
		k int
	}{{cs[0], 1}, {cs[1], 0}, {EncodeChunk(TermEntry, &Entry{Levels: []Level{{2, bm(6, 7)}}}), 1},
		{EncodeChunk(TermEntry, &Entry{Levels: []Level{{2, bm(6)}, {1, bm(6)}}}), 1},
		{EncodeChunk(TermEntry, &Entry{Levels: []Level{{2, bm(6)}}, Sections: []SectionPosting{{1, bm(2)}}}), 1},
		{EncodeChunk(TermEntry, &Entry{}), 1}, {cs[1][:len(cs[1])-1], 1}, {append(slices.Clone(cs[1]), 0), 1}} {
		if _, err := DecodeChunk(bad.b, &got, bad.k, 10); !errors.Is(err, ErrFormat) {
			t.Errorf("chunk %x as %d: err = %v", bad.b, bad.k, err)
		}
	}
	// A split whose chunks do not add up to its groups is refused.
	w := sampleSplit()
	w.Split.Chunks[1].Docs = 2
	if _, err := DecodeShard(EncodeShard([]Entry{w})); !errors.Is(err, ErrFormat) {
		t.Errorf("chunks adding up to 4 of 3: err = %v", err)
	}
}

func FuzzDecodeChunk(f *testing.F) {
	for _, b := range sampleChunks() {
		f.Add(b, 0)
		f.Add(b, 1)
	}
	f.Fuzz(func(t *testing.T, b []byte, k int) {
		e := sampleSplit()
		c, err := DecodeChunk(b, &e, k, 10)
		if err != nil {
			return
		}
		if _, err := DecodeChunk(EncodeChunk(TermEntry, c), &e, k, 10); err != nil {
			t.Fatalf("re-encoding a decoded chunk: %v", err)
		}
	})
}

func TestShardRoundTrip(t *testing.T) {
	es := sampleEntries()
	s, err := DecodeShard(EncodeShard(es))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Entries) != len(es) {
		t.Fatalf("%d entries, want %d", len(s.Entries), len(es))
	}
	for i := range es {
		a, b := s.Entries[i], es[i]
		if a.Key != b.Key || a.DF != b.DF || len(a.Levels) != len(b.Levels) || len(a.Exact) != len(b.Exact) || len(a.Sections) != len(b.Sections) ||
			(a.Split == nil) != (b.Split == nil) || a.Split != nil && !reflect.DeepEqual(*a.Split, *b.Split) {
			t.Fatalf("entry %d: got %+v, want %+v", i, a, b)
		}
		for j := range a.Levels {
			if a.Levels[j].Level != b.Levels[j].Level || !a.Levels[j].Docs.Equals(b.Levels[j].Docs) {
				t.Errorf("%s level %d differs", a.Key, j)
			}
		}
		for j := range a.Sections {
			if a.Sections[j].Code != b.Sections[j].Code || !a.Sections[j].Docs.Equals(b.Sections[j].Docs) {
				t.Errorf("%s section %d differs", a.Key, j)
			}
		}
		if !slices.Equal(a.Completions, b.Completions) {
			t.Errorf("%s completions %v, want %v", a.Key, a.Completions, b.Completions)
		}
		if b.Docs != nil && !a.Docs.Equals(b.Docs) {
			t.Errorf("%s docs differ", a.Key)
		}
	}
	if e := s.Lookup("tablet"); e == nil || e.Matches().GetCardinality() != 4 || e.Exact[0].Surface != "tablets" {
		t.Errorf("Lookup(tablet) = %+v", e)
	}
	if e := s.Lookup("tab"); e != nil {
		t.Errorf("Lookup(tab) = %+v, want nil", e)
	}
	if got := s.WithPrefix("p"); len(got) != 2 || got[0].Key != "pain" || got[1].Key != "pl123450001" {
		t.Errorf("WithPrefix(p) = %+v", got)
	}
}

func TestShardRejectsDisorder(t *testing.T) {
	es := sampleEntries()
	es[1], es[3] = es[3], es[1]
	if _, err := DecodeShard(EncodeShard(es)); !errors.Is(err, ErrFormat) {
		t.Errorf("unsorted keys: err = %v", err)
	}
}

func sampleCards() []Card {
	return []Card{
		{Type: "SPC", Territory: "UK", Product: "PARACETAMOL 500MG TABLETS", Title: "spc-doc_PL 12345-0001.pdf",
			Substances: []string{"PARACETAMOL"}, Licences: []string{"PL 12345/0001"}, Date: "2024-03-01",
			Size: 123456, URL: "/d/ab12.pdf", Snippet: "For mild to moderate pain"},
		{Type: "PIL", Territory: "UK", Product: "PARACETAMOL 500MG TABLETS", Title: "leaflet",
			Substances: []string{"PARACETAMOL"}, Licences: []string{"PL 12345/0001"}, Size: 1, URL: "/d/cd34.pdf"},
	}
}

func TestCardsRoundTrip(t *testing.T) {
	cs := sampleCards()
	b := EncodeCards(cs)
	got, err := DecodeCards(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cs) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, cs)
	}
	// The second card repeats product, substance and licence: stored once.
	single := len(EncodeCards(cs[:1]))
	if len(b)-single > 40 {
		t.Errorf("second card costs %d bytes; repeated strings are not shared", len(b)-single)
	}
}

func FuzzDecodeManifest(f *testing.F) {
	f.Add(sampleManifest().Encode())
	md, _ := sampleDirs()
	f.Add(md.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeManifest(b)
		if err != nil {
			return
		}
		m2, err := DecodeManifest(m.Encode())
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("re-encoding a decoded manifest: %v", err)
		}
		for _, k := range []string{"", "a", "zz"} {
			if m.ShardsPerDir > 0 {
				if d := m.DirFor(k); d < 0 || d >= len(m.Dirs) {
					t.Fatalf("DirFor(%q) = %d", k, d)
				}
			} else if i := m.ShardFor(k); i < 0 || i >= len(m.Shards) {
				t.Fatalf("ShardFor(%q) = %d", k, i)
			}
		}
	})
}

// sampleDirs returns the sample manifest in its two-level form, with its
// directories, two shards each... of one pack: ShardsPerPack 1.
func sampleDirs() (*Manifest, []*Dir) {
	m := sampleManifest()
	m.ShardsPerPack, m.ShardPacks = 1, []Hash{{1}, {2}, {3}, {4}}
	m.ShardsPerDir, m.NumShards = 2, len(m.Shards)
	var dirs []*Dir
	for lo := 0; lo < len(m.Shards); lo += 2 {
		d := &Dir{First: lo, Shards: m.Shards[lo : lo+2], Packs: m.ShardPacks[lo : lo+2]}
		dirs = append(dirs, d)
		m.Dirs = append(m.Dirs, DirRef{First: m.Shards[lo].First, Hash: Hash{byte(lo)}})
	}
	m.Shards, m.ShardPacks = nil, nil
	m.Unions = []string{"i", "p"}
	return m, dirs
}

func TestDirRoundTrip(t *testing.T) {
	m, dirs := sampleDirs()
	got, err := DecodeManifest(m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
	for d, dir := range dirs {
		back, err := DecodeDir(EncodeDir(dir), m, d)
		if err != nil || !reflect.DeepEqual(back, dir) {
			t.Fatalf("directory %d: %+v, %v", d, back, err)
		}
	}
	if _, err := DecodeDir(EncodeDir(dirs[0]), m, 1); err == nil {
		t.Error("directory 0 accepted as directory 1")
	}
	v := m.Directory(1, dirs[1:])
	if i := v.ShardFor("pb"); v.Base+i != 2 || v.ShardName(i) != "f/t-0300000000000000-2.bin" {
		t.Errorf("ShardFor(pb) in directory 1 = %d, %s", v.Base+i, v.ShardName(i))
	}
	if got := m.DirsWithPrefix("i"); !reflect.DeepEqual(got, []int{0}) {
		t.Errorf("DirsWithPrefix(i) = %v", got)
	}
	if !m.HasUnion("p") || m.HasUnion("pa") {
		t.Error("HasUnion does not follow Unions")
	}
}

func FuzzDecodeDir(f *testing.F) {
	m, dirs := sampleDirs()
	for _, d := range dirs {
		f.Add(EncodeDir(d), 0)
	}
	f.Fuzz(func(t *testing.T, b []byte, d int) {
		dir, err := DecodeDir(b, m, d)
		if err != nil {
			return
		}
		back, err := DecodeDir(EncodeDir(dir), m, d)
		if err != nil || !reflect.DeepEqual(back, dir) {
			t.Fatalf("re-encoding a decoded directory: %v", err)
		}
		v := m.Directory(d, []*Dir{dir})
		for _, k := range []string{"", "a", "zz"} {
			if i := v.ShardFor(k); i < 0 || i >= len(v.Shards) {
				t.Fatalf("ShardFor(%q) = %d", k, i)
			}
		}
	})
}

func FuzzDecodeShard(f *testing.F) {
	f.Add(EncodeShard(sampleEntries()))
	f.Add(EncodeShard(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeShard(b)
		if err != nil {
			return
		}
		if _, err := DecodeShard(EncodeShard(s.Entries)); err != nil {
			t.Fatalf("re-encoding a decoded shard: %v", err)
		}
		for _, e := range s.Entries {
			if KindOf(e.Key) == TermEntry {
				e.Matches()
			}
		}
	})
}

func FuzzDecodeCards(f *testing.F) {
	f.Add(EncodeCards(sampleCards()))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := DecodeCards(b)
		if err != nil {
			return
		}
		cs2, err := DecodeCards(EncodeCards(cs))
		if err != nil || len(cs2) != len(cs) {
			t.Fatalf("re-encoding decoded cards: %v", err)
		}
	})
}
