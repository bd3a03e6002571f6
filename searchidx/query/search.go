package query

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/analysis"
	"mip/searchidx/format"
)

// MaxQueryBytes is the longest query searched; longer ones are cut.
const MaxQueryBytes = 256

// A Request is one search.
type Request struct {
	Query string `json:"query"`
	// Types keeps only documents of these types (SPC, PIL, PAR); empty keeps all.
	Types []string `json:"types,omitempty"`
	// Territory keeps UK, GB or NI documents; GB and NI also keep UK-wide
	// documents and those of unknown territory, as the regulator's site does.
	Territory string `json:"territory,omitempty"`
	// Substance keeps documents with this active substance (any case).
	Substance string `json:"substance,omitempty"`
	// Section restricts matches to a section, by id ("spc-4.1") or name
	// ("indications", "side-effects").
	Section string `json:"section,omitempty"`
	// Page is the 0-based page of results; PageSize defaults to 10.
	Page     int `json:"page,omitempty"`
	PageSize int `json:"pageSize,omitempty"`
	// SubstanceCounts asks for Facets.Substances, which reads the facet
	// shards of the page's substances; a client shows them on demand.
	SubstanceCounts bool `json:"substanceCounts,omitempty"`
	// NoCorrect searches the words as typed, without typo tolerance (the
	// "search instead for" link under a corrected query).
	NoCorrect bool `json:"noCorrect,omitempty"`
}

// A Hit is one result.
type Hit struct {
	Doc   uint32 // document id in the index
	Score int    // sum of impact levels (plus bonuses)
	Card  format.Card
	// Section is the id of the section where the most query words occur
	// ("spc-4.8"), or "" when none of the indexed sections holds them.
	Section string
}

// A Correction is a query word replaced by typo tolerance.
type Correction struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Facets are result counts by filter value. Each facet counts the results
// with every other filter applied but its own.
type Facets struct {
	Types       map[string]int // SPC, PIL, PAR
	Territories map[string]int // UK, GB, NI, and "" for unknown, counted as stored
	// Substances counts the substances of the page's results (and the
	// selected one), keyed by folded name, when the request asks for it; it
	// is not a list of every substance in the results.
	Substances map[string]int
}

// A Result answers a Request.
type Result struct {
	Total int
	Hits  []Hit
	// Corrected is the query as searched when typo tolerance replaced a
	// word, else "". Corrections lists the replacements.
	Corrected   string
	Corrections []Correction
	// Fallback is true when no document holds every word: the results then
	// hold some of them, those with the most words first.
	Fallback bool
	// Completions lists the terms the unfinished last word was completed to
	// (most documents first, at most 10).
	Completions []string
	Facets      Facets
}

// word is one query word resolved against the index.
type word struct {
	token    analysis.Token
	term     string          // the term searched: the query's, or its correction
	resolved []*format.Entry // their entries as found (a split one without postings)
	// Set by materialise: the entries with postings (a split one with
	// those of the chunks loaded), the documents holding any of them, and
	// those holding the exact surface, for the bonus.
	entries []*format.Entry
	matches *roaring.Bitmap
	exact   *roaring.Bitmap
}

