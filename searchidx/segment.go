package searchidx

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"mip/searchidx/analysis"
)

// A segment saves, per document fingerprint, what analysis made of the
// document, so that the next build can take it instead of analysing the
// document again (Options.Previous, Options.Segment, Builder.Reusable).
//
// Layout (integers are uvarints unless said otherwise, a string is its
// length and bytes):
//
//	header   "MIPSEG", version byte, 8-byte analysis stamp
//	records  per document: body length, body, CRC-32C of the body (4 bytes LE)
//	table    string count, strings (the terms and exact forms records
//	         refer to by number); document count, per document its
//	         fingerprint and the offset of its record
//	footer   table offset (8 bytes LE), CRC-32C of the table (4 bytes LE), "MIPS"
//
// A record's body: fingerprint; type, territory, sort key; the card's
// product, title, date, URL, snippet, substances (count, strings),
// licences (count, strings) and size; the text length; the product keys
// and facet keys (count, strings); the term count and per term, by
// increasing string number, the number's difference from the previous one,
// fieldTF, textTF, section mask, the exact-form count and their string
// numbers.
//
// Records are in the order documents were merged, that is the order of
// Add. Opening a segment reads only its table (the strings and where each
// record is); a record is read, checked and decoded when Reusable asks for
// it, so a builder holds one document's record at a time whatever the
// segment's size, and a caller adding documents in the previous build's
// order reads the file front to back. The analysis stamp hashes
// everything analysis depends on (the version below, the variant table,
// the field weights, the sections, and the analysis of a probe document),
// so a segment made by another analysis is ignored, as is one whose
// checksums fail.
const (
	segmentMagic   = "MIPSEG"
	segmentVersion = 1
	segmentHeader  = len(segmentMagic) + 1 + 8
	segmentFooter  = 16
	// analysisVersion changes whenever analysis makes different terms
	// from the same document (the probe in the stamp catches most such
	// changes, this the rest).
	analysisVersion = 1
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// analysisStamp identifies the analysis that made a segment.
var analysisStamp = sync.OnceValue(func() [8]byte {
	h := sha256.New()
	fmt.Fprintf(h, "analysis %d\n%s\n", analysisVersion, variantsTSV)
	fmt.Fprintln(h, WeightLicence, WeightProduct, WeightSubstance, WeightKeyword, WeightTitle, WeightHeading, WeightBody)
	for _, s := range Sections {
		fmt.Fprintln(h, s.Code, s.ID, s.Name)
	}
	probe := Doc{
		Products: []string{"Paracétamol 500mg Film-Coated TABLETS", "CO-CODAMOL 30/500"}, Substances: []string{"Frusemide"},
		Licences: []string{"PL 12345/0001", "PLGB12345-0001", "THR 00123/4567", "x9"}, Keywords: []string{"pain, fever"},
		Title:    "Summary of Product Characteristics",
		Sections: []Section{{ID: "spc-4.1", Heading: "4.1 Therapeutic indications", Text: "Injections of adrenaline 0,5 % µg; ﬁlm dothiepin's ÉMOLLIENTE 1:1000 tablets."}},
		Body:     "Sulphate besylate naïve co-operation 2.5mg/5ml e-mail x-ray 30464/0140",
	}
	a := analyseDoc(&probe, defaultVariants)
	slices.SortFunc(a.terms, func(x, y docTerm) int { return cmp.Compare(x.term, y.term) })
	for _, t := range a.terms {
		fmt.Fprintln(h, t.term, t.fieldTF, t.textTF, t.sections, t.exact)
	}
	fmt.Fprintln(h, a.length, a.productKeys, a.facetKeys, analysis.Fold("Paracétamol"))
	var s [8]byte
	copy(s[:], h.Sum(nil))
	return s
})

// segmentDoc is one document decoded from a segment.
type segmentDoc struct {
	fingerprint, typ, territory, sortKey string
	card                                 Card
	a                                    analysed
}

// segmentWriter writes a segment as documents are merged: records go
// straight to a temporary file beside the segment, the table is appended
// by finish, which renames the file into place.
type segmentWriter struct {
	path   string
	f      *os.File
	w      *bufio.Writer
	off    uint64
	strs   []string          // by string number
	exacts map[string]uint32 // exact form → string number
	index  []segmentRef
	seen   map[string]bool // fingerprints recorded
	body   []byte
	order  []int
	err    error
}

type segmentRef struct {
	fingerprint string
	off         uint64
}

func newSegmentWriter(path string) *segmentWriter {
	return &segmentWriter{path: path, exacts: map[string]uint32{}, seen: map[string]bool{}}
}

// intern gives a new term its string number.
func (s *segmentWriter) intern(term string) uint32 {
	s.strs = append(s.strs, term)
	return uint32(len(s.strs) - 1)
}

func (s *segmentWriter) exact(x string) uint32 {
	id, ok := s.exacts[x]
	if !ok {
		id = uint32(len(s.strs))
		x = string([]byte(x)) // not a view of a document's text
		s.strs = append(s.strs, x)
		s.exacts[x] = id
	}
	return id
}

func (s *segmentWriter) open() {
	if s.f != nil || s.err != nil {
		return
	}
	dir, base := filepath.Split(s.path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.err = err
		return
	}
	s.f, s.err = os.CreateTemp(dir, base+".tmp*")
	if s.err != nil {
		return
	}
	s.w = bufio.NewWriterSize(s.f, 256<<10)
	stamp := analysisStamp()
	h := append([]byte(segmentMagic), segmentVersion)
	h = append(h, stamp[:]...)
	s.write(h)
}

func (s *segmentWriter) write(p []byte) {
	if s.err != nil {
		return
	}
	_, s.err = s.w.Write(p)
	s.off += uint64(len(p))
}

// add records a merged document; ps[j] is the posting of a.terms[j].
func (s *segmentWriter) add(fingerprint string, md *docMeta, a *analysed, ps []*posting) {
	if fingerprint == "" || s.seen[fingerprint] {
		return
	}
	s.open()
	if s.err != nil {
		return
	}
	s.seen[fingerprint] = true
	s.index = append(s.index, segmentRef{fingerprint, s.off})
	b := s.body[:0]
	for _, x := range []string{fingerprint, md.typ, md.territory, md.sortKey,
		md.card.Product, md.card.Title, md.card.Date, md.card.URL, md.card.Snippet} {
		b = appendStr(b, x)
	}
	b = appendStrs(b, md.card.Substances)
	b = appendStrs(b, md.card.Licences)
	b = binary.AppendUvarint(b, md.card.Size)
	b = binary.AppendUvarint(b, uint64(a.length))
	b = appendStrs(b, a.productKeys)
	b = appendStrs(b, a.facetKeys)
	s.order = s.order[:0]
	for j := range a.terms {
		s.order = append(s.order, j)
	}
	slices.SortFunc(s.order, func(x, y int) int { return cmp.Compare(ps[x].id, ps[y].id) })
	b = binary.AppendUvarint(b, uint64(len(a.terms)))
	var last uint32
	for _, j := range s.order {
		dt := &a.terms[j]
		b = binary.AppendUvarint(b, uint64(ps[j].id-last))
		last = ps[j].id
		b = binary.AppendUvarint(b, uint64(dt.fieldTF))
		b = binary.AppendUvarint(b, uint64(dt.textTF))
		b = binary.AppendUvarint(b, uint64(dt.sections))
		b = binary.AppendUvarint(b, uint64(len(dt.exact)))
		for _, x := range dt.exact {
			b = binary.AppendUvarint(b, uint64(s.exact(x)))
		}
	}
	s.body = b
	var n [binary.MaxVarintLen64]byte
	s.write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
	s.write(b)
	s.write(binary.LittleEndian.AppendUint32(nil, crc32.Checksum(b, crcTable)))
}

// finish writes the table and footer and renames the segment into place.
// It returns the segment's size.
func (s *segmentWriter) finish() (int64, error) {
	s.open()
	if s.err == nil {
		tableOff := s.off
		var t []byte
		t = binary.AppendUvarint(t, uint64(len(s.strs)))
		for _, x := range s.strs {
			t = appendStr(t, x)
		}
		t = binary.AppendUvarint(t, uint64(len(s.index)))
		for _, r := range s.index {
			t = appendStr(t, r.fingerprint)
			t = binary.AppendUvarint(t, r.off)
		}
		s.write(t)
		foot := binary.LittleEndian.AppendUint64(nil, tableOff)
		foot = binary.LittleEndian.AppendUint32(foot, crc32.Checksum(t, crcTable))
		s.write(append(foot, "MIPS"...))
	}
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if s.err == nil {
		s.err = s.f.Sync()
	}
	if s.f != nil {
		if err := s.f.Close(); s.err == nil {
			s.err = err
		}
		if s.err == nil {
			s.err = os.Rename(s.f.Name(), s.path)
		}
		if s.err != nil {
			os.Remove(s.f.Name())
		}
	}
	if s.err != nil {
		return 0, fmt.Errorf("save segment %s: %w", s.path, s.err)
	}
	return int64(s.off), nil
}

// abandon removes the temporary file of a segment that will not be saved.
func (s *segmentWriter) abandon() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendStr(b, s)
	}
	return b
}

