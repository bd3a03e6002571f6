package sample

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// The periods the sample's timestamps fall in.
var (
	legacyStart   = time.Date(2015, 1, 5, 0, 0, 0, 0, time.UTC)
	legacyEnd     = time.Date(2020, 12, 18, 0, 0, 0, 0, time.UTC)
	sentinelStart = time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC)
	sentinelEnd   = time.Date(2025, 6, 27, 0, 0, 0, 0, time.UTC)
)

// authors are the user names that appear in the author field.
var authors = []string{"sentinel", "jbrowne", "akhan", "mpatel", "rjones", "lwilliams", "sokafor", "dnguyen", "ecampbell", "thughes"}

// A product is one licensed medicine: a dm+d AMP, its holder and its licence.
type product struct {
	med    *medicine
	holder string
	lic    licence
	name   string // as the document system writes it, upper case
	legacy bool   // documents come from the legacy CSV export
	hasPAR bool
}

// A document is one SPC, PIL or PAR with its own PDF.
type document struct {
	id        string // "CON" + epoch ms ("con" in the legacy export)
	kind      string // SPC, PIL or PAR
	prod      *product
	also      []*product // further products a shared SPC or PIL covers
	par       *par
	created   time.Time // the instant (UTC)
	rev       int
	title     string
	plNumber  string // the licence number as written in the record
	territory string
	keywords  []string
	author    string
	path      string // PDF path below the sample root, slash-separated
	filePath  string // Sentinel file_path
	deleted   bool
	release   string // legacy dReleaseState
}

// products lists every product d covers, its own first.
func (d *document) products() []*product {
	return append([]*product{d.prod}, d.also...)
}

// A par is one public assessment report covering 1–3 products.
type par struct {
	file     string
	products []*product
	date     time.Time
	rows     [][]string
}

// An event is one Sentinel record: a create (doc) or a deletion (del).
type event struct {
	at  time.Time
	seq int
	doc *document
	del string
}

// plan is the whole sample before anything is written.
type plan struct {
	opts     Options
	r        *rand.Rand
	ids      map[int64]bool
	products []*product
	docs     []*document // Sentinel documents, every version
	legacy   []*document // legacy CSV rows
	pars     []*par
	parDocs  []*document
	events   []event
	sum      Summary
}

func newPlan(opts Options) (*plan, error) {
	meds, err := loadMedicines()
	if err != nil {
		return nil, err
	}
	p := &plan{
		opts: opts,
		r:    rand.New(rand.NewPCG(uint64(opts.Seed), 0x6d69702d73616d70)),
		ids:  map[int64]bool{},
	}
	p.makeProducts(meds)
	p.makePARs()
	p.makeEvents()
	return p, nil
}

// randomTime returns an instant between from and to on a working day, in
// office hours.
func randomTime(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	if days < 1 {
		days = 1
	}
	for {
		d := from.AddDate(0, 0, r.IntN(days))
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		return d.Add(time.Duration(7*3600+r.IntN(11*3600)) * time.Second)
	}
}

// newID returns a content id for a document created at t: the prefix and the
// epoch milliseconds, unique within the sample.
func (p *plan) newID(prefix string, t time.Time) string {
	ms := t.UnixMilli() + int64(p.r.IntN(1000))
	for p.ids[ms] {
		ms++
	}
	p.ids[ms] = true
	return fmt.Sprintf("%s%d", prefix, ms)
}

// targets splits opts.Documents into SPC/PIL documents and PARs.
func (p *plan) targets() (spcPil, pars int) {
	n := p.opts.Documents
	pars = (n*5 + 50) / 100
	if pars == 0 && n >= 4 {
		pars = 1
	}
	return n - pars, pars
}

func (p *plan) makeProducts(meds []*medicine) {
	r := p.r
	order := r.Perm(len(meds))
	cos := newCompanies(r)
	var suppliers []string
	seen := map[string]bool{}
	family := map[string][]int{} // supplier and substance → medicines
	for i, m := range meds {
		if !seen[m.supplier] {
			seen[m.supplier] = true
			suppliers = append(suppliers, m.supplier)
		}
		k := m.supplier + "\x00" + m.bnf9
		family[k] = append(family[k], i)
	}
	// A licence application often covers several strengths: a product's
	// siblings (same holder and substance) may follow it with the next
	// numbers.
	used := make([]bool, len(meds))
	target, _ := p.targets()
	count, legacyCount, legacyCombos, next, fresh := 0, 0, 0, 0, 0
	for count < target {
		if next > 0 && next%len(meds) == 0 {
			clear(used)
		}
		idx := order[next%len(meds)]
		pass := next / len(meds)
		next++
		if used[idx] {
			continue
		}
		m := meds[idx]
		holder, prefix, legacy := m.supplier, "", false
		n := fresh
		fresh++
		switch {
		case n < len(prefixes):
			prefix = prefixes[n]
		case pass > 0 && m.brand:
			// A later pass over the names: brands come back as parallel imports.
			prefix = "PLPI"
		default:
			prefix = randomPrefix(r)
		}
		if pass > 0 {
			holder = suppliers[r.IntN(len(suppliers))]
		}
		if n >= len(prefixes) && (prefix == "PL" || prefix == "PLPI") {
			legacy = r.IntN(100) < 3 || legacyCount < 3 || m.combination() && legacyCombos < 2
		}
		members := []int{idx}
		if r.IntN(100) < 35 && m.bnf9 != "" {
			for _, s := range family[m.supplier+"\x00"+m.bnf9] {
				if len(members) < 3 && s != idx && !used[s] {
					members = append(members, s)
				}
			}
		}
		// Siblings share their SPC and PIL half of the time.
		shared := len(members) > 1 && !legacy && r.IntN(2) == 0
		var prods []*product
		for _, mi := range members {
			if count >= target {
				break
			}
			used[mi] = true
			mm := meds[mi]
			prod := &product{med: mm, holder: holder, lic: cos.licence(holder, prefix), name: strings.ToUpper(mm.name), legacy: legacy}
			p.products = append(p.products, prod)
			switch {
			case legacy:
				legacyCount++
				if mm.combination() {
					legacyCombos++
				}
				count += p.legacyDocs(prod, legacyCount)
			case shared:
				prods = append(prods, prod)
			default:
				count += p.sentinelDocs([]*product{prod}, target-count)
			}
		}
		if len(prods) > 0 {
			count += p.sentinelDocs(prods, target-count)
		}
	}
	p.sum.Products = len(p.products)
}

