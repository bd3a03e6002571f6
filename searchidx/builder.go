package searchidx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"mip/searchidx/analysis"
	"mip/searchidx/format"
)

// A Builder accumulates documents and writes their index. Documents are
// analysed as they are added, in parallel batches, and their text is not
// kept: memory grows with the postings, not with the text. A Builder is not
// safe for concurrent use.
type Builder struct {
	opts     Options
	variants variantTable

	pending []pendingDoc // added, not yet merged
	metas   []docMeta    // by provisional id (order of Add)
	seen    map[string]bool

	postings map[string]*posting
	facets   map[string][]uint32 // key → provisional ids
	products map[string][]uint32
	lens     []uint32 // text tokens, by provisional id

	merged    chan struct{} // closed when the last batch's merge is done; nil when none runs
	analysing chan struct{} // closed when the last batch's analysis is done

	// analysers[k] is worker k's; local[k][id-1] is the posting of its
	// term id, filled by merge, so that a term seen before by a worker
	// costs merge no map lookup.
	analysers []*analyser
	local     [][]*posting

	prev      *segmentReader         // the previous build's segment; nil when none or unusable
	prevError error                  // why Options.Previous was not used, or nil
	reuse     map[string]*segmentDoc // decoded by Reusable, taken by Add
	seg       *segmentWriter         // this build's segment; nil unless Options.Segment
	reused    int                    // documents taken from the previous segment
}

// pendingDoc is a document waiting for analysis (a == nil) or, when taken
// from the previous segment, for its merge.
type pendingDoc struct {
	doc Doc
	a   *analysed
}

// docMeta is what the builder keeps of a document after analysis.
type docMeta struct {
	key, typ, territory, sortKey string
	card                         Card
}

// posting accumulates one term's documents, by provisional id, compactly:
// per document a record of uvarints: id minus the previous id, textTF×2
// plus 1 when fieldTF follows, fieldTF if not 0, the section mask; 3–5
// bytes for most.
type posting struct {
	buf   []byte
	last  uint32 // the last id added
	df    uint32 // documents
	field bool   // occurs in a metadata field somewhere
	exact map[string][]uint32
	id    uint32 // the term's number in this build's segment
}

// pair is one decoded record of a posting.
type pair struct {
	id, fieldTF, textTF, sections uint32
}

func (p *posting) add(id uint32, dt *docTerm) {
	if d := id - p.last; d < 0x80 && dt.textTF < 0x40 && dt.fieldTF == 0 && dt.sections < 0x80 {
		// The common record: three one-byte uvarints.
		p.buf = append(p.buf, byte(d), byte(dt.textTF<<1), byte(dt.sections))
		p.last = id
		p.df++
		return
	}
	p.buf = binary.AppendUvarint(p.buf, uint64(id-p.last))
	if dt.fieldTF == 0 {
		p.buf = binary.AppendUvarint(p.buf, uint64(dt.textTF)<<1)
	} else {
		p.buf = binary.AppendUvarint(p.buf, uint64(dt.textTF)<<1|1)
		p.buf = binary.AppendUvarint(p.buf, uint64(dt.fieldTF))
	}
	p.buf = binary.AppendUvarint(p.buf, uint64(dt.sections))
	p.last = id
	p.df++
	p.field = p.field || dt.fieldTF > 0
}

// pairs decodes the posting into dst.
func (p *posting) pairs(dst []pair) []pair {
	dst = dst[:0]
	var id uint32
	next := func(i *int) uint64 {
		if c := p.buf[*i]; c < 0x80 { // most are one byte
			*i++
			return uint64(c)
		}
		x, n := binary.Uvarint(p.buf[*i:])
		*i += n
		return x
	}
	for i := 0; i < len(p.buf); {
		id += uint32(next(&i))
		t := next(&i)
		var field uint64
		if t&1 != 0 {
			field = next(&i)
		}
		sections := next(&i)
		dst = append(dst, pair{id, uint32(field), uint32(t >> 1), uint32(sections)})
	}
	return dst
}

// batch is how many documents are analysed together.
const batch = 256