// segmentReader reads the records of a previous build's segment.
type segmentReader struct {
	r        io.ReaderAt
	closer   io.Closer
	strs     []string
	index    map[string]uint64 // fingerprint → record offset
	tableOff uint64
	buf      []byte
}

var errSegment = errors.New("bad segment")

// openSegment opens the segment at path and reads its table.
func openSegment(path string) (*segmentReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	s, err := readSegment(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("segment %s: %w", path, err)
	}
	s.closer = f
	return s, nil
}

// readSegment checks the header and footer of the segment in r and reads
// its table.
func readSegment(r io.ReaderAt, size int64) (*segmentReader, error) {
	if size < int64(segmentHeader+segmentFooter) {
		return nil, fmt.Errorf("%w: too short", errSegment)
	}
	head := make([]byte, segmentHeader)
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, err
	}
	stamp := analysisStamp()
	if string(head[:len(segmentMagic)]) != segmentMagic {
		return nil, fmt.Errorf("%w: not a segment", errSegment)
	}
	if v := head[len(segmentMagic)]; v != segmentVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", errSegment, v, segmentVersion)
	}
	if string(head[len(segmentMagic)+1:]) != string(stamp[:]) {
		return nil, fmt.Errorf("%w: made by another analysis", errSegment)
	}
	foot := make([]byte, segmentFooter)
	if _, err := r.ReadAt(foot, size-segmentFooter); err != nil {
		return nil, err
	}
	tableOff := binary.LittleEndian.Uint64(foot)
	if string(foot[12:]) != "MIPS" || tableOff < uint64(segmentHeader) || tableOff > uint64(size-segmentFooter) {
		return nil, fmt.Errorf("%w: bad footer", errSegment)
	}
	table := make([]byte, uint64(size-segmentFooter)-tableOff)
	if _, err := r.ReadAt(table, int64(tableOff)); err != nil {
		return nil, err
	}
	if crc32.Checksum(table, crcTable) != binary.LittleEndian.Uint32(foot[8:]) {
		return nil, fmt.Errorf("%w: table checksum", errSegment)
	}
	d := decoder{b: table}
	s := &segmentReader{r: r, tableOff: tableOff, index: map[string]uint64{}}
	n := d.count()
	s.strs = make([]string, 0, n)
	for range n {
		s.strs = append(s.strs, d.str())
	}
	n = d.count()
	for range n {
		fp := d.str()
		off := d.uvarint()
		if off < uint64(segmentHeader) || off >= tableOff {
			d.fail()
		}
		s.index[fp] = off
	}
	if d.err != nil || d.off != len(d.b) {
		return nil, fmt.Errorf("%w: bad table", errSegment)
	}
	return s, nil
}

