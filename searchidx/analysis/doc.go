// Package analysis turns text into search terms, the same way for the
// documents at index time and for what a person types at query time:
// Unicode normalisation with case and diacritic folding, splitting into
// words, numbers and strengths ("500mg" and "500 mg" are one term), licence
// numbers in any spelling as one term ("PL 30464/0140" → "pl304640140"),
// compounds ("co-codamol"), and a light English plural stemmer whose
// removed inflection is kept for an exact-form bonus.
//
// The rules are written down in ../ANALYSIS.md, and
// ../testdata/analysis-vectors.json holds the conformance vectors the Go
// tests and the JavaScript client both run.
package analysis
