package extract

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// benchFiles lists the PDFs of the directories in MIP_BENCH_PDFS (separated
// by ':'), by default the test corpus and the shared regulator PDFs.
func benchFiles(tb testing.TB) []string {
	dirs := os.Getenv("MIP_BENCH_PDFS")
	if dirs == "" {
		dirs = "testdata/corpus:" + sharedPDFs
	}
	var files []string
	for _, d := range filepath.SplitList(dirs) {
		m, _ := filepath.Glob(filepath.Join(d, "*.pdf"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Skip("no PDFs in " + dirs)
	}
	return files
}

// words splits text into lower-case words of letters and digits, counted.
func words(text string) map[string]int {
	out := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(norm.NFKC.String(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		out[w]++
	}
	return out
}

// overlap counts the words of ref also found in got (as multisets).
func overlap(ref, got map[string]int) (found, total int) {
	for w, n := range ref {
		total += n
		found += min(n, got[w])
	}
	return found, total
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPDF compares the pool with poppler's pdftotext on the same files
// in one run: word recall against pdftotext (on files where it finds at
// least 50 words), and pages per CPU-second of each. pdftotext's CPU is its
// processes' user and system time and this process's while it starts them
// and reads their output; ours is the worker processes' (their starts
// included) and this process's while it sends each document, waits for and
// builds the result (normalising, sectioning). The two take turns of 20 files
// (MIP_BENCH_CHUNK), so that a busy machine slows both alike; turns of one
// file would let each pdftotext evict the worker's compiled PDFium from
// the processor's caches, which costs the worker about 5% and does not
// happen in a build. Nothing of one turn is kept for the next, and the
// benchmark's own garbage is collected before each document, so that this
// process's garbage collector has no more work than a build's. Run it
// with
//
//	go test ./generator/extract -run '^$' -bench PDF -benchtime 1x
//	MIP_BENCH_PDFS=dir1:dir2 go test ./generator/extract -run '^$' -bench PDF -benchtime 1x -v
//
// Workers start with the compilation cache warm, and are recycled after
// RecycleAfter (100) documents, as in a build; x-pdftotext-started leaves
// the CPU of the starts out.
func BenchmarkPDF(b *testing.B) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		b.Skip("pdftotext (Debian package poppler-utils) is not installed")
	}
	files := benchFiles(b)
	for b.Loop() {
		var refCPU, refSelf, ourCPU, sectCPU time.Duration
		var pages, refPages, found, total, hangs, broken int
		p := testPool(b, Options{Workers: 1, Timeout: time.Minute})
		for batch := range slices.Chunk(files, benchChunk()) {
			refs := make([]map[string]int, len(batch))
			for i, f := range batch {
				runtime.GC()
				began := selfCPU()
				cmd := exec.Command("pdftotext", "-q", "-enc", "UTF-8", f, "-")
				var out bytes.Buffer
				cmd.Stdout = &out
				cmd.Run() // a file pdftotext rejects counts with no words
				refCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				refSelf += selfCPU() - began
				refPages += bytes.Count(out.Bytes(), []byte("\f"))
				refs[i] = words(out.String())
			}
			for i, f := range batch {
				// The garbage of counting words (this benchmark's, not
				// the pool's) is collected outside the measured span.
				runtime.GC()
				began := selfCPU()
				txt, err := p.ExtractFile(context.Background(), docTypeOf(f), f)
				ourCPU += selfCPU() - began
				// What finding the sections cost in there, done again.
				began = selfCPU()
				again := txt
				again.Type = ""
				again.As(docTypeOf(f))
				sectCPU += selfCPU() - began
				if err != nil {
					broken++
					if strings.Contains(err.Error(), "timed out") {
						hangs++
					}
					b.Logf("%s: %v", filepath.Base(f), err)
				}
				pages += len(txt.Pages)
				if tot := sum(refs[i]); tot >= 50 {
					fo, to := overlap(refs[i], words(strings.Join(txt.Pages, "\n")))
					found += fo
					total += to
					if r := float64(fo) / float64(to); r < 0.97 {
						b.Logf("%s: recall %.3f (%d of %d words)", filepath.Base(f), r, fo, to)
					}
				}
			}
		}
		p.Close()
		st := p.Stats()
		b.Logf("%d files, %d pages: this process %s (sections %s), workers %s (%d started, starting %s), pdftotext %s (and this process %s)",
			len(files), pages, ourCPU, sectCPU, st.CPU, st.Started, st.StartCPU, refCPU, refSelf)
		ourCPU += st.CPU
		// Both sides count what this process spends on them: starting
		// pdftotext and reading its output as sending documents to a
		// worker and reading its results.
		refCPU += refSelf
		recall := float64(found) / float64(max(total, 1))
		ours := float64(pages) / ourCPU.Seconds()
		ref := float64(refPages) / refCPU.Seconds()
		b.ReportMetric(float64(len(files)), "files")
		b.ReportMetric(float64(pages), "pages")
		b.ReportMetric(recall, "recall")
		b.ReportMetric(ours, "pages/cpu-s")
		b.ReportMetric(ref, "pdftotext-pages/cpu-s")
		b.ReportMetric(ours/ref, "x-pdftotext")
		// Without the workers' starts: a build starts a worker per core
		// and one per RecycleAfter documents.
		b.ReportMetric(float64(pages)/(ourCPU-st.StartCPU).Seconds()/ref, "x-pdftotext-started")
		// Nor the sections, which pdftotext does not find: text against
		// text (normalised, which pdftotext does in its own way).
		b.ReportMetric(float64(pages)/(ourCPU-st.StartCPU-sectCPU).Seconds()/ref, "x-pdftotext-text")
		b.ReportMetric(float64(st.Started), "workers")
		b.ReportMetric(float64(st.PeakRSS>>20), "worker-peak-MiB")
		b.ReportMetric(float64(broken), "broken")
		b.ReportMetric(float64(hangs), "hangs")
	}
}

// benchChunk is how many files BenchmarkPDF gives each side in turn:
// MIP_BENCH_CHUNK, default 20.
func benchChunk() int {
	if n, err := strconv.Atoi(os.Getenv("MIP_BENCH_CHUNK")); err == nil && n > 0 {
		return n
	}
	return 20
}

// BenchmarkEngine is BenchmarkPDF's bound: PDFium alone, in this process
// (no worker, no protocol, no normalising or sections), against pdftotext
// on the same files in the same turns. What BenchmarkPDF finds below it is
// the cost of isolation and structure; this is the engine's own.
//
//	MIP_BENCH_PDFS=dir1:dir2 go test ./generator/extract -run '^$' -bench Engine -benchtime 1x
func BenchmarkEngine(b *testing.B) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		b.Skip("pdftotext (Debian package poppler-utils) is not installed")
	}
	files := benchFiles(b)
	e, err := newPDFiumEngine(testCacheDir(b), 512<<20)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	for b.Loop() {
		var refCPU, ourCPU time.Duration
		var pages, refPages int
		for batch := range slices.Chunk(files, benchChunk()) {
			for _, f := range batch {
				cmd := exec.Command("pdftotext", "-q", "-enc", "UTF-8", f, "-")
				out, _ := cmd.Output()
				refCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				refPages += bytes.Count(out, []byte("\f"))
			}
			runtime.GC()
			began := selfCPU()
			for _, f := range batch {
				pdf, err := os.ReadFile(f)
				if err != nil {
					b.Fatal(err)
				}
				raw, _, _ := e.Extract(pdf)
				pages += len(raw)
			}
			ourCPU += selfCPU() - began
		}
		ours := float64(pages) / ourCPU.Seconds()
		ref := float64(refPages) / refCPU.Seconds()
		b.ReportMetric(float64(pages), "pages")
		b.ReportMetric(ours, "pages/cpu-s")
		b.ReportMetric(ref, "pdftotext-pages/cpu-s")
		b.ReportMetric(ours/ref, "x-pdftotext")
	}
}

