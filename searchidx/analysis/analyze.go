package analysis

import (
	"encoding/binary"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Kind says what a token was read from.
type Kind uint8

// Token kinds.
const (
	KindWord     Kind = iota // letters (stemmed), or letters mixed with digits ("b12")
	KindNumber               // digits, with an optional decimal part ("4.1")
	KindStrength             // a number and its unit ("500mg", "0.5%")
	KindLicence              // a licence number ("pl123450001")
	KindCompound             // parts joined by - or / written without spaces ("cocodamol")
)

// String names the kind as the test vectors spell it.
func (k Kind) String() string {
	switch k {
	case KindWord:
		return "word"
	case KindNumber:
		return "number"
	case KindStrength:
		return "strength"
	case KindLicence:
		return "licence"
	case KindCompound:
		return "compound"
	}
	return "unknown"
}

// A Token is one term of analysed text.
type Token struct {
	// Term is the search form: folded, and stemmed for words.
	Term string
	// Exact is the folded surface form when stemming removed an inflection
	// ("tablets" for the term "tablet"); it earns the exact-form bonus.
	Exact string
	Kind  Kind
}

// Mode selects between the index and query forms of the analysis.
type Mode uint8

const (
	// IndexMode adds the extra tokens a document needs so that every way of
	// writing a query finds it: a strength also yields its bare number, and a
	// compound yields its parts and their concatenation.
	IndexMode Mode = iota
	// QueryMode yields only the tokens a query must match: a strength is one
	// token, a compound its parts.
	QueryMode
)

// Analyze splits text into tokens. See ANALYSIS.md for the rules.
func Analyze(text string, mode Mode) []Token {
	return analyzeFolded(Fold(text), mode, nil)
}

// AppendTokens is Analyze appending to dst, to save allocations in bulk.
func AppendTokens(dst []Token, text string, mode Mode) []Token {
	return analyzeFolded(Fold(text), mode, dst)
}

// AppendTokensBuf is AppendTokens folding ASCII text into buf (reused, and
// returned) instead of a new string: the tokens' strings may then point
// into buf, and are valid only until buf is next written. A caller keeping
// a token's Term or Exact must copy it.
func AppendTokensBuf(dst []Token, text string, mode Mode, buf []byte) ([]Token, []byte) {
	// The pass that decides how to fold also notes whether the text has
	// five digits in a row, without which it holds no licence number. It
	// reads eight bytes at a time, byte by byte only where digits are.
	upper, digits, five := false, 0, false
	i := 0
	for ; i+8 <= len(text); i += 8 {
		w := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(text[i:]), 8))
		if w&hi != 0 {
			return analyzeFolded(foldUnicode(text), mode, dst), buf
		}
		upper = upper || upperMask(w) != 0
		if digitMask(w) == 0 {
			digits = 0
			continue
		}
		for k := i; k < i+8; k++ {
			if isDigit(text[k]) {
				digits++
				five = five || digits >= 5
			} else {
				digits = 0
			}
		}
	}
	for ; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			return analyzeFolded(foldUnicode(text), mode, dst), buf
		}
		upper = upper || (c >= 'A' && c <= 'Z')
		if isDigit(c) {
			digits++
			five = five || digits >= 5
		} else {
			digits = 0
		}
	}
	if !upper || len(text) == 0 {
		return tokenizeFolded(text, mode, dst, five), buf
	}
	buf = append(buf[:0], text...)
	j := 0
	for ; j+8 <= len(buf); j += 8 {
		w := binary.LittleEndian.Uint64(buf[j:])
		binary.LittleEndian.PutUint64(buf[j:], w|upperMask(w)>>2) // 0x80>>2 is 'a'-'A'
	}
	for ; j < len(buf); j++ {
		if c := buf[j]; c >= 'A' && c <= 'Z' {
			buf[j] = c + 'a' - 'A'
		}
	}
	return tokenizeFolded(unsafe.String(unsafe.SliceData(buf), len(buf)), mode, dst, five), buf
}

const (
	ones = 0x0101010101010101
	hi   = 0x8080808080808080
)

// upperMask has the top bit set of each byte of w in A–Z; w's bytes must
// be ASCII (below 0x80), so that no addition carries into the next byte.
func upperMask(w uint64) uint64 {
	return (w + (0x80-'A')*ones) &^ (w + (0x80-'Z'-1)*ones) & hi
}

// digitMask has the top bit set of each byte of w in 0–9; w's bytes must
// be ASCII.
func digitMask(w uint64) uint64 {
	return (w + (0x80-'0')*ones) &^ (w + (0x80-'9'-1)*ones) & hi
}

// A Query is an analysed query.
type Query struct {
	Tokens []Token
	// Open is true when the query ends inside its last token (no space or
	// punctuation after it), so the last token may be completed as a prefix.
	Open bool
}

