package catalogue

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// CleanName is the display form of a name: Unicode NFC with runs of white
// space collapsed. Accents and case are kept as written.
func CleanName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

var folder = cases.Fold()

// NameKey is the identity of a name: two names with the same key are the same
// name. It is case-insensitive but keeps accents (ZOPICLONE = Zopiclone, but
// CAFÉ ≠ CAFE).
func NameKey(s string) string {
	return norm.NFC.String(folder.String(CleanName(s)))
}

// Slug makes a lower-case ASCII URL path segment from s: letters and digits
// kept (accents folded for the URL only), everything else one hyphen.
func Slug(s string, maxLen int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
		if b.Len() >= maxLen {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// Letter is the A–Z bucket of a name: its first ASCII letter or digit,
// upper-cased, or "" when it has none.
func Letter(s string) string {
	for _, r := range Slug(s, 8) {
		if r >= 'a' && r <= 'z' {
			return string(r - 'a' + 'A')
		}
		if r >= '0' && r <= '9' {
			return string(r)
		}
	}
	return ""
}
