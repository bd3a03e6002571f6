package searchidx

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"syscall"
	"testing"
	"time"

	"mip/searchidx/query"
)

// benchDocs are 20,000 synthetic documents plus one holding a word no other
// document has.
func benchDocs(n int) []Doc {
	docs := syntheticDocs(n-1, 1000, 20)
	return append(docs, Doc{Key: "rare", Type: "SPC", Products: []string{"RARE TEST PRODUCT"},
		Card: Card{Product: "RARE TEST PRODUCT", URL: "/d/rare.pdf"},
		Body: "This document alone mentions zyxolamide."})
}

// coldQueries are the queries whose cold cost the benchmarks report.
var coldQueries = []struct{ name, q string }{
	{"rare", "zyxolamide "}, {"common", "the "}, {"product", "paracetamol 500mg tablets "},
	{"typo", "paracetanol "}, {"typo-first-letter", "baracetamol "}, {"prefix-1", "p"}, {"prefix-3", "par"},
}

// BenchmarkBuild20k builds a 20,000-document index and reports its size,
// then the bytes a cold query reads: for a rare term, and for a term on
// every document (raw and gzip -9, as a server would send them).
func BenchmarkBuild20k(b *testing.B) {
	docs := benchDocs(20000)
	dir := b.TempDir()
	if d := os.Getenv("SEARCHIDX_BENCH_DIR"); d != "" {
		dir = d // kept, to compare the bytes of two builds
	}
	var st Stats
	cpu := cpuTime()
	for b.Loop() {
		var err error
		if st, err = Build(docs, dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	// CPU seconds per build, which the load of a shared machine does not
	// inflate as it does wall time.
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(st.Bytes), "index-bytes")
	b.ReportMetric(float64(st.Files), "files")
	b.ReportMetric(float64(st.Shards), "shards")
	b.ReportMetric(float64(st.ManifestBytes), "manifest-bytes")
	b.Logf("%+v", st)
	for _, c := range coldQueries {
		raw, gz, files := coldQuery(b, dir, c.q)
		b.ReportMetric(float64(raw), c.name+"-cold-bytes")
		b.ReportMetric(float64(gz), c.name+"-cold-gz-bytes")
		b.ReportMetric(float64(files), c.name+"-cold-files")
	}
}

// BenchmarkBuild1M streams 1,000,000 synthetic documents (or the count
// SEARCHIDX_BENCH_1M gives, when it is a number other than 1) into a
// Builder and reports wall and CPU time, peak RSS, files, and the bytes of
// the same cold queries as BenchmarkBuild20k. It is skipped unless
// SEARCHIDX_BENCH_1M is set; run it alone (-run X -bench Build1M
// -benchtime 1x -timeout 60m), as peak RSS is the process's. It sets a
// 7 GiB memory limit unless GOMEMLIMIT is set.
func BenchmarkBuild1M(b *testing.B) {
	env := os.Getenv("SEARCHIDX_BENCH_1M")
	if env == "" {
		b.Skip("set SEARCHIDX_BENCH_1M=1 to build a 1M-document index")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(env); err == nil && v > 1 {
		n = v
	}
	dir := b.TempDir()
	if d := os.Getenv("SEARCHIDX_BENCH_DIR"); d != "" {
		dir = d
	}
	// The 8 GB budget: the garbage collector works harder rather than let
	// the heap double past it (GOMEMLIMIT, when set, says otherwise).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(7 << 30)
	}
	var st Stats
	for b.Loop() {
		start, cpu := time.Now(), cpuTime()
		bl := NewBuilder(Options{})
		eachSyntheticDoc(n-1, 1000, 20, func(d Doc) {
			if err := bl.Add(d); err != nil {
				b.Fatal(err)
			}
		})
		if err := bl.Add(benchDocs(1)[0]); err != nil {
			b.Fatal(err)
		}
		var err error
		if st, err = bl.Write(dir); err != nil {
			b.Fatal(err)
		}
		// Generating the documents runs beside the builder's goroutines, so
		// its share of the CPU time is measured apart: BenchmarkGenerate.
		b.ReportMetric(time.Since(start).Seconds(), "wall-s")
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s-with-generation")
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-rss-MB")
	b.ReportMetric(float64(st.Bytes), "index-bytes")
	b.ReportMetric(float64(st.Files), "files")
	b.ReportMetric(float64(st.Shards), "shards")
	b.ReportMetric(float64(st.ManifestBytes), "manifest-bytes")
	b.Logf("%+v", st)
	for _, c := range coldQueries {
		raw, gz, files := coldQuery(b, dir, c.q)
		b.ReportMetric(float64(raw), c.name+"-cold-bytes")
		b.ReportMetric(float64(gz), c.name+"-cold-gz-bytes")
		b.ReportMetric(float64(files), c.name+"-cold-files")
	}
}

// BenchmarkGenerate makes 20,000 synthetic documents and drops them: the
// cost of the generator that BenchmarkBuild1M's CPU time includes (it
// grows linearly: scale by 50 for a million).
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		cpu := cpuTime()
		eachSyntheticDoc(20000, 1000, 20, func(Doc) {})
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s")
	}
}

// BenchmarkBuildStream20k adds 20,000 documents to a Builder as they are
// made, as a caller streaming extracted text would, so that the process's
// peak memory is the builder's own (measure it with /usr/bin/time -v).
func BenchmarkBuildStream20k(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		bl := NewBuilder(Options{})
		eachSyntheticDoc(20000, 1000, 20, func(d Doc) {
			if err := bl.Add(d); err != nil {
				b.Fatal(err)
			}
		})
		st, err := bl.Write(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Bytes), "index-bytes")
	}
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// coldQuery runs q on a freshly opened index and returns the bytes and
// files it read.
func coldQuery(tb testing.TB, dir, q string) (raw, gz, files int) {
	ix, err := query.Open(os.DirFS(dir))
	if err != nil {
		tb.Fatal(err)
	}
	res, err := ix.Search(query.Request{Query: q})
	if err != nil {
		tb.Fatal(err)
	}
	if res.Total == 0 {
		tb.Fatalf("%q: no results", q)
	}
	for _, f := range ix.Fetches() {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			tb.Fatal(err)
		}
		raw += len(data)
		gz += gzipSize(data)
		files++
		if testing.Verbose() {
			tb.Logf("%q: %-10s %-40s %6d B, gzip %6d B", q, f.What, f.Name, len(data), gzipSize(data))
		}
	}
	return raw, gz, files
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// BenchmarkAnalyse analyses 2,000 synthetic documents on one goroutine: the
// tokenizer and the per-document term counts, without merging.
func BenchmarkAnalyse(b *testing.B) {
	docs := syntheticDocs(2000, 1000, 7)
	w := newAnalyser()
	for b.Loop() {
		for i := range docs {
			w.analyse(&docs[i], defaultVariants)
		}
	}
}
