package preview

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

const home = `<!DOCTYPE html><html lang="en"><link rel="stylesheet" href="/assets/site.0123abcd.css"><body><h1>Medicines</h1>` +
	`<p>Every licensed medicine's SPC, PIL and PAR, as a static site.</p><p>Every licensed medicine's SPC, PIL and PAR.</p></body></html>`

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fixture(t *testing.T) (site, outside string) {
	t.Helper()
	tmp := t.TempDir()
	site, outside = filepath.Join(tmp, "site"), filepath.Join(tmp, "secret.txt")
	writeFiles(t, site, map[string]string{
		"index.html":               home,
		"404.html":                 "<h1>Page not found</h1>",
		"products/a/index.html":    "<h1>Product A</h1>",
		"docs/leaflet.pdf":         "%PDF-1.7 0123456789abcdefghij",
		"assets/site.0123abcd.css": "body{color:#0b0c0c}",
		"empty/readme.txt":         "no index here",
		"search.html":              "<h1>Search</h1>",
		"old-home.html":            "<h1>shadowing file</h1>",
		"_manifest.json":           "{}",
		"_headers": `/*
  Content-Security-Policy: default-src 'self'
  X-Frame-Options: DENY
/assets/*
  Cache-Control: public, max-age=31536000, immutable
`,
		"_redirects": `/spc/:id /products/:id/ 301
/find /search.html 200
/old-home.html / 301
/forced.html /products/a/ 302!
/withdrawn/* /404.html 404
`,
	})
	writeFiles(t, filepath.Dir(outside), map[string]string{"secret.txt": "outside the site"})
	if err := os.Symlink(outside, filepath.Join(site, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, site, map[string]string{"forced.html": "a file under a forced rule"})
	return site, outside
}

func get(t *testing.T, h http.Handler, method, target string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	data, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestServe(t *testing.T) {
	site, _ := fixture(t)
	h := Handler(site)

	r := get(t, h, "GET", "/")
	if r.StatusCode != 200 || body(t, r) != home {
		t.Fatalf("GET / = %d", r.StatusCode)
	}
	for k, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Content-Security-Policy": "default-src 'self'",
		"X-Frame-Options":         "DENY",
		"Vary":                    "Accept-Encoding",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("GET / %s = %q, want %q", k, got, want)
		}
	}
	etag := r.Header.Get("ETag")
	if len(etag) < 10 || etag[0] != '"' {
		t.Errorf("ETag %q", etag)
	}
	if r := get(t, h, "GET", "/", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: %d, want 304", r.StatusCode)
	}
	if r := get(t, h, "HEAD", "/"); r.StatusCode != 200 || body(t, r) != "" || r.Header.Get("ETag") != etag {
		t.Errorf("HEAD /: %d", r.StatusCode)
	}
	if r := get(t, h, "POST", "/"); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d", r.StatusCode)
	}
	if got := get(t, h, "GET", "/assets/site.0123abcd.css").Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("asset Cache-Control %q", got)
	}
}

func TestCompression(t *testing.T) {
	site, _ := fixture(t)
	h := Handler(site)
	etags := map[string]bool{}
	for _, c := range []struct{ accept, enc string }{
		{"gzip, deflate, br", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip;q=0.5", "gzip"},
		{"br;q=0.2, gzip;q=0.8", "gzip"},
		{"*", "br"},
		{"identity", ""},
		{"", ""},
	} {
		r := get(t, h, "GET", "/", "Accept-Encoding", c.accept)
		if got := r.Header.Get("Content-Encoding"); got != c.enc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.enc)
			continue
		}
		if r.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: no Vary", c.accept)
		}
		var rd io.Reader = r.Body
		switch c.enc {
		case "gzip":
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			rd = zr
		case "br":
			rd = brotli.NewReader(r.Body)
		}
		data, err := io.ReadAll(rd)
		if err != nil || string(data) != home {
			t.Errorf("Accept-Encoding %q: body %q, %v", c.accept, data, err)
		}
		etags[c.enc+" "+r.Header.Get("ETag")] = true
	}
	if len(etags) != 3 {
		t.Errorf("want one ETag per encoding, got %v", etags)
	}
	// A PDF is not compressed and has no Vary; ranges work.
	r := get(t, h, "GET", "/docs/leaflet.pdf", "Accept-Encoding", "br, gzip", "Range", "bytes=9-18")
	if r.StatusCode != http.StatusPartialContent || body(t, r) != "0123456789" || r.Header.Get("Content-Range") != "bytes 9-18/29" {
		t.Errorf("range of a PDF: %d %q", r.StatusCode, r.Header.Get("Content-Range"))
	}
	if r.Header.Get("Content-Encoding") != "" || r.Header.Get("Vary") != "" || r.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("PDF headers: %v", r.Header)
	}
	if r := get(t, h, "GET", "/docs/leaflet.pdf", "Range", "bytes=100-"); r.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("a range past the end: %d", r.StatusCode)
	}
}

