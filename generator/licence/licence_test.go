package licence

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []string // display forms
	}{
		{"PL 12345/0010", []string{"PL 12345/0010"}},
		{"PL 12345/0010-0001", []string{"PL 12345/0010"}},
		{"PL12345/0010", []string{"PL 12345/0010"}},
		{"PL123450010", []string{"PL 12345/0010"}},
		{"pl 12345 0010", []string{"PL 12345/0010"}},
		{"PL_12345_0010", []string{"PL 12345/0010"}},
		{"PL-12345-0010", []string{"PL 12345/0010"}},
		{"PL 30464/0140", []string{"PL 30464/0140"}},
		{"PLGB 12345/0001", []string{"PLGB 12345/0001"}},
		{"PLNI 12345/0001", []string{"PLNI 12345/0001"}},
		{"PLPI 20774/1329", []string{"PLPI 20774/1329"}},
		{"THR 12345/0001", []string{"THR 12345/0001"}},
		{"THRGB 12345/0001", []string{"THRGB 12345/0001"}},
		{"THRNI 12345/0001", []string{"THRNI 12345/0001"}},
		{"NR 12345/0001", []string{"NR 12345/0001"}},
		{"NRGB 12345/0001", []string{"NRGB 12345/0001"}},
		{"NRNI 12345/0001", []string{"NRNI 12345/0001"}},
		// Real titles from the legacy export.
		{"spc-doc_PL 20395-0089.pdf", []string{"PL 20395/0089"}},
		{"spc-doc_PL 40378-0095.pdf", []string{"PL 40378/0095"}},
		{"leaflet MAH GENERIC_PL 20395-0089.pdf", []string{"PL 20395/0089"}},
		{"leaflet MAH BRAND_PLPI 20774-1329.pdf", []string{"PLPI 20774/1329"}},
		{"leaflet MAH GENERIC_PL 12345-1234R.pdf", []string{"PL 12345/1234"}},
		{"02 123451234", []string{"PL 12345/1234"}},
		// Several numbers in one string.
		{"PL 12345/0010, PL 12345/0011", []string{"PL 12345/0010", "PL 12345/0011"}},
		{"PL 12345/0010-0001 PLGB 54321/0002", []string{"PL 12345/0010", "PLGB 54321/0002"}},
		{"PL 12345/0010 and PL 12345/0010", []string{"PL 12345/0010"}},
		{"PL 12345/0010/PL 12345/0011", []string{"PL 12345/0010", "PL 12345/0011"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		var disp []string
		for _, n := range got {
			disp = append(disp, n.Display())
		}
		if strings.Join(disp, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, disp, tt.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "  ", "PL 1234/56", "PL 12345", "none", "PLX 12345/0001x", "123456789012345"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, got)
		}
	}
}

func TestForms(t *testing.T) {
	n := MustParse("PLGB 30464/0140-0001")[0]
	if got := n.Display(); got != "PLGB 30464/0140" {
		t.Errorf("Display = %q", got)
	}
	if got := n.Search(); got != "PLGB304640140" {
		t.Errorf("Search = %q", got)
	}
	if got := n.Slug(); got != "plgb-30464-0140" {
		t.Errorf("Slug = %q", got)
	}
}

func TestTerritory(t *testing.T) {
	want := map[string]string{
		"PL": "UK", "PLPI": "UK", "PLGB": "GB", "THRGB": "GB", "NRGB": "GB",
		"PLNI": "NI", "THRNI": "NI", "NRNI": "NI", "THR": "", "NR": "",
	}
	for _, p := range Prefixes {
		n := MustParse(p + " 12345/0001")[0]
		if n.Prefix != p {
			t.Errorf("prefix of %s read as %s", p, n.Prefix)
		}
		if got := n.Territory(); got != want[p] {
			t.Errorf("Territory(%s) = %q, want %q", p, got, want[p])
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"PL 12345/0010-0001", "leaflet MAH GENERIC_PL 12345-1234R.pdf", "02 123451234", "THRGB12345_0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nums, err := Parse(s)
		if err != nil {
			return
		}
		for _, n := range nums {
			// Every number read must read back to itself from each form.
			for _, form := range []string{n.Display(), n.Search()} {
				back, err := Parse(form)
				if err != nil || len(back) != 1 || back[0] != n {
					t.Fatalf("Parse(%q) gave %v; its form %q reads back as %v, %v", s, n, form, back, err)
				}
			}
		}
	})
}
