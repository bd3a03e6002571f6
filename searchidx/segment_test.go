package searchidx

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mip/searchidx/query"
)

// fingerprinted gives each document a fingerprint of its content.
func fingerprinted(docs []Doc) []Doc {
	out := slices.Clone(docs)
	for i := range out {
		out[i].Fingerprint = "fp-" + out[i].Key[48:] + "-" + out[i].Body[:min(len(out[i].Body), 20)]
	}
	return out
}

// buildReusing builds docs the way an incremental caller does: a document
// the previous segment holds is added with its key, type, territory and
// fingerprint only.
func buildReusing(t *testing.T, docs []Doc, dir string, opts Options) Stats {
	t.Helper()
	b := NewBuilder(opts)
	for _, d := range docs {
		if b.Reusable(d.Fingerprint) {
			d = Doc{Key: d.Key, Type: d.Type, Territory: d.Territory, Fingerprint: d.Fingerprint}
		}
		if err := b.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	st, err := b.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func sameDirs(t *testing.T, want, got string) {
	t.Helper()
	a, b := readDir(t, want), readDir(t, got)
	if len(a) != len(b) {
		t.Fatalf("%d files, want %d", len(b), len(a))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Fatalf("%s differs", name)
		}
	}
}

func TestSegmentReuse(t *testing.T) {
	docs := fingerprinted(syntheticDocs(400, 200, 3))
	opts := Options{ShardBytes: 4 << 10}
	plain, _ := buildDir(t, docs, opts)

	tmp := t.TempDir()
	seg1 := filepath.Join(tmp, "state", "segment.bin")
	first := filepath.Join(tmp, "first")
	o := opts
	o.Segment = seg1
	st := buildReusing(t, docs, first, o)
	if st.Reused != 0 || st.Analysed != len(docs) || st.SegmentBytes == 0 {
		t.Fatalf("first build: %+v", st)
	}
	sameDirs(t, plain, first)

	// Everything reused, every file but the manifest linked, in another
	// order of addition.
	second := filepath.Join(tmp, "second")
	seg2 := filepath.Join(tmp, "segment2.bin")
	o = opts
	o.Previous, o.Segment, o.LinkFrom = seg1, seg2, first
	shuffled := slices.Clone(docs)
	slices.Reverse(shuffled)
	st = buildReusing(t, shuffled, second, o)
	if st.Reused != len(docs) || st.Analysed != 0 || st.PreviousIgnored != "" {
		t.Fatalf("second build: %+v", st)
	}
	if st.Linked != st.Files-1 || st.Written != 1 {
		t.Errorf("second build wrote %d files and linked %d of %d", st.Written, st.Linked, st.Files)
	}
	sameDirs(t, plain, second)
	fi1, _ := os.Stat(filepath.Join(first, "manifest.bin"))
	fi2, _ := os.Stat(filepath.Join(second, "manifest.bin"))
	if os.SameFile(fi1, fi2) {
		t.Error("the manifest is linked")
	}

	// The segment of a reusing build serves as well: same path in and out.
	third := filepath.Join(tmp, "third")
	o = opts
	o.Previous, o.Segment = seg2, seg2
	if st = buildReusing(t, docs, third, o); st.Reused != len(docs) {
		t.Fatalf("third build: %+v", st)
	}
	sameDirs(t, plain, third)
	if st = buildReusing(t, docs, third, o); st.Reused != len(docs) {
		t.Fatalf("fourth build, from the third's segment: %+v", st)
	}
	sameDirs(t, plain, third)

	// A changed document is analysed again; a new one too.
	changed := slices.Clone(docs)
	changed[7].Body += " quoxafenib"
	changed[7].Fingerprint += "-changed"
	changed = append(changed, Doc{Key: "new", Type: "PIL", Products: []string{"NEW PRODUCT"}, Body: "brand new text",
		Fingerprint: "fp-new", Card: Card{URL: "/new"}})
	want, _ := buildDir(t, changed, opts)
	got := filepath.Join(tmp, "changed")
	o = opts
	o.Previous, o.LinkFrom = seg1, first
	st = buildReusing(t, changed, got, o)
	if st.Analysed != 2 || st.Reused != len(docs)-1 {
		t.Errorf("changed build: %d analysed, %d reused", st.Analysed, st.Reused)
	}
	sameDirs(t, want, got)
	ix, err := query.Open(os.DirFS(got))
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := ix.Search(query.Request{Query: "quoxafenib "}); res.Total != 1 {
		t.Errorf("the changed document's new word finds %d", res.Total)
	}
}

func TestSegmentCorrupt(t *testing.T) {
	docs := fingerprinted(syntheticDocs(200, 150, 4))
	opts := Options{ShardBytes: 4 << 10}
	plain, _ := buildDir(t, docs, opts)
	tmp := t.TempDir()
	seg := filepath.Join(tmp, "segment.bin")
	o := opts
	o.Segment = seg
	buildReusing(t, docs, filepath.Join(tmp, "first"), o)
	good, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := readSegment(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	rec := sr.index[docs[10].Fingerprint] + 20 // inside the 11th record

	for _, c := range []struct {
		name       string
		corrupt    func([]byte) []byte
		ignored    bool // the whole segment
		maxReused  int
		minReused  int
		wantReason string
	}{
		{"record byte", func(b []byte) []byte { b[rec] ^= 0x40; return b }, false, len(docs) - 1, len(docs) - 1, ""},
		{"table byte", func(b []byte) []byte { b[len(b)-segmentFooter-3] ^= 1; return b }, true, 0, 0, "checksum"},
		{"truncated", func(b []byte) []byte { return b[:len(b)-5] }, true, 0, 0, "footer"},
		{"version", func(b []byte) []byte { b[len(segmentMagic)]++; return b }, true, 0, 0, "version"},
		{"stamp", func(b []byte) []byte { b[len(segmentMagic)+1]++; return b }, true, 0, 0, "another analysis"},
		{"empty", func(b []byte) []byte { return nil }, true, 0, 0, "too short"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "segment.bin")
			if err := os.WriteFile(bad, c.corrupt(slices.Clone(good)), 0o644); err != nil {
				t.Fatal(err)
			}
			o := opts
			o.Previous = bad
			dir := filepath.Join(t.TempDir(), "idx")
			st := buildReusing(t, docs, dir, o)
			if st.Reused < c.minReused || st.Reused > c.maxReused || (st.PreviousIgnored != "") != c.ignored ||
				!strings.Contains(st.PreviousIgnored, c.wantReason) {
				t.Errorf("reused %d, ignored %q", st.Reused, st.PreviousIgnored)
			}
			sameDirs(t, plain, dir)
		})
	}
	// A missing segment is no segment.
	o = opts
	o.Previous = filepath.Join(tmp, "missing.bin")
	st := buildReusing(t, docs, filepath.Join(tmp, "missing"), o)
	if st.Reused != 0 || st.PreviousIgnored == "" {
		t.Errorf("missing segment: %+v", st)
	}
}

