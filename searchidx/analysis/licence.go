package analysis

import (
	"strings"

	"mip/generator/licence"
)

// A Licence is a UK marketing authorisation number: a prefix, a five-digit
// company number and a four-digit product number.
type Licence struct {
	Prefix  string // upper case: PL, PLGB, PLNI, PLPI, THR, THRGB, THRNI, NR, NRGB or NRNI
	Company string // five digits
	Product string // four digits
}

// Display returns the form shown to people: "PL 12345/0001".
func (l Licence) Display() string {
	return l.Prefix + " " + l.Company + "/" + l.Product
}

// Term returns the one-token search form: "pl123450001".
func (l Licence) Term() string {
	return strings.ToLower(l.Prefix) + l.Company + l.Product
}

// Territory returns the territory the prefix implies: UK, GB, NI, or "" for
// THR and NR, which imply none (the catalogue's rule, licence.TerritoryOf).
func (l Licence) Territory() string { return licence.TerritoryOf(l.Prefix) }

// Longest first, so that "plgb" is not read as "pl" followed by "gb".
var licencePrefixes = []string{"plgb", "plni", "plpi", "pl", "thrgb", "thrni", "thr", "nrgb", "nrni", "nr"}

// licenceMatch is one licence number found in folded text at s[start:end].
type licenceMatch struct {
	start, end int
	lic        Licence
}

// ParseLicences returns every licence number written in s, in order, in any
// spelling the regulator's systems use: a prefix (or none, meaning PL), five
// digits and four digits separated by any run of space / _ - or by nothing;
// a trailing pack suffix such as -0001 and a trailing R are dropped. A bare
// number needs a separator between its two parts ("12345 1234"), or the
// importer's "NN NNNNNNNNN" shape ("02 123451234" is PL 12345/1234).
func ParseLicences(s string) []Licence {
	ms := findLicences(Fold(s))
	out := make([]Licence, len(ms))
	for i, m := range ms {
		out[i] = m.lic
	}
	return out
}

func isSep(c byte) bool { return c == ' ' || c == '/' || c == '_' || c == '-' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnumByte(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || c >= 0x80
}

// licenceFirst[c] is true for the bytes a licence number can start with.
var licenceFirst = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['p'], t['t'], t['n'] = true, true, true
	return t
}()

// findLicences scans folded text for licence numbers.
func findLicences(s string) []licenceMatch {
	var out []licenceMatch
	for i := 0; i < len(s); i++ {
		// Every licence starts with a digit or with pl, th or nr, at the
		// start of a token.
		c := s[i]
		if !licenceFirst[c] || (i > 0 && isAlnumByte(s[i-1])) {
			continue
		}
		if !isDigit(c) && !(i+1 < len(s) && (c == 'p' && s[i+1] == 'l' || c == 't' && s[i+1] == 'h' && i+2 < len(s) && s[i+2] == 'r' || c == 'n' && s[i+1] == 'r')) {
			continue
		}
		if m, ok := licenceAt(s, i); ok {
			out = append(out, m)
			i = m.end - 1
		}
	}
	return out
}

// digitsAt reports whether s[i:i+n] is n digits.
func digitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

func skipSeps(s string, i int) int {
	for i < len(s) && isSep(s[i]) {
		i++
	}
	return i
}

// boundaryAt reports whether a token may end at i.
func boundaryAt(s string, i int) bool { return i >= len(s) || !isAlnumByte(s[i]) }

// licenceTail reads "DDDDD<seps>DDDD[-DDDD][r]" at i; needSep demands at
// least one separator between the two digit groups.
func licenceTail(s string, i int, needSep bool) (company, product string, end int, ok bool) {
	if !digitsAt(s, i, 5) {
		return "", "", 0, false
	}
	company = s[i : i+5]
	j := skipSeps(s, i+5)
	if needSep && j == i+5 {
		return "", "", 0, false
	}
	if !digitsAt(s, j, 4) {
		return "", "", 0, false
	}
	product = s[j : j+4]
	end = j + 4
	if end+5 <= len(s) && s[end] == '-' && digitsAt(s, end+1, 4) && boundaryAt(s, end+5) {
		end += 5 // pack suffix
	}
	if end < len(s) && s[end] == 'r' && boundaryAt(s, end+1) {
		end++
	}
	if !boundaryAt(s, end) {
		return "", "", 0, false
	}
	return company, product, end, true
}

func licenceAt(s string, i int) (licenceMatch, bool) {
	for _, p := range licencePrefixes {
		if !strings.HasPrefix(s[i:], p) {
			continue
		}
		if c, pr, end, ok := licenceTail(s, skipSeps(s, i+len(p)), false); ok {
			return licenceMatch{i, end, Licence{strings.ToUpper(p), c, pr}}, true
		}
		break
	}
	if !isDigit(s[i]) {
		return licenceMatch{}, false
	}
	// "02 123451234": two digits, one separator, nine digits.
	if digitsAt(s, i, 2) && i+3 < len(s) && isSep(s[i+2]) && digitsAt(s, i+3, 9) && boundaryAt(s, i+12) {
		return licenceMatch{i, i + 12, Licence{"PL", s[i+3 : i+8], s[i+8 : i+12]}}, true
	}
	if c, pr, end, ok := licenceTail(s, i, true); ok {
		return licenceMatch{i, end, Licence{"PL", c, pr}}, true
	}
	return licenceMatch{}, false
}

// partialLicenceAt reads an unfinished licence number running to the end of
// s (a query being typed: "pl 30464/01"), returning its search-form prefix.
func partialLicenceAt(s string, i int) (string, bool) {
	for _, p := range licencePrefixes {
		if !strings.HasPrefix(s[i:], p) {
			continue
		}
		j := skipSeps(s, i+len(p))
		var digits []byte
		for ; j < len(s) && len(digits) < 9; j++ {
			switch {
			case isDigit(s[j]):
				digits = append(digits, s[j])
			case isSep(s[j]) && len(digits) == 5:
			default:
				return "", false
			}
		}
		if j != len(s) || len(digits) == 0 || len(digits) >= 9 {
			return "", false
		}
		return p + string(digits), true
	}
	return "", false
}
