package format

import (
	"sort"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// Key namespaces. A key's first byte says what its entry holds.
const (
	FacetPrefix = "#" // "#" + folded substance name: the documents with that substance
	VocabPrefix = "~" // "~" + term reversed: a typo-tolerance vocabulary entry
	UnionPrefix = "*" // "*" + a short prefix: the union of its terms (see Manifest.HasUnion)
	// A key holding a space is a product name: its query terms joined by
	// spaces ("ibuprofen 200mg tablet"), sorting next to its first word.
	ProductSep = " "
)

// EntryKind says what an entry holds; it follows from the key.
type EntryKind uint8

// Entry kinds.
const (
	TermEntry EntryKind = iota
	FacetEntry
	VocabEntry
	ProductEntry
	UnionEntry
)

// KindOf returns the kind of the entry with the given key.
func KindOf(key string) EntryKind {
	if key == "" {
		return TermEntry
	}
	switch key[:1] {
	case FacetPrefix:
		return FacetEntry
	case VocabPrefix:
		return VocabEntry
	case UnionPrefix:
		return UnionEntry
	}
	if strings.Contains(key, ProductSep) {
		return ProductEntry
	}
	return TermEntry
}

// A Level is the set of documents in which a term has one impact level.
type Level struct {
	Level uint8
	Docs  *roaring.Bitmap
}

// An Exact is the set of documents holding one exact surface form of a
// stemmed term ("tablets" for "tablet").
type Exact struct {
	Surface string
	Docs    *roaring.Bitmap
}

// A SectionPosting is the set of documents in which a term occurs in one
// section.
type SectionPosting struct {
	Code uint8
	Docs *roaring.Bitmap
}

// An Entry is one key of a shard with what it holds; which fields are set
// depends on KindOf(Key).
type Entry struct {
	Key      string
	Levels   []Level          // TermEntry, UnionEntry: highest level first
	Exact    []Exact          // TermEntry: sorted by Surface
	Docs     *roaring.Bitmap  // FacetEntry, ProductEntry
	Sections []SectionPosting // TermEntry: sorted by Code; none for terms in more than Manifest.SectionMaxDocs documents
	DF       uint64           // VocabEntry: documents holding the term
	// UnionEntry: the prefix's terms in most documents first, at most 10.
	Completions []string
	// Split is set instead of Levels, Exact and Sections for a term or
	// union entry too large to keep whole in its shard: its postings are
	// in chunk files, its shard holds what a first page needs.
	Split *Split
}

// DocCount returns the number of documents of a term or union entry (of
// all of them, when only some chunks of a split entry are loaded), or a
// vocabulary entry's.
func (e *Entry) DocCount() uint64 {
	switch {
	case e.Split != nil:
		return e.Split.DF()
	case KindOf(e.Key) == VocabEntry:
		return e.DF
	}
	return e.Matches().GetCardinality()
}

// Matches returns every document of a term entry, at any level.
func (e *Entry) Matches() *roaring.Bitmap {
	bms := make([]*roaring.Bitmap, len(e.Levels))
	for i, l := range e.Levels {
		bms[i] = l.Docs
	}
	return roaring.FastOr(bms...)
}

// A Shard is a sorted run of entries.
type Shard struct {
	Entries []Entry
}

// Lookup returns the entry with the key, or nil.
func (s *Shard) Lookup(key string) *Entry {
	i := sort.Search(len(s.Entries), func(i int) bool { return s.Entries[i].Key >= key })
	if i < len(s.Entries) && s.Entries[i].Key == key {
		return &s.Entries[i]
	}
	return nil
}

// WithPrefix returns the entries whose keys start with prefix.
func (s *Shard) WithPrefix(prefix string) []Entry {
	i := sort.Search(len(s.Entries), func(i int) bool { return s.Entries[i].Key >= prefix })
	j := i
	for j < len(s.Entries) && strings.HasPrefix(s.Entries[j].Key, prefix) {
		j++
	}
	return s.Entries[i:j]
}

const shardMagic = "MIPS"

// ShardHeader returns the bytes a shard starts with, before its entries.
func ShardHeader(entries int) []byte {
	b := []byte(shardMagic)
	b = append(b, ShardVersion)
	return putUvarint(b, uint64(entries))
}

// AppendEntry appends the encoding of e, front-coded against the previous
// key of the shard (prev is "" for a shard's first entry).
func AppendEntry(b []byte, prev string, e *Entry) []byte {
	n := commonPrefix(prev, e.Key)
	b = putUvarint(b, uint64(n))
	b = putStr(b, e.Key[n:])
	kind := KindOf(e.Key)
	switch kind {
	case TermEntry, UnionEntry:
		if e.Split != nil {
			b = putUvarint(b, 0)
			b = appendSplit(b, e.Split)
		} else {
			b = appendPostings(b, kind, e)
		}
		if kind == UnionEntry {
			b = putUvarint(b, uint64(len(e.Completions)))
			for _, c := range e.Completions {
				b = putStr(b, c)
			}
		}
	case FacetEntry, ProductEntry:
		b = putBitmap(b, e.Docs)
	case VocabEntry:
		b = putUvarint(b, e.DF)
	}
	return b
}

// appendPostings appends the levels of a term or union entry and, for a
// term, its exact forms and sections: an entry's payload in a shard, or a
// chunk's in its file.
func appendPostings(b []byte, kind EntryKind, e *Entry) []byte {
	b = putUvarint(b, uint64(len(e.Levels)))
	for _, l := range e.Levels {
		b = append(b, l.Level)
		b = putBitmap(b, l.Docs)
	}
	if kind == UnionEntry {
		return b
	}
	b = putUvarint(b, uint64(len(e.Exact)))
	for _, x := range e.Exact {
		b = putStr(b, x.Surface)
		b = putBitmap(b, x.Docs)
	}
	b = putUvarint(b, uint64(len(e.Sections)))
	for _, s := range e.Sections {
		b = append(b, s.Code)
		b = putBitmap(b, s.Docs)
	}
	return b
}

// readPostings reads what appendPostings wrote into e.
func readPostings(r *reader, kind EntryKind, e *Entry, nl int) {
	last := 256
	for j := 0; j < nl && r.err == nil; j++ {
		l := Level{Level: r.byte(), Docs: r.bitmap()}
		if int(l.Level) >= last || l.Level == 0 {
			r.fail("levels not strictly decreasing")
		}
		last = int(l.Level)
		e.Levels = append(e.Levels, l)
	}
	if kind == UnionEntry {
		return
	}
	nx := r.count(2)
	for j := 0; j < nx && r.err == nil; j++ {
		x := Exact{Surface: r.str(), Docs: r.bitmap()}
		if j > 0 && x.Surface <= e.Exact[j-1].Surface {
			r.fail("exact forms out of order")
		}
		e.Exact = append(e.Exact, x)
	}
	ns := r.count(2)
	for j := 0; j < ns && r.err == nil; j++ {
		sp := SectionPosting{Code: r.byte(), Docs: r.bitmap()}
		if j > 0 && sp.Code <= e.Sections[j-1].Code {
			r.fail("sections out of order")
		}
		e.Sections = append(e.Sections, sp)
	}
}

// EncodeShard returns the bytes of a shard holding entries, which must be
// sorted by key with no duplicates.
func EncodeShard(entries []Entry) []byte {
	b := ShardHeader(len(entries))
	prev := ""
	for i := range entries {
		b = AppendEntry(b, prev, &entries[i])
		prev = entries[i].Key
	}
	return b
}

// DecodeShard reads a shard.
func DecodeShard(p []byte) (*Shard, error) {
	r := &reader{b: p}
	r.magic(shardMagic, ShardVersion)
	n := r.count(3)
	s := &Shard{Entries: make([]Entry, 0, n)}
	prev := ""
	for i := 0; i < n && r.err == nil; i++ {
		shared := r.uvarint()
		if shared > uint64(len(prev)) {
			r.fail("shared prefix longer than previous key")
			break
		}
		e := Entry{Key: prev[:shared] + r.str()}
		if i > 0 && e.Key <= prev {
			r.fail("keys out of order")
			break
		}
		switch kind := KindOf(e.Key); kind {
		case TermEntry, UnionEntry:
			if nl := r.count(2); nl > 0 {
				readPostings(r, kind, &e, nl)
			} else {
				e.Split = readSplit(r, kind)
			}
			if kind == UnionEntry {
				nc := r.count(1)
				for j := 0; j < nc && r.err == nil; j++ {
					e.Completions = append(e.Completions, r.str())
				}
			}
		case FacetEntry, ProductEntry:
			e.Docs = r.bitmap()
		case VocabEntry:
			e.DF = r.uvarint()
		}
		s.Entries = append(s.Entries, e)
		prev = e.Key
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return s, nil
}
