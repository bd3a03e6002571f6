package pages

import (
	"context"

	"fmt"
	"golang.org/x/sync/errgroup"
	"strings"

	"mip/generator/catalogue"
)

// htmlName is the file a page path is written to: /a-z/a/ is
// a-z/a/index.html.
func htmlName(p string) string {
	if strings.HasSuffix(p, ".html") {
		return strings.TrimPrefix(p, "/")
	}
	return strings.TrimPrefix(p+"index.html", "/")
}

// write renders page p with template tmpl, unless the previous output holds
// it rendered from the same key.
func (r *renderer) write(out *output, tmpl string, p *page) error {
	name := htmlName(p.Path)
	if err := checkName(name); err != nil {
		return err
	}
	key := out.pageKey(tmpl, p)
	if key != "" {
		if ok, err := out.kw.Reuse(name, key); ok || err != nil {
			return err
		}
	}
	if p.fill != nil {
		if err := p.fill(); err != nil {
			return err
		}
	}
	data, err := r.render(tmpl, p)
	if err != nil {
		return err
	}
	return out.keyed(name, key, data)
}

// parallel runs f(0) … f(n-1) on up to workers goroutines and returns the
// first error.
func parallel(n, workers int, f func(i int) error) error {
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(max(1, workers))
	for i := 0; i < n && ctx.Err() == nil; i++ {
		g.Go(func() error { return f(i) })
	}
	return g.Wait()
}

type homeData struct {
	Letters                         []letterLink
	Products, Documents, Substances int
}

// Page data holds only what its template shows: a page's key hashes its
// data, so a page is rendered again only when something it shows changed,
// and the key costs little to compute.

type letterData struct {
	Letter     string
	Letters    []letterLink
	Substances []substanceRow
}

// substanceRow is a substance as an A–Z letter page lists it.
type substanceRow struct {
	ID, Name            string
	Products, Documents int
}

func substanceRows(ss []*catalogue.SubstanceView) []substanceRow {
	rows := make([]substanceRow, len(ss))
	for i, s := range ss {
		rows[i] = substanceRow{ID: s.ID, Name: s.Name, Products: len(s.Products), Documents: s.Documents}
	}
	return rows
}

// productRow is a product as a substance's page lists it.
type productRow struct {
	ID, Name, Holder string
	Licences         []string // display forms
	Documents        int      // current
}

func productRows(ps []*catalogue.ProductView) []productRow {
	rows := make([]productRow, len(ps))
	for i, p := range ps {
		rows[i] = productRow{ID: p.ID, Name: p.Name, Holder: p.Holder, Documents: len(p.Current)}
		for _, l := range p.Licences {
			rows[i].Licences = append(rows[i].Licences, l.Display)
		}
	}
	return rows
}

// substancePageSize is how many products a substance's page lists.
const substancePageSize = 100

func pageCount(n int) int { return max(1, (n+substancePageSize-1)/substancePageSize) }

// substancePage is the path of page n of a substance's products.
func substancePage(id string, n int) string {
	if n <= 1 {
		return "/substances/" + id + "/"
	}
	return fmt.Sprintf("/substances/%s/page-%d/", id, n)
}

type substanceData struct {
	ID, Name    string
	Documents   int          // current documents of all its products
	Products    []productRow // this page's
	Total       int
	First, Last int            // this page's products, counting from 1
	Pagination  map[string]any // nil when there is one page
}

// pagination is the options of GOV.UK Frontend's pagination for page cur of
// n: the first, last, current and its neighbours, with ellipses between.
func pagination(cur, n int, href func(int) string) map[string]any {
	if n <= 1 {
		return nil
	}
	var items []any
	last := 0
	for k := 1; k <= n; k++ {
		if k != 1 && k != n && (k < cur-1 || k > cur+1) {
			continue
		}
		if last != 0 && k > last+1 {
			items = append(items, map[string]any{"ellipsis": true})
		}
		items = append(items, map[string]any{"number": k, "href": href(k), "current": k == cur})
		last = k
	}
	p := map[string]any{"items": items, "landmarkLabel": "Pages of medicines"}
	if cur > 1 {
		p["previous"] = map[string]any{"href": href(cur - 1)}
	}
	if cur < n {
		p["next"] = map[string]any{"href": href(cur + 1)}
	}
	return p
}

type productData struct {
	Product productRowFull
	Facts   []any
	Groups  []docGroup // its current documents by type
}

// productRowFull is a product as its own page shows it.
type productRowFull struct {
	ID, Name, Status string
	Current, History []docRow
}

type documentData struct {
	Doc            docRow
	Heading        string // the medicines it is for
	Facts          []any
	SupersededHTML any
	Sections       []Section
}

