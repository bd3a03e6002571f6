package extract

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	spcNumbers = []string{"1", "2", "3", "4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9",
		"5", "5.1", "5.2", "5.3", "6", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "7", "8", "9", "10"}
	pilNumbers = []string{"1", "2", "3", "4", "5", "6"}
)

func numbers(secs []Section) []string {
	var out []string
	for _, s := range secs {
		if s.Number != "" {
			out = append(out, s.Number)
		}
	}
	return out
}

// TestCorpusStructure checks, beside the golden files, what every producer's
// rendering of the same documents must yield.
func TestCorpusStructure(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.pdf")
	p := testPool(t, Options{Workers: 2, Timeout: time.Minute})
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			typ := docTypeOf(f)
			txt, err := p.ExtractFile(context.Background(), typ, f)
			if err != nil {
				t.Fatal(err)
			}
			checkText(t, txt)
			got := numbers(txt.Sections)
			switch typ {
			case "SPC":
				if !slices.Equal(got, spcNumbers) {
					t.Errorf("sections %v, want %v", got, spcNumbers)
				}
				if txt.RevisionDate != "2023-03-15" {
					t.Errorf("revision date %q, want 2023-03-15", txt.RevisionDate)
				}
			case "PIL":
				if !slices.Equal(got, pilNumbers) {
					t.Errorf("sections %v, want %v", got, pilNumbers)
				}
			case "PAR":
				if want := []string{"I", "II", "III", "IV", "V", "VI"}; !slices.Equal(got, want) {
					t.Errorf("sections %v, want %v", got, want)
				}
			}
			for _, s := range txt.Sections {
				if s.Number != "" && s.Text == "" && s.Number != "4" && s.Number != "5" && s.Number != "6" {
					t.Errorf("section %s is empty", s.ID)
				}
				if strings.Contains(s.Text, "Page ") || strings.Contains(s.Text, "Package leaflet -") {
					t.Errorf("section %s keeps a running header or footer: %q", s.ID, s.Text)
				}
			}
		})
	}
}

func TestSectionsLayoutNoise(t *testing.T) {
	pages := []string{
		// A contents list, a running header, a page number.
		"Examplamol tablets - leaflet\nWhat is in this leaflet\n1. What Examplamol is and what it is used for\n2. What you need to know before you take Examplamol\n3. How to take Examplamol\n4. Possible side effects\n5. How to store Examplamol\n6. Contents of the pack and other information\n" +
			"1 What Examplamol is and\nwhat it is used for\nIt treats pain.\n1",
		"Examplamol tablets - leaflet\nBEFORE YOU TAKE EXAMPLAMOL\nDo not take it if allergic.\n3. How to take Examplamol\nTake two.\n- 2 -",
		"Examplamol tablets - leaflet\n4 POSSIBLE SIDE EFFECTS\nHeadache.\n5. How to store\nExamplamol\nBelow 25 C.\n6. Contents of the pack and other information\nStarch.\nPage 3",
	}
	secs := Sections("pil", pages)
	if got := numbers(secs); !slices.Equal(got, pilNumbers) {
		t.Fatalf("sections %v, want %v", got, pilNumbers)
	}
	want := map[string]struct {
		heading, text string
		page          int
	}{
		"pil-1": {"1 What Examplamol is and what it is used for", "It treats pain.", 1},
		"pil-2": {"BEFORE YOU TAKE EXAMPLAMOL", "Do not take it if allergic.", 2},
		"pil-3": {"3. How to take Examplamol", "Take two.", 2},
		"pil-4": {"4 POSSIBLE SIDE EFFECTS", "Headache.", 3},
		"pil-5": {"5. How to store Examplamol", "Below 25 C.", 3},
		"pil-6": {"6. Contents of the pack and other information", "Starch.", 3},
	}
	for _, s := range secs {
		w, ok := want[s.ID]
		if !ok {
			continue
		}
		if s.Heading != w.heading || s.Text != w.text || s.Page != w.page {
			t.Errorf("%s = %q / %q / page %d, want %q / %q / page %d", s.ID, s.Heading, s.Text, s.Page, w.heading, w.text, w.page)
		}
	}
	if secs[0].ID != "pil-intro" || !strings.Contains(secs[0].Text, "What is in this leaflet") || strings.Contains(secs[0].Text, "leaflet\n") && strings.HasPrefix(secs[0].Text, "Examplamol tablets") {
		t.Errorf("intro = %+v", secs[0])
	}
}

func TestSectionsSPCNoise(t *testing.T) {
	pages := []string{
		"SUMMARY OF PRODUCT CHARACTERISTICS\nNAME OF THE MEDICINAL PRODUCT\nExamplamol 500 mg tablets\n4.2\nPosology and method of administration\nOne tablet. See section 4.4 special warnings.\n4.3 contraindications\nNone.",
		"4.4 Special warnings and special precautions\nfor use\nCare in liver disease.\nOverdose\nLiver damage.\n10. DATE OF REVISION OF THE TEXT\nMarch 2024",
	}
	secs := Sections("SPC", pages)
	if got, want := numbers(secs), []string{"1", "4.2", "4.3", "4.4", "4.9", "10"}; !slices.Equal(got, want) {
		t.Fatalf("sections %v, want %v", got, want)
	}
	if s := secs[2]; s.Heading != "4.2 Posology and method of administration" || s.Text != "One tablet. See section 4.4 special warnings." {
		t.Errorf("4.2 = %+v", s)
	}
	if s := secs[4]; s.Heading != "4.4 Special warnings and special precautions for use" {
		t.Errorf("4.4 heading = %q", s.Heading)
	}
	if got := RevisionDate(secs); got != "2024-03" {
		t.Errorf("revision date %q, want 2024-03", got)
	}
}

