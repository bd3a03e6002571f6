package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// RevisionDate finds the SPC's "date of revision of the text" in its section
// 10 and returns it as YYYY-MM-DD, or YYYY-MM when only a month is given
// ("March 2023", "03/2023"). Day-first numeric dates are read the UK way
// (01/02/2023 is 1 February). It returns "" when there is no section 10 or no
// date in it.
func RevisionDate(secs []Section) string {
	for _, s := range secs {
		if s.Number == "10" && strings.HasPrefix(s.ID, "spc-") {
			text := s.Heading + "\n" + s.Text
			if len(text) > 400 {
				text = text[:400]
			}
			return findDate(text)
		}
	}
	return ""
}

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

var datePatterns = []struct {
	re      *regexp.Regexp
	d, m, y int // submatch indexes; d == 0 for month-only
}{
	{regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`), 3, 2, 1},
	{regexp.MustCompile(`\b(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4})\b`), 1, 2, 3},
	{regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?[\s\-]+` + monthRE + `\.?[\s,\-]+(\d{4})\b`), 1, 2, 3},
	{regexp.MustCompile(`(?i)\b` + monthRE + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`), 2, 1, 3},
	{regexp.MustCompile(`(?i)\b` + monthRE + `\.?[\s,/\-]+(\d{4})\b`), 0, 1, 2},
	{regexp.MustCompile(`\b(\d{1,2})\s?[/.\-]\s?(\d{4})\b`), 0, 1, 2},
}

// findDate returns the first valid date in text.
func findDate(text string) string {
	best, bestAt := "", len(text)+1
	for _, p := range datePatterns {
		for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
			if m[0] >= bestAt {
				break
			}
			if m[0] > 0 && strings.ContainsRune("/.-", rune(text[m[0]-1])) {
				continue // the tail of a longer (invalid) date
			}
			get := func(i int) string { return text[m[2*i]:m[2*i+1]] }
			y, _ := strconv.Atoi(get(p.y))
			mon, err := strconv.Atoi(get(p.m))
			if err != nil {
				mon = months[strings.ToLower(get(p.m))[:3]]
			}
			if y < 1950 || y > 2100 || mon < 1 || mon > 12 {
				continue
			}
			if p.d == 0 {
				best, bestAt = fmt.Sprintf("%04d-%02d", y, mon), m[0]
				break
			}
			d, _ := strconv.Atoi(get(p.d))
			if d < 1 || d > daysIn(mon, y) {
				continue
			}
			best, bestAt = fmt.Sprintf("%04d-%02d-%02d", y, mon, d), m[0]
			break
		}
	}
	return best
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
