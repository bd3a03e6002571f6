package extract

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleText() Text {
	pages := []string{"1. NAME OF THE MEDICINAL PRODUCT\nExamplamol\n10. DATE OF REVISION OF THE TEXT\n01/02/2024"}
	return build("SPC", pages, Metadata{Pages: 1, Title: "Examplamol SPC"})
}

func TestCacheRoundTrip(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := Sum([]byte("%PDF-1.4 example"))
	if _, ok := c.Get(key); ok {
		t.Fatal("hit in an empty cache")
	}
	want := sampleText()
	if want.RevisionDate != "2024-02-01" || len(want.Sections) != 2 {
		t.Fatalf("sample is not what the test needs: %+v", want)
	}
	if err := c.Put(key, want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(key)
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := c.Get(Sum([]byte("other"))); ok {
		t.Error("hit for another key")
	}
	if err := c.Put("../../etc/passwd", want); err == nil {
		t.Error("Put accepted a key that is not a sha256")
	}
	if left, _ := filepath.Glob(filepath.Join(c.dir, "*", ".tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCacheCorruptIsMiss flips, truncates and replaces entries: every
// damaged entry must read as a miss, and a Put must mend it.
func TestCacheCorruptIsMiss(t *testing.T) {
	c, _ := OpenCache(t.TempDir())
	key := Sum([]byte("doc"))
	want := sampleText()
	if err := c.Put(key, want); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(c.path(key))
	if err != nil {
		t.Fatal(err)
	}
	damage := map[string][]byte{
		"empty":     {},
		"truncated": good[:len(good)/2],
		"flipped":   flip(good, len(good)-10),
		"header":    flip(good, 2),
		"checksum":  flip(good, len(cacheMagic)+3),
	}
	for name, data := range damage {
		if err := os.WriteFile(c.path(key), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get(key); ok {
			t.Errorf("%s entry was a hit", name)
		}
	}
	// An entry stored under another key (a renamed file) is a miss too.
	other := Sum([]byte("other"))
	os.MkdirAll(filepath.Dir(c.path(other)), 0o755)
	os.WriteFile(c.path(other), good, 0o644)
	if _, ok := c.Get(other); ok {
		t.Error("entry of another key was a hit")
	}
	if err := c.Put(key, want); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get(key); !ok || !reflect.DeepEqual(got, want) {
		t.Error("Put did not mend the entry")
	}
}

func TestTextAs(t *testing.T) {
	spc := sampleText()
	if spc.Type != "SPC" || spc.As("spc").Sections[0].ID != "spc-1" {
		t.Fatalf("sample: %+v", spc)
	}
	par := spc.As("PAR")
	if par.Type != "PAR" || par.RevisionDate != "" || len(par.Sections) == 0 || par.Sections[0].ID != "par-p1" {
		t.Errorf("as PAR: %+v", par)
	}
	if back := par.As("SPC"); !reflect.DeepEqual(back, spc) {
		t.Errorf("back as SPC: %+v", back)
	}
}

func TestCacheBroken(t *testing.T) {
	c, _ := OpenCache(t.TempDir())
	key := Sum([]byte("%PDF broken"))
	if _, ok := c.Broken(key); ok {
		t.Fatal("broken record in an empty cache")
	}
	want := &BrokenError{Reason: "extraction timed out after 1m0s (worker killed)", Limit: true}
	if err := c.PutBroken(key, want); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(key); ok {
		t.Error("Get hit on a broken record")
	}
	got, ok := c.Broken(key)
	if !ok || *got != *want {
		t.Errorf("Broken = %+v, %v; want %+v", got, ok, want)
	}
	if _, b, ok := c.Lookup(key); !ok || b == nil || *b != *want {
		t.Errorf("Lookup = %+v, %v; want %+v", b, ok, want)
	}
	// A later good result replaces the record.
	if err := c.Put(key, sampleText()); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Broken(key); ok {
		t.Error("broken record survived a Put")
	}
	if _, ok := c.Get(key); !ok {
		t.Error("Get missed after Put")
	}
	if txt, b, ok := c.Lookup(key); !ok || b != nil || !reflect.DeepEqual(txt, sampleText()) {
		t.Errorf("Lookup after Put = %v, %v", b, ok)
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x55
	return out
}

func TestFindings(t *testing.T) {
	fs := Findings("a.pdf", "CON1", Text{}, &BrokenError{Reason: "extraction timed out after 1s (worker killed)"})
	if len(fs) != 1 || fs[0].Kept || fs[0].String() != "a.pdf: record CON1: field pdf: cannot extract text: extraction timed out after 1s (worker killed)" {
		t.Errorf("broken: %q", fs)
	}
	fs = Findings("b.pdf", "CON2", Text{Pages: []string{""}}, nil)
	if len(fs) != 1 || !fs[0].Kept || !strings.Contains(fs[0].Message, "no text layer") {
		t.Errorf("scan: %+v", fs)
	}
	partial := sampleText()
	partial.Pages = append(partial.Pages, "", "")
	partial.Meta.BadPages = []int{2, 3}
	fs = Findings("c.pdf", "CON3", partial, nil)
	if len(fs) != 1 || !fs[0].Kept || fs[0].Message != "cannot read page 2, 3 of 3: its text is missing" {
		t.Errorf("bad pages: %+v", fs)
	}
	if fs := Findings("d.pdf", "CON4", sampleText(), nil); len(fs) != 0 {
		t.Errorf("findings for a good document: %v", fs)
	}
	if fs := Findings("e.pdf", "CON5", Text{}, os.ErrNotExist); len(fs) != 0 {
		t.Errorf("finding for an error that is not about the document: %v", fs)
	}
}

func TestTailKeepsFatalLine(t *testing.T) {
	tl := &tail{max: 64}
	tl.Write([]byte("pdfium: warning\nfatal error: runtime: out of "))
	tl.Write([]byte("memory\n\ngoroutine 1 [running]:\n" + strings.Repeat("frame\n", 100)))
	if got := tl.lastLine(); got != "fatal error: runtime: out of memory" {
		t.Errorf("lastLine = %q", got)
	}
	tl = &tail{max: 64}
	tl.Write([]byte("one\ntwo\n"))
	if got := tl.lastLine(); got != "two" {
		t.Errorf("lastLine = %q", got)
	}
}

// TestVersionNamesEngine fails when go.mod moves to another go-pdfium
// without Version following, which would keep serving old extractions.
func TestVersionNamesEngine(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(mod), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "github.com/klippa-app/go-pdfium" {
			if !strings.Contains(Version, "go-pdfium@"+f[1]) {
				t.Errorf("go.mod requires go-pdfium %s; Version %q names another", f[1], Version)
			}
			return
		}
	}
	t.Fatal("go.mod does not require go-pdfium")
}
