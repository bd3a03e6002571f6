package sample

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

//go:embed data/medicines.csv.gz
var medicinesGz []byte

// A medicine is one dm+d actual medicinal product (AMP) with what the
// generator derives from it.
type medicine struct {
	name     string // dm+d name, e.g. "Cardura 1mg tablets"
	supplier string // the licence holder
	bnf9     string // chemical substance part of the BNF code; may be empty
	// substances are the generic substances in upper case, from the VMP
	// sharing bnf9 (several for a combination product).
	substances []string
	// brand is true when the name does not start with the first substance.
	brand bool
	// base, strength and form split the name: "Cardura", "1mg", "tablets".
	base, strength, form string
}

// chapter returns the BNF chapter ("02"), or "" when unknown.
func (m *medicine) chapter() string {
	if len(m.bnf9) < 2 {
		return ""
	}
	return m.bnf9[:2]
}

// section returns the BNF section ("0205"), or "" when unknown.
func (m *medicine) section() string {
	if len(m.bnf9) < 4 {
		return ""
	}
	return m.bnf9[:4]
}

// combination reports whether the medicine has several substances.
func (m *medicine) combination() bool { return len(m.substances) > 1 }

var (
	loadOnce  sync.Once
	medicines []*medicine
	loadErr   error
)

// loadMedicines parses the embedded dm+d rows once.
func loadMedicines() ([]*medicine, error) {
	loadOnce.Do(func() { medicines, loadErr = parseMedicines(medicinesGz) })
	return medicines, loadErr
}

func parseMedicines(gz []byte) ([]*medicine, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("read embedded medicines: %w", err)
	}
	r := csv.NewReader(zr)
	r.Comment = '#'
	r.FieldsPerRecord = 4
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read embedded medicines header: %w", err)
	}
	if strings.Join(header, ",") != "type,name,supplier,bnf_code" {
		return nil, fmt.Errorf("embedded medicines: unexpected header %q", header)
	}
	// VMP substance lists by full BNF code, and candidates (with counts) by
	// chemical substance code.
	byCode := map[string][]string{}
	cands := map[string]map[string]int{}
	type amp struct {
		m    *medicine
		code string
	}
	var amps []amp
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read embedded medicines: %w", err)
		}
		code := rec[3]
		switch rec[0] {
		case "v":
			// "Generic Anusol HC ointment" names a product, not its substances.
			if len(code) < 9 || strings.HasPrefix(rec[1], "Generic ") {
				continue
			}
			subs := substancesFromName(rec[1])
			if len(subs) == 0 {
				continue
			}
			if _, ok := byCode[code]; !ok {
				byCode[code] = subs
			}
			m := cands[code[:9]]
			if m == nil {
				m = map[string]int{}
				cands[code[:9]] = m
			}
			m[strings.Join(subs, "\x00")]++
		case "a":
			if isDevice(rec[1]) {
				continue
			}
			m := &medicine{name: rec[1], supplier: rec[2]}
			if len(code) >= 9 {
				m.bnf9 = code[:9]
			}
			amps = append(amps, amp{m, code})
		}
	}
	out := make([]*medicine, 0, len(amps))
	for _, a := range amps {
		m := a.m
		m.substances = substancesOf(m.name, a.code, byCode, cands)
		if len(m.substances) == 0 {
			m.substances = []string{strings.ToUpper(m.name)}
		}
		m.base, m.strength, m.form = splitName(m.name)
		m.brand = !strings.HasPrefix(strings.ToUpper(m.name), m.substances[0]) && !strings.HasPrefix(strings.ToUpper(m.name), "CO-")
		out = append(out, m)
	}
	return out, nil
}

