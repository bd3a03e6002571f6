package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"mip/generator/manifest"
)

// A fixture site: products link to their documents and the stylesheet; the
// roots (home page, sitemap, build record) link to products. Version 2 drops
// products 6–9 (and the document of product 9), adds 10–14 and changes the
// stylesheet, so its fingerprint changes.

const headersFixture = `/*
  X-Content-Type-Options: nosniff
  Content-Security-Policy: default-src 'self'
/assets/*
  Cache-Control: public, max-age=31536000, immutable
/docs/*
  Cache-Control: public, max-age=31536000, immutable
/api/*
  Cache-Control: public, max-age=300
`

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func docPath(body string) string { return "docs/" + sha(body) + ".pdf" }

func siteFiles(version int) map[string]string {
	css := "body{color:#0b0c0c}"
	if version == 2 {
		css = "body{color:#000;font-family:sans-serif}"
	}
	cssPath := "assets/site." + sha(css)[:12] + ".css"
	files := map[string]string{
		"_headers":   headersFixture,
		cssPath:      css,
		"404.html":   `<link rel="stylesheet" href="/` + cssPath + `"><h1>Page not found</h1>`,
		"robots.txt": "User-agent: *\nAllow: /\n",
	}
	var ids []int
	for i := range 15 {
		if version == 1 && i < 10 || version == 2 && (i < 6 || i >= 10) {
			ids = append(ids, i)
		}
	}
	var index, sitemap strings.Builder
	index.WriteString(`<link rel="stylesheet" href="/` + cssPath + `">`)
	sitemap.WriteString("<urlset>\n")
	for _, i := range ids {
		pdf := fmt.Sprintf("%%PDF-1.7 SPC of product %d", i)
		files[docPath(pdf)] = pdf
		files[fmt.Sprintf("products/p%d/index.html", i)] = fmt.Sprintf(`<link rel="stylesheet" href="/%s"><h1>Product %d</h1><a href="/%s">SPC</a>`, cssPath, i, docPath(pdf))
		files[fmt.Sprintf("api/v1/products/p%d.json", i)] = fmt.Sprintf(`{"id": "p%d", "documents": [{"url": "/%s"}]}`, i, docPath(pdf))
		fmt.Fprintf(&index, `<a href="/products/p%d/">Product %d</a>`, i, i)
		fmt.Fprintf(&sitemap, "<url><loc>/products/p%d/</loc></url>\n", i)
	}
	sitemap.WriteString("</urlset>\n")
	files["index.html"] = index.String()
	files["sitemap.xml"] = sitemap.String()
	files["api/v1/build.json"] = fmt.Sprintf(`{"generation": %d, "products": "/api/v1/products/p0.json"}`, version)
	return files
}

// writeSite writes files to a fresh directory with its manifest.
func writeSite(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := manifest.Write(dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// contents lists the site's objects in the bucket (not the ledger).
func contents(t *testing.T, b *blob.Bucket) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	it := b.List(nil)
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(obj.Key, "_mip/") {
			continue
		}
		data, err := b.ReadAll(ctx, obj.Key)
		if gcerrors.Code(err) == gcerrors.NotFound {
			// Deleted since the listing: a request a stopped publish had
			// sent can still land after it returned.
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out[obj.Key] = string(data)
	}
	return out
}

var refRE = regexp.MustCompile(`(?:href|src)="(/[^"]*)"|<loc>(/[^<]*)</loc>|"(?:url|products)": "(/[^"]*)"`)

// refs gives the objects a file points at.
func refs(body string) []string {
	var out []string
	for _, m := range refRE.FindAllStringSubmatch(body, -1) {
		u := m[1] + m[2] + m[3]
		if strings.HasSuffix(u, "/") {
			u += "index.html"
		}
		out = append(out, strings.TrimPrefix(u, "/"))
	}
	return out
}

// checkReachable fails the test if anything reachable from a root in the
// bucket is missing. It returns how many objects it followed.
func checkReachable(t *testing.T, objs map[string]string) int {
	t.Helper()
	var queue []string
	for k := range objs {
		if manifest.Classify(k) == manifest.Root {
			queue = append(queue, k)
		}
	}
	slices.Sort(queue)
	seen := map[string]bool{}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		if seen[k] {
			continue
		}
		seen[k] = true
		body, ok := objs[k]
		if !ok {
			t.Errorf("%s is referenced but missing from the bucket", k)
			continue
		}
		queue = append(queue, refs(body)...)
	}
	return len(seen)
}
