package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A heading of a template: its canonical number and the ways its title is
// written, as normalised title prefixes or a pattern.
type heading struct {
	number string
	keys   []string
	re     *regexp.Regexp
	first  []string // the first words re can match
}

var spcHeadings = []heading{
	{number: "1", keys: []string{"name of the medicinal product", "name of medicinal product"}},
	{number: "2", keys: []string{"qualitative and quantitative composition"}},
	{number: "3", keys: []string{"pharmaceutical form"}},
	{number: "4", keys: []string{"clinical particulars"}},
	{number: "4.1", keys: []string{"therapeutic indications"}},
	{number: "4.2", keys: []string{"posology and method of administration", "posology"}},
	{number: "4.3", keys: []string{"contraindications", "contra indications"}},
	{number: "4.4", keys: []string{"special warnings and precautions for use", "special warnings and special precautions for use", "special warnings"}},
	{number: "4.5", keys: []string{"interaction with other medicinal products and other forms of interaction", "interaction with other medicinal products", "interactions with other medicinal products"}},
	{number: "4.6", keys: []string{"fertility pregnancy and lactation", "pregnancy and lactation", "fertility and pregnancy"}},
	{number: "4.7", keys: []string{"effects on ability to drive and use machines", "effects on ability to drive", "effects on the ability to drive"}},
	{number: "4.8", keys: []string{"undesirable effects"}},
	{number: "4.9", keys: []string{"overdose"}},
	{number: "5", keys: []string{"pharmacological properties"}},
	{number: "5.1", keys: []string{"pharmacodynamic properties"}},
	{number: "5.2", keys: []string{"pharmacokinetic properties"}},
	{number: "5.3", keys: []string{"preclinical safety data", "pre clinical safety data"}},
	{number: "6", keys: []string{"pharmaceutical particulars"}},
	{number: "6.1", keys: []string{"list of excipients"}},
	{number: "6.2", keys: []string{"incompatibilities"}},
	{number: "6.3", keys: []string{"shelf life", "shelf-life"}},
	{number: "6.4", keys: []string{"special precautions for storage"}},
	{number: "6.5", keys: []string{"nature and contents of container", "nature and content of container"}},
	{number: "6.6", keys: []string{"special precautions for disposal and other handling", "special precautions for disposal", "instructions for use and handling", "instructions for use handling"}},
	{number: "7", keys: []string{"marketing authorisation holder"}},
	{number: "8", keys: []string{"marketing authorisation number s", "marketing authorisation numbers", "marketing authorisation number"}},
	{number: "9", keys: []string{"date of first authorisation renewal of the authorisation", "date of first authorisation"}},
	{number: "10", keys: []string{"date of revision of the text", "date of revision"}},
}

var pilHeadings = []heading{
	{number: "1", first: []string{"what"}, re: regexp.MustCompile(`^what (is |are )?.{0,80}?\b(is|are|used for)\b`)},
	{number: "2", first: []string{"what", "before"}, re: regexp.MustCompile(`^(what you need to know before|before you (take|use|are given|start|receive|have))`)},
	{number: "3", first: []string{"how"}, re: regexp.MustCompile(`^(how to (take|use|apply|inhale)|how .{0,60}\b(is|are) (given|used|administered)|how you (will be given|are given))`)},
	{number: "4", first: []string{"possible"}, re: regexp.MustCompile(`^possible side effects`)},
	{number: "5", first: []string{"how", "storing"}, re: regexp.MustCompile(`^(how to store|storing)`)},
	{number: "6", first: []string{"contents", "further", "other"}, re: regexp.MustCompile(`^(contents of the pack|further information|other information)`)},
}

// numbered splits a heading line into its number ("4.1"; "" if none) and
// the rest. splitNumber does the same by hand, for speed (it sees every
// line of every document); the pattern stays as its specification, and for
// the rare line starting "section" (in any case).
var numbered = regexp.MustCompile(`^(?:section\s+)?(\d{1,2})(?:\s?[.,]\s?(\d))?(?:[.):]|\s|$)\s*(.*)$`)

func splitNumber(s string) (num, rest string) {
	if s == "" {
		return "", s
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9':
		return splitDigits(s)
	case c == 's' || c == 'S':
		// "section 4.1": the pattern, on the lower-cased line, as before
		// (non-ASCII letters may lower-case to ASCII ones). A line whose
		// next six bytes are ASCII and not "ection" cannot match.
		if len(s) < 7 {
			return "", s
		}
		for i := 1; i < 7; i++ {
			if c := s[i]; c < utf8.RuneSelf && c|0x20 != "section"[i] {
				return "", s
			}
		}
		m := numbered.FindStringSubmatch(strings.ToLower(s))
		if m == nil {
			return "", s
		}
		num = m[1]
		if m[2] != "" {
			num += "." + m[2]
		}
		// Keep the original case of the rest.
		return num, strings.TrimSpace(s[len(s)-len(m[3]):])
	}
	return "", s // no number, no "section": the common case
}

