package catalogue

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
)

// HistoryFormat and HistoryVersion identify /api/v1/history.json.
const (
	HistoryFormat  = "mip-history"
	HistoryVersion = 1
)

// History is the open-data ledger published as /api/v1/history.json: every
// version of every document ever published (current, superseded and
// withdrawn), with its dates, supersession links and the records that
// published it; every product and substance with its kept id; every event of
// the ledger; and the export files already applied. It holds everything the
// state's catalogue holds except each record's author and the directory of
// its export file, so that FromHistory can rebuild a lost state from a
// published site without losing any history. It does not name the build
// that wrote it (build.json does), so that it changes only when the history
// does.
type History struct {
	Format         string            `json:"format"`
	Version        int               `json:"version"`
	Documents      []HistoryDocument `json:"documents"`
	Products       []*Product        `json:"products"`
	Substances     []*Substance      `json:"substances"`
	Events         []Event           `json:"events"`
	AppliedExports []string          `json:"applied_exports"`
}

// HistoryDocument is one document version and where its PDF is published.
type HistoryDocument struct {
	URL string `json:"url"`
	Document
}

// History returns the catalogue as published history, in a deterministic
// order.
func (c *Catalogue) History() History {
	h := History{Format: HistoryFormat, Version: HistoryVersion,
		Documents: []HistoryDocument{}, Products: []*Product{}, Substances: []*Substance{}, Events: c.Ledger, AppliedExports: slices.Sorted(maps.Keys(c.Applied))}
	if h.Events == nil {
		h.Events = []Event{}
	}
	for _, sha := range slices.Sorted(maps.Keys(c.Documents)) {
		d := *c.Documents[sha]
		d.Sources = make([]Source, len(d.Sources))
		for i, s := range c.Documents[sha].Sources {
			s.Author = ""
			s.File = path.Base(strings.ReplaceAll(s.File, `\`, "/"))
			d.Sources[i] = s
		}
		h.Documents = append(h.Documents, HistoryDocument{URL: "/docs/" + sha + ".pdf", Document: d})
	}
	for _, id := range slices.Sorted(maps.Keys(c.Products)) {
		h.Products = append(h.Products, c.Products[id])
	}
	for _, id := range slices.Sorted(maps.Keys(c.Substances)) {
		h.Substances = append(h.Substances, c.Substances[id])
	}
	return h
}

// FromHistory rebuilds a catalogue from published history (the JSON of
// /api/v1/history.json) and the generation of the build that published it
// (in /api/v1/build.json). It checks that the history is whole: every
// document's products and substances, every supersession link and every
// event names something the history holds.
func FromHistory(data []byte, generation int) (*Catalogue, error) {
	var h History
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	if h.Format != HistoryFormat || h.Version != HistoryVersion {
		return nil, fmt.Errorf("read history: format %q version %d, this mip reads %q version %d", h.Format, h.Version, HistoryFormat, HistoryVersion)
	}
	c := New()
	c.Generation = generation
	c.Ledger = h.Events
	for _, p := range h.Products {
		if p == nil || p.ID == "" || c.Products[p.ID] != nil {
			return nil, fmt.Errorf("read history: a product without an id, or twice")
		}
		c.Products[p.ID] = p
	}
	for _, s := range h.Substances {
		if s == nil || s.ID == "" || c.Substances[s.ID] != nil {
			return nil, fmt.Errorf("read history: a substance without an id, or twice")
		}
		c.Substances[s.ID] = s
	}
	for i := range h.Documents {
		d := h.Documents[i].Document
		if !addressRE(d.SHA256) || c.Documents[d.SHA256] != nil {
			return nil, fmt.Errorf("read history: document %d: bad or repeated sha256 %q", i, d.SHA256)
		}
		c.Documents[d.SHA256] = &d
	}
	for _, d := range c.Documents {
		for _, p := range d.Products {
			if c.Products[p] == nil {
				return nil, fmt.Errorf("read history: document %s names product %q, which the history lacks", d.SHA256, p)
			}
		}
		for _, s := range d.Substances {
			if c.Substances[s] == nil {
				return nil, fmt.Errorf("read history: document %s names substance %q, which the history lacks", d.SHA256, s)
			}
		}
		for _, o := range append(append([]string{}, d.Supersedes...), d.SupersededBy) {
			if o != "" && c.Documents[o] == nil {
				return nil, fmt.Errorf("read history: document %s links to version %s, which the history lacks", d.SHA256, o)
			}
		}
	}
	for i, e := range c.Ledger {
		if c.Documents[e.SHA256] == nil || e.Generation > c.Generation {
			return nil, fmt.Errorf("read history: event %d (%s of %s, generation %d) does not fit the history", i, e.Kind, e.SHA256, e.Generation)
		}
	}
	for _, a := range h.AppliedExports {
		c.Applied[a] = true
	}
	c.index()
	return c, nil
}

func addressRE(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}
