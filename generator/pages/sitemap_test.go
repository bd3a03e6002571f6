package pages

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

func TestSitemapSplits(t *testing.T) {
	var urls []sitemapURL
	for i := range 7 {
		urls = append(urls, sitemapURL{Loc: fmt.Sprint(i)})
	}
	parts := split(urls, 3)
	if len(parts) != 3 || len(parts[0]) != 3 || len(parts[2]) != 1 || parts[2][0].Loc != "6" {
		t.Errorf("split 7 by 3: %v", parts)
	}
	if len(split(urls[:6], 3)) != 2 || len(split(nil, 3)) != 0 {
		t.Error("split of an exact multiple or of nothing")
	}
}

// TestSitemapDates: pages are dated by their documents, never by the build.
func TestSitemapDates(t *testing.T) {
	files := writeSite(t, sampleCatalogue(t), sampleOptions(false))
	var idx sitemapIndex
	if err := xml.Unmarshal(files["sitemap.xml"], &idx); err != nil || len(idx.Sitemaps) != 1 {
		t.Fatalf("sitemap index: %v %+v", err, idx)
	}
	if idx.Sitemaps[0].Loc != "https://medicines.example.org/sitemaps/pages-1.xml" {
		t.Errorf("index names %s", idx.Sitemaps[0].Loc)
	}
	var set urlset
	if err := xml.Unmarshal(files["sitemaps/pages-1.xml"], &set); err != nil {
		t.Fatal(err)
	}
	mods := map[string]string{}
	for _, u := range set.URLs {
		mods[strings.TrimPrefix(u.Loc, "https://medicines.example.org")] = u.LastMod
		if u.LastMod == built.Format("2006-01-02") {
			t.Errorf("%s is dated by the build", u.Loc)
		}
	}
	// The paracetamol SPC of 1 September 2024 is the product's newest document.
	if got := mods["/products/paracetamol-500mg-tablets-pl123450010/"]; got != "2024-09-01" {
		t.Errorf("product lastmod %q, want 2024-09-01", got)
	}
	if _, ok := mods["/documents/1c823ee17618ea5bd11c1c3b1d6e2756f866ec504d66e4f874da77d638cb7eaf/"]; !ok {
		t.Error("a withdrawn document's page is not in the sitemap")
	}
	if !strings.Contains(string(files["robots.txt"]), "Sitemap: https://medicines.example.org/sitemap.xml\n") {
		t.Errorf("robots.txt: %s", files["robots.txt"])
	}
	if len(set.URLs) != 2+6+len(sampleCatalogue(t).View().Letters)+4+6+8 {
		t.Errorf("%d URLs in the sitemap", len(set.URLs))
	}
}
