// Package catalogue is the model every later stage reads: documents (one per
// distinct PDF, by content address), the products they belong to and the
// active substances of those products, with the history of every document
// version ever published. It applies ingested records and deletions to the
// catalogue kept in the state directory, links revisions that arrive as
// delete-old + create-new, and saves the result atomically.
package catalogue

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"mip/generator/documents"
	"mip/generator/finding"
	"mip/generator/ingest"
	"mip/generator/licence"
)

// Status of a document or product.
const (
	Current    = "current"
	Superseded = "superseded"
	Withdrawn  = "withdrawn"
	Active     = "active"
)

// Licence is a licence number in all its forms.
type Licence struct {
	Display   string `json:"display"`
	Search    string `json:"search"`
	Prefix    string `json:"prefix"`
	Territory string `json:"territory,omitempty"`
}

func licenceOf(n licence.Number) Licence {
	return Licence{Display: n.Display(), Search: n.Search(), Prefix: n.Prefix, Territory: n.Territory()}
}

// A Source is one record that named a document's file.
type Source struct {
	ID         string     `json:"id"`
	Source     string     `json:"source"`
	File       string     `json:"file"`
	Author     string     `json:"author,omitempty"`
	FileSource string     `json:"file_source,omitempty"`
	RevLabel   string     `json:"rev_label,omitempty"`
	Created    *time.Time `json:"created,omitempty"`
	Withdrawn  bool       `json:"withdrawn,omitempty"`
	Products   []string   `json:"products"`
	Substances []string   `json:"substances"`
	Licences   []Licence  `json:"licences,omitempty"`
	Keywords   []string   `json:"keywords,omitempty"`
	Territory  string     `json:"territory,omitempty"`
}

// A Document is one distinct PDF: identical bytes named by two records are
// one document with two sources.
type Document struct {
	SHA256       string    `json:"sha256"`
	Type         string    `json:"type"`
	Title        string    `json:"title"`
	Sources      []Source  `json:"sources"`
	Products     []string  `json:"products"`   // product ids
	Substances   []string  `json:"substances"` // substance ids
	Licences     []Licence `json:"licences"`
	Territory    string    `json:"territory,omitempty"`
	Keywords     []string  `json:"keywords,omitempty"`
	Holder       string    `json:"holder,omitempty"`
	Created      time.Time `json:"created"` // from the record, else when first seen
	Size         int64     `json:"size"`
	Pages        int       `json:"pages"`
	PDFTitle     string    `json:"pdf_title,omitempty"`
	Encrypted    bool      `json:"encrypted,omitempty"`
	Status       string    `json:"status"`
	Supersedes   []string  `json:"supersedes,omitempty"`
	SupersededBy string    `json:"superseded_by,omitempty"`
	// Added and WithdrawnAt are build generations; FirstSeen the time of the
	// build that first published the document.
	// Text says what text extraction found; nil until the document has been
	// through it.
	Text        *TextInfo  `json:"text,omitempty"`
	Added       int        `json:"added_generation"`
	FirstSeen   time.Time  `json:"first_seen"`
	WithdrawnAt int        `json:"withdrawn_generation,omitempty"`
	WithdrawnOn *time.Time `json:"withdrawn,omitempty"`
}

// TextInfo is what text extraction found in a document. The text itself
// stays in the extraction cache.
type TextInfo struct {
	Available    bool           `json:"available"`
	RevisionDate string         `json:"revision_date,omitempty"`
	Outline      []OutlineEntry `json:"outline,omitempty"`
}

// OutlineEntry is one section of a document.
type OutlineEntry struct {
	ID      string `json:"id"`
	Number  string `json:"number,omitempty"`
	Heading string `json:"heading,omitempty"`
	Page    int    `json:"page"`
}

// SourceRef names the export file and record that first published the
// document, for messages about it.
func (d *Document) SourceRef() (file, record string) {
	if len(d.Sources) == 0 {
		return "", ""
	}
	return d.Sources[0].File, d.Sources[0].ID
}

// SortedDocuments returns the content addresses of every document, sorted.
func (c *Catalogue) SortedDocuments() []string { return slices.Sorted(maps.Keys(c.Documents)) }

// Live reports whether the document is listed and searchable.
func (d *Document) Live() bool { return d.Status == Current }

// A Product is a licensed medicine: a name and its licence number(s).
type Product struct {
	ID         string    `json:"id"`
	Key        string    `json:"key"`
	Name       string    `json:"name"`
	Licences   []Licence `json:"licences"`
	Holder     string    `json:"holder,omitempty"`
	Substances []string  `json:"substances"` // substance ids
}

