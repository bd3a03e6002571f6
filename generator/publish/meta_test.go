package publish

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"

	"mip/generator/manifest"
)

// TestMetadata checks the object metadata comes from the same rules as
// _headers, on a memory bucket and a directory bucket, and that a change to
// _headers alone re-uploads what it affects.
func TestMetadata(t *testing.T) {
	files := siteFiles(1)
	files["api/v1/products.ndjson.gz"] = "\x1f\x8b pretend"
	files["_headers"] += "/api/v1/*.ndjson.gz\n  Content-Type: application/x-ndjson\n  Content-Encoding: gzip\n"
	pdf := docPath("%PDF-1.7 SPC of product 0")
	cssPath := ""
	for p := range files {
		if strings.HasPrefix(p, "assets/") {
			cssPath = p
		}
	}
	fb, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]*blob.Bucket{"memblob": memblob.OpenBucket(nil), "fileblob": fb} {
		t.Run(name, func(t *testing.T) {
			defer b.Close()
			dir := writeSite(t, files)
			if _, err := publish(t, b, dir, t0, nil); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			for p, want := range map[string][3]string{
				pdf:                       {"application/pdf", "public, max-age=31536000, immutable"},
				cssPath:                   {"text/css; charset=utf-8", "public, max-age=31536000, immutable"},
				"products/p1/index.html":  {"text/html; charset=utf-8", ""},
				"api/v1/products/p1.json": {"application/json", "public, max-age=300"},
				"sitemap.xml":             {"application/xml", ""},
			} {
				a, err := b.Attributes(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				if a.ContentType != want[0] || a.CacheControl != want[1] || a.ContentEncoding != want[2] {
					t.Errorf("%s: Content-Type %q, Cache-Control %q, Content-Encoding %q; want %q", p, a.ContentType, a.CacheControl, a.ContentEncoding, want)
				}
				m, _ := manifestEntry(t, dir, p)
				if a.Metadata["md5"] != m.MD5 || a.Metadata["sha256"] != m.SHA256 {
					t.Errorf("%s: metadata %v, want the manifest's hashes", p, a.Metadata)
				}
			}

			// Pages get a Cache-Control; only they are sent again.
			os.WriteFile(filepath.Join(dir, "_headers"), []byte(files["_headers"]+"/products/*\n  Cache-Control: public, max-age=60\n"), 0o644)
			if err := manifest.Write(dir, nil); err != nil {
				t.Fatal(err)
			}
			sum, err := publish(t, b, dir, t0.Add(time.Hour), func(o *Options) { o.DryRun = true })
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range sum.Plan.Uploads {
				if !strings.HasPrefix(a.Path, "products/") && a.Path != "_headers" || a.Path != "_headers" && a.Reason != "metadata changed" {
					t.Errorf("after a _headers change: upload %s (%s)", a.Path, a.Reason)
				}
			}
			if len(sum.Plan.Uploads) != 11 {
				t.Errorf("after a _headers change: %d uploads, want the 10 product pages and _headers", len(sum.Plan.Uploads))
			}
			if _, err := publish(t, b, dir, t0.Add(time.Hour), nil); err != nil {
				t.Fatal(err)
			}
			if a, err := b.Attributes(ctx, "products/p1/index.html"); err != nil || a.CacheControl != "public, max-age=60" {
				t.Errorf("products/p1/index.html after the _headers change: %+v, %v", a, err)
			}
		})
	}
}

// TestChangedAfterManifest: a file whose bytes no longer match the manifest
// is not uploaded, and the error names it.
func TestChangedAfterManifest(t *testing.T) {
	b := memblob.OpenBucket(nil)
	defer b.Close()
	dir := writeSite(t, siteFiles(1))
	os.WriteFile(filepath.Join(dir, "robots.txt"), []byte("User-agent: *\nDisallow: /\n"), 0o644)
	_, err := publish(t, b, dir, t0, nil)
	if err == nil || !strings.Contains(err.Error(), "upload robots.txt: the file no longer matches the output manifest") {
		t.Fatalf("publish of a file changed after the build: %v", err)
	}
	if ok, _ := b.Exists(context.Background(), "robots.txt"); ok {
		t.Error("the changed file was uploaded")
	}
}

func manifestEntry(t *testing.T, dir, p string) (manifest.Entry, bool) {
	t.Helper()
	m, err := manifest.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m.Lookup(p)
}

// TestNoManifest: an output without a manifest (an old one, kept for a
// rollback) is published from a manifest computed on the spot.
func TestNoManifest(t *testing.T) {
	b := memblob.OpenBucket(nil)
	defer b.Close()
	files := siteFiles(1)
	dir := writeSite(t, files)
	if err := os.Remove(filepath.Join(dir, manifest.Name)); err != nil {
		t.Fatal(err)
	}
	sum, err := publish(t, b, dir, t0, nil)
	if err != nil || sum.Uploaded != len(files) {
		t.Fatalf("publish without a manifest: %+v, %v", sum, err)
	}
}
