// Package query searches an index written by searchidx.Build, reading its
// files from an fs.FS exactly as a browser client fetches them: the
// manifest, then only the shards and card files a query needs. It counts
// what it reads, so tests and benchmarks can state a query's cost in bytes.
package query

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/format"
)

// An Index is an opened index. It caches the files it has read and is safe
// for concurrent use.
type Index struct {
	fsys fs.FS
	m    *format.Manifest

	mu     sync.Mutex
	shards map[int]*format.Shard
	dirs   map[int]*format.Dir
	cards  map[int][]format.Card
	chunks map[string]*format.Entry
	log    []Fetch
}

// A Fetch is one file the index read.
type Fetch struct {
	Name  string
	Bytes int
	// What the file is: "manifest", "directory", "cards", "chunk", or for
	// a shard the kind of its keys: "terms", "facets", "unions",
	// "vocabulary".
	What string
}

// Open reads the manifest of the index in fsys.
func Open(fsys fs.FS) (*Index, error) {
	ix := &Index{fsys: fsys, shards: map[int]*format.Shard{}, dirs: map[int]*format.Dir{}, cards: map[int][]format.Card{}, chunks: map[string]*format.Entry{}}
	b, err := ix.read(format.ManifestName, "manifest")
	if err != nil {
		return nil, err
	}
	m, err := format.DecodeManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", format.ManifestName, err)
	}
	ix.m = m
	return ix, nil
}

// Manifest returns the index's manifest.
func (ix *Index) Manifest() *format.Manifest { return ix.m }

// Fetched returns how many files and bytes the index has read so far
// (each file is read once).
func (ix *Index) Fetched() (files int, bytes int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, f := range ix.log {
		bytes += int64(f.Bytes)
	}
	return len(ix.log), bytes
}

// Fetches returns the files the index has read so far, in order.
func (ix *Index) Fetches() []Fetch {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return slices.Clone(ix.log)
}

func (ix *Index) read(name, what string) ([]byte, error) {
	b, err := fs.ReadFile(ix.fsys, name)
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	ix.log = append(ix.log, Fetch{name, len(b), what})
	ix.mu.Unlock()
	return b, nil
}

var kindNames = map[format.EntryKind]string{
	format.TermEntry: "terms", format.FacetEntry: "facets",
	format.VocabEntry: "vocabulary", format.ProductEntry: "terms", format.UnionEntry: "unions",
}

// dir returns directory d, reading it on first use.
func (ix *Index) dir(d int) (*format.Dir, error) {
	ix.mu.Lock()
	dir, ok := ix.dirs[d]
	ix.mu.Unlock()
	if ok {
		return dir, nil
	}
	name := ix.m.DirName(d)
	b, err := ix.read(name, "directory")
	if err != nil {
		return nil, err
	}
	if dir, err = format.DecodeDir(b, ix.m, d); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ix.mu.Lock()
	ix.dirs[d] = dir
	ix.mu.Unlock()
	return dir, nil
}

// view returns the manifest with the shards of directories ds
// (consecutive) when the index has directories, else the manifest.
func (ix *Index) view(ds []int) (*format.Manifest, error) {
	if ix.m.ShardsPerDir == 0 {
		return ix.m, nil
	}
	dirs := make([]*format.Dir, len(ds))
	for i, d := range ds {
		var err error
		if dirs[i], err = ix.dir(d); err != nil {
			return nil, err
		}
	}
	return ix.m.Directory(ds[0], dirs), nil
}

