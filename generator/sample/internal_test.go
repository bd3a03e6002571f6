package sample

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSubstances(t *testing.T) {
	meds, err := loadMedicines()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"Cardura 1mg tablets":                       {"DOXAZOSIN"},
		"Doxazosin 1mg tablets":                     {"DOXAZOSIN"},
		"Komil 5mg/40mg tablets":                    {"AMILORIDE", "FUROSEMIDE"},
		"Abacavir 600mg / Lamivudine 300mg tablets": {"ABACAVIR", "LAMIVUDINE"},
		"Pulmicort LS 50micrograms/dose inhaler":    {"BUDESONIDE"},
		"Symbicort 200/6 Turbohaler":                {"BUDESONIDE", "FORMOTEROL"},
	}
	found := map[string]bool{}
	for _, m := range meds {
		if subs, ok := want[m.name]; ok {
			found[m.name] = true
			if !slices.Equal(m.substances, subs) {
				t.Errorf("%s: substances %q, want %q", m.name, m.substances, subs)
			}
		}
		if len(m.substances) == 0 || m.supplier == "" || strings.Contains(m.supplier, "Special") || strings.HasPrefix(m.supplier, "Imported") {
			t.Errorf("%s: substances %q, supplier %q", m.name, m.substances, m.supplier)
		}
	}
	for name := range want {
		if !found[name] {
			t.Errorf("%s not in the embedded data", name)
		}
	}
	if len(meds) < 10000 {
		t.Errorf("%d AMPs embedded", len(meds))
	}
}

func TestSubstancesFromName(t *testing.T) {
	for name, want := range map[string][]string{
		"Abacavir 600mg / Lamivudine 300mg tablets":  {"ABACAVIR", "LAMIVUDINE"},
		"Medical oxygen cylinders 3400litres":        {"MEDICAL OXYGEN"},
		"Adrenaline (base) 1mg/1ml solution":         {"ADRENALINE"},
		"Erythromycin ethyl succinate 500mg tablets": {"ERYTHROMYCIN ETHYL SUCCINATE"},
		"Aspirin dispersible 75mg tablets":           {"ASPIRIN"},
	} {
		if got := substancesFromName(name); !slices.Equal(got, want) {
			t.Errorf("substancesFromName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSplitName(t *testing.T) {
	for _, c := range []struct{ name, base, strength, form string }{
		{"Cardura 1mg tablets", "Cardura", "1mg", "tablets"},
		{"Abacavir 600mg / Lamivudine 300mg tablets", "Abacavir and Lamivudine", "600mg/300mg", "tablets"},
		{"Ramipril 2.5mg capsules", "Ramipril", "2.5mg", "capsules"},
		{"Aqueous cream", "Aqueous cream", "", ""},
	} {
		b, s, f := splitName(c.name)
		if b != c.base || s != c.strength || f != c.form {
			t.Errorf("splitName(%q) = %q, %q, %q", c.name, b, s, f)
		}
	}
}

func TestLicenceSpelling(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	re := regexp.MustCompile(`^PLGB[ /_]?12345[ /_-]?0010(-000[1-3])?$`)
	l := licence{prefix: "PLGB", company: 12345, product: 10}
	seen := map[string]bool{}
	for range 500 {
		s := l.spell(r)
		seen[s] = true
		if !re.MatchString(s) {
			t.Errorf("spelling %q", s)
		}
	}
	if len(seen) < 8 {
		t.Errorf("only %d spellings: %v", len(seen), seen)
	}
	if l.display() != "PLGB 12345/0010" || l.titleForm() != "PLGB 12345-0010" || l.territory() != "GB" {
		t.Errorf("%s %s %s", l.display(), l.titleForm(), l.territory())
	}
}

func TestLondonWall(t *testing.T) {
	for _, c := range []struct{ utc, label string }{
		{"2024-01-15T10:00:00Z", "2024-01-15T10:00:00+00:00"},
		{"2024-03-31T00:59:59Z", "2024-03-31T00:59:59+00:00"},
		{"2024-03-31T01:00:00Z", "2024-03-31T02:00:00+00:00"},
		{"2024-07-01T09:30:00Z", "2024-07-01T10:30:00+00:00"},
		{"2024-10-27T00:59:59Z", "2024-10-27T01:59:59+00:00"},
		{"2024-10-27T01:00:00Z", "2024-10-27T01:00:00+00:00"},
	} {
		tm, _ := time.Parse(time.RFC3339, c.utc)
		if got := createdLabel(tm); got != c.label {
			t.Errorf("createdLabel(%s) = %s, want %s", c.utc, got, c.label)
		}
	}
}

func TestDeflateFallsBack(t *testing.T) {
	dz := newDeflater()
	for _, in := range []string{"", "%PDF-1.3\n", "%PDF-1.3\n1 0 obj\n<</Length 3>>\nstream\nabc\nxref\n0 2\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n", "not a pdf"} {
		dz.raw.Reset()
		dz.raw.WriteString(in)
		if got := string(dz.deflate()); got != in {
			t.Errorf("deflate(%q) = %q, want the input back", in, got)
		}
	}
}

func TestDeflateRoundTrip(t *testing.T) {
	spec := pdfSpec{title: "T", created: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		paras: []para{{styleTitle, "Title"}, {styleText, strings.Repeat("Paracetamol 500mg tablets. ", 400)}}}
	dz := newDeflater()
	if err := renderPDF(&dz.raw, spec); err != nil {
		t.Fatal(err)
	}
	raw := append([]byte(nil), dz.raw.Bytes()...)
	out := dz.deflate()
	if bytes.Equal(out, raw) {
		t.Fatal("deflate left the PDF as it was")
	}
	// The first page stream decompresses to the plain one.
	_, at, ok := plainStream(raw[bytes.Index(raw, []byte("<</Length ")):])
	if !ok {
		t.Fatal("no plain stream in fpdf's output")
	}
	start := bytes.Index(raw, []byte("<</Length ")) + at
	plain := raw[start : start+bytes.Index(raw[start:], []byte("\nendstream"))]
	i := bytes.Index(out, []byte("<</Filter /FlateDecode /Length "))
	if i < 0 {
		t.Fatal("no deflated stream")
	}
	j := i + bytes.Index(out[i:], []byte("stream\n")) + len("stream\n")
	zr, err := zlib.NewReader(bytes.NewReader(out[j:]))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(io.LimitReader(zr, int64(len(plain)+1)))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Errorf("inflated stream differs: %d bytes, want %d", len(got), len(plain))
	}
	// Every xref entry points at its object.
	xref := bytes.LastIndex(out, []byte("\nxref\n")) + 1
	lines := strings.Split(string(out[xref:]), "\n")
	for n, line := range lines[3:] {
		if !strings.HasSuffix(line, " n ") {
			break
		}
		off, _ := strconv.Atoi(line[:10])
		if want := strconv.Itoa(n+1) + " 0 obj\n"; !bytes.HasPrefix(out[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q", n+1, out[off:off+10])
		}
	}
	if !bytes.HasSuffix(out, []byte("startxref\n"+strconv.Itoa(xref)+"\n%%EOF\n")) {
		t.Errorf("startxref does not point at the xref")
	}
}
