package sample

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"
	"strings"
)

// A deflater compresses the page streams of the PDFs fpdf writes. fpdf can
// deflate them itself but makes a fresh zlib writer (about 1 MB) for every
// page, which more than doubles the time to write a sample; a deflater
// reuses one writer and its buffers. One per worker: it is not safe for
// concurrent use.
type deflater struct {
	zw  *zlib.Writer
	raw bytes.Buffer // the PDF as fpdf wrote it
	out bytes.Buffer // the PDF with deflated streams
	tmp bytes.Buffer // one compressed stream
}

func newDeflater() *deflater {
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed) // the level is valid
	return &deflater{zw: zw}
}

const pdfHeader = "%PDF-1.3\n"

// deflate rewrites the uncompressed PDF in dz.raw into dz.out with every
// unfiltered stream deflated and the cross-reference table rebuilt. It
// returns the bytes to write: dz.out, or dz.raw itself (still a valid PDF)
// when the PDF does not have the plain layout fpdf writes.
func (dz *deflater) deflate() []byte {
	if err := dz.rewrite(); err != nil {
		return dz.raw.Bytes()
	}
	return dz.out.Bytes()
}

func (dz *deflater) rewrite() error {
	pdf := dz.raw.Bytes()
	out := &dz.out
	out.Reset()
	if !bytes.HasPrefix(pdf, []byte(pdfHeader)) {
		return fmt.Errorf("no PDF header")
	}
	xrefAt := bytes.LastIndex(pdf, []byte("\nxref\n")) + 1
	if xrefAt == 0 {
		return fmt.Errorf("no xref")
	}
	trailerAt := bytes.Index(pdf[xrefAt:], []byte("trailer\n"))
	if trailerAt < 0 {
		return fmt.Errorf("no trailer")
	}
	trailerAt += xrefAt
	startAt := bytes.Index(pdf[trailerAt:], []byte("startxref\n"))
	if startAt < 0 {
		return fmt.Errorf("no startxref")
	}
	startAt += trailerAt

	out.WriteString(pdfHeader)
	var offsets []int // by object number; 0 is the free head
	pos := len(pdfHeader)
	for pos < xrefAt {
		nl := bytes.IndexByte(pdf[pos:], '\n')
		if nl < 0 {
			return fmt.Errorf("object header at %d", pos)
		}
		head := string(pdf[pos : pos+nl])
		numText, ok := strings.CutSuffix(head, " 0 obj")
		num, err := strconv.Atoi(numText)
		if !ok || err != nil || num <= 0 {
			return fmt.Errorf("object header %q", head)
		}
		for len(offsets) <= num {
			offsets = append(offsets, -1)
		}
		if offsets[num] >= 0 {
			return fmt.Errorf("object %d twice", num)
		}
		offsets[num] = out.Len()
		body := pos + nl + 1
		if n, dataAt, ok := plainStream(pdf[body:]); ok {
			dataAt += body
			end := dataAt + n
			const tail = "\nendstream\nendobj\n"
			if end+len(tail) > xrefAt || string(pdf[end:end+len(tail)]) != tail {
				return fmt.Errorf("object %d: stream length", num)
			}
			dz.tmp.Reset()
			dz.zw.Reset(&dz.tmp)
			if _, err := dz.zw.Write(pdf[dataAt:end]); err != nil {
				return err
			}
			if err := dz.zw.Close(); err != nil {
				return err
			}
			fmt.Fprintf(out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", num, dz.tmp.Len())
			out.Write(dz.tmp.Bytes())
			out.WriteString(tail)
			pos = end + len(tail)
			continue
		}
		end := bytes.Index(pdf[body:xrefAt], []byte("endobj\n"))
		if end < 0 {
			return fmt.Errorf("object %d: no endobj", num)
		}
		end += body + len("endobj\n")
		out.Write(pdf[pos:end])
		pos = end
	}
	if pos != xrefAt {
		return fmt.Errorf("data before xref")
	}
	xref := out.Len()
	fmt.Fprintf(out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for num := 1; num < len(offsets); num++ {
		if offsets[num] < 0 {
			return fmt.Errorf("object %d missing", num)
		}
		fmt.Fprintf(out, "%010d 00000 n \n", offsets[num])
	}
	out.Write(pdf[trailerAt:startAt])
	fmt.Fprintf(out, "startxref\n%d\n%%%%EOF\n", xref)
	return nil
}

// plainStream reads an object body "<</Length n>>\nstream\n": a stream
// without a filter. It returns n and where the data starts.
func plainStream(body []byte) (n, dataAt int, ok bool) {
	const open, close = "<</Length ", ">>\nstream\n"
	if !bytes.HasPrefix(body, []byte(open)) {
		return 0, 0, false
	}
	i := len(open)
	j := i
	for j < len(body) && body[j] >= '0' && body[j] <= '9' {
		j++
	}
	if j == i || !bytes.HasPrefix(body[j:], []byte(close)) {
		return 0, 0, false
	}
	n, err := strconv.Atoi(string(body[i:j]))
	if err != nil || j+len(close)+n > len(body) {
		return 0, 0, false
	}
	return n, j + len(close), true
}
