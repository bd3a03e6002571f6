package sample

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

var legacyHeader = []string{"dDocName", "dDocType", "dDocTitle", "dSecurityGroup", "dRevLabel", "dCreateDate", "dReleaseState", "xProductName", "xSubstanceName", "xSecondLevel"}

// legacyRow is the Stellent CSV row of d; sep joins several substances.
func legacyRow(d *document, sep string) []string {
	docType := d.kind
	if d.rev > 2 {
		docType = "Document" // the type is then read from xSecondLevel
	}
	return []string{
		d.id, docType, d.title, "Public", strconv.Itoa(d.rev),
		londonWall(d.created).Format("2006-01-02 15:04:05"), d.release,
		d.prod.name, strings.Join(d.prod.med.substances, sep), d.kind,
	}
}

// writeLegacy writes legacy/export.csv in content id order. badRow, when
// not nil, is written raw as a malformed line in the middle.
func writeLegacy(root string, docs []*document, badRow []byte) error {
	sorted := append([]*document(nil), docs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].id < sorted[j].id })
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(legacyHeader); err != nil {
		return err
	}
	combos := 0
	writeBad := func() {
		w.Flush()
		b.Write(badRow)
		badRow = nil
	}
	for i, d := range sorted {
		if badRow != nil && i == len(sorted)/2 {
			writeBad()
		}
		sep := ", "
		if d.prod.med.combination() {
			// Alternate the two separators the export used.
			if combos%2 == 1 {
				sep = " AND "
			}
			combos++
		}
		if err := w.Write(legacyRow(d, sep)); err != nil {
			return err
		}
	}
	if badRow != nil {
		writeBad()
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return writeFile(filepath.Join(root, "legacy", "export.csv"), b.Bytes())
}

var parHeader = []string{"file", "products", "strength", "dose_form", "active_substances", "licence_number", "territory", "date"}

// writePARs writes pars/pars.csv, one row per product of each PAR, plus the
// extra rows given.
func writePARs(root string, pars []*par, extra [][]string) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(parHeader); err != nil {
		return err
	}
	for i, p := range pars {
		if i == len(pars)/2 {
			if err := w.WriteAll(extra); err != nil {
				return err
			}
		}
		if err := w.WriteAll(p.rows); err != nil {
			return err
		}
	}
	if len(pars) == 0 {
		if err := w.WriteAll(extra); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return writeFile(filepath.Join(root, "pars", "pars.csv"), b.Bytes())
}
