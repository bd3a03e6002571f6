package searchidx

import (
	"runtime"

	"mip/searchidx/format"
)

// Card is what a search result shows for a document; see format.Card.
type Card = format.Card

// A Section is a numbered part of a document's text.
type Section struct {
	ID      string // "spc-4.1", "pil-4", …; see Sections for the ones searchable on their own
	Heading string
	Text    string
}

// A Doc is one document to index.
type Doc struct {
	Key        string   // stable document key (sha256 hex of the PDF); unique
	Type       string   // SPC, PIL or PAR
	Territory  string   // UK, GB, NI, or "" (derived from the first licence number when empty)
	Products   []string // product names
	Substances []string // active substances
	Licences   []string // licence numbers as written, in any spelling
	Keywords   []string
	Title      string
	Sections   []Section // the document's text by section; empty when it has no text
	Body       string    // text not in a section
	Card       Card      // what a result shows; Type and Territory are filled in by Build
	// Fingerprint, optional, identifies the document's content: equal
	// fingerprints promise equal documents (every field, text included;
	// Key aside). A document whose fingerprint the previous build's
	// segment holds is not analysed again (see Builder.Reusable).
	Fingerprint string
}

// Field weights: how much one occurrence of a term counts, by field. The
// regulator's live search weights licence 10, product 3, keywords 3, the
// rest 1; substances count like products here.
const (
	WeightLicence   = 10
	WeightProduct   = 3
	WeightSubstance = 3
	WeightKeyword   = 3
	WeightTitle     = 1
	WeightHeading   = 1
	WeightBody      = 1
)

// Sections lists the sections with their own postings, so a query can be
// restricted to them and a result can say where it matched. Section names
// may repeat (side-effects is SPC 4.8 and PIL 4).
var Sections = []format.SectionDef{
	{Code: 1, ID: "spc-4.1", Name: "indications"},
	{Code: 2, ID: "spc-4.2", Name: "posology"},
	{Code: 3, ID: "spc-4.3", Name: "contraindications"},
	{Code: 4, ID: "spc-4.4", Name: "warnings"},
	{Code: 5, ID: "spc-4.5", Name: "interactions"},
	{Code: 6, ID: "spc-4.6", Name: "pregnancy"},
	{Code: 7, ID: "spc-4.7", Name: "driving"},
	{Code: 8, ID: "spc-4.8", Name: "side-effects"},
	{Code: 9, ID: "spc-4.9", Name: "overdose"},
	{Code: 11, ID: "pil-1", Name: "uses"},
	{Code: 12, ID: "pil-2", Name: "before-use"},
	{Code: 13, ID: "pil-3", Name: "how-to-use"},
	{Code: 14, ID: "pil-4", Name: "side-effects"},
	{Code: 15, ID: "pil-5", Name: "storage"},
	{Code: 16, ID: "pil-6", Name: "contents"},
}

var sectionCode = func() map[string]uint8 {
	m := map[string]uint8{}
	for _, s := range Sections {
		m[s.ID] = s.Code
	}
	return m
}()