// NewBuilder returns an empty builder.
//
// With Options.Previous set, the previous build's segment is opened (only
// its table of strings and of documents is read); a missing, corrupt or
// old segment is ignored and Stats.PreviousIgnored says why. With
// Options.Segment set, the segment of this build is written as documents
// are merged, to a temporary file renamed by Write.
func NewBuilder(opts Options) *Builder {
	b := &Builder{
		opts: opts.withDefaults(), variants: defaultVariants, seen: map[string]bool{},
		postings: map[string]*posting{}, facets: map[string][]uint32{}, products: map[string][]uint32{},
		reuse: map[string]*segmentDoc{},
	}
	if b.opts.Previous != "" {
		b.prev, b.prevError = openSegment(b.opts.Previous)
	}
	if b.opts.Segment != "" {
		b.seg = newSegmentWriter(b.opts.Segment)
	}
	for k := range b.opts.Workers {
		w := newAnalyser()
		w.slot = k
		b.analysers = append(b.analysers, w)
	}
	b.local = make([][]*posting, b.opts.Workers)
	return b
}

// Reusable reports whether the previous build's segment holds the analysis
// of a document with this fingerprint, checked and decoded. When it does,
// Add takes that document's terms, card, facets, product keys and sort key
// from the segment, and the Doc given to Add needs only Key, Type,
// Territory and Fingerprint. The decoded record is kept until Add takes
// it, so call Reusable just before Add.
func (b *Builder) Reusable(fingerprint string) bool {
	if fingerprint == "" || b.prev == nil {
		return false
	}
	if _, ok := b.reuse[fingerprint]; ok {
		return true
	}
	sd, err := b.prev.doc(fingerprint)
	if err != nil || sd == nil {
		return false
	}
	b.reuse[fingerprint] = sd
	return true
}

var typeRank = map[string]int{"SPC": 0, "PIL": 1, "PAR": 2}

// Add adds a document, or reports why it cannot be indexed: an unknown
// type or territory, an empty or repeated key.
func (b *Builder) Add(d Doc) error {
	if _, ok := typeRank[d.Type]; !ok {
		return fmt.Errorf("document %q: type %q is not SPC, PIL or PAR", d.Key, d.Type)
	}
	if d.Key == "" || b.seen[d.Key] {
		return fmt.Errorf("document key %q is empty or repeated", d.Key)
	}
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
		return fmt.Errorf("document %q: territory %q is not UK, GB or NI", d.Key, terr)
	}
	if len(b.metas) >= math.MaxUint32 {
		return errors.New("too many documents")
	}
	var reused *segmentDoc
	if d.Fingerprint != "" && b.Reusable(d.Fingerprint) {
		reused = b.reuse[d.Fingerprint]
		if reused.typ != d.Type || (terr != "" && terr != reused.territory) {
			return fmt.Errorf("document %q: fingerprint %q was a %s of territory %q, now a %s of %q",
				d.Key, d.Fingerprint, reused.typ, reused.territory, d.Type, terr)
		}
		terr = reused.territory
	}
	b.seen[d.Key] = true
	if reused != nil {
		delete(b.reuse, d.Fingerprint)
		b.reused++
		card := reused.card
		card.Type, card.Territory = d.Type, terr
		b.metas = append(b.metas, docMeta{key: d.Key, typ: d.Type, territory: terr, sortKey: reused.sortKey, card: card})
		b.pending = append(b.pending, pendingDoc{doc: Doc{Key: d.Key, Fingerprint: d.Fingerprint}, a: &reused.a})
	} else {
		sortKey := ""
		if len(d.Products) > 0 {
			sortKey = analysis.Fold(d.Products[0])
		}
		card := d.Card
		card.Type, card.Territory = d.Type, terr
		b.metas = append(b.metas, docMeta{key: d.Key, typ: d.Type, territory: terr, sortKey: sortKey, card: card})
		b.pending = append(b.pending, pendingDoc{doc: d})
	}
	if len(b.pending) == batch {
		b.flush()
	}
	return nil
}

// flush hands the pending documents to the background: they are analysed
// in parallel while the caller adds the next batch, then merged into the
// postings (after the previous batch) while the batch after is analysed.
// At most one batch is analysed at a time: flush first waits for the
// previous batch's analysis, so memory holds at most three batches' text.
func (b *Builder) flush() {
	if b.analysing != nil {
		<-b.analysing
	}
	docs := b.pending
	b.pending = make([]pendingDoc, 0, batch)
	first := uint32(len(b.metas) - len(docs))
	metas := b.metas[first:] // not appended to in place: later Adds may grow b.metas elsewhere
	analysing, merged, prev := make(chan struct{}), make(chan struct{}), b.merged
	b.analysing, b.merged = analysing, merged
	go func() {
		defer close(merged)
		res := b.analyse(docs)
		close(analysing)
		if prev != nil {
			<-prev
		}
		b.merge(first, docs, metas, res)
	}()
}

