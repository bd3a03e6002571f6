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
// The index directory holds one small manifest (manifest.bin), term shards
// holding roaring-bitmap postings split by impact level, and result-card
// files. FORMAT.md documents every byte and the query algorithm a client
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
// measures the streaming builder's memory under /usr/bin/time -v.
package searchidx
