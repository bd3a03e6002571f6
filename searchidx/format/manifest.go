package format

import (
	"encoding/hex"
	"sort"
	"strconv"
	"unicode/utf8"
)

// ManifestName is the one file of an index whose name is fixed; every other
// file is named by its content and never changes.
const ManifestName = "manifest.bin"

// Version is the format version written in every file's header.
const Version = 1

// Hash is the first 8 bytes of the SHA-256 of a file's content (for card
// files, of a pack's content); its hex form names the file.
type Hash [8]byte

// String returns the 16 hex digits used in file names.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// A Group is a run of consecutive document ids sharing a type and a
// territory. Documents are numbered in group order, so filters on type and
// territory are ranges.
type Group struct {
	Type      string // SPC, PIL or PAR
	Territory string // UK, GB, NI or ""
	Count     int
}

// A ShardRef gives the first key a shard may hold; a shard holds the keys
// from its First up to the next shard's First. The first shard's First is
// "".
type ShardRef struct {
	First string
}

// A SectionDef names a document section that has its own postings.
type SectionDef struct {
	Code uint8  // the code used in shard section entries
	ID   string // the section id documents use: "spc-4.1", "pil-4"
	Name string // the name a query may use: "indications", "side-effects"
}

// A Manifest describes an index: its documents' groups, its shards, its
// card packs and its sections.
type Manifest struct {
	Docs          int // documents, numbered 0..Docs-1
	Levels        int // impact levels run from 1 to Levels
	CardsPerFile  int // documents per card file
	FilesPerPack  int // card files sharing one pack hash
	ShardsPerPack int // shards sharing one pack hash
	// SectionMaxDocs: terms in more documents than this have no section
	// postings; a section restriction ignores them.
	SectionMaxDocs int
	Groups         []Group
	Shards         []ShardRef
	ShardPacks     []Hash // hash of each pack of ShardsPerPack consecutive shards
	Packs          []Hash // hash of each pack of FilesPerPack consecutive card files
	Sections       []SectionDef
}

// ShardName returns the file name of shard i.
func (m *Manifest) ShardName(i int) string {
	return "t-" + m.ShardPacks[i/m.ShardsPerPack].String() + "-" + strconv.Itoa(i) + ".bin"
}

// CardFileName returns the file name of card file i (holding documents
// i*CardsPerFile and on).
func (m *Manifest) CardFileName(i int) string {
	return "c-" + m.Packs[i/m.FilesPerPack].String() + "-" + strconv.Itoa(i) + ".bin"
}

// CardFiles returns the number of card files.
func (m *Manifest) CardFiles() int {
	return (m.Docs + m.CardsPerFile - 1) / m.CardsPerFile
}

// ShardFor returns the index of the shard that holds key (whether or not
// the key exists).
func (m *Manifest) ShardFor(key string) int {
	i := sort.Search(len(m.Shards), func(i int) bool { return m.Shards[i].First > key })
	return max(i-1, 0)
}

// ShardsWithPrefix returns the indexes of the shards that may hold keys
// starting with prefix, in order.
func (m *Manifest) ShardsWithPrefix(prefix string) []int {
	first := m.ShardFor(prefix)
	out := []int{first}
	for i := first + 1; i < len(m.Shards) && hasPrefixOrLess(m.Shards[i].First, prefix); i++ {
		out = append(out, i)
	}
	return out
}

// hasPrefixOrLess reports whether a shard starting at first can hold a key
// with the prefix: first itself starts with prefix (first > prefix is
// known).
func hasPrefixOrLess(first, prefix string) bool {
	return len(first) >= len(prefix) && first[:len(prefix)] == prefix
}

// Union entries stand for short prefixes whose terms span many shards.
const (
	UnionMaxRunes  = 2 // prefixes of at most this many characters
	UnionMinShards = 3 // whose terms span at least this many shards
)

// HasUnion reports whether the index holds a union entry ("*" + prefix)
// for completing prefix: it does exactly for prefixes of at most
// UnionMaxRunes characters, not starting with a namespace character, whose
// shards (ShardsWithPrefix) number at least UnionMinShards.
func (m *Manifest) HasUnion(prefix string) bool {
	return UnionCandidate(prefix) && len(m.ShardsWithPrefix(prefix)) >= UnionMinShards
}

// UnionCandidate reports whether prefix is short enough for a union entry
// and lies in the term namespace.
func UnionCandidate(prefix string) bool {
	return prefix != "" && utf8.RuneCountInString(prefix) <= UnionMaxRunes && KindOf(prefix) == TermEntry
}

// GroupStart returns the first document id of group g.
func (m *Manifest) GroupStart(g int) int {
	n := 0
	for _, gr := range m.Groups[:g] {
		n += gr.Count
	}
	return n
}

