package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// WorkerCommand is the hidden subcommand of the mip binary that runs
// ServeWorker. The default Options.Command re-executes the running program
// with it.
const WorkerCommand = "extract-worker"

// Options configure a Pool. The zero value of every field selects its default.
type Options struct {
	// Workers is how many worker processes run at once; default one per core.
	Workers int
	// Timeout bounds the extraction of one document; default 60 s. A worker
	// past it is killed and the document reported as broken.
	Timeout time.Duration
	// MemoryLimit bounds, in bytes, how much address space a worker may
	// add while extracting (RLIMIT_AS set to its size when ready plus this;
	// see limitMemory); default 1 GiB. A document needing more kills the
	// worker and is reported as broken.
	MemoryLimit uint64
	// RecycleAfter replaces a worker after that many documents, and
	// RecycleAbove after a document that leaves it with more than that
	// many bytes resident (Linux only), since WebAssembly memory never
	// shrinks; defaults 400 and 512 MiB. The resident-size bound is what
	// keeps memory in check (workers sit at 60–80 MiB on real documents);
	// the count only bounds how long one worker lives, and each start costs
	// about 0.1 CPU-s, so at 100 starts were 5% of a large run's CPU.
	RecycleAfter int
	RecycleAbove uint64
	// Command starts a worker: the program and its arguments. Default:
	// this executable (os.Executable) with the argument WorkerCommand.
	Command []string
	// CacheDir holds the compiled WebAssembly module (a worker starts in
	// about 4.3 CPU-seconds without it, 0.15 with it); put it under the
	// build's state directory. Default: the user cache directory's
	// mip/wazero; if there is none, every worker compiles PDFium.
	CacheDir string
	// Logger receives worker starts, recycles and deaths; default discards.
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MemoryLimit == 0 {
		o.MemoryLimit = 1 << 30
	}
	if o.RecycleAfter <= 0 {
		o.RecycleAfter = 400
	}
	if o.RecycleAbove == 0 {
		o.RecycleAbove = 512 << 20
	}
	if len(o.Command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			exe = os.Args[0]
		}
		o.Command = []string{exe, WorkerCommand}
	}
	if o.CacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			o.CacheDir = filepath.Join(d, "mip", "wazero")
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// A BrokenError says a document could not be extracted: it is malformed,
// encrypted, hangs the parser past the timeout or needs more memory than the
// limit. It is a finding about the document, not a failure of the build.
type BrokenError struct {
	Reason string `json:"reason"`
	// Limit is true when the document hit the timeout or the memory limit:
	// another run, less loaded or with other limits, might read it. False
	// when the engine refused it or the worker crashed on it.
	Limit bool `json:"limit,omitempty"`
}

func (e *BrokenError) Error() string { return "broken PDF: " + e.Reason }

// IsBroken reports whether err says the document itself is at fault.
func IsBroken(err error) bool {
	var b *BrokenError
	return errors.As(err, &b)
}

// A Pool runs extraction in supervised worker processes. It is safe for
// concurrent use; Extract blocks while all workers are busy.
type Pool struct {
	opts  Options
	slots chan *slot
	mu    sync.Mutex // guards shut and stats
	all   []*slot
	shut  bool
	stats Stats
	// retiring counts recycled workers still finishing, for Close to
	// wait for (and Stats to count them).
	retiring sync.WaitGroup
}

// Stats count what a pool's workers did.
type Stats struct {
	Started  int // worker processes started
	Recycled int // stopped after RecycleAfter documents, past RecycleAbove, or after an engine panic
	Died     int // killed (timeout) or crashed on a document
	// PeakRSS is the highest peak resident set size, in bytes, of the
	// workers that have exited (Linux only; 0 elsewhere).
	PeakRSS uint64
	// CPU is the user and system time of the workers that have exited;
	// StartCPU the part of it spent starting (loading PDFium) before the
	// first document (Linux only; 0 elsewhere).
	CPU, StartCPU time.Duration
}

