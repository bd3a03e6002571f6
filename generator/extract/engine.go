package extract

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// An Engine turns the bytes of one PDF into the raw text of each page and the
// document's metadata. Implementations need not be safe for concurrent use;
// the worker calls one document at a time.
type Engine interface {
	Extract(pdf []byte) (pages []string, meta Metadata, err error)
	Close() error
}

// pdfiumEngine is PDFium compiled to WebAssembly, run by wazero: pure Go, no
// cgo, BSD/Apache licensed.
type pdfiumEngine struct {
	pool     pdfium.Pool
	instance pdfium.Pdfium
}

// wasmPageSize is the size of one WebAssembly memory page.
const wasmPageSize = 64 << 10

// newPDFiumEngine compiles (or loads from cacheDir) the PDFium module and
// starts one instance of it. memoryLimit, when not zero, caps the module's
// linear memory so that a runaway document fails inside PDFium before the
// process reaches its address-space limit.
func newPDFiumEngine(cacheDir string, memoryLimit uint64) (*pdfiumEngine, error) {
	rc := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling)
	if cacheDir != "" {
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return nil, fmt.Errorf("create wasm cache: %w", err)
		}
		cc, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			return nil, fmt.Errorf("open wasm cache %s: %w", cacheDir, err)
		}
		rc = rc.WithCompilationCache(cc)
	}
	if memoryLimit > 0 {
		pages := memoryLimit / wasmPageSize
		if pages > 65536 {
			pages = 65536
		}
		rc = rc.WithMemoryLimitPages(uint32(pages))
	}
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle:       1,
		MaxIdle:       1,
		MaxTotal:      1,
		ReuseWorkers:  true,
		RuntimeConfig: rc,
		// No file system: documents arrive as bytes.
		FSConfig: wazero.NewFSConfig(),
		// The worker's stdout carries the protocol; PDFium must not write to it.
		Stdout: os.Stderr,
		Stderr: os.Stderr,
	})
	if err != nil {
		return nil, fmt.Errorf("start pdfium: %w", err)
	}
	inst, err := pool.GetInstance(30 * time.Second)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("start pdfium instance: %w", err)
	}
	return &pdfiumEngine{pool: pool, instance: inst}, nil
}

func (e *pdfiumEngine) Close() error {
	e.instance.Close()
	return e.pool.Close()
}

// errPassword is returned for documents that need a password to open.
var errPassword = errors.New("encrypted with a user password")

func (e *pdfiumEngine) Extract(pdf []byte) ([]string, Metadata, error) {
	var meta Metadata
	if len(pdf) == 0 {
		return nil, meta, errors.New("empty file")
	}
	doc, err := e.instance.FPDF_LoadMemDocument(&requests.FPDF_LoadMemDocument{Data: &pdf})
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "password") {
			return nil, meta, errPassword
		}
		return nil, meta, fmt.Errorf("not a readable PDF (%s)", pdfiumReason(err))
	}
	defer e.instance.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})

	for _, m := range []struct {
		tag string
		dst *string
	}{
		{"Title", &meta.Title}, {"Author", &meta.Author}, {"Subject", &meta.Subject},
		{"Creator", &meta.Creator}, {"Producer", &meta.Producer},
		{"CreationDate", &meta.Created}, {"ModDate", &meta.Modified},
	} {
		if r, err := e.instance.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc.Document, Tag: m.tag}); err == nil {
			*m.dst = cleanMeta(r.Value)
		}
	}
	count, err := e.instance.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, meta, fmt.Errorf("count pages: %w", err)
	}
	if count.PageCount <= 0 {
		return nil, meta, errors.New("no pages")
	}
	if count.PageCount > maxPages {
		return nil, meta, fmt.Errorf("%d pages, more than the %d allowed", count.PageCount, maxPages)
	}
	meta.Pages = count.PageCount
	pages := make([]string, count.PageCount)
	var first error
	for i := range pages {
		text, err := e.pageText(doc.Document, i)
		if err != nil {
			// One bad page does not lose the others.
			meta.BadPages = append(meta.BadPages, i+1)
			first = cmp.Or(first, fmt.Errorf("page %d: %s", i+1, pdfiumReason(err)))
			continue
		}
		pages[i] = text
	}
	if len(meta.BadPages) == len(pages) {
		return nil, meta, fmt.Errorf("no page could be read (%w)", first)
	}
	return pages, meta, nil
}

// maxPages bounds the page count a document may claim.
const maxPages = 20000

func (e *pdfiumEngine) pageText(doc references.FPDF_DOCUMENT, index int) (string, error) {
	page, err := e.instance.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: index})
	if err != nil {
		return "", err
	}
	defer e.instance.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := e.instance.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return "", err
	}
	defer e.instance.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := e.instance.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return "", err
	}
	if n.Count <= 0 {
		return "", nil
	}
	t, err := e.instance.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: n.Count})
	if err != nil {
		return "", err
	}
	return t.Text, nil
}

// pdfiumReason drops the numeric code go-pdfium puts before PDFium's
// error ("3: incorrect format").
func pdfiumReason(err error) string {
	msg := err.Error()
	if code, rest, ok := strings.Cut(msg, ": "); ok && strings.Trim(code, "0123456789") == "" {
		return rest
	}
	return msg
}

// cleanMeta trims a metadata value and drops NULs some producers leave in.
func cleanMeta(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
}