// ParseQuery analyses what a person typed into the search box. An
// unfinished licence number at the end ("PL 30464/01") becomes the prefix
// of its search form ("pl3046401") with Open set.
func ParseQuery(text string) Query {
	s := Fold(text)
	trimmed := strings.TrimRightFunc(s, unicode.IsSpace)
	open := len(trimmed) == len(s) && len(s) > 0
	if r, _ := utf8.DecodeLastRuneInString(s); open && !isAlnumRune(r) && r != '%' {
		open = false
	}
	q := Query{Open: open}
	if open {
		// An unfinished licence number at the end.
		for i := 0; i < len(s); i++ {
			if i > 0 && isAlnumByte(s[i-1]) {
				continue
			}
			if p, ok := partialLicenceAt(s, i); ok {
				if _, full := licenceAt(s, i); !full {
					q.Tokens = analyzeFolded(s[:i], QueryMode, nil)
					q.Tokens = append(q.Tokens, Token{Term: p, Kind: KindLicence})
					return q
				}
			}
		}
	}
	q.Tokens = analyzeFolded(s, QueryMode, nil)
	if len(q.Tokens) == 0 {
		q.Open = false
	}
	return q
}

func isAlnumRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// run is a maximal stretch of letters and digits (with a decimal point
// between digits, and % after digits).
type run struct {
	text   string
	joined bool // joined to the previous run by - or / with no space
	digits bool // holds an ASCII digit
}

// analyzeFolded tokenises folded text: licence numbers first, then the
// stretches between them.
func analyzeFolded(s string, mode Mode, dst []Token) []Token {
	return tokenizeFolded(s, mode, dst, true)
}

// tokenizeFolded is analyzeFolded, skipping the licence scan when
// mayHoldLicence is false: every licence number has five digits in a row
// (licenceTail's company number, or the importer's nine), so text without
// them holds none.
func tokenizeFolded(s string, mode Mode, dst []Token, mayHoldLicence bool) []Token {
	if !mayHoldLicence {
		return tokenizeRuns(s, mode, dst)
	}
	last := 0
	for _, m := range findLicences(s) {
		dst = tokenizeRuns(s[last:m.start], mode, dst)
		dst = append(dst, Token{Term: m.lic.Term(), Kind: KindLicence})
		last = m.end
	}
	return tokenizeRuns(s[last:], mode, dst)
}

var runPool = sync.Pool{New: func() any { return new([]run) }}

// asciiAlnum[c] is true for the ASCII letters and digits.
var asciiAlnum = func() (t [256]bool) {
	for c := range 128 {
		t[c] = isDigit(byte(c)) || (c|0x20 >= 'a' && c|0x20 <= 'z')
	}
	return t
}()

// asciiClass[c] is classLetter or classDigit for the ASCII letters and
// digits, 0 for other bytes.
var asciiClass = func() (t [256]uint8) {
	for c := range 128 {
		switch {
		case isDigit(byte(c)):
			t[c] = classDigit
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			t[c] = classLetter
		}
	}
	return t
}()

const (
	classLetter = 1
	classDigit  = 2
)

// splitRuns appends the runs of s to runs.
func splitRuns(runs []run, s string) []run {
	start := -1
	joiner := false
	var class uint8 // of the ASCII letters and digits of the current run
	for i := 0; i < len(s); {
		// Fast paths for ASCII: inside a run, letters and digits only
		// extend it; outside one, other characters do nothing.
		if start >= 0 {
			for i < len(s) {
				k := asciiClass[s[i]]
				if k == 0 {
					break
				}
				class |= k
				i++
			}
		} else {
			for i < len(s) && s[i] < utf8.RuneSelf && !asciiAlnum[s[i]] {
				i++
			}
		}
		if i >= len(s) {
			break
		}
		r, w := rune(s[i]), 1
		var alnum bool
		if r < utf8.RuneSelf {
			alnum = isDigit(byte(r)) || (r|0x20 >= 'a' && r|0x20 <= 'z')
		} else {
			r, w = utf8.DecodeRuneInString(s[i:])
			alnum = isAlnumRune(r)
		}
		if !alnum && start >= 0 {
			// A decimal point between digits, or % after a digit, stays in.
			prevDigit := i > 0 && isDigit(s[i-1])
			if r == '.' && prevDigit && i+1 < len(s) && isDigit(s[i+1]) {
				i += w
				continue
			}
			if r == '%' && prevDigit {
				i += w
				runs = append(runs, run{s[start:i], joiner, class&classDigit != 0})
				start, joiner = -1, false
				continue
			}
		}
		switch {
		case alnum && start < 0:
			start, class = i, asciiClass[s[i]]
		case !alnum && start >= 0:
			runs = append(runs, run{s[start:i], joiner, class&classDigit != 0})
			start, joiner = -1, false
			// A joiner is - or / (or a dash) directly between two runs.
			if (r == '-' || r == '/' || r == '‐' || r == '‑') && i+w < len(s) {
				if n, _ := utf8.DecodeRuneInString(s[i+w:]); isAlnumRune(n) {
					joiner = true
				}
			}
			// "patient's": drop the possessive s.
			if (r == '\'' || r == '’') && strings.HasPrefix(s[i+w:], "s") && boundaryAt(s, i+w+1) {
				i += w + 1
				continue
			}
		}
		i += w
	}
	if start >= 0 {
		runs = append(runs, run{s[start:], joiner, class&classDigit != 0})
	}
	return runs
}

