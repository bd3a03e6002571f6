package extract

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize cleans the raw text of one page as PDFium returns it:
//
//   - NFKC, so ligatures (ﬁ), full-width forms and compatibility characters
//     become the letters a reader would type;
//   - PDFium marks a hyphen that breaks a word at a line end with U+0002 or
//     U+FFFE (and a soft hyphen U+00AD does the same); PDFium usually joins
//     the two lines itself, so a mark inside a line is dropped, joining the
//     word ("maxi\ufffemum" → "maximum"); a mark still at the end of a line
//     becomes "-", as printed;
//   - U+FFFD (a glyph PDFium could not map to a character), NULs and other
//     control characters are dropped; tabs become spaces;
//   - line ends (CR LF, CR, FF, VT, U+2028, U+2029) become "\n", trailing
//     spaces are trimmed and blank lines dropped (PDFium does not produce
//     them reliably, so they carry no meaning).
func Normalize(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	for rest := raw; rest != ""; {
		var line string
		line, rest = nextLine(rest)
		// Clean before NFKC, so that dropping a character cannot leave
		// combining marks out of canonical order, and after, for what NFKC
		// turns into spaces.
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

// nextLine returns the text of s up to its first line end (CR, LF, FF,
// VT, U+2028, U+2029) and what follows that run of line ends. It splits
// as strings.FieldsFunc would, by bytes (the line ends that are not ASCII
// are E2 80 A8 and E2 80 A9 in UTF-8).
func nextLine(s string) (line, rest string) {
	isEnd := func(i int) int { // the length of the line end at i, or 0
		switch c := s[i]; {
		case c == '\n' || c == '\r' || c == '\f' || c == '\v':
			return 1
		case c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9):
			return 3
		}
		return 0
	}
	i := 0
	for i < len(s) && isEnd(i) == 0 {
		i++
	}
	j := i
	for j < len(s) {
		n := isEnd(j)
		if n == 0 {
			break
		}
		j += n
	}
	return s[:i], s[j:]
}

// cleanLine applies the character rules of Normalize to one line.
func cleanLine(line string) string {
	if plainASCII(line) {
		return strings.TrimRight(line, " ")
	}
	var b strings.Builder
	b.Grow(len(line))
	rs := []rune(line)
	// The last rune that is not a space, to spot a line-end hyphen mark.
	last := len(rs) - 1
	for last >= 0 && (rs[last] == ' ' || rs[last] == '\t') {
		last--
	}
	for i, r := range rs {
		switch {
		case r == '\u0002' || r == '\ufffe' || r == '\u00ad':
			if i == last {
				b.WriteByte('-')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == '\ufffd', r == '\ufeff', r == '\u200b':
		case unicode.IsControl(r):
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// plainASCII reports whether s holds only printable ASCII, which
// cleanLine leaves as it is.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// hasText reports whether the pages carry a text layer: at least a few words'
// worth of letters. A scan without OCR yields nothing, or at most a stray
// page number.
func hasText(pages []string) bool {
	letters := 0
	for _, p := range pages {
		for _, r := range p {
			if unicode.IsLetter(r) {
				letters++
				if letters >= minLetters {
					return true
				}
			}
		}
	}
	return false
}

const minLetters = 20
