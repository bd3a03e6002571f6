// Package generator runs mip's build pipeline: ingest the exports, apply them
// to the catalogue kept in the state directory, store and check the PDFs, and
// render the site into a fresh output directory that replaces the old one in
// a single step. Each stage lives in its own subpackage; this package only
// sequences them and reports.
package generator

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/extract"
	"mip/generator/finding"
	"mip/generator/ingest"
	"mip/generator/outdir"
	"mip/generator/pages"
	"mip/generator/statestore"
	"mip/searchidx"
)

// Options configure a build.
type Options struct {
	Sentinel   []string // export directories, applied in order
	LegacyCSV  string
	PARs       string
	Out        string
	State      string // default .mip-state; a directory or a bucket URL (see Remote state below)
	Strict     bool
	MaxPDFSize int64     // default documents.DefaultMaxSize
	Now        time.Time // the build's time; default time.Now()
	Workers    int       // PDF checks and text extractions at once; default GOMAXPROCS
	BaseURL    string    // the site's public origin, for the sitemap, feeds and robots.txt
	Log        *slog.Logger
	// SkipText leaves text extraction out: pages and search get metadata
	// only, and documents not yet extracted are extracted by a later build.
	SkipText bool
	// ExtractCommand starts a text extraction worker process; default this
	// executable with the argument extract.WorkerCommand.
	ExtractCommand []string

	// Remote state (generator/statestore). StateFrom rebuilds a lost state
	// from a published site (its address, bucket or directory) before the
	// build; StateLease is how long a bucket state's lease lasts (default
	// statestore.DefaultLease); TextCache puts a bucket state's text
	// extraction cache in a bucket of its own, which other states may share.
	StateFrom  string
	StateLease time.Duration
	TextCache  string
	// fetchText asks a bucket state for a document's cache entry before
	// extracting it (set by buildWithState).
	fetchText func(ctx context.Context, sha string) error
}

// ErrFindings is returned by a strict build that found problems.
var ErrFindings = errors.New("the input has problems and --strict is set")

// Report is what a build did; it is written to build-report.json in the state
// directory.
type Report struct {
	Generation     int                      `json:"generation"`
	Time           time.Time                `json:"time"`
	Out            string                   `json:"out"`
	Inputs         map[string]ingest.Counts `json:"inputs"`
	ExportsSkipped int                      `json:"exports_already_applied"`
	Totals         ingest.Counts            `json:"totals"`
	Added          int                      `json:"added"`
	Revised        int                      `json:"revised"`
	Withdrawn      int                      `json:"withdrawn"`
	Restored       int                      `json:"restored"`
	Changes        catalogue.Changes        `json:"changes"`
	Documents      int                      `json:"documents"`
	LiveDocuments  int                      `json:"live_documents"`
	Products       int                      `json:"products"`
	Substances     int                      `json:"substances"`
	Search         SearchStats              `json:"search_index"`
	Output         OutputStats              `json:"output"`
	// Stages are how long each stage of the build took, in seconds.
	Stages    []Stage           `json:"stages"`
	Findings  []finding.Finding `json:"findings"`
	Published bool              `json:"published"`
}

// Stage is how long one stage of a build took.
type Stage struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// timer records the stages of a build in its report, and logs each.
type timer struct {
	rep  *Report
	log  *slog.Logger
	name string
	at   time.Time
}

// next ends the running stage, if any, and starts the stage name ("" to
// start none).
func (t *timer) next(name string) {
	now := time.Now()
	if t.name != "" {
		d := now.Sub(t.at)
		t.rep.Stages = append(t.rep.Stages, Stage{Name: t.name, Seconds: d.Round(time.Millisecond).Seconds()})
		t.log.Info("stage done", "stage", t.name, "took", d.Round(time.Millisecond))
	}
	t.name, t.at = name, now
}

// OutputStats say what the build did to the output tree (generator/outdir):
// files written, files hard-linked from the live output, files the spare
// tree already held, and files removed from it.
type OutputStats struct {
	Written int `json:"written"`
	Linked  int `json:"linked_from_live"`
	Kept    int `json:"kept_in_spare"`
	Removed int `json:"removed"`
}

// SearchStats describe the search index a build wrote.
type SearchStats struct {
	Documents     int   `json:"documents"`
	Analysed      int   `json:"analysed"` // documents analysed by this build
	Reused        int   `json:"reused"`   // documents taken as the last build analysed them`
	Files         int   `json:"files"`
	Bytes         int64 `json:"bytes"`
	ManifestBytes int   `json:"manifest_bytes"`
	// Seconds the index took to build, beside the pages (the stage "write
	// search index" is only the time the build waited for it after them).
	Seconds float64 `json:"seconds"`
}

