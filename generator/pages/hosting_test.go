package pages

import (
	"testing"

	"mip/generator/edge"
)

// Every file of the site gets one Cache-Control: the search index's
// content-named files a long one, its manifest and page a short one.
func TestHeadersCacheOnce(t *testing.T) {
	h, err := edge.ParseHeaders([]byte(headersFile(nil)))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		"/search/idx/f/t-0123456789abcdef-7.bin": cacheImmutable,
		"/search/idx/f/c-0123456789abcdef-3.bin": cacheImmutable,
		"/search/idx/f/d-0123456789abcdef-0.bin": cacheImmutable,
		"/search/idx/manifest.bin":               cacheShort,
		"/search/":                               cacheShort,
		"/search/index.html":                     cacheShort,
		"/assets/site.0123456789abcdef.css":      cacheImmutable,
	} {
		got := h.For(p).Values("Cache-Control")
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s: Cache-Control %q, want %q", p, got, want)
		}
	}
}
