package pages

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/finding"
	"mip/generator/ingest"
	"mip/generator/licence"
)

func TestPaginationItems(t *testing.T) {
	href := func(k int) string { return fmt.Sprint(k) }
	describe := func(p map[string]any) string {
		var s []string
		for _, it := range p["items"].([]any) {
			m := it.(map[string]any)
			switch {
			case m["ellipsis"] == true:
				s = append(s, "…")
			case m["current"] == true:
				s = append(s, fmt.Sprintf("[%d]", m["number"]))
			default:
				s = append(s, fmt.Sprint(m["number"]))
			}
		}
		_, prev := p["previous"]
		_, next := p["next"]
		return fmt.Sprintf("%s prev=%v next=%v", strings.Join(s, " "), prev, next)
	}
	for _, c := range []struct {
		cur, n int
		want   string
	}{
		{1, 2, "[1] 2 prev=false next=true"},
		{2, 2, "1 [2] prev=true next=false"},
		{1, 9, "[1] 2 … 9 prev=false next=true"},
		{5, 9, "1 … 4 [5] 6 … 9 prev=true next=true"},
		{3, 9, "1 2 [3] 4 … 9 prev=true next=true"},
		{9, 9, "1 … 8 [9] prev=true next=false"},
	} {
		if got := describe(pagination(c.cur, c.n, href)); got != c.want {
			t.Errorf("page %d of %d: %s, want %s", c.cur, c.n, got, c.want)
		}
	}
	if pagination(1, 1, href) != nil {
		t.Error("one page has pagination")
	}
}

// TestSubstancePages: a substance with 250 products is listed over three
// pages of at most 100, linked by pagination and all in the sitemap.
func TestSubstancePages(t *testing.T) {
	c := catalogue.New()
	c.Begin(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	var fl finding.List
	for i := range 250 {
		lics, _ := licence.Parse(fmt.Sprintf("PL 10000/%04d", i))
		rec := ingest.Record{Source: ingest.Sentinel, File: "x.xml", ID: fmt.Sprint("CON", i), Type: "SPC", Title: "SPC",
			Products: []ingest.ProductRef{{Name: fmt.Sprintf("Paracetamol %03d tablets", i), Licences: lics}}, Substances: []string{"PARACETAMOL"}}
		c.Create(rec, documents.Info{SHA256: fmt.Sprintf("%064x", i), Size: 1000, Pages: 1}, &fl)
	}
	files := writeSite(t, c, sampleOptions(false))
	rows := func(name string) int {
		return strings.Count(string(files[name]), `<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/products/`)
	}
	for name, want := range map[string]int{
		"substances/paracetamol/index.html":        100,
		"substances/paracetamol/page-2/index.html": 100,
		"substances/paracetamol/page-3/index.html": 50,
	} {
		if got := rows(name); got != want {
			t.Errorf("%s lists %d products, want %d", name, got, want)
		}
	}
	if _, ok := files["substances/paracetamol/page-4/index.html"]; ok {
		t.Error("a fourth page was written")
	}
	p2 := string(files["substances/paracetamol/page-2/index.html"])
	for _, want := range []string{`href="/substances/paracetamol/" rel="prev"`, `href="/substances/paracetamol/page-3/" rel="next"`,
		`aria-label="Page 2" aria-current="page"`, "(101 to 200 of 250)", "<title>PARACETAMOL: medicines containing this active substance (page 2 of 3)"} {
		if !strings.Contains(p2, want) {
			t.Errorf("page 2 lacks %s", want)
		}
	}
	sitemap := string(files["sitemaps/pages-1.xml"])
	if !strings.Contains(sitemap, "/substances/paracetamol/page-3/</loc>") {
		t.Error("the sitemap lacks the third page")
	}
}