// A fingerprint that comes back with another type is refused, not
// silently indexed as the old type.
func TestSegmentTypeMismatch(t *testing.T) {
	docs := fingerprinted(syntheticDocs(3, 50, 5))
	seg := filepath.Join(t.TempDir(), "segment.bin")
	buildReusing(t, docs, t.TempDir(), Options{Segment: seg})
	b := NewBuilder(Options{Previous: seg})
	d := docs[0]
	d.Type = map[string]string{"SPC": "PIL", "PIL": "SPC", "PAR": "SPC"}[d.Type]
	if err := b.Add(d); err == nil {
		t.Error("a fingerprint's document changed type and was accepted")
	}
}

// FuzzSegment: no segment, however malformed, makes the reader panic or
// return a record that is not the fingerprint's.
func FuzzSegment(f *testing.F) {
	docs := fingerprinted(syntheticDocs(4, 30, 6))
	seg := filepath.Join(f.TempDir(), "segment.bin")
	b := NewBuilder(Options{Segment: seg})
	for _, d := range docs {
		if err := b.Add(d); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := b.Write(f.TempDir()); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(seg)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(segmentMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := readSegment(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for fp := range s.index {
			sd, err := s.doc(fp)
			if err == nil && (sd == nil || sd.fingerprint != fp) {
				t.Fatalf("record of %q: %+v", fp, sd)
			}
		}
	})
}