// Build runs the pipeline. It returns the report even when it fails.
func Build(ctx context.Context, o Options) (*Report, error) {
	if o.State == "" {
		o.State = ".mip-state"
	}
	if o.MaxPDFSize <= 0 {
		o.MaxPDFSize = documents.DefaultMaxSize
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Out == "" {
		return nil, errors.New("no output directory given")
	}
	if statestore.IsRemote(o.State) || o.StateFrom != "" {
		return buildWithState(ctx, o)
	}
	rep := &Report{Time: o.Now.UTC(), Out: o.Out, Inputs: map[string]ingest.Counts{}}
	var fl finding.List
	defer func() {
		rep.Findings = fl.Sorted()
		if rep.Findings == nil {
			rep.Findings = []finding.Finding{}
		}
		if data, err := json.MarshalIndent(rep, "", "  "); err == nil && os.MkdirAll(o.State, 0o755) == nil {
			documents.WriteFileAtomic(filepath.Join(o.State, "build-report.json"), append(data, '\n'))
		}
	}()

	tm := &timer{rep: rep, log: o.Log}
	defer tm.next("")
	tm.next("load state")
	cat, err := catalogue.Load(o.State)
	if err != nil {
		return rep, err
	}
	store, err := documents.OpenStore(filepath.Join(o.State, "docs"))
	if err != nil {
		return rep, err
	}
	cat.Begin(o.Now)
	rep.Generation = cat.Generation

	tm.next("ingest")
	type input struct {
		name    string
		batches []ingest.Batch
		counts  ingest.Counts
	}
	var inputs []input
	for _, dir := range o.Sentinel {
		b, c, err := ingest.ReadSentinel(dir, &fl)
		if err != nil {
			return rep, err
		}
		inputs = append(inputs, input{"sentinel " + dir, b, c})
	}
	if o.LegacyCSV != "" {
		b, c, err := ingest.ReadLegacyCSV(o.LegacyCSV, &fl)
		if err != nil {
			return rep, err
		}
		inputs = append(inputs, input{"legacy " + o.LegacyCSV, []ingest.Batch{b}, c})
	}
	if o.PARs != "" {
		b, c, err := ingest.ReadPARs(o.PARs, &fl)
		if err != nil {
			return rep, err
		}
		inputs = append(inputs, input{"pars " + o.PARs, []ingest.Batch{b}, c})
	}
	for _, in := range inputs {
		counts := in.counts
		for _, b := range in.batches {
			if cat.Applied[b.SHA256] {
				rep.ExportsSkipped++
				continue
			}
			if err := apply(ctx, o, cat, store, b, &counts, &fl); err != nil {
				return rep, err
			}
			cat.Applied[b.SHA256] = true
		}
		rep.Inputs[in.name] = counts
		o.Log.Info("read input", "input", in.name, "read", counts.Read, "accepted", counts.Accepted, "rejected", counts.Rejected)
	}
	cat.LinkRevisions()
	tm.next("extract text")
	var text *texts // nil when extraction is skipped
	if !o.SkipText {
		cache, err := extract.OpenCache(filepath.Join(o.State, "text"))
		if err != nil {
			return rep, err
		}
		text = newTexts(ctx, o, cache, store)
		defer text.close()
		if err := extractText(text, cat, &fl); err != nil {
			return rep, err
		}
	}
	rep.Changes = cat.Changes()
	for _, c := range rep.Inputs {
		rep.Totals.Add(c)
	}
	rep.Added, rep.Revised = len(rep.Changes.Added), len(rep.Changes.Revised)
	rep.Withdrawn, rep.Restored = len(rep.Changes.Withdrawn), len(rep.Changes.Restored)

	view := cat.View()
	rep.Documents = len(view.Documents)
	for _, d := range view.Documents {
		if d.Live() {
			rep.LiveDocuments++
		}
	}
	rep.Products, rep.Substances = len(view.Products), len(view.Substances)
	if o.Strict && fl.Len() > 0 {
		return rep, ErrFindings
	}
	tm.next("write site")
	if err := writeOutput(o, tm, rep, cat, view, store, text); err != nil {
		return rep, err
	}
	rep.Published = true
	tm.next("save state")
	if err := store.Sync(); err != nil {
		return rep, err
	}
	if err := cat.Save(o.State); err != nil {
		return rep, err
	}
	return rep, nil
}

// writeOutput brings the spare output tree up to date for the catalogue's
// view (generator/outdir: only what changed is written) and swaps it in
// for the live one in one step.
func writeOutput(o Options, tm *timer, rep *Report, cat *catalogue.Catalogue, view *catalogue.View, store *documents.Store, text *texts) error {
	w, err := outdir.Begin(o.Out)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			w.Abort()
		}
	}()
	// The search index is built beside the pages, into a directory of its
	// own: the two share no files, and each has stretches of one core's
	// work or of waiting on the disk that the other fills.
	tmp, err := w.TempDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var index errgroup.Group
	var sst searchidx.Stats
	var took time.Duration
	index.Go(func() error {
		start := time.Now()
		var err error
		sst, err = writeSearchIndex(tmp, filepath.Join(o.State, SegmentFile), cat, view, text, o.Workers)
		took = time.Since(start)
		if err != nil {
			return fmt.Errorf("build search index: %w", err)
		}
		return nil
	})
	pagesErr := writePages(o, w, rep, cat, view, store, text)
	tm.next("write search index")
	indexErr := index.Wait() // even when the pages failed: it writes into tmp
	if err := cmp.Or(pagesErr, indexErr); err != nil {
		return err
	}
	rep.Search = SearchStats{Documents: sst.Docs, Files: sst.Files, Bytes: sst.Bytes, ManifestBytes: sst.ManifestBytes,
		Analysed: sst.Analysed, Reused: sst.Reused, Seconds: took.Round(time.Millisecond).Seconds()}
	if err := w.Import(IndexDir, tmp); err != nil {
		return fmt.Errorf("build search index: %w", err)
	}
	tm.next("swap output")
	if err := w.Commit(); err != nil {
		return err
	}
	committed = true
	st := w.Stats()
	rep.Output = OutputStats{Written: st.Written, Linked: st.Linked, Kept: st.Kept, Removed: st.Removed}
	return nil
}