// splitDigits is numbered on a line starting with a digit, in the
// pattern's order of preference: two digits before one, the ".1" part
// taken before left out.
func splitDigits(s string) (num, rest string) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	at := func(i int) byte { // 0 past the end
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	// end returns where the rest starts if a number ends at i, or -1.
	end := func(i int) int {
		switch c := at(i); {
		case i == len(s):
			return i
		case c == '.' || c == ')' || c == ':' || isSpace(c):
			return i + 1
		}
		return -1
	}
	for nd := 2; nd >= 1; nd-- {
		if nd > len(s) || !isDigit(s[nd-1]) {
			continue
		}
		// With a second part: \s?[.,]\s?(\d).
		i := nd
		if isSpace(at(i)) && (at(i+1) == '.' || at(i+1) == ',') {
			i++
		}
		if c := at(i); c == '.' || c == ',' {
			i++
			if isSpace(at(i)) && isDigit(at(i+1)) {
				i++
			}
			if isDigit(at(i)) {
				if r := end(i + 1); r >= 0 {
					return restOf(s, r, s[:nd]+"."+s[i:i+1])
				}
			}
		}
		if r := end(nd); r >= 0 {
			return restOf(s, r, s[:nd])
		}
	}
	return "", s
}

// restOf finishes splitDigits: the rest from r with its spaces trimmed; no
// match if a newline is left in it after the leading spaces (the pattern's
// "." and "$" do not pass one).
func restOf(s string, r int, num string) (string, string) {
	rest := strings.TrimLeft(s[r:], " \t\n\f\r")
	if strings.IndexByte(rest, '\n') >= 0 {
		return "", s
	}
	return num, strings.TrimSpace(rest)
}

// matchKey normalises text for comparing titles: lower case, "&" as "and",
// -ization as -isation, punctuation as spaces, spaces collapsed.
func matchKey(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return matchKeyUnicode(s)
		}
	}
	// ASCII, in one pass: the runs of letters and digits are those of
	// matchKeyUnicode, so "authoriz" can be replaced at the end.
	b := make([]byte, 0, len(s)+8)
	space := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&':
			if !space {
				b = append(b, ' ')
			}
			b = append(b, "and "...)
			space = true
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
			space = false
		case !space:
			b = append(b, ' ')
			space = true
		}
	}
	if space && len(b) > 0 {
		b = b[:len(b)-1]
	}
	key := string(b)
	if strings.Contains(key, "authoriz") {
		key = strings.ReplaceAll(key, "authoriz", "authoris")
	}
	return key
}

// matchKeyUnicode is matchKey for any text.
func matchKeyUnicode(s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "&", " and ")
	s = strings.ReplaceAll(s, "authoriz", "authoris")
	var b strings.Builder
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// candidate is a place where a template heading may start.
type candidate struct {
	line, n int // first line and number of lines of the heading
	sec     int // index in the template
	score   int // 3 number and title, 2 title alone, 1 number alone
	text    string
}

// parsed is a line (or lines) of text split for matching headings.
type parsed struct {
	num, rest, key string
}

func parse(text string) parsed {
	num, rest := splitNumber(text)
	return parsed{num, rest, matchKey(rest)}
}

// match scores parsed text as heading h; 0 means no match.
func (h heading) match(p parsed, sub bool) int {
	num, rest, key := p.num, p.rest, p.key
	titled, titleLen := false, 0
	for _, k := range h.keys {
		if strings.HasPrefix(key, k) && (len(key) == len(k) || key[len(k)] == ' ') {
			titled, titleLen = true, len(k)
			break
		}
	}
	if h.re != nil {
		if loc := h.re.FindStringIndex(key); loc != nil {
			titled, titleLen = true, loc[1]
		}
	}
	switch {
	case num != "" && num != h.number:
		return 0
	case num != "" && titled:
		return 3
	case titled && num == "" && len(key) <= titleLen+40 && startsUpper(rest):
		// A heading without its number must look like one: a short line
		// starting with a capital letter.
		return 2
	case num != "" && sub && key != "" && len(rest) < 90 && startsUpper(rest):
		return 1
	}
	return 0
}