// A Substance is an active substance by its normalised name.
type Substance struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

// An Event is one line of the ledger: what happened to a document version.
type Event struct {
	Generation int       `json:"generation"`
	Time       time.Time `json:"time"`
	Kind       string    `json:"kind"` // added, source-added, withdrawn, superseded, restored
	SHA256     string    `json:"sha256"`
	Record     string    `json:"record,omitempty"`
	Other      string    `json:"other,omitempty"` // for superseded: the new version
}

// Catalogue is the whole model, as kept in the state directory.
type Catalogue struct {
	Version    int                   `json:"version"`
	Generation int                   `json:"generation"`
	Documents  map[string]*Document  `json:"documents"`
	Products   map[string]*Product   `json:"products"`
	Substances map[string]*Substance `json:"substances"`
	Ledger     []Event               `json:"ledger"`
	// Applied holds the content addresses of export files already applied, so
	// that an export sent twice is applied once.
	Applied map[string]bool `json:"applied_exports"`

	productByKey   map[string]*Product
	substanceByKey map[string]*Substance
	bySource       map[string][]*Document
	now            time.Time
	changes        Changes
}

// Changes counts what one build did to the catalogue.
type Changes struct {
	Added     []string `json:"added"`
	Revised   []string `json:"revised"`
	Withdrawn []string `json:"withdrawn"`
	Restored  []string `json:"restored"`
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.Added)+len(c.Revised)+len(c.Withdrawn)+len(c.Restored) == 0
}

// New returns an empty catalogue.
func New() *Catalogue {
	c := &Catalogue{Version: 1, Documents: map[string]*Document{}, Products: map[string]*Product{},
		Substances: map[string]*Substance{}, Applied: map[string]bool{}}
	c.index()
	return c
}

func (c *Catalogue) index() {
	if c.Documents == nil {
		c.Documents = map[string]*Document{}
	}
	if c.Products == nil {
		c.Products = map[string]*Product{}
	}
	if c.Substances == nil {
		c.Substances = map[string]*Substance{}
	}
	if c.Applied == nil {
		c.Applied = map[string]bool{}
	}
	c.productByKey = map[string]*Product{}
	for _, p := range c.Products {
		c.productByKey[p.Key] = p
	}
	c.substanceByKey = map[string]*Substance{}
	for _, s := range c.Substances {
		c.substanceByKey[s.Key] = s
	}
	c.bySource = map[string][]*Document{}
	for _, sha := range slices.Sorted(maps.Keys(c.Documents)) {
		d := c.Documents[sha]
		for _, s := range d.Sources {
			c.bySource[s.ID] = append(c.bySource[s.ID], d)
		}
	}
}

// Begin starts a build at time now: the generation advances and changes are
// counted afresh.
func (c *Catalogue) Begin(now time.Time) {
	c.Generation++
	c.now = now.UTC()
	c.changes = Changes{Added: []string{}, Revised: []string{}, Withdrawn: []string{}, Restored: []string{}}
}

// Changes returns what this build has changed so far.
func (c *Catalogue) Changes() Changes { return c.changes }

func (c *Catalogue) log(kind, sha, record, other string) {
	c.Ledger = append(c.Ledger, Event{Generation: c.Generation, Time: c.now, Kind: kind, SHA256: sha, Record: record, Other: other})
}