// shard returns shard i of the view v, reading it on first use.
func (ix *Index) shard(v *format.Manifest, i int) (*format.Shard, error) {
	ix.mu.Lock()
	s, ok := ix.shards[v.Base+i]
	ix.mu.Unlock()
	if ok {
		return s, nil
	}
	name := v.ShardName(i)
	b, err := fs.ReadFile(ix.fsys, name)
	if err != nil {
		return nil, err
	}
	s, err = format.DecodeShard(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	what := "terms"
	if len(s.Entries) > 0 {
		what = kindNames[format.KindOf(s.Entries[0].Key)]
	}
	ix.mu.Lock()
	ix.shards[v.Base+i] = s
	ix.log = append(ix.log, Fetch{name, len(b), what})
	ix.mu.Unlock()
	return s, nil
}

// lookup returns the entry with key, or nil when the index has none.
func (ix *Index) lookup(key string) (*format.Entry, error) {
	v, err := ix.view([]int{ix.m.DirFor(key)})
	if err != nil {
		return nil, err
	}
	s, err := ix.shard(v, v.ShardFor(key))
	if err != nil {
		return nil, err
	}
	return s.Lookup(key), nil
}

// withPrefix returns every entry whose key starts with prefix, across
// shards.
func (ix *Index) withPrefix(prefix string) ([]format.Entry, error) {
	v, err := ix.view(ix.m.DirsWithPrefix(prefix))
	if err != nil {
		return nil, err
	}
	var out []format.Entry
	for _, i := range v.ShardsWithPrefix(prefix) {
		s, err := ix.shard(v, i)
		if err != nil {
			return nil, err
		}
		out = append(out, s.WithPrefix(prefix)...)
	}
	return out, nil
}

// card returns the card of document id.
func (ix *Index) card(id uint32) (format.Card, error) {
	f := int(id) / ix.m.CardsPerFile
	ix.mu.Lock()
	cs, ok := ix.cards[f]
	ix.mu.Unlock()
	if !ok {
		name := ix.m.CardFileName(f)
		b, err := ix.read(name, "cards")
		if err != nil {
			return format.Card{}, err
		}
		cs, err = format.DecodeCards(b)
		if err != nil {
			return format.Card{}, fmt.Errorf("%s: %w", name, err)
		}
		ix.mu.Lock()
		ix.cards[f] = cs
		ix.mu.Unlock()
	}
	k := int(id) % ix.m.CardsPerFile
	if k >= len(cs) {
		return format.Card{}, fmt.Errorf("%s: %w: no card %d", ix.m.CardFileName(f), format.ErrFormat, k)
	}
	return cs[k], nil
}

// chunk returns chunk k of the split entry e, reading it on first use.
func (ix *Index) chunk(e *format.Entry, k int) (*format.Entry, error) {
	name := format.ChunkName(e.Split.Hash, k)
	ix.mu.Lock()
	c, ok := ix.chunks[name]
	ix.mu.Unlock()
	if ok {
		return c, nil
	}
	b, err := ix.read(name, "chunk")
	if err != nil {
		return nil, err
	}
	if c, err = format.DecodeChunk(b, e, k, ix.m.Docs); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ix.mu.Lock()
	ix.chunks[name] = c
	ix.mu.Unlock()
	return c, nil
}

// load returns the split entry e with the postings of its chunks whose
// range holds a document of want (of every chunk when want is nil).
func (ix *Index) load(e *format.Entry, want *roaring.Bitmap) (*format.Entry, error) {
	out := &format.Entry{Key: e.Key, Split: e.Split, Completions: e.Completions}
	levels := map[uint8][]*roaring.Bitmap{}
	exact := map[string][]*roaring.Bitmap{}
	sections := map[uint8][]*roaring.Bitmap{}
	for k, c := range e.Split.Chunks {
		if want != nil && rangeCount(want, uint64(c.Start), uint64(e.Split.End(k, ix.m.Docs))) == 0 {
			continue
		}
		ch, err := ix.chunk(e, k)
		if err != nil {
			return nil, err
		}
		for _, l := range ch.Levels {
			levels[l.Level] = append(levels[l.Level], l.Docs)
		}
		for _, x := range ch.Exact {
			exact[x.Surface] = append(exact[x.Surface], x.Docs)
		}
		for _, sp := range ch.Sections {
			sections[sp.Code] = append(sections[sp.Code], sp.Docs)
		}
	}
	for _, l := range slices.Backward(slices.Sorted(maps.Keys(levels))) {
		out.Levels = append(out.Levels, format.Level{Level: l, Docs: roaring.FastOr(levels[l]...)})
	}
	for _, x := range slices.Sorted(maps.Keys(exact)) {
		out.Exact = append(out.Exact, format.Exact{Surface: x, Docs: roaring.FastOr(exact[x]...)})
	}
	for _, c := range slices.Sorted(maps.Keys(sections)) {
		out.Sections = append(out.Sections, format.SectionPosting{Code: c, Docs: roaring.FastOr(sections[c]...)})
	}
	return out, nil
}
