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

// extractText makes sure every document has its text extracted: from the
// cache in the state directory when an earlier build (or another runner)
// already read it, else by the pool of worker processes, which is started
// only when some document needs it. A document that cannot be read, or has
// no text layer, is a finding; the build goes on.
func extractText(ctx context.Context, o Options, cat *catalogue.Catalogue, store *documents.Store, cache *extract.Cache, fl *finding.List) error {
	var todo []*catalogue.Document
	for _, sha := range cat.SortedDocuments() {
		d := cat.Documents[sha]
		if d.Text == nil || !cached(cache, sha) {
			todo = append(todo, d)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	var pool *extract.Pool
	startPool := sync.OnceValue(func() error {
		var err error
		pool, err = extract.NewPool(extract.Options{
			Workers: o.Workers,
			Command: o.ExtractCommand,
			// The compiled PDFium module is the same for every build on
			// this machine: it lives in the user cache directory.
			Logger: o.Log,
		})
		return err
	})
	defer func() {
		if pool != nil {
			pool.Close()
		}
	}()
	type result struct {
		text extract.Text
		err  error
	}
	results := make([]result, len(todo))
	var wg sync.WaitGroup
	sem := make(chan struct{}, o.Workers)
	var fatal error
	var fatalOnce sync.Once
	for i, d := range todo {
		if o.fetchText != nil && !cached(cache, d.SHA256) {
			if err := o.fetchText(ctx, d.SHA256); err != nil {
				return err
			}
		}
		if t, ok := cache.Get(d.SHA256); ok {
			results[i] = result{text: t.As(d.Type)}
			continue
		}
		if b, ok := cache.Broken(d.SHA256); ok && !b.Limit {
			results[i] = result{err: b}
			continue
		}
		if err := startPool(); err != nil {
			return fmt.Errorf("start text extraction: %w", err)
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			pdf, err := os.ReadFile(store.Path(d.SHA256))
			if err != nil {
				fatalOnce.Do(func() { fatal = fmt.Errorf("read stored document %s: %w", d.SHA256, err) })
				return
			}
			t, err := pool.Extract(ctx, d.Type, pdf)
			var broken *extract.BrokenError
			switch {
			case err == nil:
				err = cache.Put(d.SHA256, t)
			case errors.As(err, &broken):
				if perr := cache.PutBroken(d.SHA256, broken); perr != nil {
					err = perr
				}
			}
			results[i] = result{text: t, err: err}
		})
	}
	wg.Wait()
	if fatal != nil {
		return fatal
	}
	for i, d := range todo {
		r := results[i]
		file, record := d.SourceRef()
		var broken *extract.BrokenError
		if r.err != nil && !errors.As(r.err, &broken) {
			return fmt.Errorf("extract text of %s: %w", d.SHA256, r.err)
		}
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

// cached reports whether the cache holds a result for sha, text or broken.
// A document extracted by an earlier build whose entry is gone (a state
// rebuilt from a published site) or failed its checksum is extracted again,
// so that its pages get their text.
func cached(cache *extract.Cache, sha string) bool {
	if _, ok := cache.Get(sha); ok {
		return true
	}
	_, ok := cache.Broken(sha)
	return ok
}