// Stats returns the counts so far.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// slot is one place in the pool; it holds a running worker or none.
type slot struct {
	w *worker
}

// NewPool makes a pool. Workers start on first use.
func NewPool(opts Options) (*Pool, error) {
	opts.setDefaults()
	if _, err := exec.LookPath(opts.Command[0]); err != nil {
		return nil, fmt.Errorf("extract worker command: %w", err)
	}
	p := &Pool{opts: opts, slots: make(chan *slot, opts.Workers)}
	for range opts.Workers {
		s := &slot{}
		p.all = append(p.all, s)
		p.slots <- s
	}
	return p, nil
}

// ExtractFile reads the PDF at path and extracts it (see Extract).
func (p *Pool) ExtractFile(ctx context.Context, docType, path string) (Text, error) {
	pdf, err := os.ReadFile(path)
	if err != nil {
		return Text{}, err
	}
	return p.Extract(ctx, docType, pdf)
}

// Extract extracts the text of one PDF in a worker process and structures it
// as a document of docType ("SPC", "PIL", "PAR"; anything else gets no
// sections). The error is a *BrokenError when the document is at fault
// (report it as a finding and go on), ctx's error when ctx ends, or another
// error when workers cannot run at all.
func (p *Pool) Extract(ctx context.Context, docType string, pdf []byte) (Text, error) {
	if len(pdf) > maxFrame {
		return Text{}, &BrokenError{Reason: fmt.Sprintf("file of %d bytes is over the %d byte limit", len(pdf), maxFrame)}
	}
	res, err := p.run(ctx, pdf)
	if err != nil {
		return Text{}, err
	}
	if res.Broken != "" {
		return Text{}, &BrokenError{Reason: res.Broken}
	}
	return build(docType, res.Pages, res.Meta), nil
}

// build normalises raw pages and adds the structure.
func build(docType string, raw []string, meta Metadata) Text {
	t := Text{Pages: make([]string, len(raw)), Meta: meta}
	for i, r := range raw {
		t.Pages[i] = Normalize(r)
	}
	t.HasText = hasText(t.Pages)
	return t.As(docType)
}

func (p *Pool) run(ctx context.Context, pdf []byte) (workerResult, error) {
	var s *slot
	select {
	case s = <-p.slots:
	case <-ctx.Done():
		return workerResult{}, ctx.Err()
	}
	defer func() { p.slots <- s }()
	p.mu.Lock()
	shut := p.shut
	p.mu.Unlock()
	if shut {
		return workerResult{}, errors.New("extract pool is closed")
	}
	if s.w != nil && s.w.dead() {
		// It died between documents (killed from outside): not this
		// document's fault.
		p.opts.Logger.Warn("extract worker died while idle", "pid", s.w.cmd.Process.Pid, "stderr", s.w.stderr.lastLine())
		s.w = nil
	}
	if s.w == nil {
		w, err := p.start(ctx)
		if err != nil {
			return workerResult{}, err
		}
		s.w = w
	}
	w := s.w
	res, err := w.do(ctx, pdf, p.opts.Timeout)
	if err != nil {
		s.w = nil
		w.kill()
		if ctx.Err() != nil {
			return workerResult{}, ctx.Err()
		}
		reason, limit := w.deathReason(err, p.opts)
		p.mu.Lock()
		p.stats.Died++
		p.mu.Unlock()
		p.opts.Logger.Warn("extract worker died", "pid", w.cmd.Process.Pid, "reason", reason)
		return workerResult{}, &BrokenError{Reason: reason, Limit: limit}
	}
	w.uses++
	rss := resident(w.cmd.Process.Pid)
	if w.uses >= p.opts.RecycleAfter || rss > p.opts.RecycleAbove || res.Retire {
		p.opts.Logger.Debug("recycling extract worker", "pid", w.cmd.Process.Pid, "documents", w.uses, "resident", rss)
		s.w = nil
		p.mu.Lock()
		p.stats.Recycled++
		p.mu.Unlock()
		p.retiring.Go(w.stop)
	}
	return res, nil
}

