// Package documents keeps the portal's PDFs: it checks that a file named by a
// record is a real, readable PDF, reads its page count and title, and stores
// each distinct file once under its content address (the sha256 of its
// bytes), forever.
package documents

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

func init() {
	// pdfcpu would otherwise write a config file to the user's config dir.
	model.ConfigPath = "disable"
}

// DefaultMaxSize is the largest PDF accepted unless told otherwise.
const DefaultMaxSize = 100 << 20

// Info is what the build learns about one PDF.
type Info struct {
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Pages     int    `json:"pages"`
	Title     string `json:"pdf_title,omitempty"`
	Encrypted bool   `json:"encrypted,omitempty"`
}

// Problem is an error about a file's content (as opposed to a failure of
// the machine): the record is rejected with this message.
type Problem struct{ Msg string }

func (p *Problem) Error() string { return p.Msg }

func problem(format string, args ...any) error { return &Problem{Msg: fmt.Sprintf(format, args...)} }

// Load reads the file at rel inside dir. rel cannot name anything outside dir,
// through ".." or a symbolic link. Files larger than maxSize are refused
// without being read.
func Load(dir, rel string, maxSize int64) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open export directory: %w", err)
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, problem("file %s does not exist", rel)
		case strings.Contains(err.Error(), "escapes from parent"), strings.Contains(err.Error(), "path escapes"):
			return nil, problem("file %s leaves the export directory", rel)
		}
		return nil, problem("cannot open %s: %v", rel, unwrapPath(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, problem("cannot read %s: %v", rel, unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return nil, problem("%s is not a regular file", rel)
	}
	if st.Size() > maxSize {
		return nil, problem("%s is %d bytes, over the %d byte limit", rel, st.Size(), maxSize)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, problem("cannot read %s: %v", rel, unwrapPath(err))
	}
	if int64(len(data)) > maxSize {
		return nil, problem("%s is over the %d byte limit", rel, maxSize)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Address returns the content address of data: its sha256 in lower-case hex.
func Address(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Inspect checks that data is a PDF that opens without a password and reads
// its page count and title. A file that is not a PDF, is broken or needs a
// password gives a *Problem.
func Inspect(data []byte) (info Info, err error) {
	info = Info{SHA256: Address(data), Size: int64(len(data))}
	if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
		if bytes.Contains(bytes.ToLower(data[:min(len(data), 512)]), []byte("<html")) {
			return info, problem("not a PDF: the file is HTML")
		}
		return info, problem("not a PDF: it does not start with %%PDF-")
	}
	defer func() {
		if r := recover(); r != nil {
			err = problem("broken PDF: the reader failed (%v)", r)
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadContext(bytes.NewReader(data), conf)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(err.Error(), "password") {
			return info, problem("encrypted PDF: it needs a password to open")
		}
		return info, problem("broken PDF: %v", firstLine(err))
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return info, problem("broken PDF: cannot count pages: %v", firstLine(err))
	}
	if ctx.PageCount < 1 {
		return info, problem("broken PDF: it has no pages")
	}
	if err := api.ValidateContext(ctx); err != nil {
		return info, problem("broken PDF: %v", firstLine(err))
	}
	info.Pages = ctx.PageCount
	info.Title = strings.Join(strings.Fields(ctx.Title), " ")
	info.Encrypted = ctx.Encrypt != nil
	return info, nil
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
