// Package extract turns a PDF's bytes into normalised per-page text and the
// section structure of an SPC, PIL or PAR, robustly: a malformed, hostile or
// unreadable document becomes a finding, never a failed build.
//
// # Engine
//
// Text comes from PDFium compiled to WebAssembly (github.com/klippa-app/go-pdfium
// in its webassembly mode, run by github.com/tetratelabs/wazero): pure Go, no
// cgo, no system libraries; PDFium is BSD-3-Clause/Apache-2.0, go-pdfium MIT,
// wazero Apache-2.0. The Engine interface is the seam for another engine.
//
// # Isolation
//
// recover() cannot catch a stack overflow or an out-of-memory abort, and a
// goroutine stuck in a parser loop cannot be stopped, so extraction runs in
// worker processes: the mip binary re-executed with the hidden
// WorkerCommand ("extract-worker"), whose handler must call
//
//	extract.ServeWorker(os.Stdin, os.Stdout)
//
// before anything else writes to stdout (testdata/worker/main.go is such a
// program). A Pool supervises them: Options.Workers processes (default one
// per core), each document under Options.Timeout (default 60 s; the worker
// is killed past it), each worker's address space bounded by RLIMIT_AS at
// its ready size plus Options.MemoryLimit (default 1 GiB; a Go program with
// PDFium loaded already reserves about 1.4 GiB of address space it never
// touches, so the bound is on what a document may add), goroutine stacks
// capped at 64 MiB, and workers replaced after Options.RecycleAfter
// documents (default 100) or a document that leaves them with more than
// Options.RecycleAbove resident (default 512 MiB), since WebAssembly memory
// never shrinks. A worker that dies or hangs on a document is killed and
// replaced; the document is a *BrokenError. The
// compiled module is cached in Options.CacheDir (put it under the state
// directory): a worker starts in about 0.15 CPU-seconds with the cache and
// 4.3 without.
//
// Between pool and worker: frames of one kind byte, a big-endian uint32
// length and a payload — a JSON configuration, then PDFs one at a time, each
// answered by a JSON result (raw pages, metadata, or why the document is
// broken).
//
// # Results
//
// Pool.Extract returns a Text: pages passed through Normalize (NFKC,
// PDFium's line-end hyphen marks, U+FFFD and control characters), Sections
// (a pure function, golden-tested on PDFs from LibreOffice, Ghostscript and
// pdfTeX in testdata/corpus), the SPC's RevisionDate, HasText (false for a
// scan without OCR) and the document's Metadata. Its error is a
// *BrokenError when the document is at fault, the context's error when the
// context ends, and anything else when workers cannot run at all. Findings
// turns the first kind, pages that could not be read (Metadata.BadPages)
// and a document without a text layer into findings (finding.Finding) for
// the build report.
//
// # Cache
//
// A Cache keeps Texts, and BrokenErrors if the build wants, keyed by the
// sha256 of the PDF (Sum) in the state directory — compressed, checksummed,
// written atomically, a corrupt or outdated (Version) entry a miss — so a
// nightly build extracts only new documents. The build's loop is then
//
//	cache, err := extract.OpenCache(filepath.Join(state, "extract"))
//	pool, err := extract.NewPool(extract.Options{CacheDir: filepath.Join(state, "wazero"), Logger: log})
//	defer pool.Close()
//	for each document (in a bounded group of goroutines; Extract blocks while all workers are busy):
//		key := extract.Sum(pdf)
//		txt, b, ok := cache.Lookup(key)
//		switch {
//		case ok && b != nil:
//			err = b // broken on an earlier night: not tried again
//		case ok:
//			txt = txt.As(doc.Type) // the record's type may have changed
//		default:
//			txt, err = pool.Extract(ctx, doc.Type, pdf)
//			var b *extract.BrokenError
//			switch {
//			case err == nil:
//				cache.Put(key, txt)
//			case errors.As(err, &b):
//				if !b.Limit { // a timeout may pass on a quieter night
//					cache.PutBroken(key, b)
//				}
//			default:
//				return err // not the document's fault
//			}
//		}
//		for _, f := range extract.Findings(doc.Path, doc.ID, txt, err) {
//			findings.Add(f)
//		}
//
// # Measurements
//
// Word recall against poppler's pdftotext and pages per CPU-second of both,
// in one run (pdftotext from the Debian package poppler-utils; see
// BenchmarkPDF for what each side's CPU counts):
//
//	make bench-pdf
//	MIP_BENCH_PDFS=dir:dir go test ./generator/extract -run '^$' -bench 'PDF$' -benchtime 1x -v
//
// make bench-pdf measures two corpora of SPC/PIL/PAR-like PDFs from three
// producers (LibreOffice, Ghostscript, pdfTeX) that testdata/corpus/gen.py
// makes: small, 27 files and 379 pages (gen.py --bench DIR), where the one
// worker start is an eighth of the CPU; and large, 144 files (gen.py --bench
// DIR --copies 1-16) with testdata/corpus and the shared regulator PDFs,
// 156 files and 2,467 pages, where two workers start, as a build starts
// one per core and one per RecycleAfter (100) documents: the fair setting
// for a nightly build. On a shared 2-core machine (load average 5 to 10;
// medians of ten runs, the middle half of which spans ±3%), one worker,
// recall 0.9999, zero hangs, peak worker RSS 61 MiB (small) and 75 MiB
// (large):
//
//	                         small   large
//	x-pdftotext (all in)      0.84    0.91
//	without the worker starts 0.99    0.97
//	and without the sections  1.01    0.99
//
// (The code before these figures, measured the same way in alternation:
// 0.78 and 0.87 all in.) BenchmarkEngine (PDFium alone in the test
// process, the same files and turns) bounds these: 0.88-1.05× pdftotext
// from run to run. The worker
// spends about 90% of its CPU inside PDFium's WebAssembly (a CPU profile of
// the worker, MIP_EXTRACT_WORKER_PROFILE=file with the test binary as
// worker: wazero's compiled code shows as runtime._ExternalCode; a test
// binary built with -tags perfmap and a cold CacheDir writes
// /tmp/perf-PID.map for perf, though pdfium.wasm has no function names). By
// PDFium call: FPDF_LoadPage (content stream and font parsing) 45%,
// FPDFText_LoadPage (PDFium's text layout) 49%, FPDFText_GetText with
// go-pdfium's UTF-16 conversion 3%, opening, metadata and closing 3%; malloc
// and free are 10% of the WebAssembly time. The rest of the cost is
// isolation and structure: a worker start (wazero decoding and validating
// the 5.7 MB module, 60% of it, then loading 21 MB of compiled code from
// the cache) takes about 0.1 CPU-second, and the two starts are a
// twentieth of a large run; normalising, sections and the pipes take about
// 100 µs a page in the build's process. By producer, PDFium is faster than pdftotext on pdfTeX PDFs and
// on short documents (pdftotext starts a process for each) and slower on
// long LibreOffice and Ghostscript ones (0.4-0.8×), where FPDFText_LoadPage
// is up to 80% of the time.
//
// Books and manuals are another matter: on pdfcpu v0.15.0's pkg/testdata
// (47 files, 1,520 pages), measured as above, recall 0.972, 0.69×
// pdftotext all in, and BenchmarkEngine 0.63×: there PDFium in
// WebAssembly is itself slower than native poppler, and it misses spaces
// in tightly kerned text (one book: recall 0.62).
//
// Other corpora, measured before the accounting above (pdftotext's
// processes only, one worker start, the two sides one after the other):
//
//   - pdfcpu's real-world test PDFs (86 files, 1,934 pages): recall 0.977,
//     0.59× pdftotext.
//   - go-pdfium's own 142 test PDFs, many malformed or encrypted: zero
//     hangs; 23 reported broken (18 encrypted with a user password, 5
//     without a readable trailer or page tree); recall 0.93, where
//     pdftotext itself scrambles some (split content streams) and reads
//     form fields PDFium's text layer leaves out.
//
// The malformed corpus of TestMalformed (truncations, xref loop,
// page-tree cycle, recursive form, absurd counts, unknown filter, random
// bytes, HTML, encryption, a 1 GiB flate bomb) ends within the timeout,
// each as a finding, with worker peak RSS about 330 MiB under a 512 MiB
// bound.
//
// Worker start, with and without the compilation cache (0.1 against 4.3
// CPU-seconds):
//
//	go test ./generator/extract -run '^$' -bench WorkerStart -benchtime 3x
package extract
