// Package statestore keeps a build's state directory in a bucket (any
// gocloud.dev blob URL: s3://, azblob://, gs://, file://), so that a build
// on a CI runner that starts empty has the whole history of the earlier
// ones.
//
// A build works on a local copy. Open takes the state's lease (lock.json,
// created only if absent, with an owner and an expiry) so that a second
// build on the same state is refused, then Pull fetches the catalogue and
// every PDF it names, and PullText the text-extraction cache entries. After
// a successful build, Commit uploads what is new and writes
// state-manifest.json last of all:
//
//	state-manifest.json       the state: generation, the catalogue's key and sha256, the report; written last
//	catalogue/<sha256>.json   every committed catalogue, named by its sha256, never overwritten
//	docs/<sha256>.pdf         every PDF, named by its sha256, never overwritten
//	text/<version>/<ab>/<sha256>.mipx
//	                          text-extraction cache entries of one extract.Version, by the PDF's sha256
//	reports/<generation>.json the build report of each committed build
//	manifests/<generation>.json
//	                          a copy of each committed manifest, to roll back to
//	lock.json                 the lease of the build running now
//
// Every object but the manifest and the lease is write-once, so a build
// interrupted anywhere in Commit leaves the previous manifest naming a
// complete previous state; what it uploaded before it stopped is found again
// (and skipped) by the next build. Every object read is checked: the
// catalogue against the manifest's sha256, a PDF against its name, a cache
// entry against the checksum it carries (a bad one is a miss: the build
// extracts the document again and replaces it).
package statestore

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"mip/generator/catalogue"
	"mip/generator/documents"
	"mip/generator/extract"
)

// Keys of the state's objects in its bucket.
const (
	ManifestKey = "state-manifest.json"
	LeaseKey    = "lock.json"
)

// ManifestFormat and ManifestVersion identify state-manifest.json.
const (
	ManifestFormat  = "mip-state"
	ManifestVersion = 1
)

// DefaultLease is how long a build holds the state before another build may
// take it over (a build that died without releasing it).
const DefaultLease = 2 * time.Hour

// ErrLocked is returned by Open when another build holds the state.
var ErrLocked = errors.New("another build holds the state")

// IsRemote reports whether state names a bucket URL rather than a local
// directory.
func IsRemote(state string) bool { return strings.Contains(state, "://") }

