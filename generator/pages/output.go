package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	stdjson "encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
)

// mediaTypes are the published types by file extension; the _headers file
// and the minifier use them.
var mediaTypes = map[string]string{
	".html":   "text/html",
	".css":    "text/css",
	".js":     "text/javascript",
	".json":   "application/json",
	".ndjson": "application/x-ndjson",
	".svg":    "image/svg+xml",
	".atom":   "application/atom+xml",
	".xml":    "application/xml",
	".txt":    "text/plain",
	".woff":   "font/woff",
	".woff2":  "font/woff2",
	".pdf":    "application/pdf",
}

// minifier minifies by media type, or passes bytes through when it is off.
type minifier struct{ m *minify.M }

func newMinifier(on bool) *minifier {
	if !on {
		return &minifier{}
	}
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true, KeepSpecialComments: false})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("text/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	// Only whole JSON files: JSON-LD inside a page keeps encoding/json's
	// escaping of <, > and &, so no name can close its script element.
	// Numbers are kept as written (25e4 would break integer readers).
	m.Add("application/json", &json.Minifier{KeepNumbers: true})
	return &minifier{m: m}
}

func (mi *minifier) bytes(mediaType string, data []byte) ([]byte, error) {
	if mi.m == nil {
		return data, nil
	}
	switch mediaType {
	case "text/html", "text/css", "text/javascript", "image/svg+xml", "application/json":
		var buf bytes.Buffer
		if err := mi.m.Minify(mediaType, &buf, bytes.NewReader(data)); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return data, nil
}

// output writes the site's files through a Writer, minifying by type, and
// refuses any name that is not a plain relative path.
type output struct {
	w   Writer
	min *minifier
	// kw and siteKey are set when pages may be carried over from the
	// previous output (Options.Key).
	kw      KeyedWriter
	siteKey string
}

// pageKey is the key of a page rendered with template tmpl: a hash of the
// site key, the template's name and the page's data as JSON. It is "" (the
// page is always rendered) when reuse is off or the data has no JSON form.
func (o *output) pageKey(tmpl string, p *page) string {
	if o.kw == nil {
		return ""
	}
	h := sha256.New()
	io.WriteString(h, o.siteKey)
	io.WriteString(h, tmpl+"\x00")
	if err := stdjson.NewEncoder(h).Encode(p); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keyed writes a page, minified, with its key ("" for none).
func (o *output) keyed(name, key string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	data, err := o.min.bytes(mediaTypes[path.Ext(name)], data)
	if err != nil {
		return fmt.Errorf("minify %s: %w", name, err)
	}
	if key == "" || o.kw == nil {
		return o.w.WriteFile(name, data)
	}
	return o.kw.WriteKeyed(name, key, data)
}

// checkName refuses names that are absolute, hold "." or ".." segments or
// empty segments, or characters outside a conservative set.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || path.Clean(name) != name || strings.Contains(name, "\\") {
		return fmt.Errorf("refusing to write %q: not a clean relative path", name)
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "." || seg == ".." || seg == "" {
			return fmt.Errorf("refusing to write %q", name)
		}
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r)) {
			return fmt.Errorf("refusing to write %q: character %q", name, r)
		}
	}
	return nil
}

// file writes data as name, minified according to its extension.
func (o *output) file(name string, data []byte) error {
	return o.keyed(name, "", data)
}

// raw writes data as name unchanged.
func (o *output) raw(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	return o.w.WriteFile(name, data)
}