const manifestMagic = "MIPM"

// Encode returns the manifest's bytes.
func (m *Manifest) Encode() []byte {
	b := []byte(manifestMagic)
	b = append(b, Version)
	b = putUvarint(b, uint64(m.Docs))
	b = putUvarint(b, uint64(m.Levels))
	b = putUvarint(b, uint64(m.CardsPerFile))
	b = putUvarint(b, uint64(m.FilesPerPack))
	b = putUvarint(b, uint64(m.ShardsPerPack))
	b = putUvarint(b, uint64(m.SectionMaxDocs))
	b = putUvarint(b, uint64(len(m.Groups)))
	for _, g := range m.Groups {
		b = putStr(b, g.Type)
		b = putStr(b, g.Territory)
		b = putUvarint(b, uint64(g.Count))
	}
	b = putUvarint(b, uint64(len(m.Shards)))
	prev := ""
	for _, s := range m.Shards {
		n := commonPrefix(prev, s.First)
		b = putUvarint(b, uint64(n))
		b = putStr(b, s.First[n:])
		prev = s.First
	}
	b = putUvarint(b, uint64(len(m.ShardPacks)))
	for _, h := range m.ShardPacks {
		b = append(b, h[:]...)
	}
	b = putUvarint(b, uint64(len(m.Packs)))
	for _, h := range m.Packs {
		b = append(b, h[:]...)
	}
	b = putUvarint(b, uint64(len(m.Sections)))
	for _, s := range m.Sections {
		b = append(b, s.Code)
		b = putStr(b, s.ID)
		b = putStr(b, s.Name)
	}
	return b
}

// DecodeManifest reads a manifest and checks that it is consistent.
func DecodeManifest(p []byte) (*Manifest, error) {
	r := &reader{b: p}
	r.magic(manifestMagic, Version)
	m := &Manifest{}
	docs := r.uvarint()
	if docs > 1<<31 {
		r.fail("too many documents")
	}
	m.Docs = int(docs)
	m.Levels = int(min(r.uvarint(), 1<<16))
	m.CardsPerFile = int(min(r.uvarint(), 1<<31))
	m.FilesPerPack = int(min(r.uvarint(), 1<<31))
	m.ShardsPerPack = int(min(r.uvarint(), 1<<31))
	m.SectionMaxDocs = int(min(r.uvarint(), 1<<31))
	ng := r.count(3)
	total := 0
	for i := 0; i < ng && r.err == nil; i++ {
		g := Group{Type: r.str(), Territory: r.str(), Count: int(min(r.uvarint(), 1<<31))}
		total += g.Count
		m.Groups = append(m.Groups, g)
	}
	ns := r.count(2)
	prev := ""
	for i := 0; i < ns && r.err == nil; i++ {
		n := r.uvarint()
		if n > uint64(len(prev)) {
			r.fail("shared prefix longer than previous key")
			break
		}
		s := ShardRef{First: prev[:n] + r.str()}
		if i > 0 && s.First <= prev || i == 0 && s.First != "" {
			r.fail("shard keys out of order")
		}
		m.Shards = append(m.Shards, s)
		prev = s.First
	}
	m.ShardPacks = r.hashes()
	m.Packs = r.hashes()
	nsec := r.count(3)
	for i := 0; i < nsec && r.err == nil; i++ {
		m.Sections = append(m.Sections, SectionDef{Code: r.byte(), ID: r.str(), Name: r.str()})
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	switch {
	case total != m.Docs:
		return nil, errorf("groups hold %d documents, manifest says %d", total, m.Docs)
	case m.Levels < 1 || m.Levels > 255:
		return nil, errorf("%d impact levels", m.Levels)
	case len(m.Shards) == 0:
		return nil, errorf("no shards")
	case m.ShardsPerPack < 1 || len(m.ShardPacks) != (len(m.Shards)+m.ShardsPerPack-1)/m.ShardsPerPack:
		return nil, errorf("%d shard packs for %d shards", len(m.ShardPacks), len(m.Shards))
	case m.Docs > 0 && (m.CardsPerFile < 1 || m.FilesPerPack < 1):
		return nil, errorf("bad card layout")
	case m.Docs > 0 && len(m.Packs) != (m.CardFiles()+m.FilesPerPack-1)/m.FilesPerPack:
		return nil, errorf("%d card packs for %d card files", len(m.Packs), m.CardFiles())
	}
	return m, nil
}

func (r *reader) hashes() []Hash {
	n := r.count(8)
	var out []Hash
	for i := 0; i < n && r.err == nil; i++ {
		var h Hash
		copy(h[:], r.bytes(8))
		out = append(out, h)
	}
	return out
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
