package query

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/format"
)

// firstPage answers a query of one word from what the shard keeps of its
// split entry (format.Split), when the request needs no more: no section,
// no substance filter or counts, and a page within the entry's first K
// results. The word's other entries (an unfinished word's completions
// other than the split one) are whole; of the split entry, the chunks
// that can hold their documents are read, so that counts and scores of
// documents in both are exact. It reports whether it answered.
func (ix *Index) firstPage(req Request, w *word, words int, codes []uint8, res *Result) (bool, error) {
	if words != 1 || codes != nil || req.Substance != "" || req.SubstanceCounts || req.Page < 0 {
		return false, nil
	}
	var c *format.Entry
	var rest []*format.Entry
	for _, e := range w.resolved {
		switch {
		case e.Split == nil:
			rest = append(rest, e)
		case c != nil:
			return false, nil // two split entries: their overlap is unknown
		default:
			c = e
		}
	}
	if c == nil || (req.Page+1)*req.PageSize > c.Split.K {
		return false, nil
	}
	if len(c.Split.Groups) != len(ix.m.Groups) {
		return false, fmt.Errorf("%w: %q counts %d groups, the manifest has %d", format.ErrFormat, c.Key, len(c.Split.Groups), len(ix.m.Groups))
	}
	exact := w.token.Exact
	for _, e := range rest {
		for _, x := range e.Exact {
			if exact != "" && x.Surface == exact {
				return false, nil // the bonus would not come from the split entry alone
			}
		}
	}
	variant := -1
	if exact != "" {
		variant = slices.Index(c.Split.Surfaces, exact)
	}
	u := roaring.New()
	for _, e := range rest {
		u.Or(e.Matches())
	}
	loaded := &format.Entry{Key: c.Key, Split: c.Split}
	if !u.IsEmpty() {
		var err error
		if loaded, err = ix.load(c, u); err != nil {
			return false, err
		}
	}
	both := roaring.And(loaded.Matches(), u)

	// Counts by group, filters and facets as Search computes them.
	res.Facets.Types = map[string]int{}
	res.Facets.Territories = map[string]int{}
	allowed := roaring.New()
	for gi, g := range ix.m.Groups {
		lo := uint64(ix.m.GroupStart(gi))
		hi := lo + uint64(g.Count)
		n := int(c.Split.Groups[gi] + rangeCount(u, lo, hi) - rangeCount(both, lo, hi))
		typeOK := len(req.Types) == 0 || slices.Contains(req.Types, g.Type)
		terrOK := territoryKeeps(req.Territory, g.Territory)
		if n > 0 && terrOK {
			res.Facets.Types[g.Type] += n
		}
		if n > 0 && typeOK {
			res.Facets.Territories[g.Territory] += n
		}
		if typeOK && terrOK {
			res.Total += n
			allowed.AddRange(lo, hi)
		}
	}

	// Candidates: the kept documents and those of the other entries.
	type cand struct {
		id             uint32
		score, section int
	}
	top := map[uint32]format.TopDoc{}
	for _, t := range c.Split.Top {
		if allowed.Contains(t.ID) {
			top[t.ID] = t
		}
	}
	ids := roaring.And(u, allowed)
	for id := range top {
		ids.Add(id)
	}
	var cs []cand
	it := ids.Iterator()
	for it.HasNext() {
		id := it.Next()
		x := cand{id: id}
		bonus := 0
		ents := rest
		if t, ok := top[id]; ok {
			x.score, x.section = int(t.Level), int(t.Section)
			if variant >= 0 && t.Exact>>variant&1 == 1 {
				bonus = 1
			}
		} else {
			ents = append(slices.Clip(rest), loaded)
			for _, xs := range loaded.Exact {
				if xs.Surface == exact && xs.Docs.Contains(id) {
					bonus = 1
				}
			}
		}
		for _, e := range ents {
			for _, l := range e.Levels {
				if l.Docs.Contains(id) {
					x.score = max(x.score, int(l.Level))
					break
				}
			}
			for _, sp := range e.Sections {
				if sp.Docs.Contains(id) {
					if x.section == 0 || int(sp.Code) < x.section {
						x.section = int(sp.Code)
					}
					break
				}
			}
		}
		x.score += bonus
		cs = append(cs, x)
	}
	slices.SortFunc(cs, func(a, b cand) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id)) })
	from := min(req.Page*req.PageSize, len(cs))
	to := min(from+req.PageSize, len(cs))
	for _, x := range cs[from:to] {
		card, err := ix.card(x.id)
		if err != nil {
			return false, err
		}
		h := Hit{Doc: x.id, Score: x.score, Card: card}
		for _, d := range ix.m.Sections {
			if x.section > 0 && int(d.Code) == x.section {
				h.Section = d.ID
			}
		}
		res.Hits = append(res.Hits, h)
	}
	return true, nil
}
