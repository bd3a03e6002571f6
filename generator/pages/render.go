package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in UK time on every machine

	"mip/generator/catalogue"
	"mip/templates"
)

// ServiceName is the portal's name, in every page title.
const ServiceName = "Medicines Information Portal"

// Section is one numbered section of a document's text, as the text
// extractor finds it: "4.3", "Contraindications", and the plain text.
type Section struct {
	ID      string
	Number  string
	Heading string
	Text    string
}

// crumb is one breadcrumb above the current page.
type crumb struct {
	Href, Text string
}

// alternate is another form of a page: its JSON or its Atom feed.
type alternate struct {
	Type, Href, Title string
}

// page is what the layout renders: everything a page has in common, and its
// own data in Data.
type page struct {
	Path         string // site path, /products/x/
	Title        string // descriptive; the layout adds the service name
	Description  string
	Crumbs       []crumb
	Nav          string // the service navigation item this page is under
	Alternates   []alternate
	JSONLD       any
	Scripts      []string // extra scripts by logical asset name
	HeaderSearch bool     // the small search form under the header
	Data         any
	// fill completes Data just before rendering, with what is costly to
	// get and needed only when the page is rendered (a document's text).
	fill func() error
}

var london = mustLocation("Europe/London")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// typeNames are the document types written out.
var typeNames = map[string]string{
	"SPC": "Summary of Product Characteristics",
	"PIL": "Patient Information Leaflet",
	"PAR": "Public Assessment Report",
}

// FileSize is a PDF's size as GOV.UK writes it: "245 KB", "1.2 MB".
func FileSize(n int64) string {
	const kb, mb = 1024, 1024 * 1024
	switch {
	case n < mb:
		return fmt.Sprintf("%d KB", max(1, int64(math.Ceil(float64(n)/kb))))
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/mb)
	}
}

// FileLabel describes a document's file: "PDF, 245 KB, 12 pages".
func FileLabel(d *catalogue.Document) string {
	s := "PDF, " + FileSize(d.Size)
	switch {
	case d.Pages == 1:
		s += ", 1 page"
	case d.Pages > 1:
		s += fmt.Sprintf(", %d pages", d.Pages)
	}
	return s
}

func displayDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format("2 January 2006")
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format("2006-01-02")
}

// attrName is what an attribute name from a component's options may be.
var attrName = regexp.MustCompile(`^[a-zA-Z_:][-a-zA-Z0-9_:.]*$`)

// attrs renders a GOV.UK Frontend attributes option: a map of names to
// values, or to {value, optional} objects. Names are checked and values
// escaped; the result is trusted markup.
func attrs(v any) (template.HTMLAttr, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return "", nil
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		if !attrName.MatchString(name) || strings.HasPrefix(strings.ToLower(name), "on") || strings.EqualFold(name, "style") {
			return "", fmt.Errorf("attribute name %q is not allowed", name)
		}
		val, optional := m[name], false
		if o, ok := val.(map[string]any); ok {
			val = o["value"]
			optional, _ = o["optional"].(bool)
		}
		if optional && val == true {
			b.WriteString(" " + name)
			continue
		}
		if optional && (val == nil || val == false) {
			continue
		}
		s := ""
		if val != nil {
			s = fmt.Sprint(val)
		}
		b.WriteString(" " + name + `="` + template.HTMLEscapeString(s) + `"`)
	}
	return template.HTMLAttr(b.String()), nil
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// hasNull reports whether m holds key with a null value: GOV.UK Frontend
// tells "leave this out" (null) from "use the default" (absent).
func hasNull(m map[string]any, key string) bool {
	v, ok := m[key]
	return ok && v == nil
}

// linkHTML is a GOV.UK link as trusted markup for a component's html option.
func linkHTML(href, text string) template.HTML {
	return template.HTML(`<a class="govuk-link" href="` + template.HTMLEscapeString(href) + `">` + template.HTMLEscapeString(text) + `</a>`)
}

// renderer holds the parsed templates, one set per page template.
type renderer struct {
	pages  map[string]*template.Template
	assets *assetSet
}

func newRenderer(a *assetSet) (*renderer, error) {
	funcs := template.FuncMap{
		"attrs":    attrs,
		"dict":     dict,
		"asset":    a.ref,
		"date":     displayDate,
		"isoDate":  isoDate,
		"typeName": func(t string) string { return typeNames[t] },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"paragraphs": paragraphs,
		"hasNull":    hasNull,
		"has": func(m map[string]any, key string) bool {
			v, ok := m[key]
			return ok && v != nil
		},
		"serviceName": func() string { return ServiceName },
		"navigation":  navigation,
		"crumbs":      crumbs,
		"footerLinks": footerLinks,
		"inlineScript": func() template.HTML {
			return template.HTML("<script>" + inlineScript + "</script>")
		},
	}
	base, err := template.New("").Funcs(funcs).ParseFS(templates.FS, "layout.html", "govuk.html", "partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	names, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}, assets: a}
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(templates.FS, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		r.pages[strings.TrimSuffix(strings.TrimPrefix(name, "pages/"), ".html")] = t
	}
	return r, nil
}

// inlineScript is the only script in a page's markup: it marks the body as
// able to run GOV.UK Frontend. Its hash is in the Content-Security-Policy.
const inlineScript = `document.body.className+=" js-enabled"+("noModule"in HTMLScriptElement.prototype?" govuk-frontend-supported":"")`

func (r *renderer) render(tmpl string, p *page) ([]byte, error) {
	t := r.pages[tmpl]
	if t == nil {
		return nil, fmt.Errorf("no page template %q", tmpl)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("render %s: %w", p.Path, err)
	}
	return buf.Bytes(), nil
}

var blankLine = regexp.MustCompile(`\n\s*\n`)

// paragraphs splits extracted text into paragraphs at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range blankLine.Split(strings.TrimSpace(s), -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func letterURL(l string) string { return "/a-z/" + strings.ToLower(l) + "/" }