func (s *segmentReader) close() {
	if s != nil && s.closer != nil {
		s.closer.Close()
	}
}

// doc reads, checks and decodes the record of fingerprint; nil, nil when
// the segment has none.
func (s *segmentReader) doc(fingerprint string) (*segmentDoc, error) {
	off, ok := s.index[fingerprint]
	if !ok {
		return nil, nil
	}
	avail := s.tableOff - off
	var lenBuf [binary.MaxVarintLen64]byte
	n, err := s.r.ReadAt(lenBuf[:min(uint64(len(lenBuf)), avail)], int64(off))
	if n == 0 {
		return nil, cmp.Or(err, errSegment)
	}
	bodyLen, k := binary.Uvarint(lenBuf[:n])
	if k <= 0 || bodyLen > avail-uint64(k) || avail-uint64(k)-bodyLen < 4 {
		return nil, fmt.Errorf("%w: record length", errSegment)
	}
	if cap(s.buf) < int(bodyLen)+4 {
		s.buf = make([]byte, int(bodyLen)+4)
	}
	buf := s.buf[:bodyLen+4]
	if _, err := s.r.ReadAt(buf, int64(off)+int64(k)); err != nil {
		return nil, err
	}
	body := buf[:bodyLen]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(buf[bodyLen:]) {
		return nil, fmt.Errorf("%w: record checksum", errSegment)
	}
	sd, err := decodeRecord(body, s.strs)
	if err != nil {
		return nil, err
	}
	if sd.fingerprint != fingerprint {
		return nil, fmt.Errorf("%w: record of another fingerprint", errSegment)
	}
	return sd, nil
}

