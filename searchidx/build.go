package searchidx

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/analysis"
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
	Levels        int // impact levels; default 8 (at most 255)
	Workers       int // analysis goroutines; default GOMAXPROCS
	// SectionShare: a term in more than this share of the documents gets
	// no section postings (a section search ignores it). Default 0.1; 1
	// keeps every term's.
	SectionShare float64
}

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
		o.Levels = 8
	}
	o.Levels = min(o.Levels, 255)
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.SectionShare <= 0 {
		o.SectionShare = 0.1
	}
	return o
}

// Stats describe a built index.
type Stats struct {
	Docs          int
	Terms         int // term entries (excluding facet, section and vocabulary entries)
	Entries       int // all entries
	Shards        int
	CardFiles     int
	Files         int // every file written, the manifest included
	Bytes         int64
	ManifestBytes int
	MaxShardBytes int
	ShardBytes    int64 // all shards
	CardBytes     int64 // all card files
	// Namespaces breaks the shards down by what their keys hold: "terms"
	// (with product names), "facets", "sections", "vocabulary".
	Namespaces map[string]NamespaceStats
}

// NamespaceStats count the shards of one key namespace.
type NamespaceStats struct {
	Entries, Shards int
	Bytes           int64
}

var namespaceNames = map[format.EntryKind]string{
	format.TermEntry: "terms", format.FacetEntry: "facets",
	format.VocabEntry: "vocabulary",
}

// BM25 parameters.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Build writes the index of docs into dir (created if missing), replacing
// its manifest. Output depends only on docs and opts: the same input gives
// the same bytes.
func Build(docs []Doc, dir string, opts Options) (Stats, error) {
	opts = opts.withDefaults()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Stats{}, err
	}
	defer root.Close()
	files, err := build(docs, opts, defaultVariants)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	st = files.stats
	for _, f := range files.list {
		if err := root.WriteFile(f.name, f.data, 0o644); err != nil {
			return Stats{}, fmt.Errorf("write index: %w", err)
		}
	}
	return st, nil
}

type file struct {
	name string
	data []byte
}

type output struct {
	list  []file // the manifest last
	stats Stats
}

// ordered is a document with the fields the build needs, in doc-id order.
type ordered struct {
	doc       *Doc
	territory string
	sortKey   string
}

var typeRank = map[string]int{"SPC": 0, "PIL": 1, "PAR": 2}

// order validates docs and numbers them: by type, then territory, then
// first product name, then key, so that type and territory filters are id
// ranges and a product's documents of one type are neighbours.
func order(docs []Doc) ([]ordered, error) {
	var errs []error
	seen := map[string]bool{}
	out := make([]ordered, 0, len(docs))
	for i := range docs {
		d := &docs[i]
		if _, ok := typeRank[d.Type]; !ok {
			errs = append(errs, fmt.Errorf("document %q: type %q is not SPC, PIL or PAR", d.Key, d.Type))
			continue
		}
		if d.Key == "" || seen[d.Key] {
			errs = append(errs, fmt.Errorf("document %d: key %q is empty or repeated", i, d.Key))
			continue
		}
		seen[d.Key] = true
		terr := d.Territory
		if terr == "" {
			for _, l := range d.Licences {
				if ls := analysis.ParseLicences(l); len(ls) > 0 {
					terr = ls[0].Territory()
					break
				}
			}
		}
		switch terr {
		case "", "UK", "GB", "NI":
		default:
			errs = append(errs, fmt.Errorf("document %q: territory %q is not UK, GB or NI", d.Key, terr))
			continue
		}
		first := ""
		if len(d.Products) > 0 {
			first = analysis.Fold(d.Products[0])
		}
		out = append(out, ordered{doc: d, territory: terr, sortKey: first})
	}
	if len(out) > math.MaxUint32 {
		errs = append(errs, errors.New("too many documents"))
	}
	slices.SortFunc(out, func(a, b ordered) int {
		return cmp.Or(
			cmp.Compare(typeRank[a.doc.Type], typeRank[b.doc.Type]),
			cmp.Compare(a.territory, b.territory),
			cmp.Compare(a.sortKey, b.sortKey),
			cmp.Compare(a.doc.Key, b.doc.Key))
	})
	return out, errors.Join(errs...)
}

// docTerm is what one document holds of one term.
type docTerm struct {
	term     string
	fieldTF  uint32   // weighted occurrences in licence, product, substance and keyword fields
	textTF   uint32   // weighted occurrences in title, headings and text
	sections uint32   // bit c set: occurs in section code c
	exact    []string // surface forms, sorted
	field    bool     // occurs in a weighted field (licence, product, substance, keyword)
}

// analysed is one document's terms, sorted by term.
type analysed struct {
	terms  []docTerm
	length uint32 // tokens of text, for BM25 length normalisation
}