// substancesOf derives the generic substances of the AMP name with BNF code
// code. The VMP it is equivalent to (same chemical, generic product "AA",
// the AMP's generic-equivalent strength code) names them; failing that, the
// AMP's own name when it is generic, else the commonest VMP name of the
// chemical. A "co-" name (co-amilofruse) is expanded to the substances a
// VMP of the same chemical shows (amiloride, furosemide).
func substancesOf(name, code string, byCode map[string][]string, cands map[string]map[string]int) []string {
	if len(code) < 9 {
		return substancesFromName(name)
	}
	bnf9 := code[:9]
	var subs []string
	if len(code) == 15 {
		subs = byCode[bnf9+"AA"+code[13:15]+code[13:15]]
	}
	if subs == nil {
		own := substancesFromName(name)
		for k := range cands[bnf9] {
			if len(own) > 0 && strings.SplitN(k, "\x00", 2)[0] == own[0] {
				subs = own
				break
			}
		}
	}
	if subs == nil && len(cands[bnf9]) > 0 {
		subs = mostFrequent(cands[bnf9], false)
	}
	if subs == nil {
		return substancesFromName(name)
	}
	if len(subs) == 1 && strings.HasPrefix(subs[0], "CO-") {
		if multi := mostFrequent(cands[bnf9], true); len(multi) > 1 {
			subs = multi
		}
	}
	return subs
}

// mostFrequent returns the commonest substance list among the candidates
// (only lists of several substances when multi), ties broken alphabetically.
func mostFrequent(m map[string]int, multi bool) []string {
	best, bestN := "", 0
	for k, n := range m {
		if multi && !strings.Contains(k, "\x00") {
			continue
		}
		if n > bestN || n == bestN && k < best {
			best, bestN = k, n
		}
	}
	if bestN == 0 {
		return nil
	}
	return strings.Split(best, "\x00")
}

// substancesFromName reads the substances a dm+d name shows: the words of
// each " / "-separated part before its strength, in upper case, without
// parenthesised notes or dose-form words. "Abacavir 600mg / Lamivudine
// 300mg tablets" gives ABACAVIR, LAMIVUDINE; "Medical oxygen cylinders"
// gives MEDICAL OXYGEN.
func substancesFromName(name string) []string {
	var out []string
	for _, part := range strings.Split(name, " / ") {
		var words []string
		paren := 0
		for _, w := range strings.Fields(part) {
			if startsWithDigit(w) || formWords[strings.ToLower(w)] {
				break
			}
			switch {
			case strings.HasPrefix(w, "("):
				paren++
			}
			if paren == 0 {
				words = append(words, w)
			}
			if strings.HasSuffix(w, ")") && paren > 0 {
				paren--
			}
		}
		s := strings.ToUpper(strings.Join(words, " "))
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// formWords end the substance part of a name without a strength.
var formWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`tablets tablet capsules capsule cream ointment gel suppositories
		pessaries drops spray powder granules cylinders cylinder strips pack solution suspension injection
		infusion vials ampoules inhaler lotion liquid syrup patches sachets lozenges pastilles foam shampoo
		enema paste emulsion elixir mixture pre-filled rectal eye ear nasal oral gastro-resistant
		modified-release dispersible chewable effervescent orodispersible cutaneous topical`) {
		formWords[w] = true
	}
}

// isDevice reports whether a dm+d name is a device rather than a medicine.
func isDevice(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "testing strips") || strings.Contains(n, "lancet")
}

// splitName splits a dm+d name into name, strength and dose form.
// Combinations join their names with " and " and their strengths with "/":
// "Abacavir 600mg / Lamivudine 300mg tablets" → "Abacavir and Lamivudine",
// "600mg/300mg", "tablets".
func splitName(name string) (base, strength, form string) {
	parts := strings.Split(name, " / ")
	var bases, strengths []string
	for i, part := range parts {
		words := strings.Fields(part)
		j := 0
		for j < len(words) && !startsWithDigit(words[j]) {
			j++
		}
		if j > 0 {
			bases = append(bases, strings.Join(words[:j], " "))
		}
		k := j
		for k < len(words) && startsWithDigit(words[k]) {
			k++
		}
		if k > j {
			strengths = append(strengths, strings.Join(words[j:k], " "))
		}
		if i == len(parts)-1 {
			form = strings.Join(words[k:], " ")
		}
	}
	return strings.Join(bases, " and "), strings.Join(strengths, "/"), form
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }
