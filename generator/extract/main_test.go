package extract

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// workerEnv makes the test binary act as the worker process, as the mip
// binary does for its hidden extract-worker command.
const workerEnv = "MIP_EXTRACT_TEST_WORKER"

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if err := ServeWorker(os.Stdin, os.Stdout); err != nil {
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
	tb.Setenv(workerEnv, "1")
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	opts.Command = []string{exe}
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
