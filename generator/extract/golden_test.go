package extract

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// renderSections writes sections in the readable form of the golden files:
// one header line per section, its text indented below.
func renderSections(t Text) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pages: %d, has text: %v, revision date: %q\n", len(t.Pages), t.HasText, t.RevisionDate)
	for _, s := range t.Sections {
		fmt.Fprintf(&b, "\n== %s [%s] page %d: %q\n", s.ID, s.Number, s.Page, s.Heading)
		if s.Text == "" {
			continue
		}
		for _, l := range strings.Split(s.Text, "\n") {
			fmt.Fprintf(&b, "   %s\n", l)
		}
	}
	return b.String()
}

// docTypeOf reads the document type from a corpus file name: "spc-…".
func docTypeOf(name string) string {
	typ, _, _ := strings.Cut(filepath.Base(name), "-")
	return strings.ToUpper(typ)
}

// TestGoldenSections extracts every PDF of the corpus and compares its
// sections with testdata/golden/NAME.txt; go test -update rewrites them.
func TestGoldenSections(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.pdf")
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	type doc struct{ path, typ, name string }
	var docs []doc
	for _, f := range files {
		docs = append(docs, doc{f, docTypeOf(f), strings.TrimSuffix(filepath.Base(f), ".pdf")})
	}
	// A real leaflet, laid out in columns (reading order differs from
	// section order).
	docs = append(docs, doc{filepath.Join(sharedPDFs, "rabbit-anti-human-stuff.pdf"), "PIL", "shared-rabbit-pil"})
	p := testPool(t, Options{Workers: 2, Timeout: time.Minute})
	for _, d := range docs {
		name, f := d.name, d.path
		t.Run(name, func(t *testing.T) {
			txt, err := p.ExtractFile(context.Background(), d.typ, f)
			if err != nil {
				t.Fatal(err)
			}
			got := renderSections(txt)
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("sections differ from %s (go test -update rewrites it); got:\n%s", golden, got)
			}
		})
	}
}
