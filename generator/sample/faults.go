package sample

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// oversize is the size of the too-large PDF: 101 MiB, over mip's default
// limit of 100 MiB.
const oversize = 101 << 20

// A fault is one deliberate bad input.
type fault struct {
	kind, file, record, detail string
}

// How a fault record's PDF is written.
const (
	pdfNone      = iota // no file at all
	pdfValid            // a good PDF (the fault is elsewhere)
	pdfDirectory        // a directory in its place
	pdfHTML             // an HTML page named .pdf
	pdfTruncated        // the first half of a good PDF
	pdfEncrypted        // needs a user password
	pdfOversize         // a good PDF padded to oversize bytes (sparse)
)

type faultPDF struct {
	doc  *document
	mode int
}

// faultSet is every fault of a sample and what it takes to write them.
type faultSet struct {
	list      []fault
	goodDocs  []*document // good records sharing a file with a fault
	files     map[string][]byte
	pdfs      []faultPDF
	legacyRow []byte
	parRows   [][]string
}

const faultMonth = "2025-07"

var (
	faultStart = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	faultEnd   = time.Date(2025, 7, 25, 0, 0, 0, 0, time.UTC)
)

// planFaults plans one of each bad input. It runs after the good sample is
// planned, so the good records are the same with or without faults.
func (p *plan) planFaults() *faultSet {
	r := p.r
	fx := &faultSet{files: map[string][]byte{}}
	var pool []*product
	for _, prod := range p.products {
		if !prod.legacy {
			pool = append(pool, prod)
		}
	}
	if len(pool) == 0 {
		pool = p.products
	}
	newDoc := func(kind string) *document {
		prod := pool[r.IntN(len(pool))]
		created := randomTime(r, faultStart, faultEnd)
		id := p.newID("CON", created)
		d := &document{
			id: id, kind: kind, prod: prod, created: created, rev: 1,
			title:    docTitle(prod, kind, prod.lic.titleForm()),
			plNumber: prod.lic.display(), author: authors[r.IntN(len(authors))],
			filePath: "/docs/" + strings.ToLower(kind) + "/" + strings.ToLower(id) + ".pdf",
		}
		d.path = "sentinel" + d.filePath
		return d
	}
	add := func(kind, file, record, detail string) {
		fx.list = append(fx.list, fault{kind, file, record, detail})
	}

	// Record faults, each a well-formed record, in one file.
	recordsFile := "sentinel/" + faultMonth + "-batch-0001.xml"
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	simple := []struct {
		kind, detail string
		mode         int
		edit         func(*record, *document)
	}{
		{"missing-field", "no file_path", pdfNone, func(rec *record, _ *document) { rec.FilePath = "" }},
		{"unknown-type", "type SMPC", pdfValid, func(rec *record, _ *document) { rec.Type = "SMPC" }},
		{"bad-licence", "pl_number PL 1234/56 (document kept)", pdfValid, func(rec *record, _ *document) {
			rec.PLNumber = "PL 1234/56"
			rec.Name = "spc-doc_PL 1234-56.pdf"
		}},
		{"missing-pdf", "", pdfNone, nil},
		{"unreadable-pdf", "a directory where the PDF should be", pdfDirectory, nil},
		{"not-pdf", "an HTML page named .pdf", pdfHTML, nil},
		{"broken-pdf", "a truncated PDF", pdfTruncated, nil},
		{"encrypted-pdf", "needs a user password", pdfEncrypted, nil},
		{"path-escape", "file_path /../../etc/passwd", pdfNone, func(rec *record, _ *document) { rec.FilePath = "/../../etc/passwd" }},
		{"oversize-pdf", fmt.Sprintf("%d bytes (sparse)", oversize), pdfOversize, nil},
	}
	for _, s := range simple {
		d := newDoc("SPC")
		rec := recordOf(d)
		if s.edit != nil {
			s.edit(&rec, d)
		}
		writeXMLRecord(&b, rec)
		detail := s.detail
		if s.mode != pdfNone || s.kind == "missing-pdf" {
			if detail == "" {
				detail = "no file " + d.path
			} else {
				detail += ": " + d.path
			}
			fx.pdfs = append(fx.pdfs, faultPDF{d, s.mode})
		}
		add(s.kind, recordsFile, d.id, detail)
	}
	// A second create with a known id and different content: a PIL for another
	// product, its PDF in the other type's folder so the original's stays.
	var target *document
	for _, d := range p.docs {
		if !d.deleted {
			target = d
			break
		}
	}
	if target == nil {
		target = newDoc("SPC")
		writeXMLRecord(&b, recordOf(target))
		fx.goodDocs = append(fx.goodDocs, target)
	}
	dup := newDoc("PIL")
	dup.id = target.id
	dir := "pil"
	if target.kind == "PIL" {
		dir = "spc"
	}
	dup.filePath = "/docs/" + dir + "/" + strings.ToLower(target.id) + ".pdf"
	dup.path = "sentinel" + dup.filePath
	writeXMLRecord(&b, recordOf(dup))
	fx.pdfs = append(fx.pdfs, faultPDF{dup, pdfValid})
	add("duplicate-id", recordsFile, dup.id, "second create of "+dup.id+" with different content: "+dup.path)
	b.WriteString(xmlFooter)
	fx.files[recordsFile] = bytes.Clone(b.Bytes())

	// Malformed XML: a broken record between two good ones.
	malformedFile := "sentinel/" + faultMonth + "-batch-0002.xml"
	b.Reset()
	b.WriteString(xmlHeader)
	goodA, broken, goodB := newDoc("PIL"), newDoc("SPC"), newDoc("SPC")
	writeXMLRecord(&b, recordOf(goodA))
	var rb bytes.Buffer
	writeXMLRecord(&rb, recordOf(broken))
	b.Write(bytes.Replace(rb.Bytes(), []byte("</product></products>"), []byte("</products>"), 1))
	writeXMLRecord(&b, recordOf(goodB))
	b.WriteString(xmlFooter)
	fx.files[malformedFile] = bytes.Clone(b.Bytes())
	fx.goodDocs = append(fx.goodDocs, goodA, goodB)
	fx.pdfs = append(fx.pdfs, faultPDF{broken, pdfValid})
	add("malformed-xml", malformedFile, broken.id, "<product> closed by </products>, between good records "+goodA.id+" and "+goodB.id)

	// Bytes that are not UTF-8 in a file declaring UTF-8.
	latinFile := "sentinel/" + faultMonth + "-batch-0003.xml"
	b.Reset()
	b.WriteString(xmlHeader)
	latin := newDoc("SPC")
	rec := recordOf(latin)
	rec.Name = strings.TrimSuffix(rec.Name, ".pdf") + " (revision NONUTF8).pdf"
	writeXMLRecord(&b, rec)
	b.WriteString(xmlFooter)
	fx.files[latinFile] = bytes.Replace(b.Bytes(), []byte("NONUTF8"), []byte("r\xe9vis\xe9e"), 1)
	fx.pdfs = append(fx.pdfs, faultPDF{latin, pdfValid})
	add("non-utf8", latinFile, latin.id, "bytes 0xE9 (ISO-8859-1) in <name>")

	// A legacy CSV row with the wrong number of fields.
	bad := newDoc("SPC")
	bad.id = strings.ToLower(bad.id)
	fx.legacyRow = fmt.Appendf(nil, "%s,SPC,%s,Public,1\n", bad.id, bad.title)
	add("legacy-row", "legacy/export.csv", bad.id, "5 fields, want 10")

	// A PAR row without a licence number; its PDF is good.
	prod := pool[r.IntN(len(pool))]
	date := randomTime(r, faultStart, faultEnd)
	file := "par-" + slug(prod.med.substances[0]) + "-no-licence.pdf"
	pr := &par{file: file, products: []*product{prod}, date: date}
	row := parRow(r, file, prod, date, 0)
	row[5] = ""
	fx.parRows = append(fx.parRows, row)
	parDoc := &document{kind: "PAR", par: pr, prod: prod, created: date, rev: 1, path: "pars/" + file, id: file}
	fx.pdfs = append(fx.pdfs, faultPDF{parDoc, pdfValid})
	add("par-row", "pars/pars.csv", file, "empty licence_number")

	for _, d := range fx.goodDocs {
		fx.pdfs = append(fx.pdfs, faultPDF{d, pdfValid})
	}
	return fx
}