// writeHTML writes every HTML page.
func writeHTML(out *output, r *renderer, c *catalogue.Catalogue, v *catalogue.View, o Options) error {
	live := 0
	for _, d := range v.Documents {
		if d.Live() {
			live++
		}
	}
	// The search client's modules, each with its own script element so
	// that all are fetched at once and each is checked against its SRI
	// hash; page.js imports the others.
	searchScripts := []string{"/assets/search/page.js", "/assets/search/engine.js",
		"/assets/search/format.js", "/assets/search/analysis.js", "/assets/search/load.js"}
	active := 0
	for _, p := range v.Products {
		if p.Status == catalogue.Active {
			active++
		}
	}
	all := strip(v, "")
	fixed := []struct {
		tmpl string
		p    *page
	}{
		{"home", &page{Path: "/", Title: "Find product information for licensed medicines", Nav: "home",
			Description: "The approved Summaries of Product Characteristics, Patient Information Leaflets and Public Assessment Reports for every licensed medicine.",
			Scripts:     []string{"/assets/redirect.js"},
			Data:        homeData{Letters: all, Products: active, Documents: live, Substances: len(v.Substances)}}},
		{"az", &page{Path: "/a-z/", Title: "Active substances from A to Z", Nav: "a-z", HeaderSearch: true,
			Crumbs: []crumb{homeCrumb}, Data: letterData{Letters: all}}},
		{"search", &page{Path: "/search/", Title: "Search for a medicine", Nav: "search",
			Crumbs: []crumb{homeCrumb}, Scripts: searchScripts}},
		{"notfound", &page{Path: "/404.html", Title: "Page not found", HeaderSearch: true,
			Crumbs: []crumb{homeCrumb}}},
		{"moved", &page{Path: "/product/", Title: "This page has moved", HeaderSearch: true,
			Crumbs: []crumb{homeCrumb}, Scripts: []string{"/assets/redirect.js"}}},
	}
	for _, f := range fixed {
		if err := r.write(out, f.tmpl, f.p); err != nil {
			return err
		}
	}
	pagesOf, err := loadContent()
	if err != nil {
		return err
	}
	for _, cp := range pagesOf {
		nav := ""
		if cp.Slug == "open-data" {
			nav = "open-data"
		}
		p := &page{Path: "/" + cp.Slug + "/", Title: cp.Title, Nav: nav, HeaderSearch: true, Crumbs: []crumb{homeCrumb}, Data: cp}
		if err := r.write(out, "content", p); err != nil {
			return err
		}
	}
	for _, l := range v.Letters {
		p := &page{Path: letterURL(l), Title: "Active substances beginning with " + l, Nav: "a-z", HeaderSearch: true,
			Crumbs: []crumb{homeCrumb, azCrumb},
			Data:   letterData{Letter: l, Letters: strip(v, l), Substances: substanceRows(v.ByLetter[l])}}
		if err := r.write(out, "letter", p); err != nil {
			return err
		}
	}
	if err := parallel(len(v.Substances), o.Workers, func(i int) error {
		s := v.Substances[i]
		cs := []crumb{homeCrumb, azCrumb}
		if s.Letter != "" {
			cs = append(cs, letterCrumb(s.Letter))
		}
		pages := pageCount(len(s.Products))
		for n := 1; n <= pages; n++ {
			first, last := (n-1)*substancePageSize, min(n*substancePageSize, len(s.Products))
			title := s.Name + ": medicines containing this active substance"
			if pages > 1 {
				title += fmt.Sprintf(" (page %d of %d)", n, pages)
			}
			p := &page{Path: substancePage(s.ID, n), Title: title, Nav: "a-z",
				HeaderSearch: true, Crumbs: cs,
				Alternates: []alternate{
					{"application/json", "/api/v1/substances/" + s.ID + ".json", s.Name + " as JSON"},
					{"application/atom+xml", "/feeds/substances/" + s.ID + ".atom", "Changes to medicines containing " + s.Name},
				},
				Data: substanceData{ID: s.ID, Name: s.Name, Documents: s.Documents, Products: productRows(s.Products[first:last]), Total: len(s.Products), First: first + 1, Last: last,
					Pagination: pagination(n, pages, func(k int) string { return substancePage(s.ID, k) })}}
			if n == 1 {
				p.JSONLD = map[string]any{"@context": "https://schema.org", "@type": "Substance", "name": s.Name, "url": o.BaseURL + "/substances/" + s.ID + "/"}
			}
			if err := r.write(out, "substance", p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := parallel(len(v.Products), o.Workers, func(i int) error {
		pv := v.Products[i]
		title := pv.Name
		if len(pv.Licences) > 0 {
			title += " (" + licenceList(pv.Licences) + ")"
		}
		p := &page{Path: "/products/" + pv.ID + "/", Title: title + ": SPC, PIL and PAR", Nav: "a-z", HeaderSearch: true,
			Crumbs:     productCrumbs(pv),
			Alternates: []alternate{{"application/json", "/api/v1/products/" + pv.ID + ".json", pv.Name + " as JSON"}},
			JSONLD:     productLD(pv, o.BaseURL),
			Data: productData{Product: productRowFull{ID: pv.ID, Name: pv.Name, Status: pv.Status, Current: rowsOf(pv.Current), History: rowsOf(pv.History)},
				Facts: productFacts(pv), Groups: groups(pv.Current)}}
		return r.write(out, "product", p)
	}); err != nil {
		return err
	}
	return parallel(len(v.Documents), o.Workers, func(i int) error {
		d := v.Documents[i]
		dd := &documentData{Doc: rowOf(d), Heading: documentHeading(c, d), Facts: documentFacts(c, d), SupersededHTML: supersededHTML(c, d)}
		p := &page{Path: "/documents/" + d.SHA256 + "/", Title: dd.Heading + ": " + typeNames[d.Type] + " (" + d.Type + ") of " + displayDate(d.Created),
			Nav: "a-z", HeaderSearch: true, Crumbs: docCrumbs(c, d),
			Alternates: []alternate{{"application/json", "/api/v1/documents/" + d.SHA256 + ".json", "This document as JSON"}},
			Data:       dd}
		if o.Sections != nil {
			// The text is a function of the document's bytes (in Doc) and
			// the extraction (in Options.Key): it is read only if the page
			// is rendered.
			p.fill = func() (err error) {
				dd.Sections, err = o.Sections(d)
				return err
			}
		}
		return r.write(out, "document", p)
	})
}
