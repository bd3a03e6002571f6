package pages

import (
	"encoding/xml"
	"sort"
	"time"

	"mip/generator/catalogue"
)

// feedEntries is how many changes a feed lists.
const feedEntries = 50

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary atomText   `xml:"summary"`
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

// change is one event in a document's life that a feed reports.
type change struct {
	doc  *catalogue.Document
	kind string // published, withdrawn
	at   time.Time
}

// changesOf lists when each document was published and withdrawn, newest
// first. The times are the catalogue's, so a rebuild of the same catalogue
// gives the same feed.
func changesOf(docs []*catalogue.Document) []change {
	var cs []change
	for _, d := range docs {
		cs = append(cs, change{d, "published", d.FirstSeen})
		if d.WithdrawnOn != nil {
			cs = append(cs, change{d, "withdrawn", *d.WithdrawnOn})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if !cs[i].at.Equal(cs[j].at) {
			return cs[i].at.After(cs[j].at)
		}
		if cs[i].doc.SHA256 != cs[j].doc.SHA256 {
			return cs[i].doc.SHA256 < cs[j].doc.SHA256
		}
		return cs[i].kind < cs[j].kind
	})
	if len(cs) > feedEntries {
		cs = cs[:feedEntries]
	}
	return cs
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func feed(c *catalogue.Catalogue, base, self, title, alt string, docs []*catalogue.Document) atomFeed {
	f := atomFeed{Title: title, ID: base + self,
		Links: []atomLink{{Href: base + self, Rel: "self", Type: "application/atom+xml"}, {Href: base + alt, Rel: "alternate", Type: "text/html"}}}
	f.Author.Name = ServiceName
	cs := changesOf(docs)
	for _, ch := range cs {
		d := ch.doc
		what := typeNames[d.Type] + " published"
		if ch.kind == "withdrawn" {
			what = typeNames[d.Type] + " withdrawn"
			if d.SupersededBy != "" {
				what = typeNames[d.Type] + " replaced by a new version"
			}
		}
		var names []string
		for _, id := range d.Products {
			if p := c.Products[id]; p != nil {
				names = append(names, p.Name)
			}
		}
		summary := what + ": " + d.Title
		for i, n := range names {
			if i == 0 {
				summary += " (for "
			} else {
				summary += ", "
			}
			summary += n
		}
		if len(names) > 0 {
			summary += ")"
		}
		f.Entries = append(f.Entries, atomEntry{
			Title:   what + ": " + d.Title,
			ID:      base + "/documents/" + d.SHA256 + "/#" + ch.kind,
			Updated: atomTime(ch.at),
			Links:   []atomLink{{Href: base + "/documents/" + d.SHA256 + "/", Rel: "alternate", Type: "text/html"}},
			Summary: atomText{Type: "text", Body: summary},
		})
	}
	if len(cs) > 0 {
		f.Updated = atomTime(cs[0].at)
	} else {
		f.Updated = atomTime(time.Unix(0, 0))
	}
	return f
}

func writeFeed(out *output, name string, f atomFeed) error {
	data, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return out.file(name, append([]byte(xml.Header), append(data, '\n')...))
}

// writeFeeds writes the site-wide feed of changes and one per substance.
func writeFeeds(out *output, c *catalogue.Catalogue, v *catalogue.View, o Options) error {
	if err := writeFeed(out, "feeds/changes.atom", feed(c, o.BaseURL, "/feeds/changes.atom", "Medicines information: latest changes", "/", v.Documents)); err != nil {
		return err
	}
	for _, s := range v.Substances {
		seen := map[string]bool{}
		var docs []*catalogue.Document
		for _, p := range s.Products {
			for _, group := range [][]*catalogue.Document{p.Current, p.History} {
				for _, d := range group {
					if !seen[d.SHA256] {
						seen[d.SHA256] = true
						docs = append(docs, d)
					}
				}
			}
		}
		self := "/feeds/substances/" + s.ID + ".atom"
		if err := writeFeed(out, self[1:], feed(c, o.BaseURL, self, "Medicines containing "+s.Name+": latest changes", "/substances/"+s.ID+"/", docs)); err != nil {
			return err
		}
	}
	return nil
}
