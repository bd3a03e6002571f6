package extract

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sharedPDFs = "../../../shared/pdfs"

func TestExtractRealPDFs(t *testing.T) {
	p := testPool(t, Options{Workers: 1, Timeout: 60 * time.Second})
	for _, tc := range []struct {
		file  string
		pages int
		text  bool   // has a text layer
		want  string // a phrase of the text
	}{
		{"con185680.pdf", 5, true, "summary of licensed indications of antipsychotics"},
		// The README calls these OCR'd scans, but they have no text layer:
		// pdftotext finds no words either.
		{"con2023235.pdf", 4, false, ""},
		{"con2024428.pdf", 4, false, ""},
		{"rabbit-anti-human-stuff.pdf", 3, true, "5. how to store thymoglobuline"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			txt, err := p.ExtractFile(context.Background(), "PAR", filepath.Join(sharedPDFs, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(txt.Pages) != tc.pages || txt.Meta.Pages != tc.pages {
				t.Errorf("%d pages (meta %d), want %d", len(txt.Pages), txt.Meta.Pages, tc.pages)
			}
			if txt.HasText != tc.text {
				t.Errorf("HasText = %v, want %v", txt.HasText, tc.text)
			}
			if txt.Meta.Producer == "" {
				t.Error("no producer in the metadata")
			}
			if tc.want != "" && !strings.Contains(strings.ToLower(strings.Join(txt.Pages, " ")), tc.want) {
				t.Errorf("text lacks %q", tc.want)
			}
		})
	}
}