// Create applies a create record whose PDF has been checked and stored.
func (c *Catalogue) Create(rec ingest.Record, info documents.Info, fl *finding.List) {
	src := Source{ID: rec.ID, Source: string(rec.Source), File: rec.File, Author: rec.Author, FileSource: rec.FileSource, RevLabel: rec.RevLabel}
	if !rec.Created.IsZero() {
		t := rec.Created.UTC()
		src.Created = &t
	}
	for _, other := range c.bySource[rec.ID] {
		if other.SHA256 != info.SHA256 && other.Live() && !sourceWithdrawn(other, rec.ID) {
			fl.Add(finding.Finding{File: rec.File, Line: rec.Line, Record: rec.ID, Field: "id",
				Message: fmt.Sprintf("content id already names a different live document (%s); both kept, and a deletion of this id withdraws both", other.SHA256[:12]), Kept: true})
		}
	}
	src.Products, src.Substances, src.Licences = c.resolve(rec)
	src.Keywords, src.Territory = rec.Keywords, rec.Territory
	d := c.Documents[info.SHA256]
	if d == nil {
		d = &Document{
			SHA256: info.SHA256, Type: rec.Type, Title: rec.Title, Territory: rec.Territory,
			Holder: rec.Holder, Size: info.Size, Pages: info.Pages, PDFTitle: info.Title, Encrypted: info.Encrypted,
			Status: Current, Added: c.Generation, FirstSeen: c.now, Created: c.now,
		}
		if src.Created != nil {
			d.Created = *src.Created
		}
		c.Documents[d.SHA256] = d
		c.changes.Added = append(c.changes.Added, d.SHA256)
		c.log("added", d.SHA256, rec.ID, "")
	} else if d.Type != rec.Type {
		fl.Add(finding.Finding{File: rec.File, Line: rec.Line, Record: rec.ID, Field: "type",
			Message: fmt.Sprintf("the same file is already published as a %s; kept as %s", d.Type, d.Type), Kept: true})
	}
	i := slices.IndexFunc(d.Sources, func(s Source) bool { return s.ID == rec.ID })
	switch {
	case i < 0:
		d.Sources = append(d.Sources, src)
		c.bySource[rec.ID] = append(c.bySource[rec.ID], d)
		if len(d.Sources) > 1 {
			c.log("source-added", d.SHA256, rec.ID, "")
		}
	case d.Sources[i].Withdrawn:
		d.Sources[i] = src
	default:
		// The same record again: nothing to do.
	}
	if !d.Live() {
		// Published again after a withdrawal.
		if d.SupersededBy != "" {
			if n := c.Documents[d.SupersededBy]; n != nil {
				n.Supersedes = slices.DeleteFunc(n.Supersedes, func(s string) bool { return s == d.SHA256 })
			}
			d.SupersededBy = ""
		}
		d.Status, d.WithdrawnAt, d.WithdrawnOn = Current, 0, nil
		c.changes.Restored = append(c.changes.Restored, d.SHA256)
		c.log("restored", d.SHA256, rec.ID, "")
	}
	if src.Created != nil && src.Created.Before(d.Created) {
		d.Created = *src.Created
	}
	d.refresh()
}

// refresh derives the document's products, substances, licences, keywords
// and territory from its live sources, or from all of them once none is live
// (so that a withdrawn version still says what it was for).
func (d *Document) refresh() {
	live := slices.ContainsFunc(d.Sources, func(s Source) bool { return !s.Withdrawn })
	d.Products, d.Substances, d.Licences, d.Keywords, d.Territory = nil, nil, nil, nil, ""
	for _, s := range d.Sources {
		if live && s.Withdrawn {
			continue
		}
		d.Products = union(d.Products, s.Products)
		d.Substances = union(d.Substances, s.Substances)
		d.Keywords = unionFold(d.Keywords, s.Keywords)
		for _, l := range s.Licences {
			if !slices.ContainsFunc(d.Licences, func(x Licence) bool { return x.Search == l.Search }) {
				d.Licences = append(d.Licences, l)
			}
		}
		if d.Territory == "" {
			d.Territory = s.Territory
		}
	}
}

func sourceWithdrawn(d *Document, id string) bool {
	for _, s := range d.Sources {
		if s.ID == id {
			return s.Withdrawn
		}
	}
	return false
}

// Delete applies a deletion: every live document the content id created is
// withdrawn once none of its records is live. Its file stays.
func (c *Catalogue) Delete(ev ingest.Record, fl *finding.List) {
	docs := c.bySource[ev.ID]
	found := false
	for _, d := range docs {
		for i := range d.Sources {
			if d.Sources[i].ID == ev.ID && !d.Sources[i].Withdrawn {
				d.Sources[i].Withdrawn = true
				found = true
			}
		}
		d.refresh()
		if d.Live() && !slices.ContainsFunc(d.Sources, func(s Source) bool { return !s.Withdrawn }) {
			d.Status = Withdrawn
			d.WithdrawnAt = c.Generation
			t := c.now
			d.WithdrawnOn = &t
			c.changes.Withdrawn = append(c.changes.Withdrawn, d.SHA256)
			c.log("withdrawn", d.SHA256, ev.ID, "")
		}
	}
	if !found {
		msg := "deletion names a content id that no live document has"
		if len(docs) > 0 {
			msg = "deletion names a content id that was already withdrawn"
		}
		fl.Add(finding.Finding{File: ev.File, Line: ev.Line, Record: ev.ID, Field: "id", Message: msg, Kept: true})
	}
}