// sentinelDocs plans the SPC (always), PIL (mostly) and their revisions for
// prods (one product, or sibling products sharing their documents), at most
// room documents, and returns how many it planned.
func (p *plan) sentinelDocs(prods []*product, room int) int {
	r := p.r
	n := 0
	kinds := []string{"SPC"}
	if r.IntN(100) < 88 {
		kinds = append(kinds, "PIL")
	}
	for _, kind := range kinds {
		if n >= room {
			break
		}
		created := randomTime(r, sentinelStart, sentinelEnd)
		d := p.newSentinelDoc(prods, kind, created, 1)
		n++
		// Revisions: delete the old id, create a new one in a later month.
		for n < room && r.IntN(100) < 9 {
			next := firstOfNextMonth(created)
			if !next.Before(sentinelEnd.AddDate(0, 0, -7)) {
				break
			}
			created = randomTime(r, next, sentinelEnd)
			p.events = append(p.events, event{at: created, seq: 0, del: d.id})
			d.deleted = true
			d = p.newSentinelDoc(prods, kind, created, d.rev+1)
			p.sum.Revisions++
			n++
		}
		// A few documents are withdrawn for good.
		if r.IntN(1000) < 12 {
			next := firstOfNextMonth(created)
			if next.Before(sentinelEnd.AddDate(0, 0, -7)) {
				p.events = append(p.events, event{at: randomTime(r, next, sentinelEnd), del: d.id})
				d.deleted = true
				p.sum.Deletions++
			}
		}
	}
	return n
}

// spellAll writes the licence numbers of prods as one pl_number field.
func spellAll(r *rand.Rand, prods []*product) string {
	parts := make([]string, len(prods))
	for i, q := range prods {
		parts[i] = q.lic.spell(r)
	}
	return strings.Join(parts, []string{", ", "; ", " and "}[r.IntN(3)])
}

func firstOfNextMonth(t time.Time) time.Time {
	y, m, _ := t.Date()
	return time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
}

// title returns a document title in the real styles.
func docTitle(prod *product, kind string, lic string) string {
	switch kind {
	case "SPC":
		return "spc-doc_" + lic + ".pdf"
	default:
		if prod.med.brand || prod.lic.prefix == "PLPI" {
			return "leaflet MAH BRAND_" + lic + ".pdf"
		}
		return "leaflet MAH GENERIC_" + lic + ".pdf"
	}
}

func (p *plan) newSentinelDoc(prods []*product, kind string, created time.Time, rev int) *document {
	r := p.r
	prod := prods[0]
	id := p.newID("CON", created)
	dir := strings.ToLower(kind)
	d := &document{
		id:       id,
		kind:     kind,
		prod:     prod,
		also:     prods[1:],
		created:  created,
		rev:      rev,
		title:    docTitle(prod, kind, prod.lic.titleForm()),
		plNumber: spellAll(r, prods),
		author:   authors[r.IntN(len(authors))],
		filePath: "/docs/" + dir + "/" + strings.ToLower(id) + ".pdf",
	}
	d.path = "sentinel" + d.filePath
	if t := prod.lic.territory(); t != "" && r.IntN(100) < 20 {
		d.territory = t
	}
	if r.IntN(100) < 30 {
		d.keywords = pickKeywords(r, prod.med)
	}
	p.docs = append(p.docs, d)
	p.events = append(p.events, event{at: created, seq: 1, doc: d})
	return d
}