func TestNotFoundAndEscapes(t *testing.T) {
	site, _ := fixture(t)
	h := Handler(site)
	for _, p := range []string{"/missing", "/empty/", "/empty", "/_headers", "/_redirects", "/_manifest.json", "/leak.txt",
		"/../secret.txt", "/products/../../secret.txt", "/%2e%2e/secret.txt", "//etc/passwd", "/products/a/index.html/"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = p
		if strings.Contains(p, "%") {
			req = httptest.NewRequest("GET", p, nil)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Body.String()
		if rec.Code != http.StatusNotFound || got != "<h1>Page not found</h1>" {
			t.Errorf("GET %s = %d %q, want the 404 page", p, rec.Code, got)
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: the 404 page lacks the _headers headers", p)
		}
	}
	r := get(t, h, "GET", "/products/a?x=1")
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/products/a/?x=1" {
		t.Errorf("a directory without its slash: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestRedirects(t *testing.T) {
	site, _ := fixture(t)
	h := Handler(site)
	for _, c := range []struct {
		path, loc string
		status    int
		body      string
	}{
		{"/spc/a", "/products/a/", 301, ""},
		{"/find", "", 200, "<h1>Search</h1>"},
		{"/old-home.html", "", 200, "<h1>shadowing file</h1>"}, // a file wins over an unforced rule
		{"/forced.html", "/products/a/", 302, ""},
		{"/withdrawn/x", "", 404, "<h1>Page not found</h1>"},
	} {
		r := get(t, h, "GET", c.path)
		if r.StatusCode != c.status || r.Header.Get("Location") != c.loc || c.body != "" && body(t, r) != c.body {
			t.Errorf("GET %s = %d %q, want %d %q %q", c.path, r.StatusCode, r.Header.Get("Location"), c.status, c.loc, c.body)
		}
	}
}

// TestSwap: a rebuild swaps the site directory; the next request sees it.
func TestSwap(t *testing.T) {
	site, _ := fixture(t)
	h := Handler(site)
	before := get(t, h, "GET", "/").Header.Get("ETag")
	next := site + ".new"
	writeFiles(t, next, map[string]string{"index.html": "<h1>Tonight's build</h1>"})
	if err := os.Rename(site, site+".old"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, site); err != nil {
		t.Fatal(err)
	}
	r := get(t, h, "GET", "/")
	if body(t, r) != "<h1>Tonight's build</h1>" || r.Header.Get("ETag") == before {
		t.Errorf("after the swap: %q", r.Header.Get("ETag"))
	}
}

func TestLiveReload(t *testing.T) {
	site, _ := fixture(t)
	rl := NewReloader()
	srv := httptest.NewServer(New(site, Options{Reload: rl}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	if !strings.Contains(page, `<script src="/_mip/livereload.js" defer></script></body>`) {
		t.Errorf("the page has no reload script before </body>: %s", page)
	}
	resp, err = http.Get(srv.URL + "/_mip/livereload.js")
	if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body(t, resp), "EventSource") {
		t.Fatalf("the reload script: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/_mip/livereload/events", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events Content-Type %q", resp.Header.Get("Content-Type"))
	}
	for rl.Listeners() == 0 {
		time.Sleep(time.Millisecond)
	}
	rl.Reload()
	sc := bufio.NewScanner(resp.Body)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if sc.Text() == "event: reload" {
			break
		}
	}
	if !bytes.Contains([]byte(strings.Join(lines, "\n")), []byte("event: reload")) {
		t.Errorf("no reload event: %q (%v)", lines, sc.Err())
	}
}