func sum(m map[string]int) (n int) {
	for _, c := range m {
		n += c
	}
	return n
}

// BenchmarkWorkerStart measures starting a worker and extracting one small
// document, with an empty compilation cache (PDFium compiled from
// WebAssembly) and with a warm one.
//
//	go test ./generator/extract -run '^$' -bench WorkerStart -benchtime 3x
func BenchmarkWorkerStart(b *testing.B) {
	pdf, err := os.ReadFile("testdata/corpus/pil-ghostscript.pdf")
	if err != nil {
		b.Fatal(err)
	}
	warm := b.TempDir()
	for _, bc := range []struct {
		name  string
		cache func() string
	}{
		{"cold", func() string { return b.TempDir() }},
		{"cached", func() string { return warm }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if bc.name == "cached" {
				p := testPool(b, Options{Workers: 1, CacheDir: warm})
				if _, err := p.Extract(context.Background(), "PIL", pdf); err != nil {
					b.Fatal(err)
				}
				p.Close()
			}
			var cpu time.Duration
			for b.Loop() {
				p := testPool(b, Options{Workers: 1, CacheDir: bc.cache()})
				if _, err := p.Extract(context.Background(), "PIL", pdf); err != nil {
					b.Fatal(err)
				}
				p.Close()
				cpu += p.Stats().CPU
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "worker-cpu-s/op")
		})
	}
}

// BenchmarkBuild measures the work done in the build's process per
// document: normalising the raw pages and finding the sections.
//
//	go test ./generator/extract -run '^$' -bench Build
func BenchmarkBuild(b *testing.B) {
	files, _ := filepath.Glob("testdata/corpus/*.pdf")
	p := testPool(b, Options{Workers: 1})
	type doc struct {
		typ string
		raw []string
	}
	var docs []doc
	pages := 0
	for _, f := range files {
		pdf, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		res, err := p.run(context.Background(), pdf)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, doc{docTypeOf(f), res.Pages})
		pages += len(res.Pages)
	}
	for b.Loop() {
		for _, d := range docs {
			build(d.typ, d.raw, Metadata{})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*pages), "µs/page")
}
