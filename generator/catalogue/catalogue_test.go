package catalogue

import (
	"strings"
	"testing"
	"time"

	"mip/generator/documents"
	"mip/generator/finding"
	"mip/generator/ingest"
	"mip/generator/licence"
)

func TestNames(t *testing.T) {
	tests := []struct{ in, clean, slug, letter string }{
		{"  PARACETAMOL   500MG\tTABLETS ", "PARACETAMOL 500MG TABLETS", "paracetamol-500mg-tablets", "P"},
		{"Cafe\u0301 Cre\u0300me", "Café Crème", "cafe-creme", "C"},
		{"5-FLUOROURACIL", "5-FLUOROURACIL", "5-fluorouracil", "5"},
		{"../../etc/passwd", "../../etc/passwd", "etc-passwd", "E"},
		{`<script>alert("x")</script>`, `<script>alert("x")</script>`, "script-alert-x-script", "S"},
		{"  ***  ", "***", "", ""},
	}
	for _, tt := range tests {
		if got := CleanName(tt.in); got != tt.clean {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.clean)
		}
		if got := Slug(tt.in, 60); got != tt.slug {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.slug)
		}
		if got := Letter(tt.in); got != tt.letter {
			t.Errorf("Letter(%q) = %q, want %q", tt.in, got, tt.letter)
		}
	}
	same := [][2]string{{"ZOPICLONE", "Zopiclone"}, {"Mefloquine  Hydrochloride", "MEFLOQUINE HYDROCHLORIDE"}, {"Cafe\u0301", "CAFÉ"}}
	for _, p := range same {
		if NameKey(p[0]) != NameKey(p[1]) {
			t.Errorf("%q and %q should be one name", p[0], p[1])
		}
	}
	// Accents are never stripped from identity.
	if NameKey("CAFÉ") == NameKey("CAFE") {
		t.Error("CAFÉ and CAFE were made one name")
	}
	if got := Slug(strings.Repeat("abc ", 40), 60); len(got) > 61 {
		t.Errorf("slug not bounded: %d", len(got))
	}
}

func rec(id, typ, product, lic, sub string) ingest.Record {
	r := ingest.Record{Source: ingest.Sentinel, File: "x.xml", Line: 1, ID: id, Type: typ, Title: id, Substances: []string{sub}}
	var nums []licence.Number
	if lic != "" {
		nums = licence.MustParse(lic)
	}
	r.Products = []ingest.ProductRef{{Name: product, Licences: nums}}
	return r
}

func info(content string) documents.Info {
	return documents.Info{SHA256: documents.Address([]byte(content)), Size: int64(len(content)), Pages: 1}
}

func TestDuplicateIDKeepsBoth(t *testing.T) {
	c := New()
	c.Begin(time.Unix(0, 0))
	var fl finding.List
	c.Create(rec("CON1", "SPC", "A TABLETS", "PL 12345/0001", "A"), info("one"), &fl)
	c.Create(rec("CON1", "SPC", "B TABLETS", "PL 12345/0002", "B"), info("two"), &fl)
	f := fl.Sorted()
	if len(f) != 1 || f[0].Field != "id" || f[0].Record != "CON1" || !f[0].Kept {
		t.Fatalf("findings = %v", f)
	}
	if len(c.Documents) != 2 {
		t.Fatalf("%d documents, want both kept", len(c.Documents))
	}
	c.Delete(ingest.Record{ID: "CON1", File: "y.xml"}, &fl)
	for _, d := range c.Documents {
		if d.Live() {
			t.Errorf("deleting CON1 left %s live", d.SHA256)
		}
	}
}

func TestDeleteUnknownAndRestore(t *testing.T) {
	c := New()
	c.Begin(time.Unix(0, 0))
	var fl finding.List
	c.Delete(ingest.Record{ID: "CON404", File: "d.xml", Line: 3}, &fl)
	if f := fl.Sorted(); len(f) != 1 || f[0].Record != "CON404" || f[0].Line != 3 {
		t.Errorf("findings = %v", f)
	}
	c.Create(rec("CON1", "PIL", "A", "PL 12345/0001", "A"), info("x"), &fl)
	c.Delete(ingest.Record{ID: "CON1"}, &fl)
	c.Begin(time.Unix(100, 0))
	c.Create(rec("CON2", "PIL", "A", "PL 12345/0001", "A"), info("x"), &fl)
	d := c.Documents[info("x").SHA256]
	if !d.Live() || len(c.Changes().Restored) != 1 {
		t.Errorf("republished bytes: status %s, changes %+v", d.Status, c.Changes())
	}
}

func TestProductIdentity(t *testing.T) {
	c := New()
	c.Begin(time.Unix(0, 0))
	var fl finding.List
	c.Create(rec("C1", "SPC", "PARACETAMOL 500MG TABLETS", "PL 12345/0010", "PARACETAMOL"), info("1"), &fl)
	c.Create(rec("C2", "PIL", "Paracetamol 500mg  Tablets", "PL 12345/0010-0001", "Paracetamol"), info("2"), &fl)
	c.Create(rec("C3", "PIL", "paracetamol 500mg tablets", "", "paracetamol"), info("3"), &fl)
	c.Create(rec("C4", "SPC", "PARACETAMOL 500MG TABLETS", "PLGB 12345/0010", "PARACETAMOL"), info("4"), &fl)
	if len(c.Products) != 2 {
		for _, p := range c.Products {
			t.Logf("product %s %q", p.ID, p.Key)
		}
		t.Fatalf("%d products, want 2 (one per licence; the record without a number joins the one of that name)", len(c.Products))
	}
	if len(c.Substances) != 1 {
		t.Errorf("%d substances, want 1", len(c.Substances))
	}
	p := c.Products["paracetamol-500mg-tablets-pl123450010"]
	if p == nil || p.Name != "PARACETAMOL 500MG TABLETS" {
		t.Fatalf("products: %v", c.Products)
	}
	if got := c.View().Products[0]; len(got.Current) != 3 {
		t.Errorf("product %s has %d documents, want 3", got.ID, len(got.Current))
	}
}