// starts returns the numbers and the first words with which a heading of
// tmpl can begin, to pass over most lines at once.
func starts(tmpl []heading) (nums, words map[string]bool) {
	nums, words = map[string]bool{}, map[string]bool{}
	for _, h := range tmpl {
		nums[h.number] = true
		for _, k := range h.keys {
			words[firstWord(k)] = true
		}
		for _, w := range h.first {
			words[w] = true
		}
	}
	return nums, words
}

// leadWord is firstWord(matchKey(s)) without building the key.
func leadWord(s string) string {
	start := strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	if start < 0 {
		return ""
	}
	s = s[start:]
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if end >= 0 {
		s = s[:end]
	}
	return strings.ToLower(s)
}

func firstWord(key string) string {
	w, _, _ := strings.Cut(key, " ")
	return w
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// prefixOfKey reports whether the normalised text could be the first line
// of a heading split across lines.
func (h heading) prefixOfKey(key string) bool {
	if key == "" {
		return true
	}
	for _, k := range h.keys {
		if strings.HasPrefix(k, key) {
			return true
		}
	}
	return h.re != nil && len(key) < 60
}

// continues reports whether next is the rest of heading h begun by text: the
// two read as the start of one of h's titles, or text ends in a word that
// cannot end a heading ("and", "before you").
func continues(h heading, text, next string) bool {
	if num, _ := splitNumber(next); num != "" || len(next) > 70 {
		return false
	}
	_, rest := splitNumber(text)
	key, joined := matchKey(rest), matchKey(rest+" "+next)
	for _, k := range h.keys {
		if len(k) > len(key) && strings.HasPrefix(k, joined) {
			return true
		}
	}
	words := strings.Fields(key)
	if len(words) == 0 {
		return false
	}
	if takesProduct[words[len(words)-1]] {
		// "How to store" + "Examplamol": the product name, in any case; a
		// short line, where a line of body text runs the column's width.
		return len(next) <= 40 && len(strings.Fields(next)) <= 6 && !strings.HasSuffix(next, ".")
	}
	if !danglingWords[words[len(words)-1]] {
		return false
	}
	// An upper-case heading continues in upper case; a heading in sentence
	// case continues in lower case (the body starts with a capital).
	if mostlyUpper(rest) {
		return mostlyUpper(next)
	}
	return !startsUpper(next)
}

// takesProduct are the words PIL headings put before the product's name.
var takesProduct = map[string]bool{"take": true, "use": true, "store": true, "using": true, "taking": true, "given": true, "receive": true}

var danglingWords = map[string]bool{
	"and": true, "or": true, "of": true, "for": true, "the": true, "to": true, "with": true,
	"you": true, "your": true, "before": true, "is": true, "are": true, "used": true,
	"what": true, "how": true, "in": true, "a": true, "an": true, "other": true, "it": true,
}

// maxHeadingLines is how many lines a split heading may take.
const maxHeadingLines = 3

// A template is a document type's headings, in order, with the numbers
// and first words its headings can begin with (see starts).
type template struct {
	headings    []heading
	nums, words map[string]bool
}

func newTemplate(hs []heading) *template {
	t := &template{headings: hs}
	t.nums, t.words = starts(hs)
	return t
}

var (
	spcTemplate = newTemplate(spcHeadings)
	pilTemplate = newTemplate(pilHeadings)
)

func templateSections(prefix string, t *template, lines []line) []Section {
	tmpl, nums, words := t.headings, t.nums, t.words
	var cands []candidate
	for i := range lines {
		num, rest := splitNumber(lines[i].text)
		if num != "" && !nums[num] || num == "" && !words[leadWord(rest)] {
			continue // no heading of the template starts so
		}
		first := parsed{num, rest, matchKey(rest)}
		for k, h := range tmpl {
			if num != "" && num != h.number {
				continue // a number names one heading; joining lines cannot change it
			}
			sub := strings.Contains(h.number, ".")
			text, p := lines[i].text, first
			for n := 1; n <= maxHeadingLines && i+n <= len(lines); n++ {
				if n > 1 {
					if (first.num == "" && h.re != nil) || !h.prefixOfKey(first.key) {
						break
					}
					text += " " + lines[i+n-1].text
					p = parse(text)
				}
				if s := h.match(p, sub); s > 0 {
					if s == 1 && n > 1 {
						break // a bare number joined to a body line
					}
					for i+n < len(lines) && n < maxHeadingLines && continues(h, text, lines[i+n].text) {
						text += " " + lines[i+n].text
						n++
					}
					cands = append(cands, candidate{line: i, n: n, sec: k, score: s, text: text})
					break
				}
			}
		}
	}
	cands = dropContents(cands)
	chain := addStrays(bestChain(cands), cands)
	if len(chain) == 0 {
		return nil
	}
	var out []Section
	if first := chain[0]; first.line > 0 {
		out = append(out, Section{ID: prefix + "-intro", Page: lines[0].page, Text: joinLines(lines[:first.line])})
	}
	for j, c := range chain {
		end := len(lines)
		if j+1 < len(chain) {
			end = chain[j+1].line
		}
		num := tmpl[c.sec].number
		out = append(out, Section{
			ID: prefix + "-" + num, Number: num, Heading: c.text,
			Page: lines[c.line].page, Text: joinLines(lines[c.line+c.n : end]),
		})
	}
	return out
}

// dropContents removes table-of-contents entries, as a PIL's "What is in
// this leaflet" list: a run of three or more headings on consecutive lines,
// and a heading found again later whose own section would be nearly empty
// (the next heading follows within two lines).
func dropContents(cands []candidate) []candidate {
	inRun := make([]bool, len(cands))
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && cands[j].line <= cands[j-1].line+cands[j-1].n && cands[j].sec > cands[j-1].sec {
			j++
		}
		// Candidates of one line for several sections count once.
		if j-i >= 3 {
			for k := i; k < j; k++ {
				inRun[k] = true
			}
		}
		i = j
	}
	var rest []candidate
	for i, c := range cands {
		if !inRun[i] {
			rest = append(rest, c)
		}
	}
	last := map[int]int{} // the last line each section is found on
	for _, c := range rest {
		last[c.sec] = c.line
	}
	var out []candidate
	for i, c := range rest {
		later := last[c.sec] > c.line+2
		close := false
		// Candidates are in line order: look only at the next lines.
		for _, d := range rest[i+1:] {
			if d.line > c.line+c.n+1 {
				break
			}
			if d.sec > c.sec && d.line >= c.line+c.n {
				close = true
				break
			}
		}
		if later && close {
			continue
		}
		out = append(out, c)
	}
	return out
}

