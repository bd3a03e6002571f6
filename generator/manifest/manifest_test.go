package manifest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestClassify(t *testing.T) {
	pdf := "docs/" + hex.EncodeToString(make([]byte, 32)) + ".pdf"
	for p, want := range map[string]Class{
		pdf:                                   ContentAddressed,
		"assets/site.3f2a9c1d.css":            ContentAddressed,
		"search/shards/pa.0123456789ab.bin":   ContentAddressed,
		"assets/site.css":                     Page,
		"assets/site.3f2a9c1.css":             Page, // 7 hex digits: not a fingerprint
		"docs/readme.pdf":                     Page,
		"products/a/index.html":               Page,
		"api/v1/products/a.json":              Page,
		"api/v1/products.ndjson":              Page,
		"index.html":                          Root,
		"404.html":                            Root,
		"robots.txt":                          Root,
		"sitemap.xml":                         Root,
		"sitemap-2.xml":                       Root,
		"feed.xml":                            Root,
		"updates/atom.xml":                    Root,
		"api/v1/build.json":                   Root,
		"search/manifest.json":                Root,
		"_headers":                            Root,
		"search/idx/manifest.bin":             Root,
		"search/idx/t-2dd2f40d0343afe0-0.bin": ContentAddressed,
		"search/idx/c-0f7e2592ff46f2c5-3.bin": ContentAddressed,
	} {
		if got := Classify(p); got != want {
			t.Errorf("Classify(%q) = %s, want %s", p, got, want)
		}
	}
}

func writeSite(t *testing.T, files map[string]string) string {
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
	return dir
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestWriteVerify(t *testing.T) {
	pdf := "%PDF-1.7 a leaflet"
	css := "body{color:#0b0c0c}"
	dir := writeSite(t, map[string]string{
		"index.html":                             `<link href="/assets/site.` + sha(css)[:10] + `.css">`,
		"assets/site." + sha(css)[:10] + ".css":  css,
		"docs/" + sha(pdf) + ".pdf":              pdf,
		"api/v1/documents/" + sha(pdf) + ".json": `{}`,
	})
	if err := Write(dir, nil); err != nil {
		t.Fatal(err)
	}
	m, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 4 {
		t.Fatalf("manifest lists %d files, want 4: %+v", len(m.Files), m.Files)
	}
	e, ok := m.Lookup("docs/" + sha(pdf) + ".pdf")
	if !ok || e.SHA256 != sha(pdf) || e.MD5 != fmt.Sprintf("%x", md5.Sum([]byte(pdf))) || e.Size != int64(len(pdf)) || e.Class != ContentAddressed {
		t.Errorf("document entry = %+v", e)
	}
	if res, err := Verify(dir); err != nil || res.Files != 4 || res.ContentAddressed != 2 {
		t.Fatalf("Verify of a fresh build = %+v, %v", res, err)
	}

	// A page edited after the build, a file added, one removed, and a
	// fingerprinted file whose bytes no longer match its name (with the
	// manifest rewritten to agree, so only the content address catches it).
	os.WriteFile(filepath.Join(dir, "api/v1/documents/"+sha(pdf)+".json"), []byte(`{"x":1}`), 0o644)
	os.WriteFile(filepath.Join(dir, "stray.html"), []byte(`x`), 0o644)
	os.Remove(filepath.Join(dir, "index.html"))
	res, err := Verify(dir)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("Verify after tampering: %v", err)
	}
	var paths []string
	for _, p := range res.Problems {
		paths = append(paths, p.Path)
	}
	want := []string{"api/v1/documents/" + sha(pdf) + ".json", "api/v1/documents/" + sha(pdf) + ".json", "api/v1/documents/" + sha(pdf) + ".json", "index.html", "stray.html"}
	if !slices.Equal(paths, want) {
		t.Errorf("problems at %q, want %q (%v)", paths, want, res.Problems)
	}

	os.WriteFile(filepath.Join(dir, "assets/site."+sha(css)[:10]+".css"), []byte("body{}"), 0o644)
	os.Remove(filepath.Join(dir, "stray.html"))
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(`x`), 0o644)
	// Reusing the old manifest would keep the stale hashes of a
	// content-addressed file of the same size; a fresh Compute does not.
	if err := Write(dir, nil); err != nil {
		t.Fatal(err)
	}
	res, err = Verify(dir)
	if !errors.Is(err, ErrMismatch) || len(res.Problems) != 1 || res.Problems[0].Path != "assets/site."+sha(css)[:10]+".css" {
		t.Fatalf("Verify of a forged fingerprint = %+v, %v", res, err)
	}
}

func TestComputeReusesContentAddressed(t *testing.T) {
	pdf := "%PDF-1.7 an SPC"
	name := "docs/" + sha(pdf) + ".pdf"
	dir := writeSite(t, map[string]string{name: pdf, "index.html": "a"})
	prev := &Manifest{Version: 1, Files: []Entry{
		{Path: name, Size: int64(len(pdf)), MD5: "from-prev", SHA256: "from-prev", Class: ContentAddressed},
		{Path: "index.html", Size: 1, MD5: "from-prev", SHA256: "from-prev", Class: Root},
	}}
	m, err := Compute(dir, prev)
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := m.Lookup(name); e.MD5 != "from-prev" {
		t.Errorf("a content-addressed file of the same size was hashed again: %+v", e)
	}
	if e, _ := m.Lookup("index.html"); e.MD5 == "from-prev" {
		t.Errorf("a root was taken from the previous manifest: %+v", e)
	}
}
