package pages

import (
	"encoding/xml"
	"fmt"
	"time"

	"mip/generator/catalogue"
)

// sitemapLimit is the most URLs one sitemap file holds (the protocol allows
// 50,000; we keep a margin).
const sitemapLimit = 45000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapRef struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapRef `xml:"sitemap"`
}

func newest(ds ...[]*catalogue.Document) time.Time {
	var t time.Time
	for _, group := range ds {
		for _, d := range group {
			if d.Created.After(t) {
				t = d.Created
			}
		}
	}
	return t
}

func lastmod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// sitemapURLs lists every page a search engine should index, each dated by
// its newest document (not the build), in a stable order.
func sitemapURLs(v *catalogue.View, base string) []sitemapURL {
	all := newest(v.Documents)
	urls := []sitemapURL{{base + "/", lastmod(all)}, {base + "/a-z/", lastmod(all)}}
	for _, slug := range []string{"about", "accessibility", "cookies", "disclaimer", "open-data", "privacy"} {
		urls = append(urls, sitemapURL{Loc: base + "/" + slug + "/"})
	}
	subDate := map[string]time.Time{}
	for _, s := range v.Substances {
		var t time.Time
		for _, p := range s.Products {
			if n := newest(p.Current, p.History); n.After(t) {
				t = n
			}
		}
		subDate[s.ID] = t
	}
	for _, l := range v.Letters {
		var t time.Time
		for _, s := range v.ByLetter[l] {
			if subDate[s.ID].After(t) {
				t = subDate[s.ID]
			}
		}
		urls = append(urls, sitemapURL{base + letterURL(l), lastmod(t)})
	}
	for _, s := range v.Substances {
		for n := 1; n <= pageCount(len(s.Products)); n++ {
			urls = append(urls, sitemapURL{base + substancePage(s.ID, n), lastmod(subDate[s.ID])})
		}
	}
	for _, p := range v.Products {
		urls = append(urls, sitemapURL{base + "/products/" + p.ID + "/", lastmod(newest(p.Current, p.History))})
	}
	for _, d := range v.Documents {
		urls = append(urls, sitemapURL{base + "/documents/" + d.SHA256 + "/", lastmod(d.Created)})
	}
	return urls
}

func writeXML(out *output, name string, v any) error {
	data, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return out.file(name, append([]byte(xml.Header), append(data, '\n')...))
}

// split cuts urls into parts of at most limit.
func split(urls []sitemapURL, limit int) [][]sitemapURL {
	var parts [][]sitemapURL
	for i := 0; i < len(urls); i += limit {
		parts = append(parts, urls[i:min(i+limit, len(urls))])
	}
	return parts
}

// writeSitemap writes sitemap.xml (an index), its parts and robots.txt.
func writeSitemap(out *output, v *catalogue.View, o Options) error {
	var idx sitemapIndex
	for i, part := range split(sitemapURLs(v, o.BaseURL), sitemapLimit) {
		name := fmt.Sprintf("sitemaps/pages-%d.xml", i+1)
		if err := writeXML(out, name, urlset{URLs: part}); err != nil {
			return err
		}
		mod := ""
		for _, u := range part {
			if u.LastMod > mod {
				mod = u.LastMod
			}
		}
		idx.Sitemaps = append(idx.Sitemaps, sitemapRef{Loc: o.BaseURL + "/" + name, LastMod: mod})
	}
	if err := writeXML(out, "sitemap.xml", idx); err != nil {
		return err
	}
	robots := "User-agent: *\nDisallow:\n\nSitemap: " + o.BaseURL + "/sitemap.xml\n"
	return out.raw("robots.txt", []byte(robots))
}
