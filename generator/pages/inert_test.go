package pages

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/finding"
	"mip/generator/ingest"
	"mip/generator/licence"
	"mip/generator/outdir"
)

// Hostile names, as an export could carry them.
const (
	evilProduct   = `<script>alert("p")</script> "Quoted" 'single' ../../../etc/passwd & co`
	evilSubstance = `../../x <img src=x onerror=alert(1)> ]]></title>`
	evilTitle     = `</script><script>alert('t')</script>..\..\boot.ini`
	evilHolder    = `"><svg onload=alert(2)>`
)

func hostileCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	c := catalogue.New()
	c.Begin(time.Date(2025, 1, 2, 3, 0, 0, 0, time.UTC))
	lics, err := licence.Parse("PL 12345/0001")
	if err != nil {
		t.Fatal(err)
	}
	var fl finding.List
	for i, typ := range []string{"SPC", "PIL"} {
		rec := ingest.Record{Source: ingest.Sentinel, File: "evil.xml", ID: "CON" + typ, Title: evilTitle, Type: typ,
			Products:   []ingest.ProductRef{{Name: evilProduct, Licences: lics}},
			Substances: []string{evilSubstance}, Holder: evilHolder, Keywords: []string{"<b>kw</b>"},
			Created: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
		sha := strings.Repeat(string(rune('a'+i)), 64)
		c.Create(rec, documents.Info{SHA256: sha, Size: 250000, Pages: 3, Title: evilTitle}, &fl)
	}
	c.LinkRevisions()
	return c
}

