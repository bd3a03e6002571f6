// Package edge reads what a static host's edge does with a built site: the
// response headers of _headers, the redirects of _redirects (both in the
// Netlify and Cloudflare Pages syntax) and the Content-Type of each file.
// The preview server applies them to every response; the publisher turns
// them into object metadata.
package edge

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Rules are a site's _headers and _redirects.
type Rules struct {
	Headers   *Headers
	Redirects *Redirects
}

// Load reads dir/_headers and dir/_redirects; a missing file is no rules.
func Load(dir string) (*Rules, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return LoadFS(root.FS())
}

// LoadFS is Load on a file system.
func LoadFS(fsys fs.FS) (*Rules, error) {
	r := &Rules{Headers: &Headers{}, Redirects: &Redirects{}}
	if data, err := fs.ReadFile(fsys, "_headers"); err == nil {
		if r.Headers, err = ParseHeaders(data); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read _headers: %w", err)
	}
	if data, err := fs.ReadFile(fsys, "_redirects"); err == nil {
		if r.Redirects, err = ParseRedirects(data); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read _redirects: %w", err)
	}
	return r, nil
}

// IsConfig reports whether the file at p (relative to the site root) is
// configuration for the host rather than part of the site: a host does not
// serve _headers, _redirects or the output manifest.
func IsConfig(p string) bool {
	return p == "_headers" || p == "_redirects" || p == "_manifest.json"
}

// pattern is a compiled path pattern: literal segments, :placeholders that
// match one segment, and * that matches the rest (slashes included).
type pattern struct {
	src   string
	parts []string // each a literal, ":name" or "*"
}

func compile(src string) (pattern, error) {
	if !strings.HasPrefix(src, "/") {
		return pattern{}, fmt.Errorf("pattern %q does not start with /", src)
	}
	p := pattern{src: src}
	rest := src
	for rest != "" {
		switch {
		case rest[0] == '*':
			p.parts = append(p.parts, "*")
			rest = rest[1:]
		case rest[0] == ':' && len(rest) > 1 && isNameByte(rest[1]):
			i := 1
			for i < len(rest) && isNameByte(rest[i]) {
				i++
			}
			p.parts = append(p.parts, rest[:i])
			rest = rest[i:]
		default:
			i := strings.IndexAny(rest[1:], "*:")
			if i < 0 {
				i = len(rest) - 1
			}
			p.parts = append(p.parts, "="+rest[:i+1])
			rest = rest[i+1:]
		}
	}
	return p, nil
}

func isNameByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// match matches a URL path, returning the captures (":name" and ":splat").
func (p pattern) match(s string) (map[string]string, bool) {
	caps := map[string]string{}
	if matchParts(p.parts, s, caps) {
		return caps, true
	}
	return nil, false
}

func matchParts(parts []string, s string, caps map[string]string) bool {
	if len(parts) == 0 {
		return s == ""
	}
	switch part := parts[0]; {
	case part[0] == '=':
		lit := part[1:]
		return strings.HasPrefix(s, lit) && matchParts(parts[1:], s[len(lit):], caps)
	case part == "*":
		for i := len(s); i >= 0; i-- {
			if matchParts(parts[1:], s[i:], caps) {
				caps[":splat"] = s[:i]
				return true
			}
		}
		return false
	default:
		end := strings.IndexByte(s, '/')
		if end < 0 {
			end = len(s)
		}
		for i := end; i >= 1; i-- {
			if matchParts(parts[1:], s[i:], caps) {
				caps[part] = s[:i]
				return true
			}
		}
		return false
	}
}

// ContentType is the Content-Type a host sends for the file name.
func ContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	return "application/octet-stream"
}

var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".ndjson":      "application/x-ndjson",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".xml":         "application/xml",
	".rss":         "application/rss+xml",
	".atom":        "application/atom+xml",
	".txt":         "text/plain; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".pdf":         "application/pdf",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".wasm":        "application/wasm",
	".gz":          "application/gzip",
	".bin":         "application/octet-stream",
}

// Compressible reports whether a response of this Content-Type gains from
// gzip or brotli (text, JSON, XML, JavaScript, SVG, WebAssembly).
func Compressible(contentType string) bool {
	t, _, _ := strings.Cut(contentType, ";")
	t = strings.TrimSpace(t)
	switch {
	case strings.HasPrefix(t, "text/"),
		strings.HasSuffix(t, "+json"), strings.HasSuffix(t, "+xml"),
		t == "application/json", t == "application/x-ndjson", t == "application/xml",
		t == "image/svg+xml", t == "application/wasm", t == "image/x-icon":
		return true
	}
	return false
}
