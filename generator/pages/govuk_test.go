package pages

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"
)

// normalize makes two renderings of the same markup comparable: attributes
// sorted and unescaped, text with its white space collapsed, empty text
// dropped.
func normalize(s string) string {
	l := phtml.NewLexer(parse.NewInputString(s))
	var out []string
	var attrs []string
	tag := ""
	flush := func(close string) {
		sort.Strings(attrs)
		out = append(out, "<"+tag+strings.Join(attrs, "")+close)
		attrs = nil
	}
	for {
		tt, data := l.Next()
		switch tt {
		case phtml.ErrorToken:
			return strings.Join(out, "\n")
		case phtml.StartTagToken:
			tag = strings.ToLower(string(data[1:]))
		case phtml.AttributeToken:
			v := string(l.AttrVal())
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
				v = v[1 : len(v)-1]
			}
			attrs = append(attrs, " "+strings.ToLower(string(l.AttrKey()))+"="+strings.Join(strings.Fields(html.UnescapeString(v)), " "))
		case phtml.StartTagCloseToken:
			flush(">")
		case phtml.StartTagVoidToken:
			flush("/>")
		case phtml.EndTagToken:
			out = append(out, strings.ToLower(string(data)))
		case phtml.TextToken:
			if t := strings.Join(strings.Fields(html.UnescapeString(string(data))), " "); t != "" {
				out = append(out, t)
			}
		case phtml.SVGToken, phtml.MathToken:
			// Inline SVG is one token: compare it with its white space
			// collapsed and none between tags.
			out = append(out, svgSpace.ReplaceAllString(strings.Join(strings.Fields(string(data)), " "), "$1"))
		}
	}
}

var svgSpace = regexp.MustCompile(`\s*(/?>|<)\s*`)

// supported lists, per component, the options mip's port implements; a
// fixture using any other option is not a test of the port.
var supported = map[string][]string{
	"skip-link":          {"href", "text", "html", "classes", "attributes"},
	"tag":                {"text", "html", "classes", "attributes"},
	"warning-text":       {"text", "html", "classes", "attributes", "iconFallbackText"},
	"breadcrumbs":        {"items", "href", "text", "html", "attributes", "classes", "collapseOnMobile", "labelText"},
	"details":            {"summaryText", "summaryHtml", "text", "html", "classes", "attributes", "id", "open"},
	"summary-list":       {"rows", "key", "value", "text", "html", "classes", "attributes"},
	"table":              {"caption", "captionClasses", "firstCellIsHeader", "head", "rows", "text", "html", "format", "classes", "colspan", "rowspan", "attributes"},
	"service-navigation": {"serviceName", "serviceUrl", "navigation", "href", "text", "html", "active", "current", "classes", "attributes"},
	"pagination":         {"previous", "next", "items", "href", "text", "html", "labelText", "number", "current", "ellipsis", "visuallyHiddenText", "landmarkLabel", "classes", "attributes"},
	"footer":             {"meta", "items", "href", "text", "html", "visuallyHiddenTitle", "contentLicence", "copyright", "classes", "attributes", "containerClasses"},
}

// minimum is how many fixtures of each component must be exercised, so that
// the test cannot pass by skipping them all.
var minimum = map[string]int{"skip-link": 8, "tag": 12, "warning-text": 7, "breadcrumbs": 10, "details": 9,
	"summary-list": 8, "table": 18, "service-navigation": 5, "footer": 15, "pagination": 14}

// usesOnly reports whether v, a fixture's options, names only allowed keys.
// Inside attributes any name is allowed.
func usesOnly(v any, allowed map[string]bool) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !allowed[k] {
				return false
			}
			if k != "attributes" && !usesOnly(x, allowed) {
				return false
			}
		}
	case []any:
		for _, x := range v {
			if !usesOnly(x, allowed) {
				return false
			}
		}
	}
	return true
}

// trusted turns the html options of a fixture into template.HTML, as
// mip's own callers pass them.
func trusted(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "html" || strings.HasSuffix(k, "Html")) {
				v[k] = template.HTML(s)
			} else if k != "attributes" {
				v[k] = trusted(x)
			}
		}
	case []any:
		for i, x := range v {
			v[i] = trusted(x)
		}
	}
	return v
}

// TestComponentsMatchFixtures renders each ported GOV.UK Frontend component
// with the options of the package's own fixtures and compares the markup.
func TestComponentsMatchFixtures(t *testing.T) {
	set, err := loadAssets(newMinifier(false))
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRenderer(set)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := r.pages["home"]
	for component, keys := range supported {
		allowed := map[string]bool{}
		for _, k := range keys {
			allowed[k] = true
		}
		data, err := os.ReadFile("testdata/govuk-fixtures/" + component + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			Fixtures []struct {
				Name    string         `json:"name"`
				Options map[string]any `json:"options"`
				HTML    string         `json:"html"`
			} `json:"fixtures"`
		}
		if err := json.Unmarshal(data, &file); err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, f := range file.Fixtures {
			if !usesOnly(f.Options, allowed) {
				continue
			}
			if component == "service-navigation" && f.Options["serviceName"] == nil {
				continue // mip always names the service
			}
			ran++
			var buf bytes.Buffer
			if err := tmpl.ExecuteTemplate(&buf, "govuk/"+component, trusted(f.Options)); err != nil {
				t.Errorf("%s %q: %v", component, f.Name, err)
				continue
			}
			if got, want := normalize(buf.String()), normalize(f.HTML); got != want {
				t.Errorf("%s %q:\n got: %s\nwant: %s", component, f.Name, got, want)
			}
		}
		if ran < minimum[component] {
			t.Errorf("%s: only %d fixtures use the supported options, want at least %d", component, ran, minimum[component])
		}
		t.Log(fmt.Sprintf("%s: %d fixtures", component, ran))
	}
}