// decodeRecord decodes a record's body, whose strings numbers refer to
// strs.
func decodeRecord(body []byte, strs []string) (*segmentDoc, error) {
	d := decoder{b: body}
	sd := &segmentDoc{a: analysed{slot: -1}}
	for _, p := range []*string{&sd.fingerprint, &sd.typ, &sd.territory, &sd.sortKey,
		&sd.card.Product, &sd.card.Title, &sd.card.Date, &sd.card.URL, &sd.card.Snippet} {
		*p = d.str()
	}
	sd.card.Substances = d.strs()
	sd.card.Licences = d.strs()
	sd.card.Size = d.uvarint()
	length := d.uvarint()
	if length > 1<<32-1 {
		d.fail()
	}
	sd.a.length = uint32(length)
	sd.a.productKeys = d.strs()
	sd.a.facetKeys = d.strs()
	n := d.count()
	sd.a.terms = make([]docTerm, 0, n)
	var id uint64
	for i := range n {
		delta := d.uvarint()
		if i > 0 && delta == 0 {
			d.fail()
		}
		id += delta
		if id >= uint64(len(strs)) {
			d.fail()
		}
		var v [3]uint32
		for k := range v {
			x := d.uvarint()
			if x > 1<<32-1 {
				d.fail()
			}
			v[k] = uint32(x)
		}
		ne := d.count()
		if d.err != nil {
			break
		}
		dt := docTerm{term: strs[id], fieldTF: v[0], textTF: v[1], sections: v[2]}
		for range ne {
			x := d.uvarint()
			if x >= uint64(len(strs)) {
				d.fail()
				break
			}
			dt.exact = append(dt.exact, strs[x])
		}
		sd.a.terms = append(sd.a.terms, dt)
	}
	if d.err != nil || d.off != len(d.b) {
		return nil, fmt.Errorf("%w: bad record", errSegment)
	}
	if _, ok := typeRank[sd.typ]; !ok {
		return nil, fmt.Errorf("%w: type %q", errSegment, sd.typ)
	}
	return sd, nil
}

// decoder reads the primitives of a segment; the first failure sticks.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errSegment
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return v
}

// count reads a count of items of at least one byte each.
func (d *decoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)-d.off) {
		d.fail()
	}
	if d.err != nil {
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[d.off : d.off+n])
	d.off += n
	return s
}

func (d *decoder) strs() []string {
	n := d.count()
	var out []string
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, d.str())
	}
	return out
}