func analyseDoc(o ordered, variants variantTable) analysed {
	acc := map[string]*docTerm{}
	var length uint32
	add := func(text string, weight uint32, sections uint32, field bool, counted bool) {
		for _, t := range analysis.Analyze(text, analysis.IndexMode) {
			terms := append([]string{t.Term}, variants[t.Term]...)
			for i, term := range terms {
				dt := acc[term]
				if dt == nil {
					dt = &docTerm{term: term}
					acc[term] = dt
				}
				if field {
					dt.fieldTF += weight
				} else {
					dt.textTF += weight
				}
				dt.sections |= sections
				dt.field = dt.field || field
				if i == 0 && t.Exact != "" && !slices.Contains(dt.exact, t.Exact) {
					dt.exact = append(dt.exact, t.Exact)
				}
			}
			if counted {
				length++
			}
		}
	}
	d := o.doc
	for _, l := range d.Licences {
		ls := analysis.ParseLicences(l)
		for _, lic := range ls {
			add(lic.Term(), WeightLicence, 0, true, false)
		}
		if len(ls) == 0 {
			add(l, WeightLicence, 0, true, false)
		}
	}
	for _, p := range d.Products {
		add(p, WeightProduct, 0, true, false)
	}
	for _, s := range d.Substances {
		add(s, WeightSubstance, 0, true, false)
	}
	for _, k := range d.Keywords {
		add(k, WeightKeyword, 0, true, false)
	}
	add(d.Title, WeightTitle, 0, false, true)
	for _, s := range d.Sections {
		var bit uint32
		if c, ok := sectionCode[s.ID]; ok {
			bit = 1 << c
		}
		add(s.Heading, WeightHeading, bit, false, true)
		add(s.Text, WeightBody, bit, false, true)
	}
	add(d.Body, WeightBody, 0, false, true)
	out := analysed{terms: make([]docTerm, 0, len(acc)), length: length}
	for _, dt := range acc {
		sort.Strings(dt.exact)
		out.terms = append(out.terms, *dt)
	}
	slices.SortFunc(out.terms, func(a, b docTerm) int { return strings.Compare(a.term, b.term) })
	return out
}

// posting accumulates one term's documents in doc-id order.
type posting struct {
	docs     []uint32
	fieldTFs []uint32
	textTFs  []uint32
	lens     []uint32
	sections map[uint8][]uint32
	exact    map[string][]uint32
	field    bool
}

