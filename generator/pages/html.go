package pages

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"mip/generator/catalogue"
)

// letterLink is one entry of the A–Z strip.
type letterLink struct {
	Letter, Href string
	Current      bool
	Count        int
}

// strip is the A–Z strip with cur marked as the current letter.
func strip(v *catalogue.View, cur string) []letterLink {
	var out []letterLink
	for _, l := range catalogue.Letters {
		ll := letterLink{Letter: l, Current: l == cur, Count: len(v.ByLetter[l])}
		if ll.Count > 0 {
			ll.Href = letterURL(l)
		}
		out = append(out, ll)
	}
	return out
}

func navigation(current string) []map[string]any {
	items := []struct{ key, href, text string }{
		{"home", "/", "Home"},
		{"a-z", "/a-z/", "A to Z"},
		{"search", "/search/", "Search"},
		{"open-data", "/open-data/", "Open data"},
	}
	var out []map[string]any
	for _, it := range items {
		out = append(out, map[string]any{"href": it.href, "text": it.text, "active": it.key == current})
	}
	return out
}

// footerLinks are the support links in every page's footer.
func footerLinks() []any {
	var out []any
	for _, l := range [][2]string{
		{"/about/", "About"}, {"/accessibility/", "Accessibility statement"}, {"/cookies/", "Cookies"},
		{"/privacy/", "Privacy"}, {"/disclaimer/", "Disclaimer"}, {"/open-data/", "Open data"},
	} {
		out = append(out, map[string]any{"href": l[0], "text": l[1]})
	}
	return out
}

func crumbs(cs []crumb) map[string]any {
	var items []any
	for _, c := range cs {
		items = append(items, map[string]any{"href": c.Href, "text": c.Text})
	}
	return map[string]any{"items": items, "collapseOnMobile": true}
}

var (
	homeCrumb = crumb{"/", "Home"}
	azCrumb   = crumb{"/a-z/", "A to Z"}
)

func letterCrumb(l string) crumb { return crumb{letterURL(l), l} }

// row is one summary-list row with a text value.
func row(key, value string) map[string]any {
	return map[string]any{"key": map[string]any{"text": key}, "value": map[string]any{"text": value}}
}

// htmlRow is one summary-list row whose value is trusted markup.
func htmlRow(key string, value template.HTML) map[string]any {
	return map[string]any{"key": map[string]any{"text": key}, "value": map[string]any{"html": value}}
}

func licenceList(ls []catalogue.Licence) string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Display)
	}
	if len(s) == 0 {
		return "Not known"
	}
	return strings.Join(s, ", ")
}

var territoryNames = map[string]string{
	"UK": "United Kingdom",
	"GB": "Great Britain (England, Scotland and Wales)",
	"NI": "Northern Ireland",
}

func territoryOf(ls []catalogue.Licence, given string) string {
	if given != "" {
		return territoryNames[given]
	}
	seen := map[string]bool{}
	var out []string
	for _, l := range ls {
		if t := territoryNames[l.Territory]; t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return "Not stated"
	}
	return strings.Join(out, ", ")
}

func substanceLinks(ss []*catalogue.Substance) template.HTML {
	if len(ss) == 0 {
		return template.HTML(template.HTMLEscapeString("Not known"))
	}
	var parts []string
	for _, s := range ss {
		parts = append(parts, string(linkHTML("/substances/"+s.ID+"/", s.Name)))
	}
	return template.HTML(strings.Join(parts, ", "))
}

