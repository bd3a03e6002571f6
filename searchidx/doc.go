// Package searchidx builds the search index of the Medicines Information
// Portal: a static, sharded index that a browser queries by fetching a few
// small immutable files.
//
// Build writes an index for a set of documents into a directory. Its files
// are one small manifest, term shards holding roaring-bitmap postings split
// by impact level, and result-card files. FORMAT.md documents every byte;
// ANALYSIS.md documents how text becomes terms (package analysis), and
// variants.tsv lists the name variants (BAN/rINN, UK/US) that find each
// other. Package query is the Go query engine over those files.
//
// Sub-packages:
//
//   - analysis: text → terms, shared by the build and every client.
//   - format: the byte-level codecs of the index files.
//   - query: searching an index read from an fs.FS.
package searchidx
