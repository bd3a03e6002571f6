package extract

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// pdfFile assembles a PDF from object bodies (object i+1 is objs[i]) with a
// correct cross-reference table; trailer is added to /Size and /Root 1 0 R.
func pdfFile(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// onePage is a valid one-page document whose page has the given content
// stream object (object 4) and resources.
func onePage(content, resources string, extra ...string) []byte {
	objs := append([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> " + resources + " >> >>",
		content,
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}, extra...)
	return pdfFile(objs, "")
}

// flateBomb is a content stream that inflates to n bytes of spaces.
func flateBomb(n int) string {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range n >> 20 {
		zw.Write(chunk)
	}
	zw.Close()
	return stream("/Filter /FlateDecode", z.String())
}

type malformedCase struct {
	name string
	pdf  []byte
	// recovers is true where PDFium may legitimately repair the file and
	// return text (a truncation past the pages); the test then only asks
	// for a bounded, orderly outcome.
	recovers bool
}

func malformedCorpus(t testing.TB) []malformedCase {
	good := onePage(stream("", "BT /F1 12 Tf 72 720 Td (Examplamol tablets are white and round.) Tj ET"), "")
	valid, err := os.ReadFile("testdata/corpus/spc-ghostscript.pdf")
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := os.ReadFile("testdata/malformed/encrypted-user-password.pdf")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	cases := []malformedCase{
		{name: "empty", pdf: nil},
		{name: "header-only", pdf: []byte("%PDF-1.7\n")},
		{name: "random-bytes", pdf: random},
		{name: "random-after-header", pdf: append([]byte("%PDF-1.4\n"), random...)},
		{name: "html-renamed", pdf: []byte("<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404</h1><p>The document was not found.</p></body></html>\n")},
		{name: "encrypted-user-password", pdf: encrypted},
		{name: "page-tree-cycle", pdf: pdfFile([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
			"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 2 >>",
		}, "")},
		{name: "recursive-form", pdf: onePage(stream("", "/X1 Do"), "/XObject << /X1 6 0 R >>",
			stream("/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /X1 6 0 R >> >>", "/X1 Do /X1 Do"))},
		{name: "absurd-page-count", pdf: pdfFile([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		}, "")},
		// PDFium ignores the /Size and reads the document.
		{name: "absurd-object-count", pdf: bytes.Replace(good, []byte("/Size 6"), []byte("/Size 2147483640"), 1), recovers: true},
		{name: "unknown-filter", pdf: onePage(stream("/Filter /MipNoSuchDecode", "BT (x) Tj ET"), "")},
	}
	// An xref whose /Prev points back at itself, and a broken offset.
	loop := bytes.Clone(good)
	at := bytes.LastIndex(loop, []byte("startxref\n"))
	off := strings.TrimSpace(strings.Split(string(loop[at+len("startxref\n"):]), "\n")[0])
	loop = bytes.Replace(loop, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Prev "+off), 1)
	cases = append(cases, malformedCase{name: "xref-loop", pdf: loop, recovers: true})
	for _, frac := range []int{10, 50, 90, 99} {
		cases = append(cases, malformedCase{
			name:     fmt.Sprintf("truncated-%d%%", frac),
			pdf:      valid[:len(valid)*frac/100],
			recovers: frac >= 90,
		})
	}
	return cases
}

// TestMalformed feeds broken PDFs, and a 1 GiB flate bomb against a 512 MiB
// bound, to real workers: every one must end within the timeout as a
// finding (a BrokenError, or a document without text), never as a failed
// build, and no worker may grow past the memory bound.
func TestMalformed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1 GiB flate bomb")
	}
	const timeout = 20 * time.Second
	const limit = 512 << 20
	p := testPool(t, Options{Workers: 2, Timeout: timeout, MemoryLimit: limit})
	cases := append(malformedCorpus(t), malformedCase{name: "flate-bomb", pdf: onePage(flateBomb(1<<30), "")})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			began := time.Now()
			txt, err := p.Extract(context.Background(), "SPC", tc.pdf)
			took := time.Since(began)
			// The margin covers starting a replacement worker on a
			// loaded machine; a hang would take forever.
			if took > timeout+30*time.Second {
				t.Errorf("took %s, past the %s timeout", took, timeout)
			}
			if err != nil && !IsBroken(err) {
				t.Fatalf("error that is not a finding: %v", err)
			}
			fs := Findings("x.pdf", tc.name, txt, err)
			if len(fs) == 0 && !tc.recovers {
				t.Errorf("no finding; got %d pages, has text %v", len(txt.Pages), txt.HasText)
			}
			t.Logf("%s in %s: %v", tc.name, took.Round(time.Millisecond), fs)
			var b *BrokenError
			if tc.name == "flate-bomb" && (!errors.As(err, &b) || !b.Limit || !strings.Contains(b.Reason, "memory limit")) {
				t.Errorf("flate bomb: %v, want the memory limit named", err)
			}
		})
	}
	t.Cleanup(func() {
		// Runs before the pool's cleanup: stop the workers to read their peak.
		p.Close()
		st := p.Stats()
		t.Logf("workers: %+v", st)
		// The bound is on growth over a ready worker (about 60 MB resident).
		if st.PeakRSS > limit+200<<20 {
			t.Errorf("a worker reached %d MiB resident, past the %d MiB bound", st.PeakRSS>>20, limit>>20)
		}
	})
}

// TestBadPageKeepsOthers: a page PDFium cannot load loses its own text
// only, and says so.
func TestBadPageKeepsOthers(t *testing.T) {
	pdf := pdfFile([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		stream("", "BT /F1 12 Tf 72 720 Td (Examplamol tablets are white and round.) Tj ET"),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"42",
	}, "")
	p := testPool(t, Options{Workers: 1})
	txt, err := p.Extract(context.Background(), "SPC", pdf)
	if err != nil {
		t.Fatal(err)
	}
	if len(txt.Pages) != 2 || txt.Pages[0] != "Examplamol tablets are white and round." || txt.Pages[1] != "" {
		t.Errorf("pages %q", txt.Pages)
	}
	if !slices.Equal(txt.Meta.BadPages, []int{2}) {
		t.Errorf("bad pages %v, want [2]", txt.Meta.BadPages)
	}
	if fs := Findings("x.pdf", "CON1", txt, err); len(fs) != 1 || !fs[0].Kept {
		t.Errorf("findings %v", fs)
	}
}