// analyse analyses a batch with one goroutine per analyser.
func (b *Builder) analyse(docs []pendingDoc) []analysed {
	res := make([]analysed, len(docs))
	var wg sync.WaitGroup
	next := make(chan int)
	for _, w := range b.analysers {
		wg.Go(func() {
			for i := range next {
				res[i] = w.analyse(&docs[i].doc, b.variants)
				docs[i].doc = Doc{Key: docs[i].doc.Key, Fingerprint: docs[i].doc.Fingerprint} // the text can go
			}
		})
	}
	for i := range docs {
		if docs[i].a != nil {
			res[i] = *docs[i].a
			docs[i].a = nil
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return res
}

// wait waits for the running merge, if any.
func (b *Builder) wait() {
	if b.merged != nil {
		<-b.merged
		b.merged = nil
	}
}

// merge adds analysed documents, numbered from first, to the postings,
// and their analysis to this build's segment.
func (b *Builder) merge(first uint32, docs []pendingDoc, metas []docMeta, res []analysed) {
	var ps []*posting
	for i := range res {
		a := &res[i]
		id := first + uint32(i)
		b.lens = append(b.lens, a.length)
		ps = ps[:0]
		var local []*posting
		if a.slot >= 0 {
			local = b.local[a.slot]
		}
		for j, dt := range a.terms {
			var p *posting
			if l := int(dt.local) - 1; l >= 0 && l < len(local) {
				p = local[l]
			}
			if p == nil {
				p = b.postings[dt.term]
			}
			if p == nil {
				// Clone: the term is a substring of the document's text,
				// which must not stay alive as a map key.
				p = &posting{}
				t := strings.Clone(dt.term)
				b.postings[t] = p
				if b.seg != nil {
					p.id = b.seg.intern(t)
				}
			}
			if l := int(dt.local) - 1; a.slot >= 0 && l >= 0 {
				if l >= len(local) {
					local = append(local, make([]*posting, l+1-len(local)+len(local)/2)...)
				}
				local[l] = p
			}
			ps = append(ps, p)
			p.add(id, &a.terms[j])
			for _, x := range dt.exact {
				if p.exact == nil {
					p.exact = map[string][]uint32{}
				}
				l, ok := p.exact[x]
				if !ok {
					x = strings.Clone(x)
				}
				p.exact[x] = append(l, id)
			}
		}
		if a.slot >= 0 {
			b.local[a.slot] = local
		}
		for _, k := range a.productKeys {
			if l := b.products[k]; len(l) == 0 || l[len(l)-1] != id {
				b.products[k] = append(l, id)
			}
		}
		for _, k := range a.facetKeys {
			if l := b.facets[k]; len(l) == 0 || l[len(l)-1] != id {
				b.facets[k] = append(l, id)
			}
		}
		if b.seg != nil {
			b.seg.add(docs[i].doc.Fingerprint, &metas[i], a, ps)
		}
		if a.slot >= 0 {
			// Nothing merged points into the terms (postings and exact
			// forms are keyed by copies): the next documents reuse them.
			recycleTerms(a.terms)
			a.terms = nil
		}
	}
}

// termsPool holds the emptied terms of merged documents, for the analysis
// of the next ones: a document's terms are the bulk of what analysis
// allocates, and live only until the document is merged.
var termsPool sync.Pool

// newTerms returns an empty slice of at least n terms' capacity.
func newTerms(n int) []docTerm {
	if p, ok := termsPool.Get().(*[]docTerm); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]docTerm, 0, n)
}

func recycleTerms(t []docTerm) {
	clear(t) // drop the strings
	t = t[:0]
	termsPool.Put(&t)
}

// docTerm is what one document holds of one term.
type docTerm struct {
	term     string
	fieldTF  uint32   // weighted occurrences in licence, product, substance and keyword fields
	textTF   uint32   // weighted occurrences in title, headings and text
	sections uint32   // bit c set: occurs in section code c
	local    int32    // 1 + the analyser's id of the term, or 0
	exact    []string // surface forms, sorted
}

// analysed is what analysis makes of one document: its terms (in no
// particular order) and the keys of its product names and substances.
type analysed struct {
	slot        int // the analyser's, or -1
	terms       []docTerm
	length      uint32   // text tokens, for length normalisation
	productKeys []string // productKey of each product name that has one
	facetKeys   []string // the facet key of each substance
}

// analyser holds what one goroutine reuses from document to document.
type analyser struct {
	slot    int // in Builder.analysers, or -1
	scratch []analysis.Token
	folded  []byte // text being tokenised; tokens point into it
	// ids numbers every term the analyser has seen, from 1; names are the
	// terms (copies, not views of a document's text) and at[id-1] is the
	// term's place in the current document's terms plus 1, or 0.
	ids   map[string]int32
	names []string
	// exacts[id-1] is the copy of the term's last exact form, shared by
	// the documents that write the term so.
	exacts []string
	// vars[id-1] are the other spellings of the term (the variant table's
	// entry, looked up once). An analyser is used with one table only.
	vars [][]string
	at   []int32
	last int // terms in the last document, to size the next
}

