// Package licence reads UK medicine licence numbers (PL, PLGB, PLNI, PLPI,
// THR, THRGB, THRNI, NR, NRGB, NRNI) in any of the spellings the regulator's
// systems produce, and gives each one display and search forms and the
// territory its prefix implies.
package licence

import (
	"fmt"
	"regexp"
	"strings"
)

// Number is one licence number.
type Number struct {
	Prefix  string // PL, PLGB, …, upper case
	Company string // 5 digits
	Product string // 4 digits
}

// Prefixes lists every licence prefix, longest first within each family.
var Prefixes = []string{"PLGB", "PLNI", "PLPI", "PL", "THRGB", "THRNI", "THR", "NRGB", "NRNI", "NR"}

// Display returns the form shown to people: "PL 12345/0001".
func (n Number) Display() string { return n.Prefix + " " + n.Company + "/" + n.Product }

// Search returns the one-token form used by search: "PL123450001".
func (n Number) Search() string { return n.Prefix + n.Company + n.Product }

// Slug returns a lower-case URL-safe form: "pl-12345-0001".
func (n Number) Slug() string {
	return strings.ToLower(n.Prefix) + "-" + n.Company + "-" + n.Product
}

// String is the display form.
func (n Number) String() string { return n.Display() }

// Territory returns the territory implied by the prefix: "UK", "GB", "NI", or
// "" for the traditional herbal and homeopathic registrations without one.
func (n Number) Territory() string { return TerritoryOf(n.Prefix) }

// TerritoryOf returns the territory a licence prefix implies.
func TerritoryOf(prefix string) string {
	switch strings.ToUpper(prefix) {
	case "PL", "PLPI":
		return "UK"
	case "PLGB", "THRGB", "NRGB":
		return "GB"
	case "PLNI", "THRNI", "NRNI":
		return "NI"
	}
	return ""
}

// The pattern finds a prefix, five digits and four digits with one
// optional separator each, not glued to other letters or digits on the left.
// A pack suffix ("-0001") and a trailing letter ("R") after the number are
// consumed so that they are not read as part of the next number.
var numberRE = regexp.MustCompile(`(?i)(?:^|[^A-Z0-9])(PLGB|PLNI|PLPI|PL|THRGB|THRNI|THR|NRGB|NRNI|NR)[ /_\-]?(\d{5})[ /_\-]?(\d{4})((?:[ /_\-]\d{4})?[A-Z]?)(?:[^A-Z0-9]|$)`)

// bareRE matches the prefix-less legacy form "02 123451234": a two digit
// company group prefix then nine digits; the old importer assumed PL.
var bareRE = regexp.MustCompile(`(?:^|[^A-Z0-9])\d{2} (\d{5})(\d{4})(?:[^A-Z0-9]|$)`)

// Parse reads every licence number in s. It reports an error when s contains
// text that looks like a licence number (a known prefix or a run of digits)
// but no number could be read from it, and for an empty s.
func Parse(s string) ([]Number, error) {
	var out []Number
	seen := map[Number]bool{}
	add := func(n Number) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	upper := strings.ToUpper(s)
	// Matches can share a separator character, so scan by hand rather than
	// with FindAll, which never lets two matches touch.
	for i := 0; i < len(upper); {
		loc := numberRE.FindStringSubmatchIndex(upper[i:])
		if loc == nil {
			break
		}
		add(Number{Prefix: upper[i+loc[2] : i+loc[3]], Company: upper[i+loc[4] : i+loc[5]], Product: upper[i+loc[6] : i+loc[7]]})
		// Continue from the end of the suffix group, leaving the trailing
		// boundary character for the next match.
		i += loc[9]
	}
	if len(out) == 0 {
		if m := bareRE.FindStringSubmatch(upper); m != nil {
			add(Number{Prefix: "PL", Company: m[1], Product: m[2]})
		}
	}
	if len(out) == 0 {
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("no licence number given")
		}
		return nil, fmt.Errorf("no licence number (prefix, 5 digits, 4 digits) in %q", s)
	}
	return out, nil
}

// MustParse is Parse for tests and tables; it panics on error.
func MustParse(s string) []Number {
	n, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}
