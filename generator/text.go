package generator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/extract"
	"mip/generator/finding"
)

// texts gives the build the extracted text of its documents: from the
// cache in the state directory, else (a document never extracted, or whose
// entry was lost or failed its checksum since) from a bucket state's cache,
// else by extracting it now with a pool of worker processes that is started
// only when some document needs it.
type texts struct {
	ctx     context.Context
	o       Options
	cache   *extract.Cache
	store   *documents.Store
	startMu sync.Mutex
	pool    *extract.Pool
}

func newTexts(ctx context.Context, o Options, cache *extract.Cache, store *documents.Store) *texts {
	return &texts{ctx: ctx, o: o, cache: cache, store: store}
}

// close stops the worker processes, if any were started.
func (t *texts) close() {
	if t != nil && t.pool != nil {
		t.pool.Close()
	}
}

func (t *texts) startPool() (*extract.Pool, error) {
	t.startMu.Lock()
	defer t.startMu.Unlock()
	if t.pool != nil {
		return t.pool, nil
	}
	pool, err := extract.NewPool(extract.Options{
		Workers: t.o.Workers,
		Command: t.o.ExtractCommand,
		// The compiled PDFium module is the same for every build on this
		// machine: it lives in the user cache directory.
		Logger: t.o.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("start text extraction: %w", err)
	}
	t.pool = pool
	return pool, nil
}

// lookup returns the cached result for d, fetching it from a bucket state
// first if need be; ok is false on a miss.
func (t *texts) lookup(sha string) (text extract.Text, broken *extract.BrokenError, ok bool, err error) {
	if text, broken, ok = t.cache.Lookup(sha); ok {
		return text, broken, true, nil
	}
	if t.o.fetchText != nil {
		if err := t.o.fetchText(t.ctx, sha); err != nil {
			return text, nil, false, err
		}
		text, broken, ok = t.cache.Lookup(sha)
	}
	return text, broken, ok, nil
}

// extract reads d's text with the worker pool and caches the result.
func (t *texts) extract(d *catalogue.Document) (extract.Text, error) {
	pool, err := t.startPool()
	if err != nil {
		return extract.Text{}, err
	}
	pdf, err := os.ReadFile(t.store.Path(d.SHA256))
	if err != nil {
		return extract.Text{}, fmt.Errorf("read stored document %s: %w", d.SHA256, err)
	}
	text, err := pool.Extract(t.ctx, d.Type, pdf)
	var broken *extract.BrokenError
	switch {
	case err == nil:
		err = t.cache.Put(d.SHA256, text)
	case errors.As(err, &broken):
		if perr := t.cache.PutBroken(d.SHA256, broken); perr != nil {
			err = perr
		}
	}
	return text, err
}

// get returns d's text for its pages and the search index: ok is false
// when it has none (a broken document, a scan without a text layer). A
// cache entry lost or corrupted since the document was first extracted is
// made again; the error says that could not be done.
func (t *texts) get(d *catalogue.Document) (text extract.Text, ok bool, err error) {
	if t == nil || d.Text == nil || !d.Text.Available {
		return extract.Text{}, false, nil
	}
	text, broken, ok, err := t.lookup(d.SHA256)
	if err == nil && !ok {
		t.o.Log.Info("extracting a document's text again: its cache entry is missing or corrupt", "sha256", d.SHA256)
		text, err = t.extract(d)
		if errors.As(err, &broken) {
			err = nil
		}
	}
	if err != nil {
		return extract.Text{}, false, fmt.Errorf("text of document %s: %w", d.SHA256, err)
	}
	if broken != nil || !text.HasText {
		return extract.Text{}, false, nil
	}
	return text.As(d.Type), true, nil
}

// extractText extracts the text of every document that has not been
// through extraction yet (the catalogue records the outcome in Text), with
// the worker pool, or from a cache another build filled. A document that
// cannot be read, or has no text layer, is a finding; the build goes on.
// Documents extracted by earlier builds are not read here: their text is
// read (and, if its cache entry was lost, made again) only where a page or
// the search index needs it.
func extractText(t *texts, cat *catalogue.Catalogue, fl *finding.List) error {
	var todo []*catalogue.Document
	for _, sha := range cat.SortedDocuments() {
		if d := cat.Documents[sha]; d.Text == nil {
			todo = append(todo, d)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	type result struct {
		text extract.Text
		err  error
	}
	results := make([]result, len(todo))
	var wg sync.WaitGroup
	sem := make(chan struct{}, t.o.Workers)
	var fatal error
	var fatalOnce sync.Once
	for i, d := range todo {
		text, broken, ok, err := t.lookup(d.SHA256)
		if err != nil {
			return err
		}
		if ok && (broken == nil || !broken.Limit) {
			results[i] = result{text: text}
			if broken != nil {
				results[i].err = broken
			}
			continue
		}
		if err := t.ctx.Err(); err != nil {
			wg.Wait()
			return err
		}
		if _, err := t.startPool(); err != nil {
			wg.Wait()
			return err
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			text, err := t.extract(d)
			var broken *extract.BrokenError
			if err != nil && !errors.As(err, &broken) {
				fatalOnce.Do(func() { fatal = err })
			}
			results[i] = result{text: text, err: err}
		})
	}
	wg.Wait()
	if fatal != nil {
		return fatal
	}
	for i, d := range todo {
		r := results[i]
		file, record := d.SourceRef()
		for _, f := range extract.Findings(file, record, r.text, r.err) {
			fl.Add(f)
		}
		r.text = r.text.As(d.Type)
		info := &catalogue.TextInfo{Available: r.err == nil && r.text.HasText}
		if r.err == nil {
			info.RevisionDate = r.text.RevisionDate
			for _, s := range r.text.Sections {
				info.Outline = append(info.Outline, catalogue.OutlineEntry{ID: s.ID, Number: s.Number, Heading: s.Heading, Page: s.Page})
			}
		}
		d.Text = info
	}
	return nil
}