func newAnalyser() *analyser { return &analyser{slot: -1, ids: map[string]int32{}} }

// analyseDoc analyses one document.
func analyseDoc(d *Doc, variants variantTable) analysed {
	return newAnalyser().analyse(d, variants)
}

func (w *analyser) analyse(d *Doc, variants variantTable) analysed {
	scratch := w.scratch
	terms := newTerms(w.last + w.last/4 + 16)
	var length uint32
	count := func(term string, weight, sections uint32, field bool) *docTerm {
		id, ok := w.ids[term]
		if !ok {
			term = strings.Clone(term)
			w.names = append(w.names, term)
			w.vars = append(w.vars, variants[term])
			w.at = append(w.at, 0)
			w.exacts = append(w.exacts, "")
			id = int32(len(w.names))
			w.ids[term] = id
		}
		i := w.at[id-1]
		if i == 0 {
			terms = append(terms, docTerm{term: w.names[id-1], local: id})
			i = int32(len(terms))
			w.at[id-1] = i
		}
		dt := &terms[i-1]
		if field {
			dt.fieldTF += weight
		} else {
			dt.textTF += weight
		}
		dt.sections |= sections
		return dt
	}
	add := func(text string, weight, sections uint32, field bool) {
		// Terms are copied by count, exact forms here: tokens point
		// into w.folded, which the next text overwrites.
		scratch, w.folded = analysis.AppendTokensBuf(scratch[:0], text, analysis.IndexMode, w.folded)
		for _, t := range scratch {
			dt := count(t.Term, weight, sections, field)
			if t.Exact != "" && !slices.Contains(dt.exact, t.Exact) {
				x := w.exacts[dt.local-1]
				if x != t.Exact {
					x = strings.Clone(t.Exact)
					w.exacts[dt.local-1] = x
				}
				dt.exact = append(dt.exact, x)
			}
		}
		if !field {
			length += uint32(len(scratch))
		}
	}
	for _, l := range d.Licences {
		ls := analysis.ParseLicences(l)
		for _, lic := range ls {
			count(lic.Term(), WeightLicence, 0, true)
		}
		if len(ls) == 0 {
			add(l, WeightLicence, 0, true)
		}
	}
	for _, p := range d.Products {
		add(p, WeightProduct, 0, true)
	}
	for _, s := range d.Substances {
		add(s, WeightSubstance, 0, true)
	}
	for _, k := range d.Keywords {
		add(k, WeightKeyword, 0, true)
	}
	add(d.Title, WeightTitle, 0, false)
	for _, s := range d.Sections {
		var bit uint32
		if c, ok := sectionCode[s.ID]; ok {
			bit = 1 << c
		}
		add(s.Heading, WeightHeading, bit, false)
		add(s.Text, WeightBody, bit, false)
	}
	add(d.Body, WeightBody, 0, false)
	// Name variants: each spelling's counts go to the other spellings too,
	// once per distinct term rather than per occurrence.
	for i, n := 0, len(terms); i < n; i++ {
		for _, v := range w.vars[terms[i].local-1] {
			src := terms[i]
			dt := count(v, 0, src.sections, false)
			dt.fieldTF += src.fieldTF
			dt.textTF += src.textTF
		}
	}
	for i := range terms {
		slices.Sort(terms[i].exact)
		w.at[terms[i].local-1] = 0
	}
	a := analysed{slot: w.slot, terms: terms, length: length}
	for _, pr := range d.Products {
		if k := productKey(pr); k != "" {
			a.productKeys = append(a.productKeys, k)
		}
	}
	for _, s := range d.Substances {
		a.facetKeys = append(a.facetKeys, format.FacetPrefix+analysis.Fold(strings.TrimSpace(s)))
	}
	w.scratch, w.last = scratch, len(terms)
	return a
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

// Build writes the index of docs into dir (created if missing), replacing
// its manifest. It indexes nothing if any document is invalid, and reports
// every invalid one. Output depends only on the set of docs and opts: the
// same documents, in any order, give the same bytes.
func Build(docs []Doc, dir string, opts Options) (Stats, error) {
	b := NewBuilder(opts)
	var errs []error
	for _, d := range docs {
		if err := b.Add(d); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Stats{}, err
	}
	return b.Write(dir)
}
