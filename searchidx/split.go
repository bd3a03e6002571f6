package searchidx

import (
	"cmp"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/format"
)

// TopPerGroup is how many documents of each group (and way of scoring) a
// split entry keeps in its shard: a first page of up to this many results
// for a query of that word alone needs no chunk.
const TopPerGroup = 10

// splitEntries replaces every term or union entry whose encoding passes
// splitBytes by its split form (format.Split): the shard keeps the counts
// per group and the documents a first page can show, and the postings go
// to chunk files of about chunkBytes each, by ranges of at least chunkSpan
// document ids.
// groupStarts holds the first id of each group and, last, the number of
// documents. It returns the chunk files and updates sizes.
func splitEntries(entries []format.Entry, sizes []int, groupStarts []uint32, splitBytes, chunkBytes, chunkSpan int) []file {
	var big []int
	for i := range entries {
		k := format.KindOf(entries[i].Key)
		if (k == format.TermEntry || k == format.UnionEntry) && sizes[i] > splitBytes && len(entries[i].Exact) <= format.MaxSurfaces {
			big = append(big, i)
		}
	}
	out := make([][]file, len(big))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for j := w; j < len(big); j += workers {
				i := big[j]
				var files [][]byte
				entries[i], files = splitEntry(entries[i], sizes[i], groupStarts, chunkBytes, chunkSpan)
				for k, data := range files {
					out[j] = append(out[j], file{format.ChunkName(entries[i].Split.Hash, k), data})
				}
				sizes[i] = len(format.AppendEntry(nil, "", &entries[i]))
			}
		})
	}
	wg.Wait()
	var files []file
	for _, fs := range out {
		files = append(files, fs...)
	}
	return files
}

// splitEntry returns the split form of e (of encoded size size) and its
// chunk files.
func splitEntry(e format.Entry, size int, groupStarts []uint32, chunkBytes, chunkSpan int) (format.Entry, [][]byte) {
	kind := format.KindOf(e.Key)
	all := e.Matches()
	df := all.GetCardinality()
	s := &format.Split{K: TopPerGroup}
	for g := 0; g+1 < len(groupStarts); g++ {
		s.Groups = append(s.Groups, countRange(all, groupStarts[g], groupStarts[g+1]))
	}
	for _, x := range e.Exact {
		s.Surfaces = append(s.Surfaces, x.Surface)
	}
	s.Top = topDocs(&e, groupStarts)

	// Chunks of about chunkBytes: the same number of documents each, from
	// the entry's mean bytes per document, but each spanning at least
	// chunkSpan ids.
	n := uint64(groupStarts[len(groupStarts)-1])
	per := max(1, uint64(chunkBytes)*df/uint64(max(size, 1)))
	starts := []uint32{0}
	for j := per; j < df; j += per {
		x, _ := all.Select(uint32(j))
		if least := uint64(starts[len(starts)-1]) + uint64(chunkSpan); uint64(x) < least {
			if least >= n {
				break
			}
			if j = all.Rank(uint32(least - 1)); j >= df {
				break
			}
			x, _ = all.Select(uint32(j))
		}
		starts = append(starts, x)
	}
	var files [][]byte
	for k, lo := range starts {
		hi := n
		if k+1 < len(starts) {
			hi = uint64(starts[k+1])
		}
		if len(starts) == 1 { // one chunk: the whole postings
			s.Chunks = append(s.Chunks, format.Chunk{Start: 0, Docs: df})
			files = append(files, format.EncodeChunk(kind, &e))
			break
		}
		rng := roaring.New()
		rng.AddRange(uint64(lo), hi)
		c := format.Entry{Key: e.Key}
		for _, l := range e.Levels {
			if bm := roaring.And(l.Docs, rng); !bm.IsEmpty() {
				c.Levels = append(c.Levels, format.Level{Level: l.Level, Docs: bm})
			}
		}
		for _, x := range e.Exact {
			if bm := roaring.And(x.Docs, rng); !bm.IsEmpty() {
				c.Exact = append(c.Exact, format.Exact{Surface: x.Surface, Docs: bm})
			}
		}
		for _, sp := range e.Sections {
			if bm := roaring.And(sp.Docs, rng); !bm.IsEmpty() {
				c.Sections = append(c.Sections, format.SectionPosting{Code: sp.Code, Docs: bm})
			}
		}
		s.Chunks = append(s.Chunks, format.Chunk{Start: lo, Docs: c.Matches().GetCardinality()})
		files = append(files, format.EncodeChunk(kind, &c))
	}
	s.Hash = format.ChunkHash(e.Key, files)
	return format.Entry{Key: e.Key, Split: s, Completions: e.Completions}, files
}

func countRange(bm *roaring.Bitmap, lo, hi uint32) uint64 {
	if lo >= hi {
		return 0
	}
	n := bm.Rank(hi - 1)
	if lo > 0 {
		n -= bm.Rank(lo - 1)
	}
	return n
}

// topDocs returns, by increasing id, the documents of each group that a
// query for e alone ranks among its first TopPerGroup, scoring by level,
// or by level plus one for holding one of its exact forms (each form in
// turn). A document ranked k-th holds that rank among the documents of its
// level and bonus by increasing id, so the first TopPerGroup of each level,
// and of each level's documents holding the form, are the candidates.
func topDocs(e *format.Entry, groupStarts []uint32) []format.TopDoc {
	level := func(id uint32) uint8 {
		for _, l := range e.Levels {
			if l.Docs.Contains(id) {
				return l.Level
			}
		}
		return 0
	}
	first := func(bm *roaring.Bitmap, lo, hi uint32, dst []uint32) []uint32 {
		it := bm.Iterator()
		it.AdvanceIfNeeded(lo)
		for n := 0; n < TopPerGroup && it.HasNext(); n++ {
			id := it.Next()
			if id >= hi {
				break
			}
			dst = append(dst, id)
		}
		return dst
	}
	keep := map[uint32]bool{}
	type cand struct {
		id    uint32
		score int
	}
	// withForm[v][i]: the documents of level i holding exact form v.
	withForm := make([][]*roaring.Bitmap, len(e.Exact))
	for v, x := range e.Exact {
		for _, l := range e.Levels {
			withForm[v] = append(withForm[v], roaring.And(l.Docs, x.Docs))
		}
	}
	for g := 0; g+1 < len(groupStarts); g++ {
		lo, hi := groupStarts[g], groupStarts[g+1]
		for v := -1; v < len(e.Exact); v++ {
			var ids []uint32
			for i, l := range e.Levels {
				ids = first(l.Docs, lo, hi, ids)
				if v >= 0 {
					ids = first(withForm[v][i], lo, hi, ids)
				}
			}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			cs := make([]cand, len(ids))
			for i, id := range ids {
				cs[i] = cand{id, int(level(id))}
				if v >= 0 && e.Exact[v].Docs.Contains(id) {
					cs[i].score++
				}
			}
			slices.SortFunc(cs, func(a, b cand) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id)) })
			for _, c := range cs[:min(len(cs), TopPerGroup)] {
				keep[c.id] = true
			}
		}
	}
	ids := slices.Sorted(maps.Keys(keep))
	out := make([]format.TopDoc, len(ids))
	for i, id := range ids {
		t := format.TopDoc{ID: id, Level: level(id)}
		for j, x := range e.Exact {
			if x.Docs.Contains(id) {
				t.Exact |= 1 << j
			}
		}
		for _, sp := range e.Sections {
			if sp.Docs.Contains(id) {
				t.Section = sp.Code
				break
			}
		}
		out[i] = t
	}
	return out
}
