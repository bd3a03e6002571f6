package format

import (
	"crypto/sha256"
	"fmt"
	"strconv"
)

// A Split is what the shard holds of a term or union entry whose postings
// are too large to keep in it: the entry's documents per manifest group,
// the documents that can be on a first page of a query for it alone, and
// the chunk files holding its postings, each for a range of document ids.
type Split struct {
	// Groups counts the entry's documents in each manifest group.
	Groups []uint64
	// K: for each group, and for each way of scoring (the level, or the
	// level plus one for holding Surfaces[i]), Top holds the K documents
	// of that group a query for this entry alone ranks first (all of the
	// group's documents when it has K or fewer).
	K int
	// Surfaces are the exact forms the entry's chunks list (terms only),
	// in byte order; bit i of a TopDoc's Exact says it holds Surfaces[i].
	Surfaces []string
	Top      []TopDoc // by increasing id
	// Hash names the chunk files (ChunkName).
	Hash   Hash
	Chunks []Chunk // by increasing Start; the first starts at 0
}

// A TopDoc is one document of a Split's Top.
type TopDoc struct {
	ID      uint32
	Level   uint8  // its impact level for the entry
	Exact   uint64 // bit i: it holds Surfaces[i]
	Section uint8  // the lowest section code holding the term there, 0 for none
}

// A Chunk is one chunk file of a split entry: the postings of the entry's
// documents from Start up to the next chunk's Start (the last to the end).
type Chunk struct {
	Start uint32
	Docs  uint64 // the entry's documents in the chunk (at least 1)
}

// MaxSurfaces is the most exact forms a split entry may list (a TopDoc's
// Exact is a mask that a JavaScript number holds exactly in 32 bits).
const MaxSurfaces = 32

// DF returns the number of documents of the entry.
func (s *Split) DF() uint64 {
	var n uint64
	for _, c := range s.Groups {
		n += c
	}
	return n
}

// End returns the first id after chunk k, given the index's document count.
func (s *Split) End(k, docs int) uint32 {
	if k+1 < len(s.Chunks) {
		return s.Chunks[k+1].Start
	}
	return uint32(docs)
}

// ChunkName returns the file of chunk k of the split entry named by h.
func ChunkName(h Hash, k int) string {
	return FilesDir + "/p-" + h.String() + "-" + strconv.Itoa(k) + ".bin"
}

// ChunkHash returns the hash naming the chunk files of the entry with the
// given key: the SHA-256 of the key, a newline, then for each file in
// order its length in decimal, a colon and its bytes.
func ChunkHash(key string, files [][]byte) Hash {
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\n", key)
	for _, f := range files {
		fmt.Fprintf(sum, "%d:", len(f))
		sum.Write(f)
	}
	var h Hash
	copy(h[:], sum.Sum(nil))
	return h
}

func appendSplit(b []byte, s *Split) []byte {
	b = putUvarint(b, uint64(len(s.Groups)))
	for _, c := range s.Groups {
		b = putUvarint(b, c)
	}
	b = append(b, byte(s.K))
	b = putUvarint(b, uint64(len(s.Surfaces)))
	for _, x := range s.Surfaces {
		b = putStr(b, x)
	}
	b = putUvarint(b, uint64(len(s.Top)))
	prev := uint32(0)
	for i, t := range s.Top {
		gap := t.ID - prev
		if i == 0 {
			gap = t.ID
		}
		b = putUvarint(b, uint64(gap))
		b = append(b, t.Level)
		b = putUvarint(b, t.Exact)
		b = append(b, t.Section)
		prev = t.ID
	}
	b = append(b, s.Hash[:]...)
	b = putUvarint(b, uint64(len(s.Chunks)))
	for i, c := range s.Chunks {
		if i > 0 {
			b = putUvarint(b, uint64(c.Start-s.Chunks[i-1].Start))
		}
		b = putUvarint(b, c.Docs)
	}
	return b
}

