package documents

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedPDFs are real regulator PDFs kept beside the repository.
var sharedPDFs = filepath.Join("..", "..", "..", "shared", "pdfs")

func TestInspectRealPDFs(t *testing.T) {
	want := map[string]int{"con185680.pdf": 5, "con2023235.pdf": 4, "con2024428.pdf": 4, "rabbit-anti-human-stuff.pdf": 3}
	for name, pages := range want {
		data, err := os.ReadFile(filepath.Join(sharedPDFs, name))
		if err != nil {
			t.Skipf("shared PDFs not present: %v", err)
		}
		info, err := Inspect(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if info.Pages != pages || info.Size != int64(len(data)) || len(info.SHA256) != 64 {
			t.Errorf("%s: %+v, want %d pages", name, info, pages)
		}
	}
}

func TestInspectRejects(t *testing.T) {
	real, err := os.ReadFile(filepath.Join(sharedPDFs, "con185680.pdf"))
	if err != nil {
		t.Skipf("shared PDFs not present: %v", err)
	}
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"html", []byte("<!DOCTYPE html><html><body>not a pdf</body></html>"), "not a PDF: the file is HTML"},
		{"empty", nil, "not a PDF"},
		{"random", []byte("\x89PNG\r\n\x1a\nxxxx"), "not a PDF"},
		{"header only", []byte("%PDF-1.4\n"), "broken PDF"},
		{"truncated", real[:len(real)/3], "broken PDF"},
	}
	for _, tt := range tests {
		_, err := Inspect(tt.data)
		var p *Problem
		if !errors.As(err, &p) || !strings.Contains(p.Msg, tt.msg) {
			t.Errorf("%s: err = %v, want a problem saying %q", tt.name, err, tt.msg)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	exp := filepath.Join(dir, "export")
	os.MkdirAll(filepath.Join(exp, "docs", "adir.pdf"), 0o755)
	os.WriteFile(filepath.Join(exp, "docs", "a.pdf"), []byte("%PDF-1.4 hello"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.pdf"), []byte("%PDF-secret"), 0o644)
	os.Symlink(filepath.Join(dir, "secret.pdf"), filepath.Join(exp, "docs", "link.pdf"))
	if data, err := Load(exp, "docs/a.pdf", 100); err != nil || string(data) != "%PDF-1.4 hello" {
		t.Errorf("Load good = %q, %v", data, err)
	}
	for rel, msg := range map[string]string{
		"docs/missing.pdf": "does not exist",
		"docs/adir.pdf":    "not a regular file",
		"docs/link.pdf":    "leaves the export directory",
		"../secret.pdf":    "leaves the export directory",
	} {
		_, err := Load(exp, rel, 100)
		var p *Problem
		if !errors.As(err, &p) || !strings.Contains(p.Msg, msg) {
			t.Errorf("Load(%s) = %v, want %q", rel, err, msg)
		}
	}
	if _, err := Load(exp, "docs/a.pdf", 5); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("size limit: %v", err)
	}
}

func TestStore(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Put([]byte("%PDF-a"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Put([]byte("%PDF-a"))
	if a != b || a != Address([]byte("%PDF-a")) {
		t.Errorf("same bytes gave %s and %s", a, b)
	}
	dst := filepath.Join(t.TempDir(), "out.pdf")
	if err := s.Link(a, dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "%PDF-a" {
		t.Errorf("linked file holds %q", got)
	}
	if err := s.Link("../../etc/passwd", dst+"2"); err == nil {
		t.Error("Link accepted a non-address")
	}
}

func FuzzInspect(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(sharedPDFs, "rabbit-anti-human-stuff.pdf")); err == nil {
		f.Add(data[:min(len(data), 4096)])
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data)
		if err == nil && info.Pages < 1 {
			t.Fatalf("accepted a PDF with %d pages", info.Pages)
		}
		var p *Problem
		if err != nil && !errors.As(err, &p) {
			t.Fatalf("error is not a Problem: %v", err)
		}
	})
}