// legacyDocs plans the legacy CSV rows of prod: an SPC and usually a PIL, and
// for the first two legacy products an unreleased extra row.
func (p *plan) legacyDocs(prod *product, nth int) int {
	r := p.r
	n := 0
	kinds := []string{"SPC"}
	if r.IntN(100) < 85 {
		kinds = append(kinds, "PIL")
	}
	for _, kind := range kinds {
		lic := prod.lic.titleForm()
		if kind == "PIL" && r.IntN(3) == 0 {
			lic += "R"
		}
		created := randomTime(r, legacyStart, legacyEnd)
		d := &document{
			id: p.newID("con", created), kind: kind, prod: prod, created: created,
			rev: 1 + r.IntN(3), title: docTitle(prod, kind, lic), release: "Y",
		}
		d.path = "legacy/" + d.id + ".pdf"
		p.legacy = append(p.legacy, d)
		n++
	}
	if nth <= 2 {
		created := randomTime(r, legacyStart, legacyEnd)
		d := &document{
			id: p.newID("con", created), kind: "PIL", prod: prod, created: created,
			rev: 1, title: docTitle(prod, "PIL", prod.lic.titleForm()), release: []string{"N", "E"}[nth-1],
		}
		d.path = "legacy/" + d.id + ".pdf"
		p.legacy = append(p.legacy, d)
	}
	return n
}

// makePARs plans the public assessment reports: each covers a product and up
// to two more of the same substance and holder.
func (p *plan) makePARs() {
	r := p.r
	_, target := p.targets()
	groups := map[string][]*product{}
	for _, prod := range p.products {
		k := prod.med.bnf9 + "\x00" + prod.holder
		groups[k] = append(groups[k], prod)
	}
	files := map[string]bool{}
	for i := 0; i < target && len(p.products) > 0; i++ {
		var first *product
		for try := 0; try < 20; try++ {
			first = p.products[r.IntN(len(p.products))]
			if !first.hasPAR {
				break
			}
		}
		covered := []*product{first}
		want := 1 + r.IntN(3)
		for _, q := range groups[first.med.bnf9+"\x00"+first.holder] {
			if len(covered) >= want {
				break
			}
			if q != first && !q.hasPAR {
				covered = append(covered, q)
			}
		}
		file := "par-" + slug(first.med.substances[0]) + "-" + strings.ToLower(fmt.Sprintf("%s%05d%04d", first.lic.prefix, first.lic.company, first.lic.product))
		name := file + ".pdf"
		for k := 2; files[name]; k++ {
			name = fmt.Sprintf("%s-%d.pdf", file, k)
		}
		files[name] = true
		date := randomTime(r, sentinelStart, sentinelEnd)
		pr := &par{file: name, products: covered, date: date}
		for j, q := range covered {
			q.hasPAR = true
			pr.rows = append(pr.rows, parRow(r, name, q, date, j))
		}
		p.pars = append(p.pars, pr)
		d := &document{kind: "PAR", par: pr, prod: first, created: date, rev: 1,
			title: "Public Assessment Report " + first.med.name, path: "pars/" + name, id: name}
		p.parDocs = append(p.parDocs, d)
	}
	p.sum.PARs = len(p.pars)
}

// parRow is one pars.csv row:
// file,products,strength,dose_form,active_substances,licence_number,territory,date.
func parRow(r *rand.Rand, file string, q *product, date time.Time, j int) []string {
	m := q.med
	names := m.base
	if m.brand {
		names += "/" + sentenceCase(strings.Join(m.substances, " and "))
	}
	sep := ", "
	if r.IntN(2) == 0 {
		sep = " AND "
	}
	terr := ""
	if r.IntN(4) == 0 {
		terr = q.lic.territory()
	}
	return []string{file, names, m.strength, sentenceCase(m.form), strings.Join(m.substances, sep),
		q.lic.spell(r), terr, date.Format("2006-01-02")}
}

// makeEvents orders the Sentinel records in time: within one instant a
// revision's deletion comes before its new document.
func (p *plan) makeEvents() {
	sortEvents(p.events)
	p.sum.Documents = len(p.docs) + len(p.parDocs)
	for _, d := range p.legacy {
		if d.release == "Y" {
			p.sum.Documents++
		}
	}
	p.sum.LegacyRows = len(p.legacy)
}

// sortEvents orders events in time; within one instant a deletion comes
// before a create.
func sortEvents(events []event) {
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		return a.seq < b.seq
	})
}

// slug lower-cases s and keeps letters and digits, joined by hyphens.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// sentenceCase turns "ERYTHROMYCIN ETHYL SUCCINATE" into "Erythromycin ethyl succinate".
func sentenceCase(s string) string {
	s = strings.ToLower(s)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// londonWall returns the wall time in Europe/London for the instant t: GMT,
// or BST (UTC+1) from 01:00 UTC on the last Sunday of March to 01:00 UTC on
// the last Sunday of October.
func londonWall(t time.Time) time.Time {
	t = t.UTC()
	y := t.Year()
	if !t.Before(lastSunday(y, time.March)) && t.Before(lastSunday(y, time.October)) {
		return t.Add(time.Hour)
	}
	return t
}

func lastSunday(y int, m time.Month) time.Time {
	d := time.Date(y, m+1, 1, 1, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// createdLabel writes t as the real system does: UK wall time labelled +00:00.
func createdLabel(t time.Time) string {
	return londonWall(t).Format("2006-01-02T15:04:05") + "+00:00"
}
