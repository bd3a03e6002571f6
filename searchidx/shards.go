package searchidx

import (
	"math"
	"runtime"
	"sync"

	"mip/searchidx/format"
)

type shardCut struct {
	lo, hi int
	first  string
}

// namespace groups keys that must not share a shard: terms, unions,
// facets and vocabulary are fetched for different reasons. Product names
// share the term namespace, next to their first word.
func namespace(key string) format.EntryKind {
	if k := format.KindOf(key); k != format.ProductEntry {
		return k
	}
	return format.TermEntry
}

// entrySizes returns the encoded size of each entry (without prefix
// compression), computed in parallel.
func entrySizes(entries []format.Entry) []int {
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
	return sizes
}

// cutShards splits sorted entries, of the given entrySizes, into shards of about target bytes. A
// shard ends where the next would pass the target; within the last 40% of
// the target the cut goes where the separating key prefix is shortest, so
// shards tend to follow term prefixes. A namespace change always cuts. An
// entry larger than the target gets a shard of its own.
func cutShards(entries []format.Entry, sizes []int, target int) []shardCut {
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
