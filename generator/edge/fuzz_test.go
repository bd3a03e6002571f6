package edge

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRules feeds arbitrary _headers and _redirects files and request
// paths to the parsers and matchers a CDN preview and the publisher rely
// on: they must never panic, and a rule that matches must give a target.
func FuzzRules(f *testing.F) {
	f.Add([]byte("/*\n  X-Frame-Options: DENY\n/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n  ! X-Frame-Options\n"),
		[]byte("/ letter=c /a-z/c/ 301!\n/old/:id/* /new/:id/:splat 302\n/ search=:q /search/?q=:q 301!\n"),
		"/old/7/a/b", "search=ibu+profen")
	f.Add([]byte("/:a/:b\n  Link: </:a>; rel=preload\n"), []byte("/x /y\n/* /404.html 404\n"), "/x", "")
	f.Fuzz(func(t *testing.T, headers, redirects []byte, p, rawQuery string) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		if h, err := ParseHeaders(headers); err == nil {
			h.For(p)
			h.ForFile(strings.TrimPrefix(p, "/"))
		}
		rs, err := ParseRedirects(redirects)
		if err != nil {
			return
		}
		q, _ := url.ParseQuery(rawQuery)
		if r, to, ok := rs.MatchQuery(p, q); ok && (to == "" || r.Line == 0) {
			t.Fatalf("rule %+v matched %q with target %q", r, p, to)
		}
	})
}
