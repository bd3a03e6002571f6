package generator

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mip/generator/documents"
	"mip/generator/sample"
)

// benchExport returns a sample export of n documents, made once and kept in
// the temporary directory between runs.
func benchExport(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("mip-bench-export-%d-seed1", n))
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if _, err := sample.Write(dir, sample.Options{Documents: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644)
	return dir
}

func benchDocs() int {
	if n, err := strconv.Atoi(os.Getenv("MIP_BENCH_DOCS")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// peakHeap samples the live heap until stop is closed and returns its peak.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var mu sync.Mutex
	var peak uint64
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			mu.Lock()
			peak = max(peak, s[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { <-done; return peak }
}

// BenchmarkIngest builds the sample export from scratch (cold state) and
// reports records per second and the peak live heap, beside the floor the
// build cannot beat: pdfcpu reading and validating the same PDFs alone.
func BenchmarkIngest(b *testing.B) {
	n := benchDocs()
	exp := benchExport(b, n)
	var pdfs []string
	filepath.WalkDir(exp, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.HasSuffix(p, ".pdf") {
			pdfs = append(pdfs, p)
		}
		return nil
	})
	b.Run(fmt.Sprintf("peer=pdfcpu-validate/docs=%d", n), func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			sem := make(chan struct{}, runtime.GOMAXPROCS(0))
			for _, p := range pdfs {
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					if data, err := os.ReadFile(p); err == nil {
						documents.Inspect(data)
					}
				})
			}
			wg.Wait()
		}
		b.ReportMetric(float64(len(pdfs))*float64(b.N)/b.Elapsed().Seconds(), "pdfs/s")
	})
	b.Run(fmt.Sprintf("mip-build/docs=%d", n), func(b *testing.B) {
		var rep *Report
		var peak uint64
		for b.Loop() {
			tmp := b.TempDir()
			runtime.GC()
			stop := make(chan struct{})
			wait := peakHeap(stop)
			var err error
			rep, err = Build(context.Background(), Options{
				Sentinel:  []string{filepath.Join(exp, "sentinel")},
				LegacyCSV: filepath.Join(exp, "legacy", "export.csv"),
				PARs:      filepath.Join(exp, "pars"),
				SkipText:  true, // extraction has its own benchmark beside pdftotext
				Out:       filepath.Join(tmp, "site"),
				State:     filepath.Join(tmp, "state"),
			})
			close(stop)
			peak = max(peak, wait())
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rep.Totals.Read)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(len(pdfs))*float64(b.N)/b.Elapsed().Seconds(), "pdfs/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
}
