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
	"syscall"
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

// benchNight returns night k's export after the sample of n documents
// (1% of the live documents revised or withdrawn), made once and kept in
// the temporary directory between runs.
func benchNight(b *testing.B, n, k int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("mip-bench-export-%d-seed1-night%d", n, k))
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if _, err := sample.Write(dir, sample.Options{Documents: n, Seed: 1, Night: k}); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, ".complete"), nil, 0o644)
	return dir
}

// BenchmarkIncremental is make bench-incremental: a cold build of the
// sample (MIP_BENCH_DOCS documents, default 100,000, text extraction
// included), then the next night's build, in which 1% of the documents
// changed, on the same state and output. It reports both times, their
// ratio (the target is at most 5%) and how many files the second build
// wrote and carried over.
func BenchmarkIncremental(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("MIP_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	exp, night := benchExport(b, n), benchNight(b, n, 2)
	for b.Loop() {
		tmp := b.TempDir()
		out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
		cpu := cpuTime()
		start := time.Now()
		cold, err := Build(context.Background(), Options{
			Sentinel: []string{filepath.Join(exp, "sentinel")}, LegacyCSV: filepath.Join(exp, "legacy", "export.csv"),
			PARs: filepath.Join(exp, "pars"), Out: out, State: state, Now: time.Date(2025, 8, 1, 2, 0, 0, 0, time.UTC),
		})
		if err != nil {
			b.Fatal(err)
		}
		coldWall, coldCPU := time.Since(start), cpuTime()-cpu
		b.Logf("cold build: %d documents, %d files written, %.1f s (%.1f CPU-s)", cold.Documents, cold.Output.Written, coldWall.Seconds(), coldCPU.Seconds())
		cpu = cpuTime()
		start = time.Now()
		incr, err := Build(context.Background(), Options{
			Sentinel: []string{filepath.Join(night, "sentinel")}, Out: out, State: state,
			Now: time.Date(2025, 8, 2, 2, 0, 0, 0, time.UTC),
		})
		if err != nil {
			b.Fatal(err)
		}
		incrWall, incrCPU := time.Since(start), cpuTime()-cpu
		b.Logf("night 2: %d revised, %d withdrawn; %d files written, %d carried over, search index %d files; %.1f s (%.1f CPU-s)",
			incr.Revised, incr.Withdrawn, incr.Output.Written, incr.Output.Linked, incr.Search.Files, incrWall.Seconds(), incrCPU.Seconds())
		b.Logf("cold stages: %v", cold.Stages)
		b.Logf("night 2 stages: %v", incr.Stages)
		b.ReportMetric(coldWall.Seconds(), "cold-s")
		b.ReportMetric(incrWall.Seconds(), "incremental-s")
		b.ReportMetric(100*incrWall.Seconds()/coldWall.Seconds(), "incremental-%-of-cold")
		b.ReportMetric(100*incrCPU.Seconds()/coldCPU.Seconds(), "incremental-%-of-cold-cpu")
		b.ReportMetric(float64(incr.Output.Written), "files-written")
		b.ReportMetric(float64(incr.Output.Linked), "files-carried")
	}
}

// cpuTime is the CPU time this process and its finished children (the text
// extraction workers) have used.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}
