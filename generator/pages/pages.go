// Package pages renders the catalogue into the published site: the HTML
// pages (templates from mip/templates, GOV.UK Frontend and mip's assets from
// mip/assets, editorial pages from mip/content), the open JSON under /api/v1/
// with its JSON Schemas, the Atom feeds, the sitemap and robots.txt, and the
// _headers and _redirects files for the host. Assets are fingerprinted with
// SRI hashes; output is minified unless Options.Minify is off.
package pages

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"runtime"
	"strings"
	"time"

	"mip/generator/catalogue"
)

// Writer puts files in the output directory. Names are slash-separated and
// relative to it; a name cannot leave it. It must be safe for concurrent
// use. (generator/outdir.Writer is the one a build uses.)
type Writer interface {
	WriteFile(name string, data []byte) error
}

// A KeyedWriter can also carry a page over from the previous output: Reuse
// puts the previous output's file name in place when it was rendered from
// inputs with the same key, and WriteKeyed writes a page with its key.
type KeyedWriter interface {
	Writer
	Reuse(name, key string) (bool, error)
	WriteKeyed(name, key string, data []byte) error
}

// Ref names another entity.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DocumentJSON is /api/v1/documents/<sha256>.json.
type DocumentJSON struct {
	SHA256       string              `json:"sha256"`
	URL          string              `json:"url"`
	Type         string              `json:"type"`
	Title        string              `json:"title"`
	Status       string              `json:"status"`
	Products     []Ref               `json:"products"`
	Substances   []Ref               `json:"substances"`
	Licences     []catalogue.Licence `json:"licences"`
	Territory    string              `json:"territory,omitempty"`
	Keywords     []string            `json:"keywords,omitempty"`
	Holder       string              `json:"holder,omitempty"`
	Created      time.Time           `json:"created"`
	FirstSeen    time.Time           `json:"first_published"`
	Withdrawn    *time.Time          `json:"withdrawn,omitempty"`
	Size         int64               `json:"size"`
	Pages        int                 `json:"pages"`
	PDFTitle     string              `json:"pdf_title,omitempty"`
	SourceIDs    []string            `json:"source_ids"`
	Supersedes   []string            `json:"supersedes,omitempty"`
	SupersededBy string              `json:"superseded_by,omitempty"`
	// Text says whether the document's text could be extracted, with its
	// section outline and the SPC's date of revision; absent until the
	// document has been through extraction.
	Text *catalogue.TextInfo `json:"text,omitempty"`
}

// DocSummary is a document as a product lists it.
type DocSummary struct {
	SHA256  string    `json:"sha256"`
	URL     string    `json:"url"`
	Type    string    `json:"type"`
	Title   string    `json:"title"`
	Status  string    `json:"status"`
	Created time.Time `json:"created"`
	Size    int64     `json:"size"`
	Pages   int       `json:"pages"`
}

// ProductJSON is /api/v1/products/<id>.json and one line of products.ndjson.
type ProductJSON struct {
	ID               string              `json:"id"`
	Name             string              `json:"name"`
	Status           string              `json:"status"`
	Licences         []catalogue.Licence `json:"licences"`
	Holder           string              `json:"holder,omitempty"`
	Substances       []Ref               `json:"substances"`
	Documents        []DocSummary        `json:"documents"`
	PreviousVersions []DocSummary        `json:"previous_versions"`
}

// SubstanceJSON is /api/v1/substances/<id>.json.
type SubstanceJSON struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Letter    string             `json:"letter"`
	Documents int                `json:"documents"`
	Products  []SubstanceProduct `json:"products"`
}

// SubstanceProduct is a product as a substance lists it.
type SubstanceProduct struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Licences  []string `json:"licences"`
	Documents int      `json:"documents"`
}

// DocURL is where a document's PDF is published.
func DocURL(sha string) string { return "/docs/" + sha + ".pdf" }

// Options control how the site is written.
type Options struct {
	// Minify HTML, CSS, JS, JSON and SVG. Off in tests, for readable diffs.
	Minify bool
	// BaseURL is the site's public origin, such as https://medicines.example.org,
	// for the sitemap, robots.txt, feeds and structured data.
	BaseURL string
	// Built is the build's time and Generation its number; only build.json
	// and changes.json carry them, so that everything else is the same in
	// two builds of the same catalogue.
	Built      time.Time
	Generation int
	// Changes is what this build did (catalogue.Changes).
	Changes catalogue.Changes
	// Sections gives the extracted text of a document, if any; an error
	// (the text exists but could not be read) fails the build.
	Sections func(*catalogue.Document) ([]Section, error)
	// Workers renders this many pages at once; default GOMAXPROCS.
	Workers int
	// Key names what every page depends on beyond its own data: the
	// program that renders it (templates and assets are built in) and the
	// text extraction that gave its sections. When it is set and the Writer
	// is a KeyedWriter, a page whose key (Key, the options, the template and
	// the page's data) matches the previous output's is carried over, not
	// rendered. Empty renders every page.
	Key string
}

