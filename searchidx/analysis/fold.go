package analysis

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// folder holds the stateful transformers of one goroutine.
type folder struct {
	caser cases.Caser
	marks transform.Transformer
}

var folders = sync.Pool{New: func() any {
	return &folder{
		caser: cases.Fold(),
		marks: transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC),
	}
}}

// Fold returns s in the form every later step of the analysis works on:
// compatibility-normalised (NFKC, so full-width digits, ligatures and the
// micro sign become plain characters), case-folded (ß → ss), with combining
// marks removed (é → e, ö → o) and recomposed (NFC). Greek μ is kept; the
// tokeniser reads μg as mcg. Fold is safe for concurrent use.
func Fold(s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return foldUnicode(s)
		}
		upper = upper || (c >= 'A' && c <= 'Z')
	}
	if !upper {
		return s
	}
	b := []byte(s)
	for j, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[j] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func foldUnicode(s string) string {
	f := folders.Get().(*folder)
	defer folders.Put(f)
	s = norm.NFKC.String(s)
	s = f.caser.String(s)
	out, _, err := transform.String(f.marks, s)
	if err != nil {
		return s
	}
	return out
}
