package edge

import (
	"net/url"
	"testing"
)

// The site's legacy addresses are query strings on / and /product; the
// rules match them as Netlify does.
func TestRedirectQueryConditions(t *testing.T) {
	rs, err := ParseRedirects([]byte(`/ letter=c /a-z/c/ 301!
/ substance=CODEINE+PHOSPHATE /substances/codeine-phosphate/ 301!
/product product=CO-CODAMOL+30%2F500+TABLETS /products/co-codamol/ 301!
/ search=:q /search/?q=:q 301!
/old /new 301
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, query, to string }{
		{"/", "letter=c", "/a-z/c/"},
		{"/", "substance=CODEINE%20PHOSPHATE", "/substances/codeine-phosphate/"},
		{"/", "substance=CODEINE+PHOSPHATE", "/substances/codeine-phosphate/"},
		{"/product", "product=CO-CODAMOL%2030%2F500%20TABLETS", "/products/co-codamol/"},
		{"/", "search=ibuprofen", "/search/?q=ibuprofen"},
		{"/", "letter=z", ""},
		{"/", "", ""},
		{"/old", "x=1", "/new"},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		_, to, ok := rs.MatchQuery(tt.path, q)
		if (tt.to == "") == ok || to != tt.to {
			t.Errorf("%s?%s → %q (%v), want %q", tt.path, tt.query, to, ok, tt.to)
		}
	}
	if _, err := ParseRedirects([]byte("/ =x /y 301\n")); err == nil {
		t.Error("a query condition without a key was accepted")
	}
}
