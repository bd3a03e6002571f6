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

// maxCompletions is how many completions a Result lists; matching uses all.
const maxCompletions = 10

// resolve finds the index terms of one query word: the term itself; for the
// unfinished last word, every term it is a prefix of; and when neither
// exists, the nearest term within the typo tolerance (when correct is set).
func (ix *Index) resolve(t analysis.Token, open, correct bool) (*word, []string, *Correction, error) {
	w := &word{token: t, term: t.Term}
	var completions []string
	switch {
	case open && ix.m.HasUnion(t.Term):
		// A short prefix spanning many shards has its union entry.
		e, err := ix.lookup(format.UnionPrefix + t.Term)
		if err != nil {
			return nil, nil, nil, err
		}
		if e == nil {
			return nil, nil, nil, fmt.Errorf("%w: no union entry for %q", format.ErrFormat, t.Term)
		}
		w.add(e)
		completions = e.Completions
	case open:
		es, err := ix.withPrefix(t.Term)
		if err != nil {
			return nil, nil, nil, err
		}
		slices.SortStableFunc(es, func(a, b format.Entry) int {
			return cmp.Compare(b.DocCount(), a.DocCount())
		})
		for i := range es {
			if format.KindOf(es[i].Key) != format.TermEntry {
				continue
			}
			w.add(&es[i])
			if len(completions) < maxCompletions {
				completions = append(completions, es[i].Key)
			}
		}
	default:
		e, err := ix.lookup(t.Term)
		if err != nil {
			return nil, nil, nil, err
		}
		if e != nil {
			w.add(e)
		}
	}
	var corr *Correction
	if correct && len(w.resolved) == 0 && t.Kind == analysis.KindWord {
		to, err := ix.correct(t.Term)
		if err != nil {
			return nil, nil, nil, err
		}
		if to != "" {
			e, err := ix.lookup(to)
			if err != nil {
				return nil, nil, nil, err
			}
			if e != nil {
				w.add(e)
				w.term = to
				corr = &Correction{From: t.Term, To: to}
			}
		}
	}
	return w, completions, corr, nil
}

func (w *word) add(e *format.Entry) {
	w.resolved = append(w.resolved, e)
}

// split says whether one of the word's entries is split.
func (w *word) split() bool {
	return slices.ContainsFunc(w.resolved, func(e *format.Entry) bool { return e.Split != nil })
}

// docCount returns the sum of the document counts of the word's entries.
func (w *word) docCount() uint64 {
	var n uint64
	for _, e := range w.resolved {
		n += e.DocCount()
	}
	return n
}

// materialise sets the word's entries, matches and exact-form documents:
// a split entry with the postings of its chunks holding a document of want
// (every chunk when want is nil).
func (ix *Index) materialise(w *word, want *roaring.Bitmap) error {
	w.entries = w.entries[:0]
	w.matches, w.exact = roaring.New(), nil
	for _, e := range w.resolved {
		if e.Split != nil {
			var err error
			if e, err = ix.load(e, want); err != nil {
				return err
			}
		}
		w.entries = append(w.entries, e)
		w.matches.Or(e.Matches())
		if w.token.Exact == "" {
			continue
		}
		for _, x := range e.Exact {
			if x.Surface == w.token.Exact {
				if w.exact == nil {
					w.exact = roaring.New()
				}
				w.exact.Or(x.Docs)
			}
		}
	}
	return nil
}

// maxEdits is the typo tolerance for a word of n letters: none below 5,
// one edit from 5, two from 9.
func maxEdits(n int) int {
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// correct returns the index term nearest to term within the typo
// tolerance, or "". An edit at position p of a word of n letters leaves
// either its first h = n/2 letters intact (p ≥ h) or its last n-h-1 (p <
// h), so the candidates are the terms starting with the first half, read
// from the term shards, and the vocabulary entries ending with the second
// half, read from the reversed vocabulary. Two edits are found when both
// fall in the same half. Ties go to the term in more documents.
func (ix *Index) correct(term string) (string, error) {
	r := []rune(term)
	n := len(r)
	k := maxEdits(n)
	if k == 0 {
		return "", nil
	}
	h := n / 2
	type cand struct {
		term string
		dist int
		df   uint64
	}
	var best *cand
	consider := func(t string, df uint64) {
		if t == term {
			return
		}
		d := distance([]rune(t), r, k)
		if d > k {
			return
		}
		c := cand{t, d, df}
		if best == nil || c.dist < best.dist || c.dist == best.dist && (c.df > best.df || c.df == best.df && c.term < best.term) {
			best = &c
		}
	}
	fwd, err := ix.withPrefix(string(r[:h]))
	if err != nil {
		return "", err
	}
	for i := range fwd {
		if format.KindOf(fwd[i].Key) == format.TermEntry {
			consider(fwd[i].Key, fwd[i].DocCount())
		}
	}
	rev := slices.Clone(r[h+1:])
	slices.Reverse(rev)
	bwd, err := ix.withPrefix(format.VocabPrefix + string(rev))
	if err != nil {
		return "", err
	}
	for _, e := range bwd {
		t := []rune(strings.TrimPrefix(e.Key, format.VocabPrefix))
		slices.Reverse(t)
		consider(string(t), e.DF)
	}
	if best == nil {
		return "", nil
	}
	return best.term, nil
}

// distance returns the optimal-string-alignment edit distance of a and b
// (insertions, deletions, substitutions and transpositions of neighbours),
// or k+1 when it is more than k.
func distance(a, b []rune, k int) int {
	if d := len(a) - len(b); d > k || -d > k {
		return k + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > k {
			return k + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], k+1)
}
