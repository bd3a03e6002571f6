// Package publish copies a built site to a bucket (S3 and S3-compatible
// stores, Azure Blob Storage, Google Cloud Storage or a directory, through
// gocloud.dev/blob) so that a visitor never meets a page that points at
// something missing: it uploads only what changed, content-addressed files
// first, then pages, then the roots; it deletes last, never a document PDF,
// and an unreferenced fingerprinted file only after a grace period recorded
// in a ledger in the bucket. The cloud drivers live in publish/targets.
package publish

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"mip/generator/edge"
	"mip/generator/manifest"
)

// DefaultMaxDeletes is the --max-deletes default.
const DefaultMaxDeletes = 100

// DefaultGrace is how long an unreferenced fingerprinted file stays by
// default: longer than any page is cached.
const DefaultGrace = 7 * 24 * time.Hour

// Options configure a publish.
type Options struct {
	Dir    string       // the built site
	Bucket *blob.Bucket // the target
	Target string       // the target's URL, for the summary
	DryRun bool         // plan only
	// MaxDeletes is the most objects a run may delete; a plan that deletes
	// more fails before it changes anything. Negative means no limit.
	MaxDeletes int
	Grace      time.Duration // keep unreferenced fingerprinted files this long
	Now        time.Time     // default time.Now()
	Workers    int           // uploads at once; default 8
	Log        *slog.Logger
	// Progress, if set, is called after each object is uploaded or deleted.
	Progress func(Progress)
}

// Progress is how far a publish has got.
type Progress struct {
	Op                    Op
	Path                  string // the object just done
	Class                 manifest.Class
	Done, Total           int
	BytesDone, BytesTotal int64
}

// Summary is what a publish did (or, with DryRun, would do).
type Summary struct {
	Target         string                 `json:"target"`
	Dir            string                 `json:"dir"`
	DryRun         bool                   `json:"dry_run"`
	Files          int                    `json:"files"`
	Unchanged      int                    `json:"unchanged"`
	Uploads        int                    `json:"uploads"`
	UploadsByClass map[manifest.Class]int `json:"uploads_by_class"`
	UploadBytes    int64                  `json:"upload_bytes"`
	Uploaded       int                    `json:"uploaded"`
	Deletes        int                    `json:"deletes"`
	Deleted        int                    `json:"deleted"`
	Waiting        int                    `json:"waiting_for_grace"`
	KeptDocuments  int                    `json:"kept_documents"`
	Seconds        float64                `json:"seconds"`
	Plan           *Plan                  `json:"plan,omitempty"`
}

// Publish makes the bucket hold the site in o.Dir. It returns the summary
// even when it fails.
func Publish(ctx context.Context, o Options) (*Summary, error) {
	start := time.Now()
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	sum := &Summary{Target: o.Target, Dir: o.Dir, DryRun: o.DryRun, UploadsByClass: map[manifest.Class]int{}}
	defer func() { sum.Seconds = time.Since(start).Seconds() }()

	m, err := manifest.Read(o.Dir)
	if errors.Is(err, os.ErrNotExist) {
		o.Log.Warn("the output has no manifest; computing one", "dir", o.Dir)
		m, err = manifest.Compute(o.Dir, nil)
	}
	if err != nil {
		return sum, fmt.Errorf("publish %s: %w", o.Dir, err)
	}
	rules, err := edge.Load(o.Dir)
	if err != nil {
		return sum, fmt.Errorf("publish %s: %w", o.Dir, err)
	}
	plan, err := MakePlan(ctx, o.Bucket, m, rules.Headers, o.Now, o.Grace)
	if err != nil {
		return sum, fmt.Errorf("publish to %s: plan: %w", o.Target, err)
	}
	sum.Files, sum.Unchanged = len(m.Files), plan.Unchanged
	sum.Uploads, sum.Deletes = len(plan.Uploads), len(plan.Deletes)
	sum.Waiting, sum.KeptDocuments = len(plan.Waiting), len(plan.KeptDocuments)
	for _, a := range plan.Uploads {
		sum.UploadsByClass[a.Class]++
		sum.UploadBytes += a.Size
	}
	o.Log.Info("publish plan", "target", o.Target, "files", sum.Files, "unchanged", sum.Unchanged,
		"uploads", sum.Uploads, "upload_bytes", sum.UploadBytes, "deletes", sum.Deletes,
		"waiting_for_grace", sum.Waiting, "kept_documents", sum.KeptDocuments)
	if o.DryRun {
		sum.Plan = plan
	}
	if o.MaxDeletes >= 0 && len(plan.Deletes) > o.MaxDeletes {
		return sum, fmt.Errorf("publish to %s: the plan deletes %d objects (first %s), more than --max-deletes %d; nothing was changed: check the output, or raise --max-deletes: %w",
			o.Target, len(plan.Deletes), plan.Deletes[0].Path, o.MaxDeletes, ErrTooManyDeletes)
	}
	if o.DryRun {
		return sum, nil
	}

	r := &run{o: o, plan: plan, ledger: plan.ledger, sum: sum}
	for _, a := range plan.Uploads {
		r.bytesTotal += a.Size
	}
	r.total = len(plan.Uploads) + len(plan.Deletes)
	err = r.execute(ctx)
	if err != nil {
		// Record the metadata of what did get uploaded, so a rerun does not
		// send it again. Unless the new roots went live, the grace periods
		// have not started: keep the previous ledger's.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		r.mu.Lock()
		if !r.rootsLive {
			r.ledger.Unreferenced = plan.previous.Unreferenced
		}
		r.mu.Unlock()
		if lerr := r.writeLedger(wctx); lerr != nil {
			o.Log.Warn("could not record the partial publish", "err", lerr)
		}
		cancel()
		return sum, fmt.Errorf("publish to %s: %w", o.Target, err)
	}
	o.Log.Info("published", "target", o.Target, "uploaded", sum.Uploaded, "deleted", sum.Deleted, "seconds", time.Since(start).Seconds())
	return sum, nil
}