func TestSectionsFallsBackToPages(t *testing.T) {
	secs := Sections("PAR", []string{"Some assessment text.", "", "More text."})
	var ids []string
	for _, s := range secs {
		ids = append(ids, s.ID)
	}
	if want := []string{"par-p1", "par-p3"}; !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
}

func TestRevisionDate(t *testing.T) {
	for in, want := range map[string]string{
		"15/03/2023":             "2023-03-15",
		"1.2.2020":               "2020-02-01",
		"2021-11-30":             "2021-11-30",
		"22nd September 2019":    "2019-09-22",
		"September 22, 2019":     "2019-09-22",
		"Sept 2019":              "2019-09",
		"05/2018":                "2018-05",
		"31/02/2020 or 03/2020":  "2020-03",
		"Approved: 10 June 2022": "2022-06-10",
		"pending":                "",
	} {
		secs := []Section{{ID: "spc-10", Number: "10", Heading: "10. DATE OF REVISION OF THE TEXT", Text: in}}
		if got := RevisionDate(secs); got != want {
			t.Errorf("RevisionDate(%q) = %q, want %q", in, got, want)
		}
	}
	if got := RevisionDate([]Section{{ID: "spc-9", Number: "9", Text: "01/01/2001"}}); got != "" {
		t.Errorf("date outside section 10: %q", got)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"ﬁlm-coated\r\ntablets  \r\n\r\n\r\nnext": "film-coated\ntablets\nnext",
		"maxi\ufffemum dose":                      "maximum dose",
		"adminis\u0002tration":                    "administration",
		"hyphen\u0002\r\nated":                    "hyphen-\nated",
		"bad\ufffdglyph\x00 and\ttab":             "badglyph and tab",
		"\r\n\r\n  lead\r\n":                      "  lead",
		"Ｆｕｌｌ width ①":                            "Full width 1",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSectionsColumnOrder: a leaflet in columns can reach the text with a
// later section first; numbered, titled headings out of order still count.
func TestSectionsColumnOrder(t *testing.T) {
	pages := []string{"3. How to take Examplamol\nTwo a day.\n4. Possible side effects\nNone.\n" +
		"1. What Examplamol is and what it is used for\n2. What you need to know before you take Examplamol\n3. How to take Examplamol\n4. Possible side effects\n5. How to store Examplamol\n6. Contents of the pack and other information\n" +
		"1. What Examplamol is and what it is used for\nPain.\n2. What you need to know before you take Examplamol\nAllergy.\n5. How to store Examplamol\nCool.\n6. Contents of the pack and other information\nStarch."}
	secs := Sections("PIL", pages)
	if got, want := numbers(secs), []string{"3", "4", "1", "2", "5", "6"}; !slices.Equal(got, want) {
		t.Fatalf("sections %v, want %v", got, want)
	}
	if secs[0].Text != "Two a day." || secs[2].Text != "Pain." {
		t.Errorf("texts %q, %q", secs[0].Text, secs[2].Text)
	}
}

func TestSectionsPAR(t *testing.T) {
	pages := []string{
		"UKPAR\nTABLE OF CONTENTS\nI INTRODUCTION ........ 2\nII QUALITY ASPECTS ........ 3\nI INTRODUCTION\nThe application.\nII Quality aspects\nGood.\n1 mg of substance per tablet.",
		"III NON-CLINICAL ASPECTS\nNone.\nV USER CONSULTATION\nskipped number, not a heading\nANNEX 1\nLabels.",
	}
	secs := Sections("PAR", pages)
	var got []string
	for _, s := range secs {
		got = append(got, s.ID+" "+s.Number+" "+s.Heading)
	}
	want := []string{"par-intro  ", "par-1  TABLE OF CONTENTS", "par-2 I I INTRODUCTION", "par-3 II II Quality aspects",
		"par-4 III III NON-CLINICAL ASPECTS", "par-5  ANNEX 1"}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if secs[3].Text != "Good.\n1 mg of substance per tablet." {
		t.Errorf("II text %q", secs[3].Text)
	}
}

// splitNumberPattern is splitNumber as the pattern numbered says.
func splitNumberPattern(s string) (num, rest string) {
	m := numbered.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return "", s
	}
	num = m[1]
	if m[2] != "" {
		num += "." + m[2]
	}
	return num, strings.TrimSpace(s[len(s)-len(m[3]):])
}

// FuzzSplitNumber: the hand-written splitNumber agrees with the pattern
// (on lines that keep their length when lower-cased, where the pattern's
// rest is where it says).
func FuzzSplitNumber(f *testing.F) {
	for _, s := range []string{"4.1 Therapeutic indications", "4.1Therapeutic", "10. DATE", "12 .3 x", "1.2x", "123 abc",
		"4 , 5 x", "4.\nx", "4\n x\ny", "Section 4.1 Posology", "SECTION\t6:", "section", "5)", "6:", "7", "4. 1 x", "Store below 25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(strings.ToLower(s)) != len(s) {
			t.Skip()
		}
		n1, r1 := splitNumber(s)
		n2, r2 := splitNumberPattern(s)
		if n1 != n2 || r1 != r2 {
			t.Fatalf("splitNumber(%q) = %q, %q; the pattern says %q, %q", s, n1, r1, n2, r2)
		}
	})
}

// FuzzMatchKey: the ASCII path of matchKey agrees with matchKeyUnicode.
func FuzzMatchKey(f *testing.F) {
	for _, s := range []string{"Marketing Authorization Holder", "  4.6 Fertility, pregnancy & lactation ", "&", "a&&b", "AUTHORIZ&ATION", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := matchKey(s), matchKeyUnicode(s); got != want {
			t.Fatalf("matchKey(%q) = %q, want %q", s, got, want)
		}
	})
}
