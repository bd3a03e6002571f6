package extract

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
)

// The test binary acts as the worker process when its first argument is
// WorkerCommand, as the mip binary does for its hidden extract-worker
// command (an argument, not an environment variable, so that processes the
// test starts otherwise, such as fuzzing workers, stay test processes).
// fakeWorkerCommand runs fakeEngine instead of PDFium.
const fakeWorkerCommand = "fake-extract-worker"

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == fakeWorkerCommand {
		if err := serveFake(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "fake worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if len(os.Args) > 1 && os.Args[1] == WorkerCommand {
		// MIP_EXTRACT_WORKER_PROFILE=file profiles a test worker's CPU.
		if prof := os.Getenv("MIP_EXTRACT_WORKER_PROFILE"); prof != "" {
			f, err := os.Create(fmt.Sprintf("%s.%d", prof, os.Getpid()))
			if err == nil {
				pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
		}
		err := ServeWorker(os.Stdin, os.Stdout)
		pprof.StopCPUProfile()
		if err != nil {
			fmt.Fprintln(os.Stderr, "extract worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testCacheDir is shared by the tests of one run (and across runs) so that
// PDFium is compiled once.
func testCacheDir(tb testing.TB) string {
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "mip-test", "wazero")
}

// testPool starts a pool whose workers are this test binary.
func testPool(tb testing.TB, opts Options) *Pool {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	if len(opts.Command) == 0 {
		opts.Command = []string{exe, WorkerCommand}
	}
	if opts.CacheDir == "" {
		opts.CacheDir = testCacheDir(tb)
	}
	p, err := NewPool(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}

// kept holds what fakeEngine's "grow" allocates, for the worker's life.
var kept [][]byte

// fakeEngine misbehaves on demand: the document's bytes say how.
type fakeEngine struct{}

func (fakeEngine) Extract(pdf []byte) ([]string, Metadata, error) {
	switch string(pdf) {
	case "hang":
		select {}
	case "overflow":
		var recurse func(int) int
		recurse = func(n int) int { return recurse(n+1) + 1 }
		recurse(0)
	case "panic":
		panic("engine state corrupted")
	case "exit":
		os.Exit(3)
	case "error":
		return nil, Metadata{}, errors.New("no pages")
	case "print":
		fmt.Println("a stray print that must not reach the protocol")
	case "grow":
		// Memory the worker keeps, as WebAssembly memory is kept.
		kept = append(kept, bytes.Repeat([]byte{1}, 64<<20))
	}
	return []string{string(pdf)}, Metadata{Pages: 1}, nil
}

func (fakeEngine) Close() error { return nil }

// serveFake is ServeWorker with fakeEngine in place of PDFium.
func serveFake(r io.Reader, w io.Writer) error {
	guardStdout(w)
	br := bufio.NewReader(r)
	if _, _, err := readFrame(br); err != nil {
		return err
	}
	return serve(fakeEngine{}, br, bufio.NewWriter(w))
}

// fakePool is a pool of fakeEngine workers.
func fakePool(tb testing.TB, opts Options) *Pool {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	opts.Command = []string{exe, fakeWorkerCommand}
	p, err := NewPool(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}