// Object is one object the manifest names, with its sha256.
type Object struct {
	Key    string `json:"key"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Manifest is state-manifest.json: the committed state.
type Manifest struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	Generation int       `json:"generation"`
	Time       time.Time `json:"time"`
	Owner      string    `json:"owner"`
	Catalogue  Object    `json:"catalogue"`
	Report     *Object   `json:"report,omitempty"`
	Documents  int       `json:"documents"`
	// TextPrefix is where this state's text-extraction cache entries are.
	TextPrefix string `json:"text_prefix"`
}

// Lease is lock.json.
type Lease struct {
	ID       string    `json:"id"` // random, told apart from a later lease of the same owner
	Owner    string    `json:"owner"`
	Acquired time.Time `json:"acquired"`
	Expires  time.Time `json:"expires"`
}

// Options configure Open.
type Options struct {
	// Owner names this build in the lease; default host name and process id.
	Owner string
	// Lease is how long the lease lasts; default DefaultLease.
	Lease   time.Duration
	Workers int // objects fetched or uploaded at once; default 16 (they wait on the network, not the CPU)
	Log     *slog.Logger
	Now     func() time.Time // default time.Now
	// TextCache is a bucket URL for the text-extraction cache, which any
	// number of states and runners may share; default the state's bucket.
	TextCache string
}

// Remote is a bucket state being worked on through a local directory.
type Remote struct {
	url    string
	bucket *blob.Bucket
	// text holds the text-extraction cache: the state's bucket, or the
	// one Options.TextCache names, which several states may share.
	text    *blob.Bucket
	textURL string
	dir     string
	o       Options
	lease   Lease
	held    bool
	// manifest is the state as Open found it (nil: an empty state).
	manifest *Manifest
	// pulled holds the sha256 of every file fetched into dir, by its path
	// relative to dir, so that Commit uploads only what changed.
	pulled map[string]string
	// stopRenew ends the goroutine that renews the lease.
	stopRenew func()
	// tried holds the cache entries already asked of the bucket.
	tried map[string]bool
	mu    sync.Mutex
}

// TextPrefix is where the cache entries of this mip's extract.Version live:
// entries of another version never meet this one's.
func TextPrefix() string {
	s := sha256.Sum256([]byte(extract.Version))
	return "text/" + hex.EncodeToString(s[:6]) + "/"
}

// Open opens the bucket state at url, takes its lease and reads its
// manifest; dir is the empty local directory the build will use as its
// state directory. The caller must Close the Remote.
func Open(ctx context.Context, url, dir string, o Options) (*Remote, error) {
	if o.Owner == "" {
		host, _ := os.Hostname()
		o.Owner = fmt.Sprintf("%s pid %d", host, os.Getpid())
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Workers <= 0 {
		o.Workers = 16
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("state %s: open bucket: %w", url, err)
	}
	r := &Remote{url: url, bucket: b, text: b, textURL: url, dir: dir, o: o, pulled: map[string]string{}, tried: map[string]bool{}}
	if o.TextCache != "" {
		if r.text, err = blob.OpenBucket(ctx, o.TextCache); err != nil {
			b.Close()
			return nil, fmt.Errorf("text cache %s: open bucket: %w", o.TextCache, err)
		}
		r.textURL = o.TextCache
	}
	if err := r.acquire(ctx); err != nil {
		r.closeBuckets()
		return nil, err
	}
	m, err := r.readManifest(ctx)
	if err != nil {
		r.Close(ctx)
		return nil, err
	}
	r.manifest = m
	r.renewEvery(context.WithoutCancel(ctx), r.o.Lease/3)
	return r, nil
}

// renewEvery extends the lease every d while the build runs, so that a
// build longer than the lease keeps it; a lease is only taken over once a
// build has stopped renewing it (it died) for the whole lease.
func (r *Remote) renewEvery(ctx context.Context, d time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	r.stopRenew = func() { cancel(); <-done }
	go func() {
		defer close(done)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.renew(ctx); err != nil {
					if ctx.Err() == nil {
						r.o.Log.Warn("could not renew the state lease", "state", r.url, "err", err)
					}
					return
				}
			}
		}
	}()
}

// renew moves the lease's expiry on, if this build still holds it.
func (r *Remote) renew(ctx context.Context) error {
	l, err := r.readLease(ctx)
	if err != nil {
		return err
	}
	if l == nil || l.ID != r.lease.ID {
		return errors.New("the lease was taken over")
	}
	next := r.lease
	next.Expires = r.o.Now().UTC().Add(r.o.Lease)
	data, _ := json.MarshalIndent(next, "", "  ")
	if err := r.bucket.WriteAll(ctx, LeaseKey, data, &blob.WriterOptions{ContentType: "application/json"}); err != nil {
		return r.errorf(LeaseKey, "renew the lease", err)
	}
	return nil
}

// Dir is the local state directory.
func (r *Remote) Dir() string { return r.dir }

// Manifest is the committed state Open found, or nil for an empty state.
func (r *Remote) Manifest() *Manifest { return r.manifest }

func (r *Remote) errorf(key, step string, err error) error {
	return fmt.Errorf("state %s: %s %s: %w", r.url, step, key, err)
}

// acquire creates the lease, or takes over one that has expired.
func (r *Remote) acquire(ctx context.Context) error {
	now := r.o.Now().UTC()
	id := make([]byte, 12)
	rand.Read(id)
	r.lease = Lease{ID: hex.EncodeToString(id), Owner: r.o.Owner, Acquired: now, Expires: now.Add(r.o.Lease)}
	data, _ := json.MarshalIndent(r.lease, "", "  ")
	for attempt := 0; attempt < 2; attempt++ {
		err := r.bucket.WriteAll(ctx, LeaseKey, data, &blob.WriterOptions{IfNotExist: true, ContentType: "application/json"})
		if err == nil {
			r.held = true
			return nil
		}
		if gcerrors.Code(err) != gcerrors.FailedPrecondition {
			return r.errorf(LeaseKey, "take the lease", err)
		}
		old, err := r.readLease(ctx)
		if err != nil {
			return err
		}
		if old == nil {
			continue // released meanwhile: try again
		}
		if now.Before(old.Expires) {
			return fmt.Errorf("state %s: %w: %q took it at %s and holds it until %s; wait for that build to finish "+
				"(if it died, its lease expires then, or delete %s once you are sure nothing is running)",
				r.url, ErrLocked, old.Owner, old.Acquired.Format(time.RFC3339), old.Expires.Format(time.RFC3339), LeaseKey)
		}
		r.o.Log.Warn("taking over an expired state lease", "state", r.url, "owner", old.Owner, "expired", old.Expires)
		if err := r.bucket.Delete(ctx, LeaseKey); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return r.errorf(LeaseKey, "remove the expired lease", err)
		}
	}
	return fmt.Errorf("state %s: %w: another build took the expired lease at the same moment", r.url, ErrLocked)
}

func (r *Remote) readLease(ctx context.Context) (*Lease, error) {
	var last error
	// A lease being renewed may fail to read on some stores (fileblob
	// replaces it by a rename, with its attributes in a file beside it):
	// read again.
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		data, err := r.bucket.ReadAll(ctx, LeaseKey)
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, nil
		}
		var l Lease
		if err == nil {
			err = json.Unmarshal(data, &l)
		}
		if err == nil {
			return &l, nil
		}
		if last = err; ctx.Err() != nil {
			break
		}
	}
	return nil, r.errorf(LeaseKey, "read the lease", last)
}

// Close releases the lease (when this build still holds it) and the bucket.
// The local directory is the caller's.
func (r *Remote) Close(ctx context.Context) error {
	if r.stopRenew != nil {
		r.stopRenew()
		r.stopRenew = nil
	}
	var err error
	if r.held {
		r.held = false
		l, lerr := r.readLease(ctx)
		switch {
		case lerr != nil:
			err = lerr
		case l != nil && l.ID == r.lease.ID:
			if derr := r.bucket.Delete(ctx, LeaseKey); derr != nil {
				err = r.errorf(LeaseKey, "release the lease", derr)
			}
		}
	}
	if cerr := r.closeBuckets(); err == nil {
		err = cerr
	}
	return err
}

func (r *Remote) closeBuckets() error {
	if r.text != r.bucket {
		r.text.Close()
	}
	if err := r.bucket.Close(); err != nil {
		return fmt.Errorf("state %s: close bucket: %w", r.url, err)
	}
	return nil
}

func (r *Remote) readManifest(ctx context.Context) (*Manifest, error) {
	data, err := r.bucket.ReadAll(ctx, ManifestKey)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, r.errorf(ManifestKey, "read", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, r.errorf(ManifestKey, "read", err)
	}
	if m.Format != ManifestFormat || m.Version != ManifestVersion {
		return nil, r.errorf(ManifestKey, "read", fmt.Errorf("format %q version %d, this mip reads %q version %d", m.Format, m.Version, ManifestFormat, ManifestVersion))
	}
	return &m, nil
}

// Pull fetches the committed catalogue and every PDF it names into the local
// directory, checking each against its sha256. An empty state pulls nothing.
func (r *Remote) Pull(ctx context.Context) error {
	if r.manifest == nil {
		return nil
	}
	m := r.manifest
	data, err := r.bucket.ReadAll(ctx, m.Catalogue.Key)
	if err != nil {
		return r.errorf(m.Catalogue.Key, "read the catalogue", err)
	}
	if got := sum(data); got != m.Catalogue.SHA256 {
		return r.errorf(m.Catalogue.Key, "read the catalogue", fmt.Errorf("its bytes hash to %s, the manifest says %s: the object is corrupt", got, m.Catalogue.SHA256))
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return err
	}
	if err := documents.WriteFileAtomic(filepath.Join(r.dir, catalogue.FileName), data); err != nil {
		return err
	}
	r.pulled[catalogue.FileName] = m.Catalogue.SHA256
	cat, err := catalogue.Load(r.dir)
	if err != nil {
		return r.errorf(m.Catalogue.Key, "read the catalogue", err)
	}
	store, err := documents.OpenStore(filepath.Join(r.dir, "docs"))
	if err != nil {
		return err
	}
	return r.each(ctx, cat.SortedDocuments(), func(sha string) error {
		key := "docs/" + sha + ".pdf"
		data, err := r.bucket.ReadAll(ctx, key)
		if err != nil {
			return r.errorf(key, "fetch", err)
		}
		if got := documents.Address(data); got != sha {
			return r.errorf(key, "fetch", fmt.Errorf("its bytes hash to %s: the object is corrupt", got))
		}
		if _, err := store.Put(data); err != nil {
			return err
		}
		r.record(filepath.Join("docs", sha+".pdf"), sha)
		return nil
	})
}

// PullText fetches the text-extraction cache entries of every document of
// the local catalogue that the bucket has. Entries are checked when the
// build reads them: a bad one is a miss, and Commit replaces it.
func (r *Remote) PullText(ctx context.Context) error {
	cat, err := catalogue.Load(r.dir)
	if err != nil {
		return err
	}
	return r.each(ctx, cat.SortedDocuments(), func(sha string) error { return r.FetchText(ctx, sha) })
}

// FetchText fetches the cache entry of the PDF whose sha256 is sha into the
// local state's text cache, if the bucket has it and it was not fetched
// before: the build calls it for documents new tonight, whose entries
// another state sharing the cache may have made.
func (r *Remote) FetchText(ctx context.Context, sha string) error {
	if len(sha) < 2 || strings.ContainsAny(sha, "/\\.") {
		return fmt.Errorf("text cache %s: %q is not a sha256", r.textURL, sha)
	}
	rel := "text/" + sha[:2] + "/" + sha + ".mipx"
	r.mu.Lock()
	seen := r.tried[rel]
	r.tried[rel] = true
	r.mu.Unlock()
	if seen {
		return nil
	}
	key := TextPrefix() + sha[:2] + "/" + sha + ".mipx"
	data, err := r.text.ReadAll(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("text cache %s: fetch %s: %w", r.textURL, key, err)
	}
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := documents.WriteFileAtomic(p, data); err != nil {
		return err
	}
	r.record(rel, sum(data))
	return nil
}

func (r *Remote) record(rel, sha string) {
	r.mu.Lock()
	r.pulled[filepath.ToSlash(rel)] = sha
	r.mu.Unlock()
}

func (r *Remote) wasPulled(rel string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.pulled[filepath.ToSlash(rel)]
	return s, ok
}

// each runs fn for every item, Workers at a time, and returns the first
// error.
func (r *Remote) each(ctx context.Context, items []string, fn func(string) error) error {
	return parallel(ctx, r.o.Workers, items, fn)
}

// parallel runs fn for every item, workers at a time; after the first error
// it starts no more and returns that error.
func parallel(ctx context.Context, workers int, items []string, fn func(string) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	sem := make(chan struct{}, workers)
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(it); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// Commit uploads the local state after a successful build: new PDFs and
// cache entries (write-once), the catalogue under its sha256 and the build
// report, and then, last, the manifest. It refuses when this build no longer
// holds the lease or another build has committed since Open.
func (r *Remote) Commit(ctx context.Context) error {
	if err := r.checkOwnership(ctx); err != nil {
		return err
	}
	// PDFs and cache entries first: the catalogue refers to them.
	var docs, texts []string
	if err := filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".tmp-") {
			return err
		}
		rel, _ := filepath.Rel(r.dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(rel, "docs/") && strings.HasSuffix(rel, ".pdf"):
			docs = append(docs, rel)
		case strings.HasPrefix(rel, "text/") && strings.HasSuffix(rel, ".mipx"):
			texts = append(texts, rel)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("state %s: read the local state %s: %w", r.url, r.dir, err)
	}
	var uploaded, unchanged int
	var mu sync.Mutex
	count := func(up bool) {
		mu.Lock()
		if up {
			uploaded++
		} else {
			unchanged++
		}
		mu.Unlock()
	}
	upload := func(b *blob.Bucket, rel, key string, checkName bool) error {
		data, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("state %s: read %s: %w", r.url, rel, err)
		}
		s := sum(data)
		prev, pulled := r.wasPulled(rel)
		if pulled && prev == s {
			count(false)
			return nil
		}
		if checkName && s+".pdf" != filepath.Base(rel) {
			return fmt.Errorf("state %s: local %s hashes to %s: not uploaded", r.url, rel, s)
		}
		// A new object is written only if absent; one that was pulled
		// and is now different was bad (a corrupt cache entry, or one
		// made by a broken build) and is replaced.
		up, err := r.put(ctx, b, key, data, !pulled)
		if err != nil {
			return err
		}
		count(up)
		return nil
	}
	if err := r.each(ctx, docs, func(rel string) error { return upload(r.bucket, rel, rel, true) }); err != nil {
		return err
	}
	prefix := TextPrefix()
	if err := r.each(ctx, texts, func(rel string) error {
		return upload(r.text, rel, prefix+strings.TrimPrefix(rel, "text/"), false)
	}); err != nil {
		return err
	}
	catData, err := os.ReadFile(filepath.Join(r.dir, catalogue.FileName))
	if err != nil {
		return fmt.Errorf("state %s: read the local catalogue: %w", r.url, err)
	}
	cat, err := catalogue.Load(r.dir)
	if err != nil {
		return err
	}
	m := &Manifest{Format: ManifestFormat, Version: ManifestVersion, Generation: cat.Generation, Time: r.o.Now().UTC(),
		Owner: r.o.Owner, Documents: len(cat.Documents), TextPrefix: prefix,
		Catalogue: Object{Key: "catalogue/" + sum(catData) + ".json", SHA256: sum(catData), Size: int64(len(catData))}}
	if _, err := r.put(ctx, r.bucket, m.Catalogue.Key, catData, true); err != nil {
		return err
	}
	if rep, err := os.ReadFile(filepath.Join(r.dir, "build-report.json")); err == nil {
		o := Object{Key: fmt.Sprintf("reports/%d.json", cat.Generation), SHA256: sum(rep), Size: int64(len(rep))}
		if _, err := r.put(ctx, r.bucket, o.Key, rep, false); err != nil {
			return err
		}
		m.Report = &o
	}
	// Last: check again that nothing else committed meanwhile, then the
	// manifest.
	if err := r.checkOwnership(ctx); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(m, "", "  ")
	data = append(data, '\n')
	// A copy per generation, to roll back to: copy it over the manifest.
	if _, err := r.put(ctx, r.bucket, fmt.Sprintf("manifests/%d.json", m.Generation), data, false); err != nil {
		return err
	}
	if _, err := r.put(ctx, r.bucket, ManifestKey, data, false); err != nil {
		return err
	}
	r.manifest = m
	r.o.Log.Info("state committed", "state", r.url, "generation", m.Generation, "uploaded", uploaded, "unchanged", unchanged)
	return nil
}

// checkOwnership refuses to commit when the lease is no longer this build's
// or the manifest has moved since Open.
func (r *Remote) checkOwnership(ctx context.Context) error {
	l, err := r.readLease(ctx)
	if err != nil {
		return err
	}
	if l == nil || l.ID != r.lease.ID {
		who := "nobody"
		if l != nil {
			who = fmt.Sprintf("%q", l.Owner)
		}
		return fmt.Errorf("state %s: commit refused: this build's lease was taken over (%s holds %s now); the state was not changed", r.url, who, LeaseKey)
	}
	m, err := r.readManifest(ctx)
	if err != nil {
		return err
	}
	gen := func(m *Manifest) int {
		if m == nil {
			return 0
		}
		return m.Generation
	}
	if gen(m) != gen(r.manifest) || (m != nil && m.Catalogue.SHA256 != r.manifest.Catalogue.SHA256) {
		return fmt.Errorf("state %s: commit refused: another build committed generation %d since this one read generation %d; the state was not changed", r.url, gen(m), gen(r.manifest))
	}
	return nil
}

// put writes one object with its MD5 checked by the store. With once, an
// existing object is kept (the write is skipped) and put reports false.
func (r *Remote) put(ctx context.Context, b *blob.Bucket, key string, data []byte, once bool) (bool, error) {
	h := md5.Sum(data)
	ct := "application/octet-stream"
	switch {
	case strings.HasSuffix(key, ".json"):
		ct = "application/json"
	case strings.HasSuffix(key, ".pdf"):
		ct = "application/pdf"
	}
	err := b.WriteAll(ctx, key, data, &blob.WriterOptions{ContentMD5: h[:], IfNotExist: once, ContentType: ct})
	if once && gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return false, nil
	}
	if err != nil && b == r.text && b != r.bucket {
		return false, fmt.Errorf("text cache %s: write %s: %w", r.textURL, key, err)
	}
	if err != nil {
		return false, r.errorf(key, "write", err)
	}
	return true, nil
}

func sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
