package format

import (
	"encoding/hex"
	"slices"
	"sort"
	"strconv"
	"unicode/utf8"
)

// ManifestName is the one file of an index whose name is fixed; every other
// file is named by its content, never changes, and lies in FilesDir, so
// that a host can give the directory a long cache lifetime without a rule
// that also matches the manifest.
const (
	ManifestName = "manifest.bin"
	FilesDir     = "f"
)

// Version is the format version written in the header of card files and
// posting chunk files.
const Version = 1

// ShardVersion is the version of term shards. Version 2 added split
// entries (Split) and their chunk files.
const ShardVersion = 2

// ManifestVersion is the version of the manifest and of directory files.
// Version 2 added the shard directory and the list of union prefixes.
const ManifestVersion = 2

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
	// Base is the number of the first shard of Shards: 0, or in a view of
	// some directories (Directory) the first of theirs. Not encoded.
	Base int
	// SectionMaxDocs: terms in more documents than this have no section
	// postings; a section restriction ignores them.
	SectionMaxDocs int
	Groups         []Group
	Shards         []ShardRef
	ShardPacks     []Hash // hash of each pack of ShardsPerPack consecutive shards
	Packs          []Hash // hash of each pack of FilesPerPack consecutive card files
	Sections       []SectionDef
	// Unions lists the prefixes that have a union entry, sorted.
	Unions []string

	// A large index lists its shards in directory files instead of in the
	// manifest: then ShardsPerDir > 0, NumShards counts the shards, Dirs
	// gives the first key and the content hash of each directory (holding
	// shards d*ShardsPerDir and on, a multiple of ShardsPerPack), and
	// Shards and ShardPacks are empty until FillDir puts a directory's in.
	ShardsPerDir int
	NumShards    int
	Dirs         []DirRef
}

// A DirRef names a directory file: the first key its shards may hold and
// the hash of its content.
type DirRef struct {
	First string
	Hash  Hash
}

// A Dir is a directory file's content: the refs and pack hashes of shards
// First.. First+len(Shards)-1.
type Dir struct {
	First  int // index of its first shard
	Shards []ShardRef
	Packs  []Hash // hashes of the packs of those shards
}

// DirName returns the file name of directory d.
func (m *Manifest) DirName(d int) string {
	return FilesDir + "/d-" + m.Dirs[d].Hash.String() + "-" + strconv.Itoa(d) + ".bin"
}

// DirFor returns the directory whose shards hold key (ShardsPerDir > 0).
func (m *Manifest) DirFor(key string) int {
	i := sort.Search(len(m.Dirs), func(i int) bool { return m.Dirs[i].First > key })
	return max(i-1, 0)
}

// DirsWithPrefix returns the directories whose shards may hold keys
// starting with prefix, in order.
func (m *Manifest) DirsWithPrefix(prefix string) []int {
	first := m.DirFor(prefix)
	out := []int{first}
	for i := first + 1; i < len(m.Dirs) && hasPrefixOrLess(m.Dirs[i].First, prefix); i++ {
		out = append(out, i)
	}
	return out
}

// Directory returns the manifest of a one-level index as is; for a
// two-level one it returns a copy whose Shards and ShardPacks hold the
// directories given (consecutive, from d0), with Base the index of their
// first shard, so that ShardFor and ShardsWithPrefix (plus Base) and
// ShardName work on the keys those directories cover.
func (m *Manifest) Directory(d0 int, dirs []*Dir) *Manifest {
	if m.ShardsPerDir == 0 {
		return m
	}
	v := *m
	v.Shards, v.ShardPacks = nil, nil
	v.Base = d0 * m.ShardsPerDir
	for _, d := range dirs {
		v.Shards = append(v.Shards, d.Shards...)
		v.ShardPacks = append(v.ShardPacks, d.Packs...)
	}
	return &v
}

// ShardName returns the file name of shard i (of m.Shards; the shard's
// number in the index is Base+i).
func (m *Manifest) ShardName(i int) string {
	return FilesDir + "/t-" + m.ShardPacks[i/m.ShardsPerPack].String() + "-" + strconv.Itoa(m.Base+i) + ".bin"
}

