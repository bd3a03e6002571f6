package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"path/filepath"
	"testing"
	"time"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/finding"
	"mip/generator/ingest"
	"mip/generator/licence"
	"mip/generator/outdir"
)

// syntheticCatalogue has n documents: an SPC, a PIL and a PAR for each of
// n/3 products, spread over n/12 substances.
func syntheticCatalogue(b testing.TB, n int) *catalogue.Catalogue {
	b.Helper()
	c := catalogue.New()
	c.Begin(time.Date(2025, 1, 1, 2, 0, 0, 0, time.UTC))
	var fl finding.List
	subs := max(1, n/12)
	for i := range n {
		p := i / 3
		lics, err := licence.Parse(fmt.Sprintf("PL %05d/%04d", 10000+p/10000, p%10000))
		if err != nil {
			b.Fatal(err)
		}
		typ := []string{"SPC", "PIL", "PAR"}[i%3]
		sum := sha256.Sum256([]byte(fmt.Sprint(i)))
		sub := fmt.Sprintf("%c%s substance %d", 'A'+rune(p%26), "ABCDE"[p%5:p%5+1], p%subs)
		rec := ingest.Record{Source: ingest.Sentinel, File: "x.xml", ID: fmt.Sprintf("CON%d", i), Type: typ,
			Title:      fmt.Sprintf("%s for product %d.pdf", typ, p),
			Products:   []ingest.ProductRef{{Name: fmt.Sprintf("Product %d 500mg tablets", p), Licences: lics}},
			Substances: []string{sub}, Holder: "Example Pharma Ltd",
			Created: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)}
		c.Create(rec, documents.Info{SHA256: hex.EncodeToString(sum[:]), Size: int64(100000 + i), Pages: 1 + i%40}, &fl)
	}
	return c
}

func htmlPages(v *catalogue.View) int {
	return len(v.Documents) + len(v.Products) + len(v.Substances) + len(v.Letters)
}

// BenchmarkWrite renders the whole site at 20,000 documents and, in the same
// run, a bare loop that executes a one-line template, minifies the result
// and writes it, once per page: the floor the renderer is measured against.
// Both report pages/s.
func BenchmarkWrite(b *testing.B) {
	c := syntheticCatalogue(b, 20000)
	v := c.View()
	n := htmlPages(v)
	dirWriter := func(b *testing.B) *outdir.Writer {
		w, err := outdir.Begin(filepath.Join(b.TempDir(), "site"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(w.Abort)
		return w
	}
	b.Run("site", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			w := dirWriter(b)
			b.StartTimer()
			if err := Write(w, c, v, Options{Minify: true, BaseURL: "https://medicines.example.org"}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	})
	b.Run("bare", func(b *testing.B) {
		t := template.Must(template.New("").Parse(`<!DOCTYPE html><html lang="en"><head><title>{{.Name}}</title></head><body><h1>{{.Name}}</h1></body></html>`))
		min := newMinifier(true)
		for b.Loop() {
			b.StopTimer()
			w := dirWriter(b)
			b.StartTimer()
			var buf bytes.Buffer
			for i := range n {
				buf.Reset()
				name := v.Products[i%len(v.Products)].Name
				if err := t.Execute(&buf, struct{ Name string }{name}); err != nil {
					b.Fatal(err)
				}
				data, err := min.bytes("text/html", buf.Bytes())
				if err != nil {
					b.Fatal(err)
				}
				if err := w.WriteFile(filepath.ToSlash(filepath.Join("p", fmt.Sprint(i), "index.html")), data); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	})
}