// bestChain picks the candidates that read as the document's headings: the
// chain in increasing template order and line order, without overlaps, of
// the highest total score (ties go to the later chain, after any contents
// list).
//
// It runs in time linear in the candidates (times the template's size):
// candidates come in line order, and each is joined to the best chain
// ending, before its line, in an earlier section.
func bestChain(cands []candidate) []candidate {
	n := len(cands)
	if n == 0 {
		return nil
	}
	score := make([]int, n)
	prev := make([]int, n)
	// ending[k] is the candidate of section k that ends the best chain so
	// far among those that end before the current line (-1: none);
	// pending holds candidates whose heading has not ended yet.
	maxSec := 0
	for _, c := range cands {
		maxSec = max(maxSec, c.sec)
	}
	ending := make([]int, maxSec+1)
	for k := range ending {
		ending[k] = -1
	}
	var pending []int
	better := func(j, than int) bool { // ties go to the later candidate
		return than < 0 || score[j] > score[than] || score[j] == score[than] && j > than
	}
	best := -1
	for i, c := range cands {
		keep := pending[:0]
		for _, j := range pending {
			if d := cands[j]; d.line+d.n <= c.line {
				if better(j, ending[d.sec]) {
					ending[d.sec] = j
				}
			} else {
				keep = append(keep, j)
			}
		}
		pending = keep
		score[i], prev[i] = c.score, -1
		for k := range c.sec {
			if j := ending[k]; j >= 0 && better(j, prev[i]) {
				prev[i] = j
			}
		}
		if prev[i] >= 0 {
			score[i] += score[prev[i]]
		}
		pending = append(pending, i)
		if best < 0 || score[i] >= score[best] {
			best = i
		}
	}
	var chain []candidate
	for i := best; i >= 0; i = prev[i] {
		chain = append(chain, cands[i])
	}
	slices.Reverse(chain)
	return chain
}

// addStrays adds to the chain the numbered and titled headings (score 3)
// of sections it lacks that stand out of order, where a multi-column
// layout made the text's reading order differ from the sections' order,
// and returns the headings in line order.
func addStrays(chain, cands []candidate) []candidate {
	have := map[int]bool{}
	for _, c := range chain {
		have[c.sec] = true
	}
	out := chain
	for _, c := range cands {
		if c.score < 3 || have[c.sec] || overlaps(out, c) {
			continue
		}
		have[c.sec] = true
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b candidate) int { return a.line - b.line })
	return out
}

func overlaps(chosen []candidate, c candidate) bool {
	for _, d := range chosen {
		if c.line < d.line+d.n && d.line < c.line+c.n {
			return true
		}
	}
	return false
}
