package edge

import (
	"strings"
	"testing"
	"testing/fstest"
)

const headersFile = `# every page
/*
  X-Content-Type-Options: nosniff
  Content-Security-Policy: default-src 'self'
  X-Robots-Tag: noindex

/assets/*
  Cache-Control: public, max-age=31536000, immutable
  ! X-Robots-Tag

/products/:id/
  Link: </api/v1/products/:id.json>; rel="alternate"

/*
  X-Frame-Options: DENY
/assets/*
  X-Frame-Options: SAMEORIGIN
`

func TestHeaders(t *testing.T) {
	h, err := ParseHeaders([]byte(headersFile))
	if err != nil {
		t.Fatal(err)
	}
	page := h.For("/products/a/")
	for name, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'self'",
		"Link":                    `</api/v1/products/a.json>; rel="alternate"`,
		"X-Robots-Tag":            "noindex",
		"Cache-Control":           "",
	} {
		if got := page.Get(name); got != want {
			t.Errorf("/products/a/ %s = %q, want %q", name, got, want)
		}
	}
	asset := h.ForFile("assets/site.0123abcd.css")
	if got := asset.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("asset Cache-Control = %q", got)
	}
	if got := asset.Get("X-Robots-Tag"); got != "" {
		t.Errorf("asset X-Robots-Tag = %q, want it detached", got)
	}
	if got := asset.Get("X-Frame-Options"); got != "DENY, SAMEORIGIN" {
		t.Errorf("a header set by two rules = %q, want both values joined", got)
	}
	// An index.html file gets the rules of its directory URL too.
	if got := h.ForFile("products/b/index.html").Get("Link"); !strings.Contains(got, "/api/v1/products/b.json") {
		t.Errorf("products/b/index.html Link = %q", got)
	}
	if got := h.For("/products/a/b/").Get("Link"); got != "" {
		t.Errorf("a placeholder matched two segments: %q", got)
	}

	for _, bad := range []string{"  X-A: b\n", "/a\n  no colon\n", "assets/*\n  A: b\n", "/a b\n", "/a\n  Bad Name: x\n"} {
		if _, err := ParseHeaders([]byte(bad)); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("ParseHeaders(%q) = %v, want an error naming the line", bad, err)
		}
	}
}

func TestRedirects(t *testing.T) {
	rs, err := ParseRedirects([]byte(`
# old Stellent links
/spc/:id        /products/:id/    301
/documents/*    /docs/:splat      308!
/search         /search.html      200
/old            https://example.org/x
/gone/*         /404.html         404
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, to string
		status   int
		force    bool
	}{
		{"/spc/pl1234", "/products/pl1234/", 301, false},
		{"/documents/ab/cd.pdf", "/docs/ab/cd.pdf", 308, true},
		{"/search", "/search.html", 200, false},
		{"/old", "https://example.org/x", 302, false},
		{"/gone/x", "/404.html", 404, false},
	} {
		r, to, ok := rs.Match(c.path)
		if !ok || to != c.to || r.Status != c.status || r.Force != c.force {
			t.Errorf("Match(%q) = %+v %q %v, want %q %d force=%v", c.path, r, to, ok, c.to, c.status, c.force)
		}
	}
	if _, _, ok := rs.Match("/spc/a/b"); ok {
		t.Error("/spc/a/b matched a one-segment placeholder")
	}
	for _, bad := range []string{"/a\n", "/a /b 299\n", "/a /b x\n", "/a http://x/ 200\n", "a /b\n"} {
		if _, err := ParseRedirects([]byte(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ParseRedirects(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}

func TestLoadAndTypes(t *testing.T) {
	r, err := LoadFS(fstest.MapFS{"_headers": {Data: []byte("/*\n  A: b\n")}})
	if err != nil || r.Headers.For("/x").Get("A") != "b" {
		t.Fatalf("LoadFS = %+v, %v", r, err)
	}
	if _, _, ok := r.Redirects.Match("/x"); ok {
		t.Error("no _redirects file matched a path")
	}
	if _, err := LoadFS(fstest.MapFS{"_redirects": {Data: []byte("/a\n")}}); err == nil {
		t.Error("a bad _redirects file loaded")
	}
	for name, want := range map[string]string{
		"a/index.html": "text/html; charset=utf-8", "docs/x.pdf": "application/pdf",
		"api/v1/products.ndjson": "application/x-ndjson", "x.unknown": "application/octet-stream",
	} {
		if got := ContentType(name); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
	if !Compressible("text/html; charset=utf-8") || !Compressible("application/x-ndjson") || Compressible("application/pdf") || Compressible("image/png") {
		t.Error("Compressible is wrong")
	}
}