func build(docs []Doc, opts Options, variants variantTable) (*output, error) {
	ord, err := order(docs)
	if err != nil {
		return nil, err
	}
	n := len(ord)

	// Analyse in parallel, in bounded windows so memory stays proportional
	// to the postings, not to every document's term list at once.
	postings := map[string]*posting{}
	facets := map[string][]uint32{}
	products := map[string][]uint32{}
	var totalLen float64
	const window = 512
	res := make([]analysed, window)
	for lo := 0; lo < n; lo += window {
		hi := min(lo+window, n)
		var wg sync.WaitGroup
		next := make(chan int)
		for range opts.Workers {
			wg.Go(func() {
				for i := range next {
					res[i-lo] = analyseDoc(ord[i], variants)
				}
			})
		}
		for i := lo; i < hi; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		for i := lo; i < hi; i++ {
			a := res[i-lo]
			res[i-lo] = analysed{}
			id := uint32(i)
			totalLen += float64(a.length)
			for _, dt := range a.terms {
				p := postings[dt.term]
				if p == nil {
					p = &posting{}
					postings[dt.term] = p
				}
				p.docs = append(p.docs, id)
				p.fieldTFs = append(p.fieldTFs, dt.fieldTF)
				p.textTFs = append(p.textTFs, dt.textTF)
				p.lens = append(p.lens, a.length)
				p.field = p.field || dt.field
				for c := uint8(0); c < 32; c++ {
					if dt.sections&(1<<c) != 0 {
						if p.sections == nil {
							p.sections = map[uint8][]uint32{}
						}
						p.sections[c] = append(p.sections[c], id)
					}
				}
				for _, x := range dt.exact {
					if p.exact == nil {
						p.exact = map[string][]uint32{}
					}
					p.exact[x] = append(p.exact[x], id)
				}
			}
			for _, pr := range ord[i].doc.Products {
				if k := productKey(pr); k != "" {
					if l := products[k]; len(l) == 0 || l[len(l)-1] != id {
						products[k] = append(l, id)
					}
				}
			}
			for _, s := range ord[i].doc.Substances {
				k := format.FacetPrefix + analysis.Fold(strings.TrimSpace(s))
				if l := facets[k]; len(l) == 0 || l[len(l)-1] != id {
					facets[k] = append(l, id)
				}
			}
		}
	}
	avgLen := 1.0
	if n > 0 && totalLen > 0 {
		avgLen = totalLen / float64(n)
	}

	// Score every (term, doc) pair with BM25F and quantise on one global
	// scale. The short metadata fields are not length-normalised (b = 0);
	// the text is, against the average text length.
	terms := make([]string, 0, len(postings))
	for t := range postings {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	bm25 := func(p *posting, j int) float64 {
		df := float64(len(p.docs))
		idf := math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
		tf := float64(p.fieldTFs[j]) + float64(p.textTFs[j])/(1-bm25B+bm25B*float64(p.lens[j])/avgLen)
		return idf * tf * (bm25K1 + 1) / (tf + bm25K1)
	}
	maxScore := 0.0
	for _, t := range terms {
		p := postings[t]
		for j := range p.docs {
			maxScore = max(maxScore, bm25(p, j))
		}
	}
	level := func(s float64) uint8 {
		if maxScore == 0 {
			return 1
		}
		l := int(math.Ceil(s / maxScore * float64(opts.Levels)))
		return uint8(min(max(l, 1), opts.Levels))
	}

	sectionMaxDocs := int(opts.SectionShare * float64(n))
	entries := make([]format.Entry, 0, 2*len(postings)+len(facets))
	for _, t := range terms {
		p := postings[t]
		byLevel := map[uint8][]uint32{}
		for j, id := range p.docs {
			l := level(bm25(p, j))
			byLevel[l] = append(byLevel[l], id)
		}
		e := format.Entry{Key: t}
		for l := opts.Levels; l >= 1; l-- {
			if ids := byLevel[uint8(l)]; len(ids) > 0 {
				e.Levels = append(e.Levels, format.Level{Level: uint8(l), Docs: roaring.BitmapOf(ids...)})
			}
		}
		for _, x := range sortedKeys(p.exact) {
			e.Exact = append(e.Exact, format.Exact{Surface: x, Docs: roaring.BitmapOf(p.exact[x]...)})
		}
		if len(p.docs) <= sectionMaxDocs {
			for _, c := range sortedKeys(p.sections) {
				e.Sections = append(e.Sections, format.SectionPosting{Code: c, Docs: roaring.BitmapOf(p.sections[c]...)})
			}
		}
		entries = append(entries, e)
		if vocabWorthy(t, p) {
			entries = append(entries, format.Entry{Key: format.VocabPrefix + reverse(t), DF: uint64(len(p.docs))})
		}
	}
	for _, k := range sortedKeys(facets) {
		entries = append(entries, format.Entry{Key: k, Docs: roaring.BitmapOf(facets[k]...)})
	}
	for _, k := range sortedKeys(products) {
		entries = append(entries, format.Entry{Key: k, Docs: roaring.BitmapOf(products[k]...)})
	}
	slices.SortFunc(entries, func(a, b format.Entry) int { return strings.Compare(a.Key, b.Key) })

	out := &output{}
	out.stats.Docs = n
	out.stats.Terms = len(terms)
	out.stats.Entries = len(entries)
	m := &format.Manifest{
		Docs: n, Levels: opts.Levels, CardsPerFile: opts.CardsPerFile, FilesPerPack: opts.FilesPerPack,
		SectionMaxDocs: sectionMaxDocs, Sections: Sections,
	}
	for _, o := range ord {
		g := len(m.Groups) - 1
		if g < 0 || m.Groups[g].Type != o.doc.Type || m.Groups[g].Territory != o.territory {
			m.Groups = append(m.Groups, format.Group{Type: o.doc.Type, Territory: o.territory})
			g++
		}
		m.Groups[g].Count++
	}

	// Shards, named by the hash of their pack.
	var shardData [][]byte
	for _, sh := range cutShards(entries, opts.ShardBytes) {
		data := format.EncodeShard(entries[sh.lo:sh.hi])
		shardData = append(shardData, data)
		m.Shards = append(m.Shards, format.ShardRef{First: sh.first})
		out.stats.ShardBytes += int64(len(data))
		out.stats.MaxShardBytes = max(out.stats.MaxShardBytes, len(data))
		if out.stats.Namespaces == nil {
			out.stats.Namespaces = map[string]NamespaceStats{}
		}
		ns := namespaceNames[namespace(entries[sh.lo].Key)]
		nst := out.stats.Namespaces[ns]
		nst.Entries += sh.hi - sh.lo
		nst.Shards++
		nst.Bytes += int64(len(data))
		out.stats.Namespaces[ns] = nst
	}
	out.stats.Shards = len(m.Shards)
	m.ShardsPerPack = opts.ShardsPerPack
	m.ShardPacks = packHashes(shardData, opts.ShardsPerPack)
	for i, d := range shardData {
		out.list = append(out.list, file{m.ShardName(i), d})
	}

	// Card files, named by the hash of their pack.
	nfiles := (n + opts.CardsPerFile - 1) / opts.CardsPerFile
	cardData := make([][]byte, nfiles)
	for f := range nfiles {
		cs := make([]Card, 0, opts.CardsPerFile)
		for i := f * opts.CardsPerFile; i < min(n, (f+1)*opts.CardsPerFile); i++ {
			c := ord[i].doc.Card
			c.Type, c.Territory = ord[i].doc.Type, ord[i].territory
			cs = append(cs, c)
		}
		cardData[f] = format.EncodeCards(cs)
		out.stats.CardBytes += int64(len(cardData[f]))
	}
	m.Packs = packHashes(cardData, opts.FilesPerPack)
	for f, d := range cardData {
		out.list = append(out.list, file{m.CardFileName(f), d})
	}
	out.stats.CardFiles = nfiles

	man := m.Encode()
	out.list = append(out.list, file{format.ManifestName, man})
	out.stats.ManifestBytes = len(man)
	out.stats.Files = len(out.list)
	for _, f := range out.list {
		out.stats.Bytes += int64(len(f.data))
	}
	return out, nil
}

// productKey returns the key of a product name: its query-mode terms joined
// by spaces, or "" for a name of one term (its term entry serves).
func productKey(name string) string {
	toks := analysis.Analyze(name, analysis.QueryMode)
	if len(toks) < 2 {
		return ""
	}
	terms := make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	return strings.Join(terms, format.ProductSep)
}

// vocabWorthy says whether a term goes into the typo vocabulary: a word of
// five letters or more (typo tolerance starts there) that either appears in
// a weighted field (a product, substance, licence or keyword) or in at
// least two documents, so that one-off noise of PDF text stays out.
func vocabWorthy(t string, p *posting) bool {
	if len([]rune(t)) < 5 {
		return false
	}
	for _, r := range t {
		if !('a' <= r && r <= 'z') && r < 0x80 {
			return false
		}
	}
	return p.field || len(p.docs) >= 2
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// packHashes returns the hash of each pack of per consecutive files: the
// SHA-256 of each file's length in decimal, a colon, and its bytes, in
// order, cut to 8 bytes.
func packHashes(files [][]byte, per int) []format.Hash {
	var out []format.Hash
	for p := 0; p*per < len(files); p++ {
		sum := sha256.New()
		for _, d := range files[p*per : min(len(files), (p+1)*per)] {
			fmt.Fprintf(sum, "%d:", len(d))
			sum.Write(d)
		}
		var h format.Hash
		copy(h[:], sum.Sum(nil))
		out = append(out, h)
	}
	return out
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

type shardCut struct {
	lo, hi int
	first  string
}

// namespace groups keys that must not share a shard: terms, facets,
// section postings and vocabulary are fetched for different reasons.
// Product names share the term namespace, next to their first word.
func namespace(key string) format.EntryKind {
	if k := format.KindOf(key); k != format.ProductEntry {
		return k
	}
	return format.TermEntry
}

// cutShards splits sorted entries into shards of about target bytes. A
// shard ends where the next would pass the target; within the last 40% of
// the target the cut goes where the separating key prefix is shortest, so
// shards tend to follow term prefixes. A namespace change always cuts. An
// entry larger than the target gets a shard of its own.
func cutShards(entries []format.Entry, target int) []shardCut {
	sizes := make([]int, len(entries))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			var buf []byte
			for i := w; i < len(entries); i += workers {
				buf = format.AppendEntry(buf[:0], "", &entries[i])
				sizes[i] = len(buf)
			}
		})
	}
	wg.Wait()
	var cuts []shardCut
	lo := 0
	for lo < len(entries) {
		size := 0
		hi := lo
		best, bestLen := -1, math.MaxInt
		for hi < len(entries) {
			if hi > lo && namespace(entries[hi].Key) != namespace(entries[lo].Key) {
				best = hi
				break
			}
			if hi > lo && size+sizes[hi] > target {
				break
			}
			size += sizes[hi]
			hi++
			if hi < len(entries) && size >= target*6/10 {
				if l := len(separator(entries[hi-1].Key, entries[hi].Key)); l <= bestLen {
					best, bestLen = hi, l
				}
			}
		}
		if best < 0 || hi == len(entries) {
			best = hi
		}
		first := ""
		if lo > 0 {
			first = separator(entries[lo-1].Key, entries[lo].Key)
		}
		cuts = append(cuts, shardCut{lo: lo, hi: best, first: first})
		lo = best
	}
	if len(cuts) == 0 {
		cuts = append(cuts, shardCut{})
	}
	return cuts
}

// separator returns the shortest prefix of b that sorts after a (a < b).
func separator(a, b string) string {
	n := 0
	for n < len(a) && a[n] == b[n] {
		n++
	}
	return b[:n+1]
}
