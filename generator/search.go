package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"unicode"

	"mip/generator/catalogue"
	"mip/generator/extract"
	"mip/generator/pages"
	"mip/searchidx"
)

// IndexDir is where the search index is published, relative to the site.
const IndexDir = "search/idx"

// SegmentFile is the state's file of analysed documents (searchidx's
// segment), which lets a build index only the documents that changed.
const SegmentFile = "search-segment.bin"

// snippetSections are where a result's snippet comes from, best first.
var snippetSections = []string{"spc-4.1", "pil-1", "par-1", "spc-1"}

// writeSearchIndex indexes the live documents of the catalogue into dir,
// with their text (text is nil when extraction was skipped). Documents are
// streamed into the builder one at a time, so no more than one document's
// text is held at once. segment is the state's file of analysed documents:
// a document whose fingerprint the last build analysed is taken from it,
// its text not even read, and the file is replaced by this build's.
func writeSearchIndex(dir, segment string, cat *catalogue.Catalogue, view *catalogue.View, text *texts, workers int) (searchidx.Stats, error) {
	b := searchidx.NewBuilder(searchidx.Options{Workers: workers, Previous: segment, Segment: segment})
	for _, d := range view.Documents {
		if !d.Live() {
			continue
		}
		sd := searchMeta(cat, d)
		fp, err := fingerprint(sd, d, text)
		if err != nil {
			return searchidx.Stats{}, err
		}
		if b.Reusable(fp) {
			sd = searchidx.Doc{Key: sd.Key, Type: sd.Type, Territory: sd.Territory}
		} else if err := addText(&sd, d, text); err != nil {
			return searchidx.Stats{}, err
		}
		sd.Fingerprint = fp
		if err := b.Add(sd); err != nil {
			return searchidx.Stats{}, err
		}
	}
	return b.Write(dir)
}

// fingerprint identifies what the index is given for d: its metadata (sd,
// before its text is added) and its text, which is fixed by the PDF's
// bytes and the extraction's version.
func fingerprint(sd searchidx.Doc, d *catalogue.Document, text *texts) (string, error) {
	h := sha256.New()
	io.WriteString(h, "mip search document 1\x00")
	if err := json.NewEncoder(h).Encode(sd); err != nil {
		return "", err
	}
	if text != nil && d.Text != nil && d.Text.Available {
		io.WriteString(h, "text of "+d.SHA256+" by "+extract.Version)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// searchMeta turns one catalogue document into the search index's
// document, without its text.
func searchMeta(cat *catalogue.Catalogue, d *catalogue.Document) searchidx.Doc {
	sd := searchidx.Doc{Key: d.SHA256, Type: d.Type, Territory: d.Territory, Keywords: d.Keywords, Title: d.Title}
	for _, id := range d.Products {
		if p := cat.Products[id]; p != nil {
			sd.Products = append(sd.Products, p.Name)
		}
	}
	for _, id := range d.Substances {
		if s := cat.Substances[id]; s != nil {
			sd.Substances = append(sd.Substances, s.Name)
		}
	}
	for _, l := range d.Licences {
		sd.Licences = append(sd.Licences, l.Display)
	}
	card := searchidx.Card{Title: d.Title, Substances: sd.Substances, Licences: sd.Licences,
		Size: uint64(d.Size), URL: "/documents/" + d.SHA256 + "/"}
	if len(sd.Products) > 0 {
		card.Product = sd.Products[0]
	}
	if !d.Created.IsZero() {
		card.Date = d.Created.Format("2006-01-02")
	}
	sd.Card = card
	return sd
}

// addText adds d's text, by section, and the snippet its card shows.
func addText(sd *searchidx.Doc, d *catalogue.Document, text *texts) error {
	t, ok, err := text.get(d)
	if err != nil || !ok {
		return err
	}
	for _, s := range t.Sections {
		sd.Sections = append(sd.Sections, searchidx.Section{ID: s.ID, Heading: s.Heading, Text: s.Text})
	}
	sd.Card.Snippet = snippet(t.Sections)
	return nil
}

// documentSections gives the document pages the extracted text of each
// document (none when extraction was skipped).
func documentSections(text *texts) func(*catalogue.Document) ([]pages.Section, error) {
	if text == nil {
		return nil
	}
	return func(d *catalogue.Document) ([]pages.Section, error) {
		t, ok, err := text.get(d)
		if !ok || err != nil {
			return nil, err
		}
		out := make([]pages.Section, 0, len(t.Sections))
		for _, s := range t.Sections {
			out = append(out, pages.Section{ID: s.ID, Number: s.Number, Heading: s.Heading, Text: s.Text})
		}
		return out, nil
	}
}

// snippet picks the opening words of the most telling section.
func snippet(sections []extract.Section) string {
	for _, id := range snippetSections {
		for _, s := range sections {
			if s.ID == id && strings.TrimSpace(s.Text) != "" {
				return shorten(s.Text, 200)
			}
		}
	}
	for _, s := range sections {
		if strings.TrimSpace(s.Text) != "" {
			return shorten(s.Text, 200)
		}
	}
	return ""
}

// shorten collapses white space and cuts s at a word boundary within max
// bytes, marking the cut with an ellipsis.
func shorten(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexFunc(s[:max], unicode.IsSpace)
	if cut <= 0 {
		cut = max
		for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}
