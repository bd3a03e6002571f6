package analysis

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

type vectorFile struct {
	Version int `json:"version"`
	Cases   []struct {
		Name   string   `json:"name"`
		Mode   string   `json:"mode"`
		Input  string   `json:"input"`
		Tokens []string `json:"tokens"`
		Open   *bool    `json:"open"`
	} `json:"cases"`
	Licences []struct {
		Input string   `json:"input"`
		Want  []string `json:"want"`
	} `json:"licences"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	b, err := os.ReadFile("../testdata/analysis-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("analysis-vectors.json: %v", err)
	}
	if v.Version != 1 || len(v.Cases) == 0 || len(v.Licences) == 0 {
		t.Fatalf("analysis-vectors.json: version %d, %d cases, %d licences", v.Version, len(v.Cases), len(v.Licences))
	}
	return v
}

func render(toks []Token) []string {
	out := []string{}
	for _, t := range toks {
		s := t.Term
		if t.Exact != "" {
			s += "=" + t.Exact
		}
		out = append(out, s)
	}
	return out
}

func TestVectors(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var got []string
			switch c.Mode {
			case "index":
				got = render(Analyze(c.Input, IndexMode))
			case "query":
				q := ParseQuery(c.Input)
				got = render(q.Tokens)
				if c.Open == nil {
					t.Fatal("query case without open")
				}
				if q.Open != *c.Open {
					t.Errorf("ParseQuery(%q).Open = %v, want %v", c.Input, q.Open, *c.Open)
				}
			default:
				t.Fatalf("unknown mode %q", c.Mode)
			}
			if !reflect.DeepEqual(got, c.Tokens) {
				t.Errorf("%s %q\n got %q\nwant %q", c.Mode, c.Input, got, c.Tokens)
			}
		})
	}
}

func TestLicenceVectors(t *testing.T) {
	v := loadVectors(t)
	for _, c := range v.Licences {
		got := []string{}
		for _, l := range ParseLicences(c.Input) {
			got = append(got, l.Display())
		}
		if !reflect.DeepEqual(got, c.Want) {
			t.Errorf("ParseLicences(%q) = %q, want %q", c.Input, got, c.Want)
		}
	}
}

// Every prefix and every separator spelling yields the one search token,
// in index text and in a query alike.
func TestLicenceSpellings(t *testing.T) {
	prefixes := []string{"PL", "PLGB", "PLNI", "PLPI", "THR", "THRGB", "THRNI", "NR", "NRGB", "NRNI"}
	seps := []string{"", " ", "/", "_", "-", " / ", "  "}
	for _, p := range prefixes {
		want := Fold(p) + "304640140"
		for _, s1 := range seps {
			for _, s2 := range seps {
				for _, suffix := range []string{"", "-0001", "R"} {
					for _, pc := range []string{p, Fold(p)} {
						in := pc + s1 + "30464" + s2 + "0140" + suffix
						toks := Analyze("see "+in+" here", IndexMode)
						if len(toks) != 3 || toks[1].Term != want || toks[1].Kind != KindLicence {
							t.Fatalf("Analyze(%q) = %q, want [see %s here]", in, render(toks), want)
						}
						q := ParseQuery(in)
						if len(q.Tokens) != 1 || q.Tokens[0].Term != want {
							t.Fatalf("ParseQuery(%q) = %q, want [%s]", in, render(q.Tokens), want)
						}
					}
				}
			}
		}
	}
}

func TestLicenceTerritory(t *testing.T) {
	for prefix, want := range map[string]string{
		"PL": "UK", "PLPI": "UK", "PLGB": "GB", "THRGB": "GB", "NRGB": "GB",
		"PLNI": "NI", "THRNI": "NI", "NRNI": "NI", "THR": "", "NR": "",
	} {
		ls := ParseLicences(prefix + " 12345/0001")
		if len(ls) != 1 || ls[0].Territory() != want {
			t.Errorf("%s: got %+v, want territory %q", prefix, ls, want)
		}
	}
}

func TestStemPairs(t *testing.T) {
	for _, p := range [][2]string{
		{"tablet", "tablets"}, {"injection", "injections"}, {"capsule", "capsules"},
		{"headache", "headaches"}, {"patch", "patches"}, {"allergy", "allergies"},
		{"dose", "doses"}, {"box", "boxes"}, {"virus", "viruses"}, {"class", "classes"},
	} {
		if a, b := Stem(p[0]), Stem(p[1]); a != b {
			t.Errorf("Stem(%q) = %q, Stem(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	for _, w := range []string{"analysis", "tetanus", "glass", "gas", "this"} {
		if got := Stem(w); got != w && got+"e" != w {
			t.Errorf("Stem(%q) = %q, want unchanged", w, got)
		}
	}
}

func TestFoldConcurrent(t *testing.T) {
	done := make(chan string)
	for range 8 {
		go func() { done <- Fold("Crème BRÛLÉE ＡＢＣ") }()
	}
	for range 8 {
		if got := <-done; got != "creme brulee abc" {
			t.Fatalf("Fold = %q", got)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add("PL 12345/0001 paracetamol 500mg tablets")
	f.Add("02 123451234")
	f.Add("co-codamol 250mg/5ml 0.5%")
	f.Fuzz(func(t *testing.T, s string) {
		for _, mode := range []Mode{IndexMode, QueryMode} {
			for _, tok := range Analyze(s, mode) {
				if tok.Term == "" {
					t.Fatalf("empty term from %q", s)
				}
			}
		}
		q := ParseQuery(s)
		for _, tok := range q.Tokens {
			if tok.Term == "" {
				t.Fatalf("empty query term from %q", s)
			}
		}
		ParseLicences(s)
		if got, want := appendTokensBuf(s), Analyze(s, IndexMode); !reflect.DeepEqual(got, want) {
			t.Fatalf("AppendTokensBuf(%q) = %q, Analyze = %q", s, render(got), render(want))
		}
	})
}

func appendTokensBuf(s string) []Token {
	toks, _ := AppendTokensBuf(nil, s, IndexMode, nil)
	for i := range toks { // they may point into the buffer
		toks[i].Term, toks[i].Exact = strings.Clone(toks[i].Term), strings.Clone(toks[i].Exact)
	}
	return toks
}

// TestAppendTokensBuf checks the builder's path (ASCII folded into a
// buffer, the licence scan skipped without five digits in a row) against
// Analyze on every input of the vectors.
func TestAppendTokensBuf(t *testing.T) {
	v := loadVectors(t)
	inputs := []string{"", "PL 12345/0001", "1234 5678", "a 12345 1234 b", "x 02 123451234", "1234x 12345-1234"}
	for _, c := range v.Cases {
		inputs = append(inputs, c.Input)
	}
	for _, l := range v.Licences {
		inputs = append(inputs, l.Input)
	}
	for _, s := range inputs {
		if got, want := appendTokensBuf(s), Analyze(s, IndexMode); !reflect.DeepEqual(got, want) {
			t.Errorf("AppendTokensBuf(%q) = %q, Analyze = %q", s, render(got), render(want))
		}
	}
}

// TestMasks checks the eight-byte tests of AppendTokensBuf on every ASCII
// byte at every place.
func TestMasks(t *testing.T) {
	for c := range 0x80 {
		for k := range 8 {
			w := uint64(c) << (8 * k)
			if got, want := upperMask(w) != 0, c >= 'A' && c <= 'Z'; got != want {
				t.Errorf("upperMask(%#x) = %v", w, got)
			}
			if got, want := digitMask(w) != 0, c >= '0' && c <= '9'; got != want {
				t.Errorf("digitMask(%#x) = %v", w, got)
			}
		}
	}
}
