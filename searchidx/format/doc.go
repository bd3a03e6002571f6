// Package format encodes and decodes the files of a search index: the
// manifest, the term shards and the result-card files. It is the byte-level
// contract between the builder (package searchidx), the Go query engine
// (package query) and the JavaScript client; ../FORMAT.md documents every
// byte. Decoders reject malformed input with an error and never panic.
package format