type run struct {
	o         Options
	plan      *Plan
	sum       *Summary
	mu        sync.Mutex
	ledger    *Ledger
	rootsLive bool // every upload done: the grace periods have begun

	total      int
	bytesTotal int64
	done       atomic.Int64
	bytesDone  atomic.Int64
}

func (r *run) progress(a Action) {
	var size int64
	if a.Op == Upload {
		size = a.Size
	}
	d := r.done.Add(1)
	b := r.bytesDone.Add(size)
	if r.o.Progress != nil {
		r.mu.Lock() // one call at a time
		defer r.mu.Unlock()
		r.o.Progress(Progress{Op: a.Op, Path: a.Path, Class: a.Class, Done: int(d), Total: r.total, BytesDone: b, BytesTotal: r.bytesTotal})
	}
}

func (r *run) writeLedger(ctx context.Context) error {
	r.mu.Lock()
	l := r.ledger.clone()
	r.mu.Unlock()
	return writeLedger(ctx, r.o.Bucket, l)
}

// execute uploads in three steps, each finished before the next starts,
// records the ledger, then deletes.
func (r *run) execute(ctx context.Context) error {
	entries := map[string]manifest.Entry{}
	for _, e := range r.plan.entries {
		entries[e.Path] = e
	}
	root, err := os.OpenRoot(r.o.Dir)
	if err != nil {
		return err
	}
	defer root.Close()
	steps := [][]Action{}
	for i := 0; i < len(r.plan.Uploads); {
		j := i
		rk := rank(entries[r.plan.Uploads[i].Path])
		for j < len(r.plan.Uploads) && rank(entries[r.plan.Uploads[j].Path]) == rk {
			j++
		}
		steps = append(steps, r.plan.Uploads[i:j])
		i = j
	}
	for _, step := range steps {
		workers := r.o.Workers
		if step[0].Class == manifest.Root {
			workers = 1 // roots one by one, in order
		}
		err := r.each(ctx, step, workers, func(ctx context.Context, a Action) error {
			e := entries[a.Path]
			meta := r.plan.meta[a.Path]
			if err := upload(ctx, r.o.Bucket, root, e, meta); err != nil {
				return err
			}
			r.mu.Lock()
			r.ledger.Meta[a.Path] = meta.digest()
			r.sum.Uploaded++
			r.mu.Unlock()
			r.o.Log.Debug("uploaded", "path", a.Path, "class", a.Class, "size", a.Size, "reason", a.Reason)
			r.progress(a)
			return nil
		})
		if err != nil {
			return err
		}
		r.o.Log.Info("uploaded", "class", step[0].Class, "objects", len(step))
	}
	r.mu.Lock()
	r.rootsLive = true
	r.mu.Unlock()
	if err := r.writeLedger(ctx); err != nil {
		return err
	}
	if len(r.plan.Deletes) == 0 {
		return nil
	}
	err = r.each(ctx, r.plan.Deletes, r.o.Workers, func(ctx context.Context, a Action) error {
		if isDocument(a.Path) { // MakePlan never plans this; refuse all the same
			return fmt.Errorf("delete %s: refusing to delete a document", a.Path)
		}
		if err := r.o.Bucket.Delete(ctx, a.Path); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return fmt.Errorf("delete %s: %w", a.Path, err)
		}
		r.mu.Lock()
		delete(r.ledger.Unreferenced, a.Path)
		delete(r.ledger.Meta, a.Path)
		r.sum.Deleted++
		r.mu.Unlock()
		r.o.Log.Debug("deleted", "path", a.Path, "reason", a.Reason)
		r.progress(a)
		return nil
	})
	if err != nil {
		return err
	}
	r.o.Log.Info("deleted", "objects", len(r.plan.Deletes))
	return r.writeLedger(ctx)
}

// each runs fn on every action, workers at once, stopping at the first
// error.
func (r *run) each(ctx context.Context, actions []Action, workers int, fn func(context.Context, Action) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for _, a := range actions {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(ctx, a); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// upload copies one file to the bucket, checking on the way that its bytes
// are still those of the manifest; if not, the write is abandoned.
func upload(ctx context.Context, b *blob.Bucket, root *os.Root, e manifest.Entry, meta Meta) error {
	f, err := root.Open(e.Path)
	if err != nil {
		return fmt.Errorf("upload %s: open: %w", e.Path, err)
	}
	defer f.Close()
	sum, err := hex.DecodeString(e.MD5)
	if err != nil {
		return fmt.Errorf("upload %s: the manifest's MD5 %q: %w", e.Path, e.MD5, err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := b.NewWriter(wctx, e.Path, &blob.WriterOptions{
		ContentType:        meta.ContentType,
		CacheControl:       meta.CacheControl,
		ContentEncoding:    meta.ContentEncoding,
		ContentDisposition: meta.ContentDisposition,
		ContentLanguage:    meta.ContentLanguage,
		ContentMD5:         sum,
		Metadata:           map[string]string{"md5": e.MD5, "sha256": e.SHA256},
	})
	if err != nil {
		return fmt.Errorf("upload %s: start: %w", e.Path, err)
	}
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(w, h), f)
	if err == nil && (n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.MD5) {
		err = fmt.Errorf("the file no longer matches the output manifest (run mip verify)")
	}
	if err != nil {
		cancel() // abandon the write: nothing half-written appears
		w.Close()
		return fmt.Errorf("upload %s: %w", e.Path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("upload %s: finish: %w", e.Path, err)
	}
	return nil
}
