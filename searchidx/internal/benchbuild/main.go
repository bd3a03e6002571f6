// Command benchbuild builds the search index of a synthetic corpus, for
// comparing build costs with a peer on the same documents (make
// bench-search, tests/browser/bench-build.mjs):
//
//	benchbuild corpus -docs N -out DIR   # DIR/docs.gob and DIR/html/*.html (the same text)
//	benchbuild index -in DIR/docs.gob -out IDX [-segment S] [-previous S] [-linkfrom IDX0]
//	benchbuild query -idx IDX QUERY...  # the files each query reads cold, raw and gzip -9
//
// index streams the documents from the file into a searchidx.Builder, so
// its process's CPU time and peak memory are those of reading the corpus
// and building the index, as a peer's are of reading the pages and
// building its own; it prints the build's Stats as JSON.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"mip/searchidx"
	"mip/searchidx/internal/synth"
	"mip/searchidx/query"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchbuild corpus|index [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "corpus":
		err = corpus(os.Args[2:])
	case "index":
		err = index(os.Args[2:])
	case "query":
		err = queries(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbuild:", err)
		os.Exit(1)
	}
}

func corpus(args []string) error {
	fs := flag.NewFlagSet("corpus", flag.ExitOnError)
	n := fs.Int("docs", 20000, "documents")
	words := fs.Int("words", 1000, "words per document, about")
	seed := fs.Uint64("seed", 20, "seed")
	out := fs.String("out", "", "output directory")
	fs.Parse(args)
	if *out == "" {
		return errors.New("corpus: -out is required")
	}
	pages := filepath.Join(*out, "html")
	if err := os.MkdirAll(pages, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(*out, "docs.gob"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := gob.NewEncoder(w)
	i := 0
	synth.Each(*n, *words, *seed, func(d synth.Doc) {
		if err == nil {
			err = enc.Encode(d)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(pages, fmt.Sprintf("d%06d.html", i)), page(d), 0o644)
		}
		i++
	})
	if err == nil {
		err = w.Flush()
	}
	return errors.Join(err, f.Close())
}

// page renders a document as the HTML page a peer indexes: the same words.
func page(d synth.Doc) []byte {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, "<!doctype html><html lang=en><head><title>%s</title></head><body><main><h1>%s</h1><p>%s %s %s</p>",
		e(d.Title), e(strings.Join(d.Products, "; ")), e(strings.Join(d.Substances, ", ")), e(strings.Join(d.Licences, ", ")), d.Type)
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "<h2>%s</h2><p>%s</p>", e(s.Heading), e(s.Text))
	}
	if d.Body != "" {
		fmt.Fprintf(&b, "<p>%s</p>", e(d.Body))
	}
	b.WriteString("</main></body></html>\n")
	return []byte(b.String())
}

func index(args []string) error {
	fs := flag.NewFlagSet("index", flag.ExitOnError)
	in := fs.String("in", "", "the corpus's docs.gob")
	out := fs.String("out", "", "index directory")
	prof := fs.String("cpuprofile", "", "write a CPU profile here")
	var opts searchidx.Options
	fs.StringVar(&opts.Segment, "segment", "", "save the build's segment here")
	fs.StringVar(&opts.Previous, "previous", "", "reuse the documents of this segment (fingerprint: the key)")
	fs.StringVar(&opts.LinkFrom, "linkfrom", "", "hard-link unchanged files from this index")
	fs.Parse(args)
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	b := searchidx.NewBuilder(opts)
	for {
		var s synth.Doc
		if err := dec.Decode(&s); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		d := doc(s)
		d.Fingerprint = d.Key // a synthetic document's key fixes its content
		if b.Reusable(d.Fingerprint) {
			d = searchidx.Doc{Key: d.Key, Type: d.Type, Territory: d.Territory, Fingerprint: d.Fingerprint}
		}
		if err := b.Add(d); err != nil {
			return err
		}
	}
	st, err := b.Write(*out)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(st)
}

func doc(s synth.Doc) searchidx.Doc {
	d := searchidx.Doc{Key: s.Key, Type: s.Type, Products: s.Products, Substances: s.Substances, Licences: s.Licences,
		Title: s.Title, Body: s.Body, Card: searchidx.Card{Product: s.Card.Product, Title: s.Card.Title,
			Substances: s.Card.Substances, Licences: s.Card.Licences, Date: s.Card.Date, Size: s.Card.Size, URL: s.Card.URL}}
	for _, x := range s.Sections {
		d.Sections = append(d.Sections, searchidx.Section{ID: x.ID, Heading: x.Heading, Text: x.Text})
	}
	return d
}

func queries(args []string) error {
	fs := flag.NewFlagSet("query", flag.ExitOnError)
	idx := fs.String("idx", "", "index directory")
	fs.Parse(args)
	for _, q := range fs.Args() {
		ix, err := query.Open(os.DirFS(*idx))
		if err != nil {
			return err
		}
		res, err := ix.Search(query.Request{Query: q})
		if err != nil {
			return err
		}
		var raw, gz int
		for _, f := range ix.Fetches() {
			data, err := os.ReadFile(filepath.Join(*idx, filepath.FromSlash(f.Name)))
			if err != nil {
				return err
			}
			z := gzipSize(data)
			raw, gz = raw+len(data), gz+z
			fmt.Printf("%q\t%-10s %-34s %7d B  gzip %7d B\n", q, f.What, f.Name, len(data), z)
		}
		fmt.Printf("%q\t%d results, %d files, %d B, gzip %d B\n", q, res.Total, len(ix.Fetches()), raw, gz)
	}
	return nil
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}
