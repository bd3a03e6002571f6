package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"mip/generator/finding"
	"mip/generator/licence"
)

// legacyColumns are the Stellent bulk export's columns.
var legacyColumns = []string{"dDocName", "dDocType", "dDocTitle", "dSecurityGroup", "dRevLabel", "dCreateDate", "dReleaseState", "xProductName", "xSubstanceName", "xSecondLevel"}

// parColumns are the PAR upload sheet's columns.
var parColumns = []string{"file", "products", "strength", "dose_form", "active_substances", "licence_number", "territory", "date"}

// table is a CSV file read row by row with its columns found by name.
type table struct {
	file string
	r    *csv.Reader
	col  map[string]int
	fl   *finding.List
}

func openTable(file string, data []byte, want []string, required []string, fl *finding.List) (*table, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the header row: %v", file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("%s: header names column %q twice", file, h)
		}
		col[h] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: header lacks column(s) %s (want %s)", file, strings.Join(missing, ", "), strings.Join(want, ","))
	}
	return &table{file: file, r: r, col: col, fl: fl}, nil
}

// next returns the next well-formed row, its line and a getter by column
// name; malformed rows are reported and skipped. It returns io.EOF at the end.
func (t *table) next(counts *Counts) (get func(string) string, line int, err error) {
	for {
		row, err := t.r.Read()
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			counts.Read++
			counts.Rejected++
			t.fl.Addf(t.file, pe.Line, "", "", "malformed CSV row: %v", pe.Err)
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		counts.Read++
		line, _ = t.r.FieldPos(0)
		if len(row) != len(t.col) {
			counts.Rejected++
			t.fl.Addf(t.file, line, firstField(row), "", "row has %d fields, the header has %d", len(row), len(t.col))
			continue
		}
		if i := invalidRow(row); i >= 0 {
			counts.Rejected++
			t.fl.Addf(t.file, line, firstField(row), headerName(t.col, i), "text is not UTF-8")
			continue
		}
		return func(name string) string {
			if i, ok := t.col[name]; ok {
				return clean(row[i])
			}
			return ""
		}, line, nil
	}
}

func firstField(row []string) string {
	if len(row) > 0 {
		return clean(row[0])
	}
	return ""
}

func invalidRow(row []string) int {
	for i, f := range row {
		if !utf8.ValidString(f) {
			return i
		}
	}
	return -1
}

func headerName(col map[string]int, i int) string {
	for k, v := range col {
		if v == i {
			return k
		}
	}
	return ""
}

// ReadLegacyCSV reads the Stellent bulk export. Each row's PDF is
// <dDocName>.pdf in the CSV's directory or in pdfs/ below it.
func ReadLegacyCSV(file string, fl *finding.List) (Batch, Counts, error) {
	var counts Counts
	data, err := readLimited(file)
	if err != nil {
		return Batch{}, counts, fmt.Errorf("read legacy export: %w", err)
	}
	b := Batch{File: file, SHA256: fileAddress(data)}
	b.Events, counts, err = parseLegacy(file, data, fl)
	return b, counts, err
}

func parseLegacy(file string, data []byte, fl *finding.List) ([]Event, Counts, error) {
	var counts Counts
	t, err := openTable(file, data, legacyColumns, []string{"dDocName", "dDocTitle", "dReleaseState", "xProductName"}, fl)
	if err != nil {
		return nil, counts, err
	}
	dir := filepath.Dir(file)
	var events []Event
	for {
		get, line, err := t.next(&counts)
		if err == io.EOF {
			break
		}
		if err != nil {
			return events, counts, fmt.Errorf("read %s: %w", file, err)
		}
		if !strings.EqualFold(get("dReleaseState"), "Y") {
			counts.Unreleased++
			continue
		}
		typ := get("xSecondLevel")
		if typ == "" {
			typ = get("dDocType")
		}
		name := get("dDocName")
		title := get("dDocTitle")
		r := raw{
			ID:         name,
			Name:       title,
			Type:       typ,
			Products:   []string{get("xProductName")},
			Substances: SplitSubstances(get("xSubstanceName")),
			Created:    get("dCreateDate"),
			RevLabel:   get("dRevLabel"),
			FileSource: "Stellent",
		}
		// The export had no licence number column: read it from the title.
		if _, err := licence.Parse(title); err == nil {
			r.PLNumber = title
		} else {
			fl.Add(finding.Finding{File: file, Line: line, Record: name, Field: "dDocTitle", Message: fmt.Sprintf("no licence number in title %q; document kept without it", title), Kept: true})
		}
		if name != "" {
			r.FilePath = name + ".pdf"
			if _, err := os.Stat(filepath.Join(dir, r.FilePath)); err != nil {
				if _, err2 := os.Stat(filepath.Join(dir, "pdfs", r.FilePath)); err2 == nil {
					r.FilePath = "pdfs/" + r.FilePath
				}
			}
		}
		rec, ok := r.check(Legacy, file, line, dir, fl)
		if !ok {
			counts.Rejected++
			continue
		}
		counts.Accepted++
		events = append(events, Event{Record: rec})
	}
	return events, counts, nil
}

