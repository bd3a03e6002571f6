package pages

import (
	"strings"
	"sync"

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

func (r *renderer) write(out *output, tmpl string, p *page) error {
	data, err := r.render(tmpl, p)
	if err != nil {
		return err
	}
	return out.file(htmlName(p.Path), data)
}

// parallel runs f(0) … f(n-1) on up to workers goroutines and returns the
// first error.
func parallel(n, workers int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  int
	)
	for range min(workers, n) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= n || stop {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}

type homeData struct {
	Letters                         []letterLink
	Products, Documents, Substances int
}

type letterData struct {
	Letter     string
	Letters    []letterLink
	Substances []*catalogue.SubstanceView
}

type productData struct {
	Product *catalogue.ProductView
	Facts   []any
	Groups  []docGroup
}

type documentData struct {
	Doc            *catalogue.Document
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
			Crumbs: []crumb{homeCrumb}}},
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
			Data:   letterData{Letter: l, Letters: strip(v, l), Substances: v.ByLetter[l]}}
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
		p := &page{Path: "/substances/" + s.ID + "/", Title: s.Name + ": medicines containing this active substance", Nav: "a-z",
			HeaderSearch: true, Crumbs: cs,
			Alternates: []alternate{
				{"application/json", "/api/v1/substances/" + s.ID + ".json", s.Name + " as JSON"},
				{"application/atom+xml", "/feeds/substances/" + s.ID + ".atom", "Changes to medicines containing " + s.Name},
			},
			JSONLD: map[string]any{"@context": "https://schema.org", "@type": "Substance", "name": s.Name, "url": o.BaseURL + "/substances/" + s.ID + "/"},
			Data:   s}
		return r.write(out, "substance", p)
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
			Data:       productData{Product: pv, Facts: productFacts(pv), Groups: groups(pv.Current)}}
		return r.write(out, "product", p)
	}); err != nil {
		return err
	}
	return parallel(len(v.Documents), o.Workers, func(i int) error {
		d := v.Documents[i]
		dd := documentData{Doc: d, Facts: documentFacts(c, d), SupersededHTML: supersededHTML(c, d)}
		if o.Sections != nil {
			dd.Sections = o.Sections(d.SHA256)
		}
		p := &page{Path: "/documents/" + d.SHA256 + "/", Title: d.Title + " – " + typeNames[d.Type] + " (" + d.Type + ")",
			Nav: "a-z", HeaderSearch: true, Crumbs: docCrumbs(c, d),
			Alternates: []alternate{{"application/json", "/api/v1/documents/" + d.SHA256 + ".json", "This document as JSON"}},
			Data:       dd}
		return r.write(out, "document", p)
	})
}
