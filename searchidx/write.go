package searchidx

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"mip/searchidx/format"
)

// BM25 parameters.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

type file struct {
	name string
	data []byte
}

// Write writes the index into dir (created if missing), the manifest last
// (written to a temporary name and renamed), through an os.Root so that no
// name can leave dir. A file that exists in Options.LinkFrom with the same
// bytes is hard-linked from there; a file already in dir is replaced, not
// rewritten in place, so that a link shared with another index is never
// modified. Then the segment, if asked for, is saved. The Builder must not
// be used afterwards.
func (b *Builder) Write(dir string) (Stats, error) {
	files, st := b.encode()
	b.prev.close()
	st.Reused = b.reused
	st.Analysed = st.Docs - b.reused
	if b.prevError != nil {
		st.PreviousIgnored = b.prevError.Error()
	}
	if err := b.writeFiles(dir, files, &st); err != nil {
		if b.seg != nil {
			b.seg.abandon()
		}
		return Stats{}, err
	}
	if b.seg != nil {
		n, err := b.seg.finish()
		if err != nil {
			return Stats{}, err
		}
		st.SegmentBytes = n
	}
	return st, nil
}

func (b *Builder) writeFiles(dir string, files []file, st *Stats) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := root.MkdirAll(format.FilesDir, 0o755); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	// Files in f/ go through a root of their own (a name is then one
	// path element), and only names already there are removed first.
	froot, err := root.OpenRoot(format.FilesDir)
	if err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	defer froot.Close()
	existing := map[string]bool{}
	if ents, err := fs.ReadDir(froot.FS(), "."); err == nil {
		for _, e := range ents {
			existing[format.FilesDir+"/"+e.Name()] = true
		}
	}
	for _, f := range files {
		r, name := root, f.name
		if rest, ok := strings.CutPrefix(f.name, format.FilesDir+"/"); ok {
			r, name = froot, rest
		}
		if existing[f.name] {
			if err := r.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("write index: %w", err)
			}
		}
		if f.name != format.ManifestName && b.linkable(f) {
			if err := os.Link(filepath.Join(b.opts.LinkFrom, filepath.FromSlash(f.name)), filepath.Join(dir, filepath.FromSlash(f.name))); err == nil {
				st.Linked++
				continue
			}
		}
		if f.name == format.ManifestName {
			name = "." + f.name + ".tmp"
		}
		if err := r.WriteFile(name, f.data, 0o644); err != nil {
			return fmt.Errorf("write index: %w", err)
		}
		if f.name == format.ManifestName {
			if err := root.Rename(name, f.name); err != nil {
				return fmt.Errorf("write index: %w", err)
			}
		}
		st.Written++
	}
	return nil
}

// linkable reports whether f exists in Options.LinkFrom with the same
// bytes.
func (b *Builder) linkable(f file) bool {
	if b.opts.LinkFrom == "" {
		return false
	}
	path := filepath.Join(b.opts.LinkFrom, filepath.FromSlash(f.name))
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(f.data)) {
		return false
	}
	old, err := os.ReadFile(path)
	return err == nil && bytes.Equal(old, f.data)
}