// write writes the fault files, the PDFs of fault records and faults.txt.
// The legacy and PAR rows are written with their CSVs.
func (fx *faultSet) write(root string, seed int64) error {
	for name, data := range fx.files {
		if err := writeFile(filepath.Join(root, filepath.FromSlash(name)), data); err != nil {
			return err
		}
	}
	for _, fp := range fx.pdfs {
		if err := writeFaultPDF(root, seed, fp); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("# kind\tfile\trecord\tdetail\n")
	for _, f := range fx.list {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", f.kind, f.file, f.record, f.detail)
	}
	return writeFile(filepath.Join(root, "faults.txt"), []byte(b.String()))
}

func writeFaultPDF(root string, seed int64, fp faultPDF) error {
	path := filepath.Join(root, filepath.FromSlash(fp.doc.path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	spec := docSpec(seed, fp.doc)
	switch fp.mode {
	case pdfNone:
		return nil
	case pdfValid:
		return writePDF(path, spec, newDeflater())
	case pdfDirectory:
		return os.MkdirAll(path, 0o755)
	case pdfHTML:
		html := "<!DOCTYPE html>\n<html lang=\"en\"><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1><p>The requested document " + fp.doc.id + " was not found on this server.</p></body></html>\n"
		return writeFile(path, []byte(html))
	case pdfTruncated:
		dz := newDeflater()
		if err := renderPDF(&dz.raw, spec); err != nil {
			return err
		}
		data := dz.deflate()
		return writeFile(path, data[:len(data)/2])
	case pdfEncrypted:
		spec.userPass = "sample-user"
		return writePDF(path, spec, newDeflater())
	case pdfOversize:
		if err := writePDF(path, spec, newDeflater()); err != nil {
			return err
		}
		return os.Truncate(path, oversize)
	}
	return fmt.Errorf("unknown fault PDF mode %d", fp.mode)
}
