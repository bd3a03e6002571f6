package extract

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// PAR headings: a Roman or Arabic number and an upper-case title, or one of
// the unnumbered headings UK PARs use.
var (
	parNumbered   = regexp.MustCompile(`^([IVX]{1,4}|\d{1,2})[.)]?\s+(.{3,90})$`)
	parUnnumbered = regexp.MustCompile(`(?i)^(LAY SUMMARY|SCIENTIFIC DISCUSSION|TABLE OF CONTENTS|STEPS TAKEN AFTER (THE )?(INITIAL )?(PROCEDURE|AUTHORISATION)|ANNEX(ES)?(\s+\d+)?|SUMMARY OF PRODUCT CHARACTERISTICS|PATIENT INFORMATION LEAFLET|LABELLING)$`)
	tocLine       = regexp.MustCompile(`\.{4,}|…{2,}|\s\d{1,3}$`)
)

// parFirstWords are the first words of parUnnumbered, which is tried only
// on lines that start with one.
var parFirstWords = map[string]bool{"LAY": true, "SCIENTIFIC": true, "TABLE": true, "STEPS": true,
	"ANNEX": true, "ANNEXES": true, "SUMMARY": true, "PATIENT": true, "LABELLING": true}

// leadLetters is the run of ASCII letters s starts with.
func leadLetters(s string) string {
	i := 0
	for i < len(s) && (s[i]|0x20 >= 'a' && s[i]|0x20 <= 'z') {
		i++
	}
	return s[:i]
}

func parSections(lines []line) []Section {
	type hit struct {
		line, n   int
		num, text string
	}
	var hits []hit
	last := 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := l.text
		if !strings.ContainsRune("IVX0123456789LSTAPlstap", rune(t[0])) {
			continue // no PAR heading starts so (see the patterns)
		}
		if parFirstWords[strings.ToUpper(leadLetters(t))] && parUnnumbered.MatchString(t) {
			hits = append(hits, hit{line: i, n: 1, text: t})
			continue
		}
		if !strings.ContainsRune("IVX0123456789", rune(t[0])) {
			continue // not parNumbered either
		}
		if tocLine.MatchString(t) {
			continue // a contents entry: "II QUALITY ASPECTS ....... 5"
		}
		m := parNumbered.FindStringSubmatch(t)
		if m == nil || !(mostlyUpper(m[2]) || titleLike(m[2])) {
			continue
		}
		n := romanOrInt(m[1])
		if n == 0 || (last > 0 && n != last+1) || (last == 0 && n != 1) {
			continue
		}
		last = n
		h := hit{line: i, n: 1, num: m[1], text: t}
		for i+h.n < len(lines) && h.n < maxHeadingLines && continues(heading{}, t, lines[i+h.n].text) {
			h.text += " " + lines[i+h.n].text
			h.n++
		}
		hits = append(hits, h)
		i += h.n - 1
	}
	if len(hits) < 2 {
		return nil
	}
	var out []Section
	if hits[0].line > 0 {
		out = append(out, Section{ID: "par-intro", Page: lines[0].page, Text: joinLines(lines[:hits[0].line])})
	}
	for j, h := range hits {
		end := len(lines)
		if j+1 < len(hits) {
			end = hits[j+1].line
		}
		out = append(out, Section{
			ID: fmt.Sprintf("par-%d", j+1), Number: h.num, Heading: h.text,
			Page: lines[h.line].page, Text: joinLines(lines[h.line+h.n : end]),
		})
	}
	return out
}

// titleLike reports whether s reads as a heading in sentence case: a
// capital first, at most ten words, no full stop at the end.
func titleLike(s string) bool {
	s = strings.TrimSpace(s)
	return startsUpper(s) && len(strings.Fields(s)) <= 10 && !strings.HasSuffix(s, ".")
}

func mostlyUpper(s string) bool {
	up, letters := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	return letters >= 3 && up*10 >= letters*9
}

func romanOrInt(s string) int {
	if s[0] >= '0' && s[0] <= '9' {
		n := 0
		fmt.Sscanf(s, "%d", &n)
		return n
	}
	val := map[byte]int{'I': 1, 'V': 5, 'X': 10}
	n := 0
	for i := range len(s) {
		v := val[s[i]]
		if i+1 < len(s) && val[s[i+1]] > v {
			n -= v
		} else {
			n += v
		}
	}
	return n
}
