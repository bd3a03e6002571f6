// Package ingest reads the regulator's exports — the Sentinel document
// system's XML and JSON messages, the legacy Stellent bulk CSV and the PAR
// upload sheet — and turns them into validated records in the order they must
// be applied. It checks each record's fields; the PDFs themselves are checked
// by the documents stage. Every problem becomes a finding and the reader goes
// on with the next record.
package ingest

import (
	"fmt"
	"path"
	"strings"
	"time"

	"mip/generator/finding"
	"mip/generator/licence"
)

// Source names where a record came from.
type Source string

const (
	Sentinel Source = "sentinel"
	Legacy   Source = "legacy"
	PARSheet Source = "par"
)

// Types are the document types the portal publishes.
var Types = []string{"SPC", "PIL", "PAR"}

// A ProductRef is a product as a record names it.
type ProductRef struct {
	Name     string
	Licences []licence.Number
}

// A Record is one document as an export describes it.
type Record struct {
	Source Source
	File   string // the export file the record came from
	Line   int
	ID     string // the content id; for PARs the PDF's file name
	Title  string
	Type   string // SPC, PIL or PAR
	Author string
	// Products each carry the licence numbers that belong to them.
	Products   []ProductRef
	Territory  string // UK, GB, NI or ""
	Keywords   []string
	Substances []string
	FileSource string
	Created    time.Time // zero when the export gave none
	RevLabel   string
	Holder     string
	// Dir and Path locate the PDF: Path is a slash-separated path that is
	// local to Dir (the export directory), so it cannot name a file outside it.
	Dir  string
	Path string
}

// PDFName is a short name of the PDF for messages: the export file's
// directory joined with Path.
func (r Record) PDFName() string { return path.Join(r.Dir, r.Path) }

// An Event is one thing an export asks for: a create record or the deletion
// of a content id.
type Event struct {
	Delete bool
	// For a deletion only ID, File and Line are set.
	Record Record
}

