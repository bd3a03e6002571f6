package pages

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"mip/generator/catalogue"
)

// scriptHash is the CSP source for the inline script.
func scriptHash(src string) string {
	sum := sha256.Sum256([]byte(src))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// CSP is the Content-Security-Policy every page is served with: nothing
// inline but the one hashed script, nothing from other origins.
func CSP() string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self' " + scriptHash(inlineScript),
		"style-src 'self'",
		"img-src 'self'",
		"font-src 'self'",
		"connect-src 'self'",
		"manifest-src 'self'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"upgrade-insecure-requests",
	}, "; ")
}

const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "public, max-age=300, must-revalidate"
)

// headersFile is _headers in the format Netlify and Cloudflare Pages read:
// security headers for every path, then cache rules for paths that do not
// overlap, so that no response gets two Cache-Control values.
func headersFile(contentSlugs []string) string {
	var b strings.Builder
	block := func(pattern string, headers ...string) {
		b.WriteString(pattern + "\n")
		for _, h := range headers {
			b.WriteString("  " + h + "\n")
		}
	}
	block("/*",
		"Content-Security-Policy: "+CSP(),
		"Strict-Transport-Security: max-age=63072000; includeSubDomains",
		"X-Content-Type-Options: nosniff",
		"Referrer-Policy: strict-origin-when-cross-origin",
		"Permissions-Policy: accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()",
		"Cross-Origin-Opener-Policy: same-origin",
	)
	// The search index's files other than its manifest are named by their
	// content and kept apart in f/ (searchidx/FORMAT.md), so that a rule
	// for them does not match the manifest.
	for _, p := range []string{"/assets/*", "/docs/*", "/search/idx/f/*"} {
		block(p, "Cache-Control: "+cacheImmutable)
	}
	block("/api/*",
		"Cache-Control: "+cacheShort,
		"Access-Control-Allow-Origin: *",
		"Access-Control-Allow-Methods: GET, HEAD, OPTIONS",
	)
	block("/api/v1/products.ndjson", "Content-Type: application/x-ndjson; charset=utf-8")
	short := []string{"/", "/index.html", "/404.html", "/a-z/*", "/substances/*", "/products/*", "/documents/*",
		"/search/", "/search/index.html", "/search/idx/manifest.bin", "/product/*", "/feeds/*", "/sitemap.xml", "/sitemaps/*", "/robots.txt", "/licences/*"}
	for _, s := range contentSlugs {
		short = append(short, "/"+s+"/*")
	}
	for _, p := range short {
		block(p, "Cache-Control: "+cacheShort)
	}
	block("/feeds/*", "Content-Type: application/atom+xml; charset=utf-8")
	return b.String()
}

// redirectsFile is _redirects in Netlify's format, whose query-parameter
// rules carry the old portal's addresses to the new pages. "301!" applies
// a rule even though a page exists at "/".
func redirectsFile(v *catalogue.View) string {
	var b strings.Builder
	line := func(from, query, to string) {
		fmt.Fprintf(&b, "%s %s %s 301!\n", from, query, to)
	}
	for _, l := range catalogue.Letters {
		to := letterURL(l)
		if len(v.ByLetter[l]) == 0 {
			to = "/a-z/"
		}
		line("/", "letter="+l, to)
		if lower := strings.ToLower(l); lower != l {
			line("/", "letter="+lower, to)
		}
	}
	for _, s := range v.Substances {
		line("/", "substance="+url.QueryEscape(s.Name), "/substances/"+s.ID+"/")
	}
	for _, p := range v.Products {
		for _, from := range []string{"/product", "/product/"} {
			line(from, "product="+url.QueryEscape(p.Name), "/products/"+p.ID+"/")
		}
	}
	line("/", "search=:q", "/search/?q=:q")
	return b.String()
}

// writeHosting writes _headers and _redirects.
func writeHosting(out *output, v *catalogue.View) error {
	pages, err := loadContent()
	if err != nil {
		return err
	}
	var slugs []string
	for _, p := range pages {
		slugs = append(slugs, p.Slug)
	}
	if err := out.raw("_headers", []byte(headersFile(slugs))); err != nil {
		return err
	}
	return out.raw("_redirects", []byte(redirectsFile(v)))
}