// Close stops every worker, recycled ones included, and waits for them.
// Extract calls after Close fail.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.shut = true
	p.mu.Unlock()
	for range p.opts.Workers {
		s := <-p.slots
		if s.w != nil {
			s.w.stop()
			s.w = nil
		}
		defer func() { p.slots <- s }()
	}
	p.retiring.Wait()
	return nil
}

// worker is one running worker process.
type worker struct {
	cmd    *exec.Cmd
	stdin  *os.File
	in     *bufio.Writer
	out    *bufio.Reader
	stderr *tail
	exited chan struct{} // closed once Wait returned
	uses   int
}

func (p *Pool) start(ctx context.Context) (*worker, error) {
	cmd := exec.Command(p.opts.Command[0], p.opts.Command[1:]...)
	prepare(cmd)
	// Pipes made here rather than by cmd.StdinPipe, to be widened: a
	// document or a result then passes in a few writes instead of one
	// per 64 KiB, each waking the reader.
	childIn, stdin, err := pipe()
	if err != nil {
		return nil, err
	}
	stdout, childOut, err := pipe()
	if err != nil {
		stdin.Close()
		childIn.Close()
		return nil, err
	}
	cmd.Stdin, cmd.Stdout = childIn, childOut
	w := &worker{cmd: cmd, stdin: stdin, in: bufio.NewWriter(stdin), out: bufio.NewReader(stdout),
		stderr: &tail{max: 4096}, exited: make(chan struct{})}
	cmd.Stderr = w.stderr
	began := time.Now()
	err = cmd.Start()
	childIn.Close() // the worker's ends, now the worker's alone
	childOut.Close()
	if err != nil {
		stdin.Close()
		stdout.Close()
		return nil, fmt.Errorf("start extract worker: %w", err)
	}
	go func() {
		cmd.Wait()
		// As cmd.Wait does with the pipes it makes.
		stdin.Close()
		stdout.Close()
		rss := peakRSS(cmd.ProcessState)
		p.mu.Lock()
		p.stats.PeakRSS = max(p.stats.PeakRSS, rss)
		p.stats.CPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		p.mu.Unlock()
		close(w.exited)
	}()
	cfg, _ := json.Marshal(workerConfig{CacheDir: p.opts.CacheDir, MemoryLimit: p.opts.MemoryLimit})
	ready := make(chan error, 1)
	go func() {
		if err := writeFrame(w.in, frameConfig, cfg); err != nil {
			ready <- err
			return
		}
		kind, _, err := readFrame(w.out)
		if err == nil && kind != frameReady {
			err = fmt.Errorf("worker sent %q, want ready", kind)
		}
		ready <- err
	}()
	// Compiling PDFium without a cache takes seconds on a busy machine.
	startTimeout := max(2*p.opts.Timeout, time.Minute)
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case err = <-ready:
	case <-timer.C:
		err = fmt.Errorf("not ready after %s", startTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		w.kill()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("start extract worker %q: %w: %s", strings.Join(p.opts.Command, " "), err, w.stderr.lastLine())
	}
	limit, err := limitMemory(cmd.Process.Pid, p.opts.MemoryLimit)
	if err != nil {
		w.kill()
		return nil, fmt.Errorf("limit extract worker memory: %w", err)
	}
	p.mu.Lock()
	p.stats.Started++
	p.stats.StartCPU += cpuTime(cmd.Process.Pid)
	p.mu.Unlock()
	p.opts.Logger.Debug("extract worker ready", "pid", cmd.Process.Pid, "took", time.Since(began), "address_space_limit", limit)
	return w, nil
}

// pipe returns the two ends of a pipe, widened where the system allows
// (see widenPipe).
func pipe() (r, w *os.File, err error) {
	r, w, err = os.Pipe()
	if err == nil {
		widenPipe(w)
	}
	return r, w, err
}