func readSplit(r *reader, kind EntryKind) *Split {
	s := &Split{}
	ng := r.count(1)
	for i := 0; i < ng && r.err == nil; i++ {
		s.Groups = append(s.Groups, r.uvarint())
	}
	s.K = int(r.byte())
	if r.err == nil && s.K == 0 {
		r.fail("split entry keeps no top documents")
	}
	ns := r.count(1)
	if ns > MaxSurfaces || kind == UnionEntry && ns > 0 {
		r.fail("too many exact forms")
	}
	for i := 0; i < ns && r.err == nil; i++ {
		x := r.str()
		if i > 0 && x <= s.Surfaces[i-1] {
			r.fail("exact forms out of order")
		}
		s.Surfaces = append(s.Surfaces, x)
	}
	nt := r.count(4)
	prev := uint64(0)
	for i := 0; i < nt && r.err == nil; i++ {
		id := r.uvarint()
		if i > 0 {
			if id == 0 {
				r.fail("top documents out of order")
			}
			id += prev
		}
		if id > 1<<32-1 {
			r.fail("document id out of range")
		}
		t := TopDoc{ID: uint32(id), Level: r.byte(), Exact: r.uvarint(), Section: r.byte()}
		if t.Level == 0 || t.Exact>>len(s.Surfaces) != 0 || kind == UnionEntry && (t.Exact != 0 || t.Section != 0) {
			r.fail("bad top document")
		}
		s.Top = append(s.Top, t)
		prev = id
	}
	copy(s.Hash[:], r.bytes(8))
	nc := r.count(1)
	if r.err == nil && nc == 0 {
		r.fail("split entry without chunks")
	}
	var start, total uint64
	for i := 0; i < nc && r.err == nil; i++ {
		if i > 0 {
			gap := r.uvarint()
			if gap == 0 {
				r.fail("chunks out of order")
			}
			start += gap
		}
		if start > 1<<32-1 {
			r.fail("chunk start out of range")
		}
		c := Chunk{Start: uint32(start), Docs: r.uvarint()}
		if c.Docs == 0 || c.Docs > 1<<32 {
			r.fail("bad chunk")
		}
		total += c.Docs
		s.Chunks = append(s.Chunks, c)
	}
	if r.err == nil && total != s.DF() {
		r.fail("chunks and groups disagree")
	}
	return s
}

const chunkMagic = "MIPP"

// EncodeChunk returns the chunk file holding part of the postings of an
// entry of the given kind: e's levels and, for a term, its exact forms and
// sections.
func EncodeChunk(kind EntryKind, e *Entry) []byte {
	b := append([]byte(chunkMagic), Version)
	return appendPostings(b, kind, e)
}

// DecodeChunk reads chunk k of the split entry e (whose key gives the
// kind), checking that it holds the chunk's documents, all within its
// range (docs is the index's document count). The result has e's Key and
// Split, and the chunk's postings.
func DecodeChunk(p []byte, e *Entry, k, docs int) (*Entry, error) {
	kind := KindOf(e.Key)
	if e.Split == nil || k < 0 || k >= len(e.Split.Chunks) || kind != TermEntry && kind != UnionEntry {
		return nil, errorf("no chunk %d of %q", k, e.Key)
	}
	r := &reader{b: p}
	r.magic(chunkMagic, Version)
	out := &Entry{Key: e.Key, Split: e.Split}
	nl := r.count(2)
	if r.err == nil && nl == 0 {
		r.fail("chunk without levels")
	}
	readPostings(r, kind, out, nl)
	if err := r.done(); err != nil {
		return nil, err
	}
	c := e.Split.Chunks[k]
	lo, hi := uint64(c.Start), uint64(e.Split.End(k, docs))
	all := out.Matches()
	if all.GetCardinality() != c.Docs {
		return nil, errorf("chunk %d of %q holds %d documents, its entry says %d", k, e.Key, all.GetCardinality(), c.Docs)
	}
	var n uint64
	for _, l := range out.Levels {
		n += l.Docs.GetCardinality()
	}
	if n != c.Docs {
		return nil, errorf("chunk %d of %q: levels overlap", k, e.Key)
	}
	in := func(bm interface {
		Minimum() uint32
		Maximum() uint32
		IsEmpty() bool
	}) bool {
		return bm.IsEmpty() || uint64(bm.Minimum()) >= lo && uint64(bm.Maximum()) < hi
	}
	ok := in(all)
	for _, x := range out.Exact {
		ok = ok && in(x.Docs)
	}
	for _, s := range out.Sections {
		ok = ok && in(s.Docs)
	}
	if !ok {
		return nil, errorf("chunk %d of %q holds documents outside %d..%d", k, e.Key, lo, hi)
	}
	return out, nil
}