// Options tune a build. The zero value gives the defaults.
type Options struct {
	ShardBytes    int // target size of a term shard; default 16 KiB
	CardsPerFile  int // default 16
	FilesPerPack  int // card files named by one pack hash; default 64
	ShardsPerPack int // shards named by one pack hash; default 16
	Levels        int // impact levels; default 16 (at most 255)
	Workers       int // analysis goroutines; default GOMAXPROCS
	// SectionShare: a term in more than this share of the documents (and
	// in more than MinSectionDocs) gets no section postings (a section
	// search ignores it). Default 0.1; 1 keeps every term's.
	SectionShare float64
	// ManifestBytes: a manifest that would be larger lists its shards in
	// directory files of ShardsPerDir shards (rounded up to a multiple of
	// ShardsPerPack) instead, at the cost of one more dependent fetch.
	// Defaults 8 KiB and 256.
	ManifestBytes int
	ShardsPerDir  int
	// SplitBytes: a term or union entry whose encoding passes it is split
	// (FORMAT.md §4): its shard keeps its counts per group and the
	// documents of a first page, its postings go to chunk files of about
	// ChunkBytes, by ranges of document ids, each range spanning at least
	// ChunkSpan ids (a chunk costs a request: below 20,000 documents or so
	// a split entry has a single chunk). Defaults 8 KiB, 2 KiB and 32,768.
	SplitBytes int
	ChunkBytes int
	ChunkSpan  int

	// Previous is the path of a segment saved by an earlier build (see
	// Segment), or "". Documents whose Fingerprint it holds are taken
	// from it instead of being analysed; a missing, corrupt or old segment
	// counts as empty.
	Previous string
	// Segment is where Write saves this build's segment: per document
	// fingerprint, what analysis made of the document. "" saves none. It
	// may be the same path as Previous; it is replaced atomically.
	Segment string
	// LinkFrom is the previous build's index directory, or "": a file
	// Write would write that exists there with the same bytes is
	// hard-linked from there instead (names are content-hashed, so most
	// files of an unchanged index are).
	LinkFrom string
}

// MaxCardPacks: card files are grouped in packs of FilesPerPack or more,
// so that there are at most this many packs (and hashes in the manifest).
const MaxCardPacks = 128

// MinSectionDocs: a term in at most this many documents keeps its section
// postings whatever SectionShare says.
const MinSectionDocs = 100

func (o Options) withDefaults() Options {
	if o.ShardBytes <= 0 {
		o.ShardBytes = 16 << 10
	}
	if o.CardsPerFile <= 0 {
		o.CardsPerFile = 16
	}
	if o.FilesPerPack <= 0 {
		o.FilesPerPack = 64
	}
	if o.ShardsPerPack <= 0 {
		o.ShardsPerPack = 16
	}
	if o.Levels <= 0 {
		o.Levels = 16
	}
	o.Levels = min(o.Levels, 255)
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.ManifestBytes <= 0 {
		o.ManifestBytes = 8 << 10
	}
	if o.ShardsPerDir <= 0 {
		o.ShardsPerDir = 256
	}
	if o.SplitBytes <= 0 {
		o.SplitBytes = 8 << 10
	}
	if o.ChunkBytes <= 0 {
		o.ChunkBytes = 2 << 10
	}
	if o.ChunkSpan <= 0 {
		o.ChunkSpan = 1 << 15
	}
	if o.SectionShare <= 0 {
		o.SectionShare = 0.1
	}
	return o
}

// Stats describe a built index.
type Stats struct {
	Docs          int
	Terms         int // analysed terms (term entries)
	Entries       int // all entries
	Shards        int
	Dirs          int // directory files (0: the manifest lists the shards)
	CardFiles     int
	Files         int // every file written, the manifest included
	Bytes         int64
	ManifestBytes int
	MaxShardBytes int
	ShardBytes    int64 // all shards
	CardBytes     int64 // all card files
	// Split entries keep their postings in ChunkFiles (ChunkBytes in all).
	Split, ChunkFiles int
	ChunkBytes        int64
	// Analysed documents were analysed by this build; Reused ones were
	// taken from the previous segment.
	Analysed, Reused int
	// Written files were written, Linked ones hard-linked from LinkFrom.
	Written, Linked int
	// PreviousIgnored says why Options.Previous was not used, or is "".
	PreviousIgnored string
	SegmentBytes    int64 // size of the segment saved, if any
	// Namespaces breaks the shards down by what their keys hold: "terms"
	// (with product names), "unions", "facets", "vocabulary".
	Namespaces map[string]NamespaceStats
}

// NamespaceStats count the shards of one key namespace.
type NamespaceStats struct {
	Entries, Shards int
	Bytes           int64
}

var namespaceNames = map[format.EntryKind]string{
	format.TermEntry: "terms", format.FacetEntry: "facets",
	format.VocabEntry: "vocabulary", format.UnionEntry: "unions",
}