// tokenizeRuns turns the runs of s into tokens, grouping joined runs into
// compounds and a number followed by a unit into a strength.
func tokenizeRuns(s string, mode Mode, dst []Token) []Token {
	buf := runPool.Get().(*[]run)
	runs := splitRuns((*buf)[:0], s)
	defer func() {
		clear(runs)
		*buf = runs[:0]
		runPool.Put(buf)
	}()
	for i := 0; i < len(runs); {
		j := i + 1
		for j < len(runs) && runs[j].joined {
			j++
		}
		group := runs[i:j]
		if len(group) == 1 {
			// A number followed by a unit written apart: "500 mg".
			if group[0].digits && isNumber(group[0].text) && j < len(runs) && !(j+1 < len(runs) && runs[j+1].joined) {
				if u, ok := unit(runs[j].text); ok {
					dst = appendStrength(dst, group[0].text, u, mode)
					i = j + 1
					continue
				}
			}
			dst = appendRun(dst, group[0], mode)
			i = j
			continue
		}
		for _, r := range group {
			dst = appendRun(dst, r, mode)
		}
		if mode == IndexMode && len(group) <= 4 {
			var b strings.Builder
			for _, r := range group {
				b.WriteString(r.text)
			}
			dst = append(dst, Token{Term: b.String(), Kind: KindCompound})
		}
		i = j
	}
	return dst
}

func isNumber(s string) bool {
	if s == "" || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}

var units = map[string]string{
	"mg": "mg", "milligram": "mg", "milligrams": "mg",
	"g": "g", "gram": "g", "grams": "g",
	"mcg": "mcg", "ug": "mcg", "μg": "mcg", "microgram": "mcg", "micrograms": "mcg",
	"ng": "ng", "nanogram": "ng", "nanograms": "ng",
	"kg": "kg",
	"ml": "ml", "millilitre": "ml", "millilitres": "ml", "milliliter": "ml", "milliliters": "ml",
	"l": "l", "litre": "l", "litres": "l",
	"iu": "iu", "unit": "units", "units": "units",
	"mmol": "mmol", "micromol": "micromol",
	"%": "%",
}

func unit(s string) (string, bool) {
	u, ok := units[s]
	return u, ok
}

func appendStrength(dst []Token, num, u string, mode Mode) []Token {
	dst = append(dst, Token{Term: num + u, Kind: KindStrength})
	if mode == IndexMode {
		dst = append(dst, Token{Term: num, Kind: KindNumber})
	}
	return dst
}

// appendRun adds the token(s) of one run.
func appendRun(dst []Token, r run, mode Mode) []Token {
	s := r.text
	if !r.digits {
		// Letters only: no number, strength or "b12".
		return appendWord(dst, s)
	}
	if isNumber(s) {
		return append(dst, Token{Term: s, Kind: KindNumber})
	}
	if strings.HasSuffix(s, "%") {
		return appendStrength(dst, s[:len(s)-1], "%", mode)
	}
	// Digits then letters: a strength when the letters are a unit.
	d := 0
	for d < len(s) && (isDigit(s[d]) || s[d] == '.') {
		d++
	}
	if d > 0 && isNumber(s[:d]) {
		if u, ok := unit(s[d:]); ok {
			return appendStrength(dst, s[:d], u, mode)
		}
	}
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return append(dst, Token{Term: s, Kind: KindWord}) // "b12": kept whole
		}
	}
	return appendWord(dst, s)
}

// appendWord adds the token of a run of letters.
func appendWord(dst []Token, s string) []Token {
	stem := Stem(s)
	t := Token{Term: stem, Kind: KindWord}
	if stem != s && !(len(s) == len(stem)+1 && s[len(stem)] == 'e' && s[:len(stem)] == stem) {
		t.Exact = s
	}
	return append(dst, t)
}

// Stem removes English plural endings and a final e, lightly and
// predictably, so that tablet/tablets, injection/injections, dose/doses and
// headache/headaches meet. Words of three letters or fewer, and words with
// digits, are left as they are; -ies becomes -y and -xes loses its es. See ANALYSIS.md for the rules.
func Stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	// Every rule removes a final s or e: other words are left at once.
	if c := w[len(w)-1]; c != 's' && c != 'e' {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4 && !strings.HasSuffix(w, "eies") && !strings.HasSuffix(w, "aies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	if len(w) > 4 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}
