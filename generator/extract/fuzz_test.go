package extract

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// checkText asserts what every successful extraction must satisfy.
func checkText(t *testing.T, txt Text) {
	t.Helper()
	if txt.Meta.Pages != len(txt.Pages) {
		t.Errorf("meta says %d pages, got %d", txt.Meta.Pages, len(txt.Pages))
	}
	for i, p := range txt.Pages {
		if !utf8.ValidString(p) {
			t.Errorf("page %d is not UTF-8", i+1)
		}
		if Normalize(p) != p {
			t.Errorf("page %d is not normalised: %q", i+1, p)
		}
	}
	checkSections(t, txt.Sections, len(txt.Pages))
	if txt.HasText {
		checkCover(t, txt.Sections, txt.Pages)
	}
}

// checkCover asserts that sections cover the body of the pages exactly:
// every word once, in order.
func checkCover(t *testing.T, secs []Section, pages []string) {
	t.Helper()
	var got []string
	for _, s := range secs {
		if !strings.Contains(s.ID, "-p") { // a page's heading is made up
			got = append(got, strings.Fields(s.Heading)...)
		}
		got = append(got, strings.Fields(s.Text)...)
	}
	var want []string
	for _, l := range bodyLines(pages) {
		want = append(want, strings.Fields(l.text)...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("sections hold\n%q\nthe body is\n%q", got, want)
	}
}

func checkSections(t *testing.T, secs []Section, pages int) {
	t.Helper()
	seen := map[string]bool{}
	last := 0
	for _, s := range secs {
		if seen[s.ID] {
			t.Errorf("section %s twice", s.ID)
		}
		seen[s.ID] = true
		if s.Page < 1 || s.Page > pages || s.Page < last {
			t.Errorf("section %s on page %d (of %d, after page %d)", s.ID, s.Page, pages, last)
		}
		last = s.Page
	}
}

// FuzzExtract feeds arbitrary bytes, seeded with the corpus and the
// malformed cases, through a real worker: the outcome is a result or a
// BrokenError, within the timeout, and a result is well formed. Fuzzing
// starts processes and is slow; run it with
//
//	go test ./generator/extract -run '^$' -fuzz FuzzExtract -fuzztime 2m
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.pdf")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	for _, c := range malformedCorpus(f) {
		if len(c.pdf) < 64<<10 {
			f.Add(c.pdf)
		}
	}
	// The timeout stays under the fuzzer's own 10 s limit per input.
	opts := Options{Workers: 1, Timeout: 5 * time.Second, MemoryLimit: 512 << 20}
	if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
		// Fuzzing instruments this binary for coverage, which makes a
		// worker's start take seconds: use a plain worker binary.
		exe := filepath.Join(f.TempDir(), "worker")
		if out, err := exec.Command("go", "build", "-o", exe, "./testdata/worker").CombinedOutput(); err != nil {
			f.Fatalf("build worker: %v\n%s", err, out)
		}
		opts.Command = []string{exe}
		opts.CacheDir = testCacheDir(f)
	}
	p := testPool(f, opts)
	f.Fuzz(func(t *testing.T, pdf []byte) {
		txt, err := p.Extract(context.Background(), "SPC", pdf)
		if err != nil {
			if !IsBroken(err) {
				t.Fatalf("not a finding: %v", err)
			}
			return
		}
		checkText(t, txt)
	})
}

// FuzzSections: any pages split without panic into well-formed sections
// that keep every body line of the input.
func FuzzSections(f *testing.F) {
	f.Add("SPC", "1. NAME OF THE MEDICINAL PRODUCT\nX\n4.1\nTherapeutic indications\nPain.", "10 DATE OF REVISION OF THE TEXT\n12/2020")
	f.Add("PIL", "What is in this leaflet\n1. What X is and what it is used for\n2. What you need to know before you take X", "1. What X is and\nwhat it is used for\nPain.\nPage 1 of 2")
	f.Add("PAR", "LAY SUMMARY\nText\nI INTRODUCTION\nMore", "II QUALITY ASPECTS\nEnd")
	f.Fuzz(func(t *testing.T, typ, a, b string) {
		pages := []string{Normalize(a), Normalize(b)}
		secs := Sections(typ, pages)
		checkSections(t, secs, len(pages))
		checkCover(t, secs, pages)
		RevisionDate(secs)
	})
}

// FuzzNormalize: the result is UTF-8, has no control characters but
// newlines, and normalising again changes nothing.
func FuzzNormalize(f *testing.F) {
	f.Add("ﬁlm\r\n\u0002x\ufffe\ufffd\x00\t y\u00ad\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("not UTF-8: %q", n)
		}
		for _, r := range n {
			if r != '\n' && unicode.IsControl(r) {
				t.Fatalf("control %U in %q", r, n)
			}
		}
		if again := Normalize(n); again != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, again)
		}
	})
}

// FuzzCacheEntry: no bytes on disk make Get panic or return a result that
// was not stored.
func FuzzCacheEntry(f *testing.F) {
	c, _ := OpenCache(f.TempDir())
	key := Sum([]byte("k"))
	c.Put(key, sampleText())
	good, _ := os.ReadFile(c.path(key))
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(c.path(key), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get(key); ok && !bytes.Equal(data, good) {
			// Only an intact entry (checksum over the payload) is a hit.
			if _, err := decodeEntry(data); err != nil {
				t.Fatalf("hit on an entry that does not decode")
			}
		}
	})
}

// FuzzResult: a result frame's pages and metadata come back as the worker
// sent them (bad UTF-8 replaced), and no bytes make decodeResult panic.
func FuzzResult(f *testing.F) {
	f.Add("Title", "page one\nline", "", "ﬁ\xff\u0002", []byte("\x02{}\x00"))
	f.Fuzz(func(t *testing.T, title, p1, p2, p3 string, raw []byte) {
		res := workerResult{Pages: []string{p1, p2, p3}, Meta: Metadata{Title: title, Pages: 3}}
		b, err := encodeResult(res)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeResult(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Meta.Pages != 3 || len(got.Pages) != 3 {
			t.Fatalf("got %+v", got)
		}
		for i, p := range res.Pages {
			if want := strings.ToValidUTF8(p, "\uFFFD"); got.Pages[i] != want {
				t.Errorf("page %d: got %q, want %q", i+1, got.Pages[i], want)
			}
		}
		decodeResult(raw)
	})
}

// normalizeFields is Normalize as it split lines before nextLine.
func normalizeFields(raw string) string {
	var b strings.Builder
	for _, line := range strings.FieldsFunc(raw, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == '\u2028' || r == '\u2029'
	}) {
		line = cleanLine(norm.NFKC.String(cleanLine(line)))
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String()
}

// FuzzNormalizeSplit: splitting lines by bytes (nextLine) agrees with
// strings.FieldsFunc, and runningKey's ASCII path with runningKeyUnicode.
func FuzzNormalizeSplit(f *testing.F) {
	f.Add("a\r\nb\u2028\u2029c\n\n\fd\xe2\x80\xe2\x80\xa8e\xe2\x80")
	f.Add("  Page 3 of 12\t")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Normalize(s), normalizeFields(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
		if got, want := runningKey(s), runningKeyUnicode(s); got != want {
			t.Fatalf("runningKey(%q) = %q, want %q", s, got, want)
		}
	})
}
