package extract

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"unicode/utf8"
)

// The protocol between the pool and a worker process is a sequence of frames
// on the worker's stdin and stdout: one byte of kind, a big-endian uint32
// length, then the payload.
//
//	pool → worker: frameConfig (JSON workerConfig), then any number of frameDoc (PDF bytes)
//	worker → pool: frameReady once the engine is up, then one frameResult (see encodeResult) per frameDoc
const (
	frameConfig = 'c'
	frameDoc    = 'd'
	frameReady  = 'r'
	frameResult = 'o'
)

// maxStack bounds a worker goroutine's stack.
const maxStack = 64 << 20

// maxFrame bounds a frame's payload: no PDF the portal serves comes near it.
const maxFrame = 512 << 20

type workerConfig struct {
	CacheDir    string `json:"cache_dir"`
	MemoryLimit uint64 `json:"memory_limit"`
}

type workerResult struct {
	// Pages travel after the JSON, as raw text (see encodeResult).
	Pages []string `json:"-"`
	Meta  Metadata `json:"meta"`
	// Broken, when set, says why the document could not be read.
	Broken string `json:"broken,omitempty"`
	// Retire asks the pool to replace this worker: the engine panicked and
	// its state can no longer be trusted.
	Retire bool `json:"retire,omitempty"`
}

func writeFrame(w *bufio.Writer, kind byte, payload []byte) error {
	var hdr [5]byte
	hdr[0] = kind
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(payload)))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	if _, err := w.Write(payload); err != nil {
		return err
	}
	return w.Flush()
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("frame of %d bytes is over the %d limit", n, maxFrame)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return 0, nil, fmt.Errorf("short frame: %w", err)
	}
	return hdr[0], buf, nil
}

// encodeResult lays out a result frame's payload: the length of the JSON of
// res (a uvarint), that JSON (metadata, or why the document is broken), then
// each page's text as a uvarint length and the bytes. Pages are most of a
// result; as raw bytes they cost a copy, where JSON cost an escaping pass
// on each side.
func encodeResult(res workerResult) ([]byte, error) {
	head, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	n := binary.MaxVarintLen64 + len(head)
	for _, p := range res.Pages {
		n += binary.MaxVarintLen64 + len(p)
	}
	out := make([]byte, 0, n)
	out = binary.AppendUvarint(out, uint64(len(head)))
	out = append(out, head...)
	for _, p := range res.Pages {
		out = binary.AppendUvarint(out, uint64(len(p)))
		out = append(out, p...)
	}
	return out, nil
}

// decodeResult reads what encodeResult wrote. Page text that is not valid
// UTF-8 (the engine should not produce it) has the bad bytes replaced by
// U+FFFD, which Normalize then drops.
func decodeResult(b []byte) (workerResult, error) {
	var res workerResult
	field := func() ([]byte, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, errors.New("malformed result frame")
		}
		f := b[k : k+int(n)]
		b = b[k+int(n):]
		return f, nil
	}
	head, err := field()
	if err != nil {
		return res, err
	}
	if err := json.Unmarshal(head, &res); err != nil {
		return res, err
	}
	for len(b) > 0 {
		p, err := field()
		if err != nil {
			return res, err
		}
		s := string(p)
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		res.Pages = append(res.Pages, s)
	}
	return res, nil
}

// ServeWorker is the worker side of the pool: it reads a configuration and
// then documents from r, extracts each with PDFium and writes the raw page
// text and metadata to w, until r ends. The CLI's hidden `mip extract-worker`
// command calls it with os.Stdin and os.Stdout; nothing else may write to
// that stdout. A document that crashes or hangs the process is the pool's to
// detect: this loop never sees it end.
func ServeWorker(r io.Reader, w io.Writer) error {
	guardStdout(w)
	br := bufio.NewReader(r)
	bw := bufio.NewWriter(w)
	kind, payload, err := readFrame(br)
	if err != nil {
		return fmt.Errorf("read worker config: %w", err)
	}
	if kind != frameConfig {
		return fmt.Errorf("first frame is %q, want config", kind)
	}
	var cfg workerConfig
	if err := json.Unmarshal(payload, &cfg); err != nil {
		return fmt.Errorf("decode worker config: %w", err)
	}
	if cfg.MemoryLimit > 0 {
		// Collect garbage hard well before the address-space limit, so
		// that only a document that really needs the memory dies of it.
		debug.SetMemoryLimit(int64(cfg.MemoryLimit / 2))
	}
	// The WebAssembly linear memory gets half the bound; the Go heap, the
	// compiled module and the copies of the document need the rest.
	eng, err := newPDFiumEngine(cfg.CacheDir, cfg.MemoryLimit/2)
	if err != nil {
		return err
	}
	defer eng.Close()
	return serve(eng, br, bw)
}

// guardStdout sends stray prints (fmt.Println anywhere in the program) to
// stderr when the protocol is written to stdout.
func guardStdout(w io.Writer) {
	if w == io.Writer(os.Stdout) {
		os.Stdout = os.Stderr
	}
}

// serve runs the document loop with any Engine.
func serve(eng Engine, r io.Reader, w *bufio.Writer) error {
	// A runaway recursion should die quickly, not after growing a 1 GB
	// stack (the default) against the memory limit.
	debug.SetMaxStack(maxStack)
	if err := writeFrame(w, frameReady, nil); err != nil {
		return err
	}
	for {
		kind, payload, err := readFrame(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if kind != frameDoc {
			return fmt.Errorf("unexpected frame %q", kind)
		}
		var res workerResult
		pages, meta, panicked, err := safeExtract(eng, payload)
		if err != nil {
			res.Broken = err.Error()
			res.Retire = panicked
		} else {
			res.Pages, res.Meta = pages, meta
		}
		out, err := encodeResult(res)
		if err != nil {
			return err
		}
		if err := writeFrame(w, frameResult, out); err != nil {
			return err
		}
	}
}

// safeExtract turns a panic in the engine into an error for the document.
// (Stack overflows and hangs are not recoverable here; the pool handles
// those by killing the process.)
func safeExtract(eng Engine, pdf []byte) (pages []string, meta Metadata, panicked bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = true
			err = fmt.Errorf("extractor panic: %v", p)
		}
	}()
	pages, meta, err = eng.Extract(pdf)
	return pages, meta, false, err
}