// do sends one document and waits for its result, at most timeout.
func (w *worker) do(ctx context.Context, pdf []byte, timeout time.Duration) (workerResult, error) {
	type answer struct {
		res workerResult
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		var a answer
		if a.err = writeFrame(w.in, frameDoc, pdf); a.err != nil {
			ch <- a
			return
		}
		kind, payload, err := readFrame(w.out)
		switch {
		case err != nil:
			a.err = err
		case kind != frameResult:
			a.err = fmt.Errorf("worker sent %q, want a result", kind)
		default:
			a.res, a.err = decodeResult(payload)
		}
		ch <- a
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case a := <-ch:
		return a.res, a.err
	case <-timer.C:
		return workerResult{}, errTimeout{timeout}
	case <-ctx.Done():
		return workerResult{}, ctx.Err()
	}
}

type errTimeout struct{ d time.Duration }

func (e errTimeout) Error() string { return fmt.Sprintf("timed out after %s", e.d) }

// dead reports whether the worker process has exited.
func (w *worker) dead() bool {
	select {
	case <-w.exited:
		return true
	default:
		return false
	}
}

// kill ends the worker at once and waits for it.
func (w *worker) kill() {
	w.cmd.Process.Kill()
	<-w.exited
}

// stop lets the worker finish: closing stdin ends its loop.
func (w *worker) stop() {
	w.stdin.Close()
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
		w.kill()
	}
}

// deathReason explains, for a finding, why the worker failed on a document,
// and whether a limit (time, memory) was the cause. It is called after
// kill, so the exit status and stderr are complete.
func (w *worker) deathReason(err error, opts Options) (string, bool) {
	var to errTimeout
	if errors.As(err, &to) {
		return fmt.Sprintf("extraction timed out after %s (worker killed)", to.d), true
	}
	msg := w.stderr.String()
	switch {
	case strings.Contains(msg, "stack overflow") || strings.Contains(msg, "stack exceeds"):
		return "stack overflow in the extractor (worker died)", false
	case strings.Contains(msg, "out of memory") || strings.Contains(msg, "cannot allocate memory") ||
		strings.Contains(msg, "address space") || strings.Contains(msg, "failed to allocate"): // the race detector's wordings
		return fmt.Sprintf("extraction needed more than the %d MiB memory limit (worker died)", opts.MemoryLimit>>20), true
	}
	state := "no exit status"
	if ps := w.cmd.ProcessState; ps != nil {
		state = ps.String()
	}
	if line := w.stderr.lastLine(); line != "" {
		return fmt.Sprintf("extractor crashed (%s): %s", state, line), false
	}
	return fmt.Sprintf("extractor crashed (%s)", state), false
}

// tail keeps what a worker's stderr says about its death: the first line
// that looks like a Go runtime failure ("fatal error:", "runtime:",
// "panic:"), wherever it falls in a long goroutine dump, and the last max
// bytes.
type tail struct {
	mu    sync.Mutex
	max   int
	fatal string
	part  []byte // an unfinished line, to find fatal lines split across writes
	buf   []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fatal == "" {
		t.part = append(t.part, b...)
		for {
			i := bytes.IndexByte(t.part, '\n')
			if i < 0 {
				break
			}
			l := strings.TrimSpace(string(t.part[:i]))
			t.part = t.part[i+1:]
			if strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "runtime:") || strings.HasPrefix(l, "panic:") {
				t.fatal = l[:min(len(l), t.max)]
				t.part = nil
				break
			}
		}
		if len(t.part) > t.max {
			t.part = t.part[len(t.part)-t.max:]
		}
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fatal + "\n" + string(t.buf)
}

// lastLine is the most telling line: the runtime failure if there was one,
// else the last non-empty line.
func (t *tail) lastLine() string {
	t.mu.Lock()
	fatal := t.fatal
	t.mu.Unlock()
	if fatal != "" {
		return fatal
	}
	lines := strings.Split(strings.TrimSpace(t.String()), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