// Counts says how many records a reader saw and what became of them.
type Counts struct {
	Read       int `json:"read"`
	Accepted   int `json:"accepted"`
	Rejected   int `json:"rejected"`
	Unreleased int `json:"unreleased"`
	Deletions  int `json:"deletions"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Read += o.Read
	c.Accepted += o.Accepted
	c.Rejected += o.Rejected
	c.Unreleased += o.Unreleased
	c.Deletions += o.Deletions
}

// raw holds a record's fields as written, before validation; the XML and
// JSON readers both fill it.
type raw struct {
	ID, Name, Type, Author      string
	Products                    []string
	PLNumber, Territory         string
	Keywords, Substances        []string
	FileSource, FilePath        string
	Created, RevLabel, Released string
	Holder                      string
}

// check validates r and turns it into a Record. It reports every problem it
// finds to fl; ok is false when the record must be rejected.
func (r raw) check(src Source, file string, line int, dir string, fl *finding.List) (rec Record, ok bool) {
	rec = Record{Source: src, File: file, Line: line, Dir: dir}
	rec.ID = clean(r.ID)
	id := rec.ID
	bad := func(field, format string, args ...any) {
		fl.Add(finding.Finding{File: file, Line: line, Record: id, Field: field, Message: fmt.Sprintf(format, args...)})
		ok = false
	}
	kept := func(field, format string, args ...any) {
		fl.Add(finding.Finding{File: file, Line: line, Record: id, Field: field, Message: fmt.Sprintf(format, args...), Kept: true})
	}
	ok = true
	if rec.ID == "" {
		bad("id", "missing content id")
	}
	rec.Type = strings.ToUpper(clean(r.Type))
	switch {
	case rec.Type == "":
		bad("type", "missing document type (SPC, PIL or PAR)")
	case !validType(rec.Type):
		bad("type", "unknown document type %q (want SPC, PIL or PAR)", r.Type)
	}
	var names []string
	for _, p := range r.Products {
		if p = clean(p); p != "" {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		bad("products", "no product named")
	}
	rec.Path = clean(r.FilePath)
	switch {
	case rec.Path == "":
		bad("file_path", "missing file_path")
	default:
		p, err := localPath(rec.Path)
		if err != nil {
			bad("file_path", "%v", err)
		}
		rec.Path = p
	}
	var nums []licence.Number
	if pl := clean(r.PLNumber); pl != "" {
		var err error
		if nums, err = licence.Parse(pl); err != nil {
			kept("pl_number", "cannot read licence number %q; document kept without it", pl)
		}
	}
	rec.Products = pairProducts(names, nums)
	rec.Territory = strings.ToUpper(clean(r.Territory))
	if rec.Territory != "" && rec.Territory != "UK" && rec.Territory != "GB" && rec.Territory != "NI" {
		kept("territory", "unknown territory %q (want UK, GB or NI); derived from the licence instead", r.Territory)
		rec.Territory = ""
	}
	if rec.Territory == "" && len(nums) > 0 {
		rec.Territory = nums[0].Territory()
	}
	rec.Title = clean(r.Name)
	if rec.Title == "" {
		rec.Title = path.Base(rec.Path)
	}
	rec.Author = clean(r.Author)
	rec.Keywords = cleanAll(r.Keywords)
	rec.Substances = cleanAll(r.Substances)
	rec.FileSource = clean(r.FileSource)
	rec.RevLabel = clean(r.RevLabel)
	rec.Holder = clean(r.Holder)
	if c := clean(r.Created); c != "" {
		t, err := ParseTime(c)
		if err != nil {
			kept("created", "cannot read date %q; the build date is used", c)
		}
		rec.Created = t
	}
	return rec, ok
}

func validType(t string) bool {
	for _, v := range Types {
		if t == v {
			return true
		}
	}
	return false
}

// pairProducts gives each product its licence numbers: with as many numbers
// as products they pair up in order; otherwise every product carries every
// number.
func pairProducts(names []string, nums []licence.Number) []ProductRef {
	out := make([]ProductRef, len(names))
	for i, n := range names {
		out[i].Name = n
		if len(nums) == len(names) && len(names) > 1 {
			out[i].Licences = []licence.Number{nums[i]}
		} else if len(nums) > 0 {
			out[i].Licences = append([]licence.Number(nil), nums...)
		}
	}
	return out
}

// localPath turns a file_path from a record into a path local to the export
// directory: "/docs/spc/x.pdf" becomes "docs/spc/x.pdf". A path that would
// leave the directory is an error.
func localPath(p string) (string, error) {
	q := strings.ReplaceAll(p, `\`, "/")
	q = strings.TrimLeft(q, "/")
	for _, el := range strings.Split(q, "/") {
		if el == ".." {
			return "", fmt.Errorf("file_path %q leaves the export directory", p)
		}
	}
	q = path.Clean(q)
	if q == "." || q == "" {
		return "", fmt.Errorf("file_path %q names no file", p)
	}
	return q, nil
}

// clean collapses runs of white space to one space and trims the ends.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func cleanAll(in []string) []string {
	var out []string
	for _, s := range in {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// SplitSubstances splits a legacy substance string on "," and " AND "
// (any case), as the old bulk export joined several substances.
func SplitSubstances(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		for _, p := range splitFold(part, " and ") {
			if p = clean(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// splitFold splits s around every case-insensitive instance of sep.
func splitFold(s, sep string) []string {
	var out []string
	lower := strings.ToLower(s)
	for {
		i := strings.Index(lower, sep)
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s, lower = s[i+len(sep):], lower[i+len(sep):]
	}
}

var london = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ParseTime reads a timestamp as the document system writes it. The system
// writes UK local wall time and labels it +00:00, so any offset is ignored and
// the wall time is placed in Europe/London.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), london), nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format %q", s)
}