// CardFileName returns the file name of card file i (holding documents
// i*CardsPerFile and on).
func (m *Manifest) CardFileName(i int) string {
	return FilesDir + "/c-" + m.Packs[i/m.FilesPerPack].String() + "-" + strconv.Itoa(i) + ".bin"
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

// WantsUnion reports whether a builder whose shards are m.Shards gives
// prefix a union entry: a prefix of at most UnionMaxRunes characters, not
// starting with a namespace character, whose shards (ShardsWithPrefix)
// number at least UnionMinShards.
func (m *Manifest) WantsUnion(prefix string) bool {
	return UnionCandidate(prefix) && len(m.ShardsWithPrefix(prefix)) >= UnionMinShards
}

// HasUnion reports whether the index holds a union entry ("*" + prefix)
// for completing prefix: whether Unions lists it.
func (m *Manifest) HasUnion(prefix string) bool {
	_, ok := slices.BinarySearch(m.Unions, prefix)
	return ok
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
	b = append(b, ManifestVersion)
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
	b = putRefs(b, m.Shards)
	b = putHashes(b, m.ShardPacks)
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
	b = putKeys(b, m.Unions)
	b = putUvarint(b, uint64(m.ShardsPerDir))
	if m.ShardsPerDir > 0 {
		b = putUvarint(b, uint64(m.NumShards))
		keys := make([]string, len(m.Dirs))
		for i, d := range m.Dirs {
			keys[i] = d.First
		}
		b = putKeys(b, keys)
		for _, d := range m.Dirs {
			b = append(b, d.Hash[:]...)
		}
	}
	return b
}

// putKeys appends sorted keys, each as the length of the prefix it shares
// with the one before and the rest.
func putKeys(b []byte, keys []string) []byte {
	b = putUvarint(b, uint64(len(keys)))
	prev := ""
	for _, k := range keys {
		n := commonPrefix(prev, k)
		b = putUvarint(b, uint64(n))
		b = putStr(b, k[n:])
		prev = k
	}
	return b
}

func putRefs(b []byte, refs []ShardRef) []byte {
	keys := make([]string, len(refs))
	for i, s := range refs {
		keys[i] = s.First
	}
	return putKeys(b, keys)
}

func putHashes(b []byte, hs []Hash) []byte {
	b = putUvarint(b, uint64(len(hs)))
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}

// keys reads what putKeys wrote, checking that the keys increase strictly
// (the first may be "").
func (r *reader) keys() []string {
	n := r.count(2)
	var out []string
	prev := ""
	for i := 0; i < n && r.err == nil; i++ {
		k := r.uvarint()
		if k > uint64(len(prev)) {
			r.fail("shared prefix longer than previous key")
			break
		}
		s := prev[:k] + r.str()
		if i > 0 && s <= prev {
			r.fail("keys out of order")
		}
		out = append(out, s)
		prev = s
	}
	return out
}

func (r *reader) refs() []ShardRef {
	keys := r.keys()
	if len(keys) == 0 {
		return nil
	}
	out := make([]ShardRef, len(keys))
	for i, k := range keys {
		out[i].First = k
	}
	return out
}

const dirMagic = "MIPD"

// EncodeDir returns the bytes of a directory file.
func EncodeDir(d *Dir) []byte {
	b := []byte(dirMagic)
	b = append(b, ManifestVersion)
	b = putUvarint(b, uint64(d.First))
	b = putRefs(b, d.Shards)
	return putHashes(b, d.Packs)
}

// DecodeDir reads directory d of the index m describes, and checks it
// against m.
func DecodeDir(p []byte, m *Manifest, d int) (*Dir, error) {
	r := &reader{b: p}
	r.magic(dirMagic, ManifestVersion)
	dir := &Dir{First: int(min(r.uvarint(), 1<<31))}
	dir.Shards = r.refs()
	dir.Packs = r.hashes()
	if err := r.done(); err != nil {
		return nil, err
	}
	want := min(m.ShardsPerDir, m.NumShards-d*m.ShardsPerDir)
	switch {
	case d < 0 || d >= len(m.Dirs) || dir.First != d*m.ShardsPerDir:
		return nil, errorf("directory %d starts at shard %d", d, dir.First)
	case len(dir.Shards) != want || dir.Shards[0].First != m.Dirs[d].First:
		return nil, errorf("directory %d holds %d shards, want %d from %q", d, len(dir.Shards), want, m.Dirs[d].First)
	case d+1 < len(m.Dirs) && dir.Shards[len(dir.Shards)-1].First >= m.Dirs[d+1].First:
		return nil, errorf("directory %d overlaps the next", d)
	case len(dir.Packs) != (len(dir.Shards)+m.ShardsPerPack-1)/m.ShardsPerPack:
		return nil, errorf("directory %d: %d packs for %d shards", d, len(dir.Packs), len(dir.Shards))
	}
	return dir, nil
}

// DecodeManifest reads a manifest and checks that it is consistent.
func DecodeManifest(p []byte) (*Manifest, error) {
	r := &reader{b: p}
	r.magic(manifestMagic, ManifestVersion)
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
	m.Shards = r.refs()
	if len(m.Shards) > 0 && m.Shards[0].First != "" {
		r.fail("first shard key not empty")
	}
	m.ShardPacks = r.hashes()
	m.Packs = r.hashes()
	nsec := r.count(3)
	for i := 0; i < nsec && r.err == nil; i++ {
		m.Sections = append(m.Sections, SectionDef{Code: r.byte(), ID: r.str(), Name: r.str()})
	}
	m.Unions = r.keys()
	m.ShardsPerDir = int(min(r.uvarint(), 1<<31))
	if m.ShardsPerDir > 0 {
		m.NumShards = int(min(r.uvarint(), 1<<31))
		keys := r.keys()
		for _, k := range keys {
			var h Hash
			copy(h[:], r.bytes(8))
			m.Dirs = append(m.Dirs, DirRef{First: k, Hash: h})
		}
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	if m.ShardsPerDir > 0 {
		switch {
		case len(m.Shards) > 0 || len(m.ShardPacks) > 0:
			return nil, errorf("shards listed in both the manifest and directories")
		case m.ShardsPerPack < 1 || m.ShardsPerDir%m.ShardsPerPack != 0:
			return nil, errorf("%d shards per directory, %d per pack", m.ShardsPerDir, m.ShardsPerPack)
		case m.NumShards < 1 || len(m.Dirs) != (m.NumShards+m.ShardsPerDir-1)/m.ShardsPerDir || m.Dirs[0].First != "":
			return nil, errorf("%d directories for %d shards", len(m.Dirs), m.NumShards)
		}
	}
	switch {
	case total != m.Docs:
		return nil, errorf("groups hold %d documents, manifest says %d", total, m.Docs)
	case m.Levels < 1 || m.Levels > 255:
		return nil, errorf("%d impact levels", m.Levels)
	case m.ShardsPerDir == 0 && len(m.Shards) == 0:
		return nil, errorf("no shards")
	case m.ShardsPerDir == 0 && (m.ShardsPerPack < 1 || len(m.ShardPacks) != (len(m.Shards)+m.ShardsPerPack-1)/m.ShardsPerPack):
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
