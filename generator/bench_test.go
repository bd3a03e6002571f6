package generator

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
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
// included), then nights 2 and 3, in each of which 1% of the documents
// changed, on the same state and output. Night 2 is the first build with a
// live output to borrow from; night 3 is a steady night, which also has the
// spare tree to update in place. It reports the times, their ratios to the
// cold build (the target is at most 5%) and what each night did to the
// output tree.
func BenchmarkIncremental(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("MIP_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	exp := benchExport(b, n)
	nights := []string{benchNight(b, n, 2), benchNight(b, n, 3)}
	for b.Loop() {
		tmp := b.TempDir()
		out, state := filepath.Join(tmp, "site"), filepath.Join(tmp, "state")
		day := time.Date(2025, 8, 1, 2, 0, 0, 0, time.UTC)
		run := func(name string, o Options) (*Report, time.Duration, time.Duration) {
			o.Out, o.State, o.Now = out, state, day
			day = day.AddDate(0, 0, 1)
			cpu := cpuTime()
			start := time.Now()
			rep, err := Build(context.Background(), o)
			if err != nil {
				b.Fatal(err)
			}
			wall, used := time.Since(start), cpuTime()-cpu
			b.Logf("%s: %d live documents; %d added, %d revised, %d withdrawn; output %+v; search index %d files; %.1f s (%.1f CPU-s)",
				name, rep.LiveDocuments, rep.Added, rep.Revised, rep.Withdrawn, rep.Output, rep.Search.Files, wall.Seconds(), used.Seconds())
			b.Logf("%s stages: %v", name, rep.Stages)
			return rep, wall, used
		}
		_, coldWall, coldCPU := run("cold build", Options{Sentinel: []string{filepath.Join(exp, "sentinel")},
			LegacyCSV: filepath.Join(exp, "legacy", "export.csv"), PARs: filepath.Join(exp, "pars")})
		b.ReportMetric(coldWall.Seconds(), "cold-s")
		for i, dir := range nights {
			stop := profileNight(b, i+2)
			rep, wall, used := run(fmt.Sprintf("night %d", i+2), Options{Sentinel: []string{filepath.Join(dir, "sentinel")}})
			k := fmt.Sprintf("night%d-", i+2)
			b.ReportMetric(wall.Seconds(), k+"s")
			b.ReportMetric(100*wall.Seconds()/coldWall.Seconds(), k+"%-of-cold")
			b.ReportMetric(100*used.Seconds()/coldCPU.Seconds(), k+"%-of-cold-cpu")
			b.ReportMetric(float64(rep.Output.Written), k+"files-written")
			stop()
		}
	}
}

// profileNight writes a CPU profile of night k's build to the file that
// MIP_BENCH_CPUPROFILE names with "-night<k>" added, when it is set (go
// test's own -cpuprofile would be mostly the cold build).
func profileNight(b *testing.B, k int) (stop func()) {
	name := os.Getenv("MIP_BENCH_CPUPROFILE")
	if name == "" {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s-night%d", name, k))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
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