// Write renders the whole site for v.
func Write(w Writer, c *catalogue.Catalogue, v *catalogue.View, o Options) error {
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	mini := newMinifier(o.Minify)
	out := &output{w: w, min: mini}
	if kw, ok := w.(KeyedWriter); ok && o.Key != "" {
		out.kw = kw
		out.siteKey = fmt.Sprintf("pages 1\x00%s\x00%s\x00minify=%t\x00sections=%t\x00", o.Key, o.BaseURL, o.Minify, o.Sections != nil)
	}
	as, err := loadAssets(mini)
	if err != nil {
		return err
	}
	r, err := newRenderer(as)
	if err != nil {
		return err
	}
	for _, step := range []func() error{
		func() error { return as.write(out) },
		func() error { return writeAPI(out, c, v, o) },
		func() error { return writeHTML(out, r, c, v, o) },
		func() error { return writeFeeds(out, c, v, o) },
		func() error { return writeSitemap(out, v, o) },
		func() error { return writeHosting(out, v) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// writeAPI writes /api/v1/.
func writeAPI(out *output, c *catalogue.Catalogue, v *catalogue.View, o Options) error {
	if err := parallel(len(v.Documents), o.Workers, func(i int) error {
		d := v.Documents[i]
		return writeJSON(out, path.Join("api/v1/documents", d.SHA256+".json"), documentJSON(c, d))
	}); err != nil {
		return err
	}
	lines := make([][]byte, len(v.Products))
	if err := parallel(len(v.Products), o.Workers, func(i int) error {
		p := v.Products[i]
		pj := productJSON(p)
		if err := writeJSON(out, path.Join("api/v1/products", p.ID+".json"), pj); err != nil {
			return err
		}
		line, err := json.Marshal(pj)
		lines[i] = line
		return err
	}); err != nil {
		return err
	}
	var ndjson bytes.Buffer
	for _, line := range lines {
		ndjson.Write(line)
		ndjson.WriteByte('\n')
	}
	if err := out.raw("api/v1/products.ndjson", ndjson.Bytes()); err != nil {
		return err
	}
	if err := parallel(len(v.Substances), o.Workers, func(i int) error {
		s := v.Substances[i]
		return writeJSON(out, path.Join("api/v1/substances", s.ID+".json"), substanceJSON(s))
	}); err != nil {
		return err
	}
	if err := writeLetters(out, v); err != nil {
		return err
	}
	if err := writeBuild(out, c, v, o); err != nil {
		return err
	}
	if err := writeJSON(out, HistoryPath, c.History()); err != nil {
		return err
	}
	return writeSchemas(out)
}

func substanceJSON(s *catalogue.SubstanceView) SubstanceJSON {
	sj := SubstanceJSON{ID: s.ID, Name: s.Name, Letter: s.Letter, Documents: s.Documents, Products: []SubstanceProduct{}}
	for _, p := range s.Products {
		sp := SubstanceProduct{ID: p.ID, Name: p.Name, Documents: len(p.Current), Licences: []string{}}
		for _, l := range p.Licences {
			sp.Licences = append(sp.Licences, l.Display)
		}
		sj.Products = append(sj.Products, sp)
	}
	return sj
}

func documentJSON(c *catalogue.Catalogue, d *catalogue.Document) DocumentJSON {
	j := DocumentJSON{
		SHA256: d.SHA256, URL: DocURL(d.SHA256), Type: d.Type, Title: d.Title, Status: d.Status,
		Products: []Ref{}, Substances: []Ref{}, Licences: d.Licences, Territory: d.Territory,
		Keywords: d.Keywords, Holder: d.Holder, Created: d.Created, FirstSeen: d.FirstSeen,
		Withdrawn: d.WithdrawnOn, Size: d.Size, Pages: d.Pages, PDFTitle: d.PDFTitle,
		SourceIDs: []string{}, Supersedes: d.Supersedes, SupersededBy: d.SupersededBy, Text: d.Text,
	}
	if j.Licences == nil {
		j.Licences = []catalogue.Licence{}
	}
	for _, id := range d.Products {
		if p := c.Products[id]; p != nil {
			j.Products = append(j.Products, Ref{ID: p.ID, Name: p.Name})
		}
	}
	for _, id := range d.Substances {
		if s := c.Substances[id]; s != nil {
			j.Substances = append(j.Substances, Ref{ID: s.ID, Name: s.Name})
		}
	}
	for _, s := range d.Sources {
		j.SourceIDs = append(j.SourceIDs, s.ID)
	}
	return j
}

func summary(d *catalogue.Document) DocSummary {
	return DocSummary{SHA256: d.SHA256, URL: DocURL(d.SHA256), Type: d.Type, Title: d.Title, Status: d.Status, Created: d.Created, Size: d.Size, Pages: d.Pages}
}

func productJSON(p *catalogue.ProductView) ProductJSON {
	j := ProductJSON{ID: p.ID, Name: p.Name, Status: p.Status, Licences: p.Licences, Holder: p.Holder,
		Substances: []Ref{}, Documents: []DocSummary{}, PreviousVersions: []DocSummary{}}
	if j.Licences == nil {
		j.Licences = []catalogue.Licence{}
	}
	for _, s := range p.Substances {
		j.Substances = append(j.Substances, Ref{ID: s.ID, Name: s.Name})
	}
	for _, d := range p.Current {
		j.Documents = append(j.Documents, summary(d))
	}
	for _, d := range p.History {
		j.PreviousVersions = append(j.PreviousVersions, summary(d))
	}
	return j
}

// writeJSON writes v as JSON: indented for people to read, or when output
// is minified, as compact as the minifier would make it, without the cost
// of running it.
func writeJSON(w *output, name string, v any) error {
	if w.min.m != nil {
		data, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode %s: %w", name, err)
		}
		return w.raw(name, data)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return w.file(name, buf.Bytes())
}