// writePages puts the stored PDFs and every page in the new output.
func writePages(o Options, w *outdir.Writer, rep *Report, cat *catalogue.Catalogue, view *catalogue.View, store *documents.Store, text *texts) error {
	var g errgroup.Group
	g.SetLimit(o.Workers)
	for _, d := range view.Documents {
		g.Go(func() error { return w.LinkFile("docs/"+d.SHA256+".pdf", store.Path(d.SHA256)) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return pages.Write(w, cat, view, pages.Options{
		Minify: true, BaseURL: o.BaseURL, Built: o.Now, Generation: cat.Generation, Changes: rep.Changes, Workers: o.Workers,
		Sections: documentSections(text), Key: pagesKey()})
}

// checked is a create record with the outcome of its PDF check.
type checked struct {
	info documents.Info
	err  error
}

// apply checks and stores the PDFs of one batch (several at once) and
// applies its events to the catalogue in order.
func apply(ctx context.Context, o Options, cat *catalogue.Catalogue, store *documents.Store, b ingest.Batch, counts *ingest.Counts, fl *finding.List) error {
	results := make([]checked, len(b.Events))
	var g errgroup.Group
	g.SetLimit(o.Workers)
	for i, ev := range b.Events {
		if ev.Delete {
			continue
		}
		if err := ctx.Err(); err != nil {
			g.Wait()
			return err
		}
		g.Go(func() error {
			results[i] = check(store, ev.Record, o.MaxPDFSize)
			return nil
		})
	}
	g.Wait()
	for i, ev := range b.Events {
		if ev.Delete {
			cat.Delete(ev.Record, fl)
			continue
		}
		r := results[i]
		var p *documents.Problem
		switch {
		case errors.As(r.err, &p):
			counts.Accepted--
			counts.Rejected++
			fl.Add(finding.Finding{File: ev.Record.File, Line: ev.Record.Line, Record: ev.Record.ID, Field: pdfField(ev.Record), Message: p.Msg})
			continue
		case r.err != nil:
			return fmt.Errorf("%s: record %s: %w", ev.Record.File, ev.Record.ID, r.err)
		}
		if r.info.Encrypted {
			fl.Add(finding.Finding{File: ev.Record.File, Line: ev.Record.Line, Record: ev.Record.ID, Field: pdfField(ev.Record),
				Message: "the PDF is encrypted (it opens without a password, but copying or printing may be restricted)", Kept: true})
		}
		cat.Create(ev.Record, r.info, fl)
	}
	return nil
}

func pdfField(r ingest.Record) string {
	switch r.Source {
	case ingest.Legacy:
		return "dDocName"
	case ingest.PARSheet:
		return "file"
	}
	return "file_path"
}

func check(store *documents.Store, rec ingest.Record, maxSize int64) checked {
	data, err := documents.Load(rec.Dir, rec.Path, maxSize)
	if err != nil {
		return checked{err: err}
	}
	info, err := documents.Inspect(data)
	if err != nil {
		return checked{err: err}
	}
	if _, err := store.Put(data); err != nil {
		return checked{err: err}
	}
	return checked{info: info}
}