func statusTag(status string) template.HTML {
	classes := map[string]string{
		catalogue.Active: "govuk-tag--green", catalogue.Current: "govuk-tag--green",
		catalogue.Superseded: "govuk-tag--grey", catalogue.Withdrawn: "govuk-tag--red",
	}
	label := status
	if label != "" {
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	return template.HTML(`<strong class="govuk-tag ` + classes[status] + `">` + template.HTMLEscapeString(label) + `</strong>`)
}

// docGroup is the current documents of one type.
type docGroup struct {
	Type string
	Docs []docRow
}

// docRow is a document as a page shows it.
type docRow struct {
	SHA256, Title, Type, Status string
	Created                     time.Time
	File                        string // FileLabel
}

func rowOf(d *catalogue.Document) docRow {
	return docRow{SHA256: d.SHA256, Title: d.Title, Type: d.Type, Status: d.Status, Created: d.Created, File: FileLabel(d)}
}

func rowsOf(ds []*catalogue.Document) []docRow {
	out := make([]docRow, len(ds))
	for i, d := range ds {
		out[i] = rowOf(d)
	}
	return out
}

func groups(ds []*catalogue.Document) []docGroup {
	var out []docGroup
	for _, d := range ds { // already in SPC, PIL, PAR order
		if len(out) == 0 || out[len(out)-1].Type != d.Type {
			out = append(out, docGroup{Type: d.Type})
		}
		out[len(out)-1].Docs = append(out[len(out)-1].Docs, rowOf(d))
	}
	return out
}

func productFacts(p *catalogue.ProductView) []any {
	return []any{
		row(plural(len(p.Licences), "Licence number", "Licence numbers"), licenceList(p.Licences)),
		row("Territory", territoryOf(p.Licences, "")),
		row("Licence holder", orNotKnown(p.Holder)),
		htmlRow(plural(len(p.Substances), "Active substance", "Active substances"), substanceLinks(p.Substances)),
		htmlRow("Status", statusTag(p.Status)),
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orNotKnown(s string) string {
	if s == "" {
		return "Not known"
	}
	return s
}

// productLD is the product's schema.org Drug.
func productLD(p *catalogue.ProductView, base string) map[string]any {
	ld := map[string]any{
		"@context": "https://schema.org",
		"@type":    "Drug",
		"name":     p.Name,
		"url":      base + "/products/" + p.ID + "/",
	}
	var ings []any
	for _, s := range p.Substances {
		ings = append(ings, s.Name)
	}
	if ings != nil {
		ld["activeIngredient"] = ings
	}
	if p.Holder != "" {
		ld["manufacturer"] = map[string]any{"@type": "Organization", "name": p.Holder}
	}
	var ids []any
	for _, l := range p.Licences {
		ids = append(ids, map[string]any{"@type": "PropertyValue", "propertyID": "UK marketing authorisation number", "value": l.Display})
	}
	if ids != nil {
		ld["identifier"] = ids
	}
	ld["legalStatus"] = map[string]any{"@type": "DrugLegalStatus", "name": map[string]string{catalogue.Active: "Licensed", catalogue.Withdrawn: "Withdrawn"}[p.Status]}
	return ld
}

func documentFacts(c *catalogue.Catalogue, d *catalogue.Document) []any {
	var prods []string
	for _, id := range d.Products {
		if p := c.Products[id]; p != nil {
			prods = append(prods, string(linkHTML("/products/"+p.ID+"/", p.Name)))
		}
	}
	var subs []*catalogue.Substance
	for _, id := range d.Substances {
		if s := c.Substances[id]; s != nil {
			subs = append(subs, s)
		}
	}
	rows := []any{
		row("Title", d.Title),
		row("Type", typeNames[d.Type]+" ("+d.Type+")"),
		htmlRow(plural(len(prods), "Medicine", "Medicines"), template.HTML(strings.Join(prods, ", "))),
		htmlRow(plural(len(subs), "Active substance", "Active substances"), substanceLinks(subs)),
		row(plural(len(d.Licences), "Licence number", "Licence numbers"), licenceList(d.Licences)),
		row("Territory", territoryOf(d.Licences, d.Territory)),
	}
	if d.Holder != "" {
		rows = append(rows, row("Licence holder", d.Holder))
	}
	rows = append(rows,
		row("Date", displayDate(d.Created)),
		row("First published here", displayDate(d.FirstSeen)),
		htmlRow("Status", statusTag(d.Status)),
		row("File", FileLabel(d)),
	)
	return rows
}

// documentHeading names a document by its medicines: "PARACETAMOL 500MG
// TABLETS", "NUROFEN 200MG TABLETS and 2 other medicines", or its title
// when it names none.
func documentHeading(c *catalogue.Catalogue, d *catalogue.Document) string {
	var names []string
	for _, id := range d.Products {
		if p := c.Products[id]; p != nil {
			names = append(names, p.Name)
		}
	}
	switch len(names) {
	case 0:
		return d.Title
	case 1:
		return names[0]
	case 2:
		return names[0] + " and 1 other medicine"
	}
	return fmt.Sprintf("%s and %d other medicines", names[0], len(names)-1)
}

func supersededHTML(c *catalogue.Catalogue, d *catalogue.Document) template.HTML {
	msg := "This version has been replaced. It is kept for reference and may no longer be accurate."
	if n := c.Documents[d.SupersededBy]; n != nil {
		return template.HTML(template.HTMLEscapeString("This version has been replaced. ") +
			string(linkHTML("/documents/"+n.SHA256+"/", "Read the current version")) +
			template.HTMLEscapeString("."))
	}
	return template.HTML(template.HTMLEscapeString(msg))
}

// docCrumbs leads to a document through its first product.
func docCrumbs(c *catalogue.Catalogue, d *catalogue.Document) []crumb {
	cs := []crumb{homeCrumb}
	for _, id := range d.Products {
		if p := c.Products[id]; p != nil {
			cs = append(cs, crumb{"/products/" + p.ID + "/", p.Name})
			break
		}
	}
	return cs
}

// productCrumbs leads to a product through its first substance.
func productCrumbs(p *catalogue.ProductView) []crumb {
	cs := []crumb{homeCrumb, azCrumb}
	if len(p.Substances) > 0 {
		s := p.Substances[0]
		if l := catalogue.Letter(s.Name); l != "" {
			cs = append(cs, letterCrumb(l))
		}
		cs = append(cs, crumb{"/substances/" + s.ID + "/", s.Name})
	}
	return cs
}