// ReadPARs reads DIR/pars.csv. Rows naming the same file form one PAR
// document linked to every product of every row; a bad row is reported and
// the PAR keeps its good rows.
func ReadPARs(dir string, fl *finding.List) (Batch, Counts, error) {
	var counts Counts
	file := filepath.Join(dir, "pars.csv")
	data, err := readLimited(file)
	if err != nil {
		return Batch{}, counts, fmt.Errorf("read PAR sheet: %w", err)
	}
	b := Batch{File: file, SHA256: fileAddress(data)}
	b.Events, counts, err = parsePARs(file, dir, data, fl)
	return b, counts, err
}

func parsePARs(file, dir string, data []byte, fl *finding.List) ([]Event, Counts, error) {
	var counts Counts
	t, err := openTable(file, data, parColumns, []string{"file", "products", "licence_number"}, fl)
	if err != nil {
		return nil, counts, err
	}
	var order []string
	byFile := map[string]*Record{}
	for {
		get, line, err := t.next(&counts)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, counts, fmt.Errorf("read %s: %w", file, err)
		}
		name := get("file")
		bad := func(field, format string, args ...any) {
			counts.Rejected++
			fl.Add(finding.Finding{File: file, Line: line, Record: name, Field: field, Message: fmt.Sprintf(format, args...)})
		}
		if name == "" {
			bad("file", "missing file name")
			continue
		}
		p, err := localPath(name)
		if err != nil {
			bad("file", "%v", err)
			continue
		}
		lic := get("licence_number")
		if lic == "" {
			bad("licence_number", "missing licence number")
			continue
		}
		nums, err := licence.Parse(lic)
		if err != nil {
			bad("licence_number", "cannot read licence number %q", lic)
			continue
		}
		var names []string
		for _, n := range strings.Split(get("products"), "/") {
			if n = clean(n); n != "" {
				names = append(names, clean(strings.Join([]string{n, get("strength"), get("dose_form")}, " ")))
			}
		}
		if len(names) == 0 {
			bad("products", "no product named")
			continue
		}
		terr := strings.ToUpper(get("territory"))
		if terr != "" && terr != "UK" && terr != "GB" && terr != "NI" {
			fl.Add(finding.Finding{File: file, Line: line, Record: name, Field: "territory", Message: fmt.Sprintf("unknown territory %q; derived from the licence instead", terr), Kept: true})
			terr = ""
		}
		if terr == "" {
			terr = nums[0].Territory()
		}
		rec := byFile[p]
		if rec == nil {
			rec = &Record{Source: PARSheet, File: file, Line: line, ID: p, Type: "PAR", Title: p, Dir: dir, Path: p, FileSource: "PAR upload", Territory: terr}
			byFile[p] = rec
			order = append(order, p)
		}
		if d := get("date"); d != "" {
			if tm, err := ParseTime(d); err != nil {
				fl.Add(finding.Finding{File: file, Line: line, Record: name, Field: "date", Message: fmt.Sprintf("cannot read date %q", d), Kept: true})
			} else if rec.Created.IsZero() || tm.Before(rec.Created) {
				rec.Created = tm
			}
		}
		for _, n := range names {
			rec.Products = append(rec.Products, ProductRef{Name: n, Licences: nums})
		}
		rec.Substances = appendNew(rec.Substances, SplitSubstances(get("active_substances"))...)
		counts.Accepted++
	}
	events := make([]Event, 0, len(order))
	for _, p := range order {
		events = append(events, Event{Record: *byFile[p]})
	}
	return events, counts, nil
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, have := range list {
			if strings.EqualFold(have, it) {
				found = true
				break
			}
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}