// Search runs a request.
func (ix *Index) Search(req Request) (*Result, error) {
	if req.PageSize <= 0 {
		req.PageSize = 10
	}
	text := req.Query
	if len(text) > MaxQueryBytes {
		text = strings.ToValidUTF8(text[:MaxQueryBytes], "")
	}
	q := analysis.ParseQuery(text)
	res := &Result{}
	var words []*word
	seen := map[string]bool{}
	for i, t := range q.Tokens {
		if seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		open := q.Open && i == len(q.Tokens)-1
		w, completions, corr, err := ix.resolve(t, open, !req.NoCorrect)
		if err != nil {
			return nil, err
		}
		if corr != nil {
			res.Corrections = append(res.Corrections, *corr)
		}
		if open {
			res.Completions = completions
		}
		words = append(words, w)
	}
	if len(res.Corrections) > 0 {
		parts := make([]string, len(words))
		for i, w := range words {
			parts[i] = w.term
		}
		res.Corrected = strings.Join(parts, " ")
	}
	if len(words) == 0 {
		return res, nil
	}

	codes, err := ix.sectionCodes(req.Section)
	if err != nil {
		return nil, err
	}
	if done, err := ix.firstPage(req, words[0], len(words), codes, res); done || err != nil {
		return res, err
	}
	// Postings: the word in fewest documents whole; of the others' split
	// entries, the chunks that can hold one of its documents, all the AND
	// can find.
	rarest := 0
	for i, w := range words {
		if w.docCount() < words[rarest].docCount() {
			rarest = i
		}
	}
	if err := ix.materialise(words[rarest], nil); err != nil {
		return nil, err
	}
	partial := false
	for i, w := range words {
		if i != rarest {
			partial = partial || w.split()
			if err := ix.materialise(w, words[rarest].matches); err != nil {
				return nil, err
			}
		}
	}
	var sectionDocs []*roaring.Bitmap // per word, documents holding it in the section
	matchSet := func(i int) *roaring.Bitmap {
		if codes != nil {
			return sectionDocs[i]
		}
		return words[i].matches
	}
	sets := make([]*roaring.Bitmap, len(words))
	andSets := func() *roaring.Bitmap {
		sectionDocs = sectionDocs[:0]
		if codes != nil {
			for _, w := range words {
				sectionDocs = append(sectionDocs, ix.inSections(w, codes))
			}
		}
		for i := range words {
			sets[i] = matchSet(i)
		}
		if len(words) == 1 {
			return sets[0].Clone()
		}
		return roaring.FastAnd(sets...)
	}

	// AND, or the fallback, which needs every chunk.
	base := andSets()
	if base.IsEmpty() && len(words) > 1 {
		if partial {
			for _, w := range words {
				if err := ix.materialise(w, nil); err != nil {
					return nil, err
				}
			}
			andSets()
		}
		res.Fallback = true
		base = roaring.FastOr(sets...)
	}
	matched := base.Clone() // before the substance filter, for its counts
	if req.Substance != "" {
		e, err := ix.lookup(format.FacetPrefix + analysis.Fold(strings.TrimSpace(req.Substance)))
		if err != nil {
			return nil, err
		}
		if e == nil {
			base.Clear()
		} else {
			base.And(e.Docs)
		}
	}
	typeDocs := ix.groupDocs(func(g format.Group) bool {
		return len(req.Types) == 0 || slices.Contains(req.Types, g.Type)
	})
	terrDocs := ix.groupDocs(func(g format.Group) bool { return territoryKeeps(req.Territory, g.Territory) })

	// Facet counts.
	res.Facets.Types = map[string]int{}
	res.Facets.Territories = map[string]int{}
	byTerr := roaring.And(base, typeDocs)
	byType := roaring.And(base, terrDocs)
	for gi, g := range ix.m.Groups {
		lo := uint64(ix.m.GroupStart(gi))
		hi := lo + uint64(g.Count)
		if n := int(rangeCount(byType, lo, hi)); n > 0 {
			res.Facets.Types[g.Type] += n
		}
		if n := int(rangeCount(byTerr, lo, hi)); n > 0 {
			res.Facets.Territories[g.Territory] += n
		}
	}
	final := roaring.FastAnd(base, typeDocs, terrDocs)
	res.Total = int(final.GetCardinality())

	// A query naming a product exactly puts that product's documents first,
	// in id order: SPC, PIL, PAR.
	product, err := ix.productDocs(words)
	if err != nil {
		return nil, err
	}

	// Score and rank.
	type scored struct {
		id    uint32
		score int
	}
	ranked := make([]scored, 0, res.Total)
	it := final.Iterator()
	for it.HasNext() {
		id := it.Next()
		s := 0
		matched := 0
		for i, w := range words {
			l := level(w, id)
			if l == 0 || !matchSet(i).Contains(id) {
				continue
			}
			matched++
			s += l
			if w.exact != nil && w.exact.Contains(id) {
				s++
			}
		}
		if res.Fallback {
			s += matched * 2 * ix.m.Levels
		}
		if product != nil && product.Contains(id) {
			s = productScore
		}
		ranked = append(ranked, scored{id, s})
	}
	slices.SortFunc(ranked, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id))
	})
	from := min(req.Page*req.PageSize, len(ranked))
	to := min(from+req.PageSize, len(ranked))
	for _, r := range ranked[from:to] {
		c, err := ix.card(r.id)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, Hit{Doc: r.id, Score: r.score, Card: c})
	}
	if err := ix.markSections(res.Hits, words, codes); err != nil {
		return nil, err
	}

	if !req.SubstanceCounts {
		return res, nil
	}
	// Substance counts for the substances on this page.
	res.Facets.Substances = map[string]int{}
	subs := []string{}
	for _, h := range res.Hits {
		subs = append(subs, h.Card.Substances...)
	}
	if req.Substance != "" {
		subs = append(subs, req.Substance)
	}
	withFilters := roaring.FastAnd(matched, typeDocs, terrDocs)
	for _, s := range subs {
		k := analysis.Fold(strings.TrimSpace(s))
		if _, done := res.Facets.Substances[k]; done {
			continue
		}
		e, err := ix.lookup(format.FacetPrefix + k)
		if err != nil {
			return nil, err
		}
		n := 0
		if e != nil {
			n = int(roaring.And(withFilters, e.Docs).GetCardinality())
		}
		res.Facets.Substances[k] = n
	}
	return res, nil
}

