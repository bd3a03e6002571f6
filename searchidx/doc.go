// Package searchidx builds the search index of the Medicines Information
// Portal: a static, sharded index that a browser queries by fetching a few
// small immutable files, with the features of the regulator's live search
// (AND across words, typo tolerance, licence numbers as one token, field
// weights, type and territory filters) and more (prefix completion, name
// variants, section search, substance filter).
//
// # Building
//
// Build(docs, dir, opts) indexes a slice of documents; a Builder does the
// same for documents streamed one at a time (NewBuilder, Add, Write), so
// that their text need not all be in memory. A Doc carries the metadata
// fields (licence numbers weigh 10, products, substances and keywords 3),
// the title, the text by section (Section IDs "spc-4.1" … "pil-6", see
// Sections) and the Card a result shows. Output is deterministic: the same
// documents in any order give the same bytes.
//
// # Incremental builds
//
// A build given Options.Segment saves, per Doc.Fingerprint, what analysis
// made of each document (segment.go documents the file); the next build,
// given that file as Options.Previous, asks Builder.Reusable(fingerprint)
// and adds a reusable document with only Key, Type, Territory and
// Fingerprint, its text never loaded: the builder takes its terms, card,
// facets, product keys and sort key from the segment. A missing, corrupt
// or old segment (another format version, or another analysis) is
// ignored, every document being analysed again; Stats.PreviousIgnored says
// why. Options.LinkFrom hard-links the files that the previous index
// directory already holds with the same bytes. The output does not depend
// on any of this: a build reusing everything writes the same bytes as one
// reusing nothing.
//
// The index directory holds one small manifest (manifest.bin), term shards
// holding roaring-bitmap postings split by impact level, and result-card
// files; a large index lists its shards in directory files rather than in
// the manifest. FORMAT.md documents every byte and the query algorithm a client
// must follow; ANALYSIS.md documents how text becomes terms; variants.tsv
// lists the name variants (BAN/rINN, UK/US, spellings) indexed so that
// either spelling finds the other.
//
// # Sub-packages
//
//   - analysis: text → terms, the same at build and query time; its
//     conformance vectors are testdata/analysis-vectors.json.
//   - format: the codecs of the manifest, shards and card files.
//   - query: the Go query engine over an index in an fs.FS, counting what
//     it reads.
//
// # Costs
//
// BenchmarkBuild20k (go test -run X -bench Build20k -benchtime 1x -v
// ./searchidx) builds 20,000 synthetic documents and reports the index's
// size and files and the bytes a cold query reads; BenchmarkBuildStream20k
// measures the streaming builder's memory under /usr/bin/time -v;
// BenchmarkBuild1M (SEARCHIDX_BENCH_1M=1) the same at a million documents.
// make bench-build compares the build with Pagefind's on the same
// documents (internal/benchbuild, tests/browser/bench-build.mjs).
package searchidx
