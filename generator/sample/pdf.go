package sample

import (
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
)

// pdfSpec is what one PDF holds.
type pdfSpec struct {
	title    string
	subject  string
	author   string
	keywords string
	created  time.Time
	paras    []para
	userPass string // encrypt with this user password when set
}

// docSpec builds the PDF of d. Its text depends only on the seed and the
// document, so PDFs can be written in any order.
func docSpec(seed int64, d *document) pdfSpec {
	h := fnv.New64a()
	io.WriteString(h, d.path)
	r := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	s := pdfSpec{author: d.prod.holder, created: d.created}
	switch d.kind {
	case "SPC":
		s.title = "Summary of Product Characteristics: " + d.prod.med.name
		s.subject = "SPC " + d.prod.lic.display()
		s.paras = spcText(r, d)
	case "PIL":
		s.title = "Package leaflet: " + d.prod.med.name
		s.subject = "PIL " + d.prod.lic.display()
		s.paras = pilText(r, d)
	default:
		s.title = "Public Assessment Report: " + d.prod.med.name
		s.subject = "PAR " + d.prod.lic.display()
		s.author = "Medicines regulator"
		s.paras = parText(r, d)
	}
	s.keywords = d.prod.med.substances[0]
	return s
}

// renderPDF writes the PDF of s to w. Its streams are plain (see deflater)
// unless it is encrypted: then fpdf deflates them before encrypting.
func renderPDF(w io.Writer, s pdfSpec) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCompression(s.userPass != "")
	f.SetCreationDate(s.created)
	f.SetModificationDate(s.created)
	f.SetTitle(s.title, false)
	f.SetSubject(s.subject, false)
	f.SetAuthor(s.author, false)
	f.SetKeywords(s.keywords, false)
	f.SetCreator("mip sample generator", false)
	if s.userPass != "" {
		f.SetProtection(fpdf.CnProtectPrint, s.userPass, "owner-"+s.userPass)
	}
	f.SetMargins(20, 18, 20)
	f.SetAutoPageBreak(true, 18)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont("Helvetica", "", 8)
		f.CellFormat(0, 4, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	for _, p := range s.paras {
		switch p.style {
		case styleTitle:
			f.SetFont("Helvetica", "B", 14)
			f.MultiCell(0, 7, p.text, "", "C", false)
			f.Ln(3)
		case styleH1:
			f.Ln(2)
			f.SetFont("Helvetica", "B", 10.5)
			f.MultiCell(0, 5, p.text, "", "L", false)
			f.Ln(1)
		case styleH2:
			f.Ln(1)
			f.SetFont("Helvetica", "BI", 10)
			f.MultiCell(0, 5, p.text, "", "L", false)
		case styleText:
			f.SetFont("Helvetica", "", 9.5)
			f.MultiCell(0, 4.4, p.text, "", "J", false)
			f.Ln(1)
		case styleBullet:
			f.SetFont("Helvetica", "", 9.5)
			f.SetX(25)
			f.MultiCell(0, 4.4, "- "+p.text, "", "L", false)
		}
	}
	return f.Output(w)
}

// writePDF renders s into the file at path, whose directory must exist,
// with its streams deflated by dz.
func writePDF(path string, s pdfSpec, dz *deflater) error {
	dz.raw.Reset()
	if err := renderPDF(&dz.raw, s); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	data := dz.raw.Bytes()
	if s.userPass == "" {
		data = dz.deflate()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writePDFs writes the PDF of every document below root with a bounded pool
// of workers. Each PDF depends only on its own document, so the output is the
// same whatever order the workers run in.
func writePDFs(root string, seed int64, docs []*document, workers int) error {
	if workers < 1 {
		workers = 1
	}
	// Make every directory first, so that workers only create files.
	dirs := map[string]bool{}
	for _, d := range docs {
		dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(d.path)))
		if !dirs[dir] {
			dirs[dir] = true
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
	}
	jobs := make(chan *document)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range workers {
		wg.Go(func() {
			dz := newDeflater()
			for d := range jobs {
				err := writePDF(filepath.Join(root, filepath.FromSlash(d.path)), docSpec(seed, d), dz)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, d := range docs {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		jobs <- d
	}
	close(jobs)
	wg.Wait()
	return firstErr
}