// productScore is the score of the documents of a product named exactly,
// above all others; equal scores fall back to id order.
const productScore = 1 << 30

// productDocs returns the documents of the product whose name the query's
// words spell exactly, or nil.
func (ix *Index) productDocs(words []*word) (*roaring.Bitmap, error) {
	if len(words) < 2 {
		return nil, nil
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = w.term
	}
	e, err := ix.lookup(strings.Join(terms, format.ProductSep))
	if err != nil || e == nil {
		return nil, err
	}
	return e.Docs, nil
}

// level returns the impact level of document id for the word: the highest
// level among its terms, 0 when it has none.
func level(w *word, id uint32) int {
	best := 0
	for _, e := range w.entries {
		for _, l := range e.Levels {
			if int(l.Level) <= best {
				break
			}
			if l.Docs.Contains(id) {
				best = int(l.Level)
				break
			}
		}
	}
	return best
}

func territoryKeeps(filter, t string) bool {
	switch filter {
	case "":
		return true
	case "GB", "NI":
		return t == filter || t == "UK" || t == ""
	}
	return t == filter
}

// groupDocs returns the documents of the groups keep accepts.
func (ix *Index) groupDocs(keep func(format.Group) bool) *roaring.Bitmap {
	bm := roaring.New()
	start := uint64(0)
	for _, g := range ix.m.Groups {
		if keep(g) {
			bm.AddRange(start, start+uint64(g.Count))
		}
		start += uint64(g.Count)
	}
	return bm
}

func rangeCount(bm *roaring.Bitmap, lo, hi uint64) uint64 {
	if lo >= hi {
		return 0
	}
	return bm.Rank(uint32(hi-1)) - bm.Rank(uint32(lo)) + boolU(bm.Contains(uint32(lo)))
}

func boolU(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// sectionCodes resolves a section id or name to its codes; nil means no
// restriction.
func (ix *Index) sectionCodes(s string) ([]uint8, error) {
	if s == "" {
		return nil, nil
	}
	var codes []uint8
	for _, d := range ix.m.Sections {
		if strings.EqualFold(d.ID, s) || strings.EqualFold(d.Name, s) {
			codes = append(codes, d.Code)
		}
	}
	if len(codes) == 0 {
		return nil, fmt.Errorf("unknown section %q", s)
	}
	return codes, nil
}

// inSections returns the documents holding the word in one of the
// sections, or the word's documents when it is too common to have section
// postings (a section search ignores such words).
func (ix *Index) inSections(w *word, codes []uint8) *roaring.Bitmap {
	out := roaring.New()
	for _, e := range w.entries {
		if e.DocCount() > uint64(ix.m.SectionMaxDocs) {
			return w.matches
		}
		for _, sp := range e.Sections {
			if slices.Contains(codes, sp.Code) {
				out.Or(sp.Docs)
			}
		}
	}
	return out
}

// markSections sets each hit's Section to the section holding the most
// query words (among codes, when the search was restricted).
func (ix *Index) markSections(hits []Hit, words []*word, codes []uint8) error {
	if len(hits) == 0 {
		return nil
	}
	var entries [][]*format.Entry
	for _, w := range words {
		entries = append(entries, w.entries)
	}
	for h := range hits {
		count := map[uint8]int{}
		for _, es := range entries {
			has := map[uint8]bool{}
			for _, e := range es {
				for _, sp := range e.Sections {
					if (codes == nil || slices.Contains(codes, sp.Code)) && sp.Docs.Contains(hits[h].Doc) {
						has[sp.Code] = true
					}
				}
			}
			for c := range has {
				count[c]++
			}
		}
		best, bestN := uint8(0), 0
		for c, n := range count {
			if n > bestN || n == bestN && c < best {
				best, bestN = c, n
			}
		}
		for _, d := range ix.m.Sections {
			if bestN > 0 && d.Code == best {
				hits[h].Section = d.ID
			}
		}
	}
	return nil
}
