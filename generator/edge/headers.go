package edge

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
)

// Headers are the rules of a _headers file: a path pattern on its own line,
// then indented "Name: value" lines (or "! Name" to drop a header an
// earlier rule set). Every rule whose pattern matches a path applies, in
// file order; a header set by several rules gets their values joined with
// ", ", as Netlify and Cloudflare Pages do.
type Headers struct {
	rules []headerRule
}

type headerRule struct {
	pat    pattern
	set    []headerField
	detach []string
}

type headerField struct{ name, value string }

// ParseHeaders parses a _headers file.
func ParseHeaders(data []byte) (*Headers, error) {
	h := &Headers{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		indented := raw[0] == ' ' || raw[0] == '\t'
		if !indented {
			if strings.Contains(line, " ") {
				return nil, fmt.Errorf("_headers line %d: a path pattern cannot contain a space: %q", n, line)
			}
			pat, err := compile(line)
			if err != nil {
				return nil, fmt.Errorf("_headers line %d: %w", n, err)
			}
			h.rules = append(h.rules, headerRule{pat: pat})
			continue
		}
		if len(h.rules) == 0 {
			return nil, fmt.Errorf("_headers line %d: a header before any path pattern", n)
		}
		r := &h.rules[len(h.rules)-1]
		if name, ok := strings.CutPrefix(line, "!"); ok {
			name = strings.TrimSpace(name)
			if !validName(name) {
				return nil, fmt.Errorf("_headers line %d: bad header name %q", n, name)
			}
			r.detach = append(r.detach, textproto.CanonicalMIMEHeaderKey(name))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !validName(name) {
			return nil, fmt.Errorf("_headers line %d: want \"Name: value\", got %q", n, line)
		}
		r.set = append(r.set, headerField{textproto.CanonicalMIMEHeaderKey(name), value})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("_headers: %w", err)
	}
	return h, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || isNameByte(c)) {
			return false
		}
	}
	return true
}

// For returns the headers for a request of the URL path p. A placeholder
// or :splat captured by the pattern may be used in a value.
func (h *Headers) For(p string) http.Header {
	out := http.Header{}
	if h == nil {
		return out
	}
	for _, r := range h.rules {
		caps, ok := r.pat.match(p)
		if !ok {
			continue
		}
		for _, name := range r.detach {
			out.Del(name)
		}
		for _, f := range r.set {
			v := substitute(f.value, caps)
			if old := out.Get(f.name); old != "" {
				v = old + ", " + v
			}
			out.Set(f.name, v)
		}
	}
	return out
}

// ForFile returns the headers for the file at p (relative to the site
// root). An index.html file is also reached at its directory's URL, and
// rules for either apply.
func (h *Headers) ForFile(p string) http.Header {
	out := h.For("/" + p)
	if p == "index.html" || strings.HasSuffix(p, "/index.html") {
		dir := "/" + strings.TrimSuffix(p, "index.html")
		for name, vs := range h.For(dir) {
			if _, ok := out[name]; !ok {
				out[name] = vs
			}
		}
	}
	return out
}

// substitute replaces :name and :splat in s by their captures, longest
// name first.
func substitute(s string, caps map[string]string) string {
	if !strings.Contains(s, ":") || len(caps) == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == ':' {
			j := i + 1
			for j < len(s) && isNameByte(s[j]) {
				j++
			}
			if v, ok := caps[s[i:j]]; ok && j > i+1 {
				b.WriteString(v)
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