// encode numbers the documents, scores and quantises the postings, and
// returns the index files, the manifest last.
func (b *Builder) encode() ([]file, Stats) {
	if len(b.pending) > 0 {
		b.flush()
	}
	b.wait()
	opts := b.opts
	n := len(b.metas)

	// Final ids: by type, territory, first product, key (see FORMAT.md).
	order := make([]uint32, n) // final id → provisional id
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int {
		a, c := &b.metas[x], &b.metas[y]
		return cmp.Or(
			cmp.Compare(typeRank[a.typ], typeRank[c.typ]),
			cmp.Compare(a.territory, c.territory),
			cmp.Compare(a.sortKey, c.sortKey),
			cmp.Compare(a.key, c.key))
	})
	final := make([]uint32, n) // provisional id → final id
	for f, p := range order {
		final[p] = uint32(f)
	}
	// remap returns the bitmap of provisional ids in final ids: sorted for
	// a few ids, through a bit set of every document for many.
	var sorted []uint32
	dense := make([]uint64, (n+63)/64)
	remap := func(ids []uint32) *roaring.Bitmap {
		sorted = sorted[:0]
		if len(ids) < len(dense) {
			for _, id := range ids {
				sorted = append(sorted, final[id])
			}
			slices.Sort(sorted)
		} else {
			for _, id := range ids {
				f := final[id]
				dense[f>>6] |= 1 << (f & 63)
			}
			for w, x := range dense {
				for ; x != 0; x &= x - 1 {
					sorted = append(sorted, uint32(w<<6|bits.TrailingZeros64(x)))
				}
				dense[w] = 0
			}
		}
		bm := roaring.New()
		bm.AddMany(sorted)
		return bm
	}

	var totalLen float64
	for _, l := range b.lens {
		totalLen += float64(l)
	}
	avgLen := 1.0
	if n > 0 && totalLen > 0 {
		avgLen = totalLen / float64(n)
	}
	// BM25F: metadata fields are not length-normalised, text is. The
	// length norm is computed once per document, the idf once per term.
	norm := make([]float64, n)
	for i, l := range b.lens {
		norm[i] = 1 - bm25B + bm25B*float64(l)/avgLen
	}
	idf := func(df uint32) float64 {
		return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
	}
	bm25 := func(idf float64, pr pair) float64 {
		tf := float64(pr.fieldTF) + float64(pr.textTF)/norm[pr.id]
		return idf * tf * (bm25K1 + 1) / (tf + bm25K1)
	}
	terms := slices.Sorted(maps.Keys(b.postings))
	maxScore := 0.0
	var prs []pair
	for _, t := range terms {
		p := b.postings[t]
		prs = p.pairs(prs)
		w := idf(p.df)
		for _, pr := range prs {
			maxScore = max(maxScore, bm25(w, pr))
		}
	}
	// Levels follow the square root of the score: finer steps among the
	// low scores of common words (a form word in a product name against
	// the same word in the text), coarser among the high.
	level := func(s float64) uint8 {
		if maxScore == 0 {
			return 1
		}
		l := int(math.Ceil(math.Sqrt(s/maxScore) * float64(opts.Levels)))
		return uint8(min(max(l, 1), opts.Levels))
	}

	// A term in few documents always keeps its section postings, however
	// small the corpus: they cost little, and a section search on a small
	// site would otherwise find nothing to restrict to.
	sectionMaxDocs := max(int(opts.SectionShare*float64(n)), MinSectionDocs)
	entries := make([]format.Entry, 0, 2*len(terms)+len(b.facets)+len(b.products))
	byLevel := make([][]uint32, opts.Levels+1)
	var bySection [32][]uint32
	for _, t := range terms {
		p := b.postings[t]
		for l := range byLevel {
			byLevel[l] = byLevel[l][:0]
		}
		for c := range bySection {
			bySection[c] = bySection[c][:0]
		}
		prs = p.pairs(prs)
		withSections := int(p.df) <= sectionMaxDocs
		w := idf(p.df)
		for _, pr := range prs {
			l := level(bm25(w, pr))
			byLevel[l] = append(byLevel[l], pr.id)
			if withSections {
				for m := pr.sections; m != 0; m &= m - 1 {
					c := bits.TrailingZeros32(m)
					bySection[c] = append(bySection[c], pr.id)
				}
			}
		}
		e := format.Entry{Key: t}
		for l := opts.Levels; l >= 1; l-- {
			if len(byLevel[l]) > 0 {
				e.Levels = append(e.Levels, format.Level{Level: uint8(l), Docs: remap(byLevel[l])})
			}
		}
		for _, x := range slices.Sorted(maps.Keys(p.exact)) {
			e.Exact = append(e.Exact, format.Exact{Surface: x, Docs: remap(p.exact[x])})
		}
		for c, ids := range bySection {
			if len(ids) > 0 {
				e.Sections = append(e.Sections, format.SectionPosting{Code: uint8(c), Docs: remap(ids)})
			}
		}
		entries = append(entries, e)
		if vocabWorthy(t, p) {
			entries = append(entries, format.Entry{Key: format.VocabPrefix + reverse(t), DF: uint64(p.df)})
		}
		delete(b.postings, t) // its memory goes as the entries grow
	}
	for _, k := range slices.Sorted(maps.Keys(b.facets)) {
		entries = append(entries, format.Entry{Key: k, Docs: remap(b.facets[k])})
	}
	for _, k := range slices.Sorted(maps.Keys(b.products)) {
		entries = append(entries, format.Entry{Key: k, Docs: remap(b.products[k])})
	}
	slices.SortFunc(entries, func(a, b format.Entry) int { return strings.Compare(a.Key, b.Key) })
	entries, sizes, unions := addUnions(entries, entrySizes(entries), opts.Levels, opts.ShardBytes)

	st := Stats{Docs: n, Terms: len(terms), Entries: len(entries), Namespaces: map[string]NamespaceStats{}}
	m := &format.Manifest{
		Docs: n, Levels: opts.Levels, CardsPerFile: opts.CardsPerFile, FilesPerPack: opts.FilesPerPack,
		ShardsPerPack: opts.ShardsPerPack, SectionMaxDocs: sectionMaxDocs, Sections: Sections, Unions: unions,
	}
	for _, p := range order {
		md := &b.metas[p]
		g := len(m.Groups) - 1
		if g < 0 || m.Groups[g].Type != md.typ || m.Groups[g].Territory != md.territory {
			m.Groups = append(m.Groups, format.Group{Type: md.typ, Territory: md.territory})
			g++
		}
		m.Groups[g].Count++
	}
	groupStarts := []uint32{0}
	for _, g := range m.Groups {
		groupStarts = append(groupStarts, groupStarts[len(groupStarts)-1]+uint32(g.Count))
	}
	// Postings too large for a shard go to chunk files; the shard keeps
	// what a first page needs (unions are chosen before, on the postings'
	// full sizes).
	chunks := splitEntries(entries, sizes, groupStarts, opts.SplitBytes, opts.ChunkBytes, opts.ChunkSpan)
	st.Split, st.ChunkFiles = 0, len(chunks)
	for i := range entries {
		if entries[i].Split != nil {
			st.Split++
		}
	}
	for _, f := range chunks {
		st.ChunkBytes += int64(len(f.data))
	}

	// Shards, named by the hash of their pack.
	var shardData [][]byte
	for _, sh := range cutShards(entries, sizes, opts.ShardBytes) {
		data := format.EncodeShard(entries[sh.lo:sh.hi])
		shardData = append(shardData, data)
		m.Shards = append(m.Shards, format.ShardRef{First: sh.first})
		st.ShardBytes += int64(len(data))
		st.MaxShardBytes = max(st.MaxShardBytes, len(data))
		ns := "terms" // the one empty shard of an empty index
		if sh.hi > sh.lo {
			ns = namespaceNames[namespace(entries[sh.lo].Key)]
		}
		nst := st.Namespaces[ns]
		nst.Entries += sh.hi - sh.lo
		nst.Shards++
		nst.Bytes += int64(len(data))
		st.Namespaces[ns] = nst
	}
	st.Shards = len(m.Shards)
	m.ShardPacks = packHashes(shardData, opts.ShardsPerPack)

	// Card files, named by the hash of their pack; a large index has
	// larger packs, so that the manifest lists at most MaxCardPacks.
	nfiles := (n + opts.CardsPerFile - 1) / opts.CardsPerFile
	m.FilesPerPack = max(opts.FilesPerPack, (nfiles+MaxCardPacks-1)/MaxCardPacks)
	cardData := make([][]byte, nfiles)
	for f := range nfiles {
		cs := make([]Card, 0, opts.CardsPerFile)
		for _, p := range order[f*opts.CardsPerFile : min(n, (f+1)*opts.CardsPerFile)] {
			cs = append(cs, b.metas[p].card)
		}
		cardData[f] = format.EncodeCards(cs)
		st.CardBytes += int64(len(cardData[f]))
	}
	m.Packs = packHashes(cardData, m.FilesPerPack)
	st.CardFiles = nfiles

	var files []file
	for i, d := range shardData {
		files = append(files, file{m.ShardName(i), d})
	}
	// A manifest listing too many shards hands them to directory files.
	if len(m.Encode()) > opts.ManifestBytes {
		per := (opts.ShardsPerDir + opts.ShardsPerPack - 1) / opts.ShardsPerPack * opts.ShardsPerPack
		m.ShardsPerDir, m.NumShards = per, len(m.Shards)
		for lo := 0; lo < len(m.Shards); lo += per {
			hi := min(lo+per, len(m.Shards))
			d := &format.Dir{First: lo, Shards: m.Shards[lo:hi], Packs: m.ShardPacks[lo/opts.ShardsPerPack : (hi+opts.ShardsPerPack-1)/opts.ShardsPerPack]}
			data := format.EncodeDir(d)
			sum := sha256.Sum256(data)
			var h format.Hash
			copy(h[:], sum[:])
			m.Dirs = append(m.Dirs, format.DirRef{First: m.Shards[lo].First, Hash: h})
			files = append(files, file{m.DirName(len(m.Dirs) - 1), data})
		}
		m.Shards, m.ShardPacks = nil, nil
		st.Dirs = len(m.Dirs)
	}
	files = append(files, chunks...)
	for f, d := range cardData {
		files = append(files, file{m.CardFileName(f), d})
	}
	man := m.Encode()
	files = append(files, file{format.ManifestName, man})
	st.ManifestBytes = len(man)
	st.Files = len(files)
	for _, f := range files {
		st.Bytes += int64(len(f.data))
	}
	return files, st
}

// vocabWorthy says whether a term goes into the typo vocabulary: a word of
// five letters or more (typo tolerance starts there), of letters a–z or
// beyond ASCII, that either appears in a metadata field or in at least two
// documents, so that one-off noise of PDF text stays out.
func vocabWorthy(t string, p *posting) bool {
	if len([]rune(t)) < 5 {
		return false
	}
	for _, r := range t {
		if !('a' <= r && r <= 'z') && r < 0x80 {
			return false
		}
	}
	return p.field || p.df >= 2
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
