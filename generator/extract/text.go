package extract

import "strings"

// Text is the result of extracting one document.
type Text struct {
	// Pages holds the normalised text of each page, in order.
	Pages []string `json:"pages"`
	// Sections is the document's structure as Sections computes it.
	Sections []Section `json:"sections,omitempty"`
	// RevisionDate is the SPC's "date of revision of the text" (section 10)
	// as YYYY-MM-DD, or YYYY-MM when the document names only a month; empty
	// when not found.
	RevisionDate string `json:"revision_date,omitempty"`
	// HasText is false for a document without a text layer (a scan without
	// OCR): its content cannot be searched.
	HasText bool `json:"has_text"`
	// Meta is the document information dictionary and page count.
	Meta Metadata `json:"meta"`
	// Type is the document type the sections were found for ("SPC").
	Type string `json:"type,omitempty"`
}

// As returns t structured as a document of docType: t itself when it
// already is, else with its sections and revision date found again (a
// cached result for a document whose record changed type).
func (t Text) As(docType string) Text {
	if strings.EqualFold(t.Type, docType) {
		return t
	}
	t.Type = strings.ToUpper(docType)
	t.Sections, t.RevisionDate = nil, ""
	if t.HasText {
		t.Sections = Sections(docType, t.Pages)
		t.RevisionDate = RevisionDate(t.Sections)
	}
	return t
}

// Metadata is what the PDF says about itself, and which pages failed.
type Metadata struct {
	Pages    int    `json:"pages"`
	Title    string `json:"title,omitempty"`
	Author   string `json:"author,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Creator  string `json:"creator,omitempty"`
	Producer string `json:"producer,omitempty"`
	Created  string `json:"created,omitempty"`
	Modified string `json:"modified,omitempty"`
	// BadPages lists the pages (1-based) PDFium could not read; their
	// text is empty. A document none of whose pages can be read is broken.
	BadPages []int `json:"bad_pages,omitempty"`
}
