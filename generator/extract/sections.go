package extract

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Section is one part of a document's structure.
type Section struct {
	// ID is stable across documents of one type: "spc-4.1", "pil-2",
	// "par-3" (third heading of a PAR), "spc-intro" (text before the first
	// heading), or "<type>-p7" (page 7, when no headings were found).
	ID string `json:"id"`
	// Number is the canonical section number ("4.1", "2", "III"), even when
	// the document left it out; empty for an intro or a page.
	Number string `json:"number,omitempty"`
	// Heading is the heading as printed (lines of a split heading joined
	// by a space).
	Heading string `json:"heading,omitempty"`
	// Page is the 1-based page on which the section starts.
	Page int `json:"page"`
	// Text is the section's body without its heading, running headers,
	// footers and page numbers.
	Text string `json:"text"`
}

// Sections splits a document's normalised pages into its sections. docType
// is "SPC", "PIL" or "PAR" (any case); SPCs and PILs are split at their
// template headings (numbered 1 … 10 with 4.1–4.9, 5.1–5.3, 6.1–6.6, and
// 1–6), PARs at their numbered upper-case headings. Headings may be split
// across lines, in any case, and lack their numbers; running headers and
// footers and page numbers are dropped. A document of an unknown type, or in
// which no headings are found, gets one section per page.
func Sections(docType string, pages []string) []Section {
	prefix := strings.ToLower(docType)
	lines := bodyLines(pages)
	var secs []Section
	switch prefix {
	case "spc":
		secs = templateSections(prefix, spcTemplate, lines)
	case "pil":
		secs = templateSections(prefix, pilTemplate, lines)
	case "par":
		secs = parSections(lines)
	default:
		prefix = "doc"
	}
	if len(secs) == 0 {
		secs = pageSections(prefix, lines)
	}
	return secs
}

// line is one line of body text and the 1-based page it is on.
type line struct {
	text string
	page int
}

// bodyLines returns the lines of all pages, without running headers and
// footers (a line near the top or bottom of a page that recurs, digits
// aside, on at least half of the pages) and page numbers.
func bodyLines(pages []string) []line {
	split := make([][]string, len(pages))
	for i, p := range pages {
		if p != "" {
			split[i] = strings.Split(p, "\n")
		}
	}
	const edge = 3 // lines at the top and bottom of a page that may be running
	onPages := map[string]int{}
	for _, ls := range split {
		seen := map[string]bool{}
		for j, l := range ls {
			if j >= edge && j < len(ls)-edge {
				continue
			}
			k := runningKey(l)
			if k != "" && !seen[k] {
				seen[k] = true
				onPages[k]++
			}
		}
	}
	need := max(2, (len(pages)+1)/2)
	var out []line
	for i, ls := range split {
		for j, l := range ls {
			t := strings.TrimSpace(l)
			if t == "" {
				continue
			}
			if j < edge || j >= len(ls)-edge {
				k := runningKey(l)
				if pageNumber.MatchString(k) || (len(pages) >= 2 && onPages[k] >= need) {
					continue
				}
			}
			out = append(out, line{text: t, page: i + 1})
		}
	}
	return out
}

// runningKey is a line with digits replaced by '#', lower-cased, spaces
// collapsed: "Page 3 of 12" and "Page 4 of 12" have the same key.
func runningKey(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return runningKeyUnicode(s)
		}
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c = '#'
		case c == ' ' || c >= '\t' && c <= '\r':
			space = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}

// runningKeyUnicode is runningKey for any text.
func runningKeyUnicode(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsDigit(r):
			r = '#'
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// pageNumber matches the running key of a line holding only a page number.
var pageNumber = regexp.MustCompile(`^[-–—(\[ ]*(page )?#+( ?(of|/) ?#+)?[-–—)\] ]*$`)

func joinLines(ls []line) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}

func pageSections(prefix string, lines []line) []Section {
	var out []Section
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j].page == lines[i].page {
			j++
		}
		p := lines[i].page
		out = append(out, Section{ID: fmt.Sprintf("%s-p%d", prefix, p), Heading: fmt.Sprintf("Page %d", p), Page: p, Text: joinLines(lines[i:j])})
		i = j
	}
	return out
}
