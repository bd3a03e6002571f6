// Package sample writes a realistic, deterministic sample export for demos,
// tests and benchmarks: the three inputs mip build reads (docs/input-formats.md),
// filled with real UK medicine names and valid PDFs.
//
// The same Options (seed included) always give byte-identical output.
//
// # Layout
//
// Write(dir, opts) creates dir if needed (it must be empty) and writes:
//
//	ATTRIBUTION.txt                      Open Government Licence attribution for the dm+d names
//	sentinel/YYYY-MM-batch-NNNN.xml      Sentinel export files, one month's records per file
//	sentinel/YYYY-MM-batch-NNNN.json     (at most 400 records each, some files in JSON),
//	                                     creates and deletions in time order
//	sentinel/docs/spc/con<epochms>.pdf   SPC PDFs (file_path /docs/spc/con<epochms>.pdf)
//	sentinel/docs/pil/con<epochms>.pdf   PIL PDFs
//	legacy/export.csv                    the legacy Stellent bulk export (a few percent of products)
//	legacy/con<epochms>.pdf              its PDFs, named by dDocName
//	pars/pars.csv                        public assessment reports, one row per product
//	pars/par-<substance>-<licence>.pdf   their PDFs, one per report
//	faults.txt                           only with Options.Faults: one line per deliberate fault
//
// # Content
//
// Products are dm+d actual medicinal products (embedded from data/, Open
// Government Licence v3.0), their supplier the licence holder. Each product's
// substances come from its generic equivalent: the virtual medicinal product
// with the same chemical substance (the first nine characters of the BNF
// code) and strength, else the commonest one of that substance; so "Cardura
// 1mg tablets" is DOXAZOSIN and "Komil 5mg/40mg tablets" (co-amilofruse) is
// AMILORIDE and FUROSEMIDE. Licence numbers are
// made up but well formed: every prefix appears (PL most), one 5-digit company
// number per holder, written in the varied spellings of real records. Content
// ids are "CON" plus epoch milliseconds, unique within the sample; created
// times are UK wall time labelled +00:00, spread over 2021–2025 (legacy rows
// 2015–2020).
//
// Every product has an SPC and most a PIL; sibling products of one holder and
// substance (other strengths) sometimes share them, so a record may list
// several products and licence numbers. Some documents are revised later
// (a deletion of the old id, then a new id for the same product and type, in a
// later file) and a few are withdrawn for good. PARs (about 5% of documents)
// cover one to three products of the same substance and holder.
//
// SPCs carry every numbered QRD section heading, PILs the six leaflet
// headings, PARs Introduction, Quality aspects, Non-clinical aspects,
// Clinical aspects and Conclusion; the prose is drawn from hand-made phrase
// tables per BNF chapter or section. PDFs (fpdf, core fonts, Title metadata
// set, page streams deflated) are written by a bounded pool of workers, each
// PDF depending only on the seed and its document, so output order never
// changes the bytes.
//
// # Counts
//
// Summary.Documents counts the good documents: SPC and PIL versions in
// Sentinel files (every revision included), released legacy rows and PARs.
// It is close to Options.Documents. Revisions counts new versions replacing
// a withdrawn one, Deletions the documents withdrawn with no replacement,
// LegacyRows every legacy CSV row (unreleased ones included, the fault row
// not), Faults the deliberate bad inputs.
//
// # Faults
//
// With Options.Faults the sample also holds one of each of 15 bad inputs, each
// attributable to a file and record id and listed in faults.txt as
// tab-separated kind, file (relative to dir), record id and detail. The
// faulty Sentinel records are in three files dated after every good one
// (sentinel/2025-07-batch-000[123].xml); the malformed file also holds two
// good records, counted in Summary.Documents. Every other file is
// byte-identical to the same sample without faults, but for the one bad row
// in each CSV. Kinds: malformed-xml, missing-field, unknown-type,
// bad-licence, missing-pdf, unreadable-pdf, not-pdf, broken-pdf,
// encrypted-pdf, path-escape, oversize-pdf, duplicate-id, non-utf8,
// legacy-row, par-row. The oversize PDF is a sparse file of 101 MiB.
package sample
