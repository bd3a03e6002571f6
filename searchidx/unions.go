package searchidx

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/format"
)

// addUnions adds a union entry for every short prefix whose terms span
// format.UnionMinShards shards or more when cut at target bytes, so that
// completing "p" reads one entry instead of every shard of p. Union entries
// sort before every term, in their own namespace, so adding them moves no
// term shard boundary and the reader can tell from the manifest which
// prefixes have one (format.Manifest.WantsUnion); the prefixes are
// returned too, for the manifest's list.
func addUnions(entries []format.Entry, sizes []int, levels, target int) ([]format.Entry, []int, []string) {
	m := &format.Manifest{}
	for _, c := range cutShards(entries, sizes, target) {
		m.Shards = append(m.Shards, format.ShardRef{First: c.first})
	}
	seen := map[string]bool{}
	var unions []format.Entry
	var prefixes []string
	for i := range entries {
		k := entries[i].Key
		if format.KindOf(k) != format.TermEntry {
			continue
		}
		r := []rune(k)
		for n := 1; n <= format.UnionMaxRunes && n <= len(r); n++ {
			p := string(r[:n])
			if seen[p] {
				continue
			}
			seen[p] = true
			if m.WantsUnion(p) {
				unions = append(unions, union(entries, p, levels))
				prefixes = append(prefixes, p)
			}
		}
	}
	slices.Sort(prefixes)
	if len(unions) == 0 {
		return entries, sizes, prefixes
	}
	// Merge the two sorted lists.
	slices.SortFunc(unions, func(a, b format.Entry) int { return strings.Compare(a.Key, b.Key) })
	usizes := entrySizes(unions)
	out := make([]format.Entry, 0, len(entries)+len(unions))
	outSizes := make([]int, 0, len(out))
	i, j := 0, 0
	for i < len(entries) || j < len(unions) {
		if j == len(unions) || (i < len(entries) && entries[i].Key < unions[j].Key) {
			out, outSizes = append(out, entries[i]), append(outSizes, sizes[i])
			i++
		} else {
			out, outSizes = append(out, unions[j]), append(outSizes, usizes[j])
			j++
		}
	}
	return out, outSizes, prefixes
}

// union returns the union entry of prefix: each document at the highest
// level any of the prefix's terms gives it, and the terms in most
// documents as completions.
func union(entries []format.Entry, prefix string, levels int) format.Entry {
	lo := sort.Search(len(entries), func(i int) bool { return entries[i].Key >= prefix })
	var terms []*format.Entry
	for i := lo; i < len(entries) && strings.HasPrefix(entries[i].Key, prefix); i++ {
		if format.KindOf(entries[i].Key) == format.TermEntry {
			terms = append(terms, &entries[i])
		}
	}
	u := format.Entry{Key: format.UnionPrefix + prefix}
	assigned := roaring.New()
	for l := levels; l >= 1; l-- {
		var bms []*roaring.Bitmap
		for _, e := range terms {
			for _, lv := range e.Levels {
				if int(lv.Level) == l {
					bms = append(bms, lv.Docs)
				}
			}
		}
		bm := roaring.FastOr(bms...)
		bm.AndNot(assigned)
		if !bm.IsEmpty() {
			u.Levels = append(u.Levels, format.Level{Level: uint8(l), Docs: bm})
			assigned.Or(bm)
		}
	}
	type ranked struct {
		key string
		df  uint64
	}
	rs := make([]ranked, len(terms))
	for i, e := range terms {
		rs[i] = ranked{e.Key, e.Matches().GetCardinality()}
	}
	slices.SortFunc(rs, func(a, b ranked) int { return cmp.Or(cmp.Compare(b.df, a.df), strings.Compare(a.key, b.key)) })
	for _, r := range rs[:min(len(rs), 10)] {
		u.Completions = append(u.Completions, r.key)
	}
	return u
}