// TestHostileNamesAreInert: names with markup, quotes and path segments
// are text everywhere they appear, and no file lands outside the output.
func TestHostileNamesAreInert(t *testing.T) {
	c := hostileCatalogue(t)
	for _, minify := range []bool{false, true} {
		tmp := t.TempDir()
		out := filepath.Join(tmp, "site")
		w, err := outdir.Begin(out)
		if err != nil {
			t.Fatal(err)
		}
		o := sampleOptions(minify)
		o.Sections = func(*catalogue.Document) ([]Section, error) {
			return []Section{{ID: "s1", Number: "1", Heading: evilProduct, Text: evilTitle}}, nil
		}
		if err := Write(w, c, c.View(), o); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(tmp)
		entries = slices.DeleteFunc(entries, func(e os.DirEntry) bool { return e.Name() == ".site.lock" }) // outdir's lock
		if len(entries) != 1 {
			t.Errorf("the build wrote beside the output directory: %v", entries)
		}
		seenProductPage := false
		err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			rel = filepath.ToSlash(rel)
			if strings.Contains(rel, "..") || strings.ContainsAny(rel, "<>\"' ") {
				t.Errorf("file name carries a hostile name: %q", rel)
			}
			data, _ := os.ReadFile(p)
			if strings.HasPrefix(rel, "assets/") {
				return nil
			}
			switch {
			case strings.HasSuffix(rel, ".html"):
				if strings.HasPrefix(rel, "products/") {
					seenProductPage = true
				}
				checkScripts(t, rel, data)
			case strings.HasSuffix(rel, ".json"):
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					t.Errorf("%s: %v", rel, err)
				}
			case strings.HasSuffix(rel, ".atom"), strings.HasSuffix(rel, ".xml"):
				var v struct{ XMLName xml.Name }
				if err := xml.Unmarshal(data, &v); err != nil {
					t.Errorf("%s: %v", rel, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !seenProductPage {
			t.Fatal("no product page was written")
		}
		// The names survive as text: in the product's JSON and its JSON-LD.
		v := c.View()
		id := v.Products[0].ID
		data, err := os.ReadFile(filepath.Join(out, "api/v1/products", id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var pj ProductJSON
		if err := json.Unmarshal(data, &pj); err != nil || pj.Name != evilProduct || pj.Holder != evilHolder {
			t.Errorf("product JSON does not round-trip the name: %+v %v", pj, err)
		}
		page, _ := os.ReadFile(filepath.Join(out, "products", id, "index.html"))
		ld := jsonLDOf(t, page)
		if ld["name"] != evilProduct {
			t.Errorf("JSON-LD name %q, want %q", ld["name"], evilProduct)
		}
		// Every _redirects rule is one line of four fields, whatever the names.
		redirects, _ := os.ReadFile(filepath.Join(out, "_redirects"))
		for _, line := range strings.Split(strings.TrimSpace(string(redirects)), "\n") {
			if f := strings.Fields(line); len(f) != 4 || f[3] != "301!" {
				t.Errorf("_redirects rule %q", line)
			}
		}
		if !strings.Contains(string(redirects), "/product product=%3Cscript%3Ealert") {
			t.Errorf("_redirects lacks the escaped product name:\n%s", redirects)
		}
		feed, _ := os.ReadFile(filepath.Join(out, "feeds/changes.atom"))
		var f atomFeed
		if err := xml.Unmarshal(feed, &f); err != nil || len(f.Entries) == 0 || !strings.Contains(f.Entries[0].Title, evilTitle) {
			t.Errorf("feed does not carry the title as text: %v", err)
		}
	}
}

var svgHandler = regexp.MustCompile(`(?i)\son[a-z]+\s*=|<script|javascript:`)

// checkScripts: the only scripts in a page are the hashed inline one,
// JSON-LD data and module scripts from /assets/.
func checkScripts(t *testing.T, name string, page []byte) {
	t.Helper()
	l := phtml.NewLexer(parse.NewInputBytes(page))
	inScript, attrs := false, map[string]string{}
	for {
		tt, data := l.Next()
		switch tt {
		case phtml.ErrorToken:
			return
		case phtml.StartTagToken:
			tag := strings.ToLower(string(data[1:]))
			inScript = tag == "script"
			attrs = map[string]string{}
			if tag == "img" || tag == "iframe" || tag == "object" || tag == "embed" {
				t.Errorf("%s: element %s, which mip never writes", name, tag)
			}
		case phtml.SVGToken:
			// The only SVG is the footer's licence logo.
			if !bytes.Contains(data, []byte(`class="govuk-footer__licence-logo"`)) || svgHandler.Match(data) {
				t.Errorf("%s: unexpected SVG %.80s", name, data)
			}
		case phtml.AttributeToken:
			key := strings.ToLower(string(l.AttrKey()))
			if strings.HasPrefix(key, "on") || key == "style" {
				t.Errorf("%s: attribute %s", name, key)
			}
			attrs[key] = strings.Trim(string(l.AttrVal()), `"'`)
			if key == "href" || key == "src" {
				if v := strings.ToLower(attrs[key]); strings.HasPrefix(v, "javascript:") {
					t.Errorf("%s: %s=%s", name, key, v)
				}
			}
		case phtml.StartTagCloseToken:
			if !inScript {
				continue
			}
			switch {
			case attrs["type"] == "application/ld+json":
			case attrs["type"] == "module" && strings.HasPrefix(attrs["src"], "/assets/") && attrs["integrity"] != "":
			case attrs["src"] == "" && attrs["type"] == "":
				tt, body := l.Next()
				if tt == phtml.TextToken && string(body) != inlineScript {
					t.Errorf("%s: inline script %q is not the hashed one", name, body)
				}
			default:
				t.Errorf("%s: unexpected script %v", name, attrs)
			}
		}
	}
}

func jsonLDOf(t *testing.T, page []byte) map[string]any {
	t.Helper()
	i := bytes.Index(page, []byte(`<script type="application/ld+json">`))
	if i < 0 {
		t.Fatal("no JSON-LD")
	}
	rest := page[i+len(`<script type="application/ld+json">`):]
	j := bytes.Index(rest, []byte("</script>"))
	var ld map[string]any
	if err := json.Unmarshal(rest[:j], &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	return ld
}

// TestCSPAllowsTheInlineScript: the hash in _headers is the hash of the
// inline script as published, minified or not.
func TestCSPAllowsTheInlineScript(t *testing.T) {
	for _, minify := range []bool{false, true} {
		files := writeSite(t, sampleCatalogue(t), sampleOptions(minify))
		headers := string(files["_headers"])
		if !strings.Contains(headers, scriptHash(inlineScript)) || strings.Contains(headers, "unsafe-inline") {
			t.Fatalf("_headers CSP: %s", headers)
		}
		for name, data := range files {
			if strings.HasSuffix(name, ".html") && !bytes.Contains(data, []byte("<script>"+inlineScript+"</script>")) {
				t.Errorf("%s: the inline script is not byte-for-byte the hashed one", name)
			}
		}
	}
}

// TestRefusesEscapingNames: the output refuses any name that is not a plain
// path below the output directory.
func TestRefusesEscapingNames(t *testing.T) {
	for _, name := range []string{"../x.html", "/etc/passwd", "a/../../b", "a//b", "./a", "a/<b>.html", `a\b`, ""} {
		if err := checkName(name); err == nil {
			t.Errorf("checkName(%q) accepted it", name)
		}
	}
	for _, name := range []string{"index.html", "products/paracetamol-pl123450010/index.html", "api/v1/products.ndjson"} {
		if err := checkName(name); err != nil {
			t.Errorf("checkName(%q): %v", name, err)
		}
	}
}