// LinkRevisions links each withdrawn document that nothing supersedes yet to
// the current document of the same type for the same product that was
// published with or after its withdrawal: that is how a revision (delete-old
// + create-new, with no link in the export) becomes a version history.
func (c *Catalogue) LinkRevisions() {
	byProductType := map[string][]*Document{}
	for _, sha := range slices.Sorted(maps.Keys(c.Documents)) {
		d := c.Documents[sha]
		if d.Live() {
			for _, p := range d.Products {
				k := p + "|" + d.Type
				byProductType[k] = append(byProductType[k], d)
			}
		}
	}
	for _, sha := range slices.Sorted(maps.Keys(c.Documents)) {
		old := c.Documents[sha]
		if old.Status != Withdrawn || old.SupersededBy != "" {
			continue
		}
		var best *Document
		for _, p := range old.Products {
			for _, n := range byProductType[p+"|"+old.Type] {
				if n.Added < old.WithdrawnAt || n == old {
					continue
				}
				if best == nil || n.Added < best.Added || (n.Added == best.Added && n.Created.Before(best.Created)) ||
					(n.Added == best.Added && n.Created.Equal(best.Created) && n.SHA256 < best.SHA256) {
					best = n
				}
			}
		}
		if best == nil {
			continue
		}
		old.Status = Superseded
		old.SupersededBy = best.SHA256
		best.Supersedes = append(best.Supersedes, old.SHA256)
		sort.Strings(best.Supersedes)
		c.changes.Withdrawn = slices.DeleteFunc(c.changes.Withdrawn, func(s string) bool { return s == old.SHA256 })
		c.changes.Revised = append(c.changes.Revised, old.SHA256)
		c.log("superseded", old.SHA256, "", best.SHA256)
	}
}

// resolve finds or makes the products and substances a record names.
func (c *Catalogue) resolve(rec ingest.Record) (prods, subs []string, lics []Licence) {
	for _, s := range rec.Substances {
		subs = append(subs, c.substance(s).ID)
	}
	for _, ref := range rec.Products {
		var pl []Licence
		for _, n := range ref.Licences {
			l := licenceOf(n)
			pl = append(pl, l)
			if !slices.ContainsFunc(lics, func(x Licence) bool { return x.Search == l.Search }) {
				lics = append(lics, l)
			}
		}
		p := c.product(ref.Name, pl)
		if p.Holder == "" {
			p.Holder = rec.Holder
		}
		p.Substances = union(p.Substances, subs)
		prods = append(prods, p.ID)
	}
	return prods, subs, lics
}

func productKey(name string, lics []Licence) string {
	var s []string
	for _, l := range lics {
		s = append(s, l.Search)
	}
	sort.Strings(s)
	return NameKey(name) + "|" + strings.Join(s, ",")
}

func (c *Catalogue) product(name string, lics []Licence) *Product {
	name = CleanName(name)
	key := productKey(name, lics)
	if p := c.productByKey[key]; p != nil {
		return p
	}
	if len(lics) == 0 {
		// A record that gives no licence number joins the one licensed
		// product of that name, when there is exactly one.
		var match *Product
		n := 0
		prefix := NameKey(name) + "|"
		for _, k := range slices.Sorted(maps.Keys(c.productByKey)) {
			if strings.HasPrefix(k, prefix) {
				match = c.productByKey[k]
				n++
			}
		}
		if n == 1 {
			return match
		}
	}
	base := Slug(name, 60)
	if base == "" {
		base = "product"
	}
	if len(lics) > 0 {
		base += "-" + strings.ToLower(lics[0].Search)
	}
	p := &Product{ID: c.freeID(base, func(id string) bool { return c.Products[id] != nil }), Key: key, Name: name, Licences: lics}
	c.Products[p.ID] = p
	c.productByKey[key] = p
	return p
}

func (c *Catalogue) substance(name string) *Substance {
	name = CleanName(name)
	key := NameKey(name)
	if s := c.substanceByKey[key]; s != nil {
		return s
	}
	base := Slug(name, 60)
	if base == "" {
		base = "substance"
	}
	s := &Substance{ID: c.freeID(base, func(id string) bool { return c.Substances[id] != nil }), Key: key, Name: name}
	c.Substances[s.ID] = s
	c.substanceByKey[key] = s
	return s
}

// freeID returns base, or base-2, base-3 … when taken. Ids are kept in the
// state, so an id once given never changes.
func (c *Catalogue) freeID(base string, taken func(string) bool) string {
	id := base
	for i := 2; taken(id); i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	return id
}

func union(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

func unionFold(a, b []string) []string {
	for _, x := range b {
		if !slices.ContainsFunc(a, func(y string) bool { return strings.EqualFold(x, y) }) {
			a = append(a, x)
		}
	}
	return a
}
