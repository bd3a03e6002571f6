package statestore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gocloud.dev/blob"

	"mip/generator"
	"mip/generator/catalogue"
	"mip/generator/extract"
	"mip/generator/manifest"
	"mip/generator/statestore"
	_ "mip/generator/statestore/targets"
)

// TestMain lets the test binary serve as the text extraction worker that
// Build starts.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == extract.WorkerCommand {
		if err := extract.ServeWorker(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "extract worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	for _, d := range longDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

var nights = []generator.Options{
	{Sentinel: []string{"../testdata/night1/sentinel"}, LegacyCSV: "../testdata/night1/legacy/export.csv", PARs: "../testdata/night1/pars",
		Now: time.Date(2024, 10, 1, 2, 0, 0, 0, time.UTC), SkipText: true},
	{Sentinel: []string{"../testdata/night2/sentinel"}, Now: time.Date(2024, 10, 2, 2, 0, 0, 0, time.UTC), SkipText: true},
	{Sentinel: []string{"testdata/night3/sentinel"}, Now: time.Date(2024, 10, 3, 2, 0, 0, 0, time.UTC), SkipText: true},
}

// fakeS3 is an in-process S3 server. fail, when set, is asked about every
// write (PUT) and may make it fail.
type fakeS3 struct {
	srv    *httptest.Server
	writes atomic.Int64
	mu     sync.Mutex
	fail   func(n int64, r *http.Request) bool
}

func newS3(t testing.TB, buckets ...string) *fakeS3 {
	t.Helper()
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	h := gofakes3.New(backend).Server()
	f := &fakeS3{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			n := f.writes.Add(1)
			f.mu.Lock()
			fail := f.fail
			f.mu.Unlock()
			if fail != nil && fail(n, r) {
				http.Error(w, "injected failure", http.StatusServiceUnavailable)
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeS3) url(bucket string) string {
	return "s3://" + bucket + "?region=us-east-1&anonymous=true&use_path_style=true&endpoint=" + f.srv.URL
}

func (f *fakeS3) setFail(fn func(n int64, r *http.Request) bool) {
	f.mu.Lock()
	f.fail = fn
	f.mu.Unlock()
}

func fileURL(t *testing.T) (string, string) {
	dir := t.TempDir()
	return "file://" + dir, dir
}

func build(t *testing.T, o generator.Options, state, out string) *generator.Report {
	t.Helper()
	o.State, o.Out = state, out
	rep, err := generator.Build(context.Background(), o)
	if err != nil {
		t.Fatalf("build %s: %v", o.Now.Format(time.DateOnly), err)
	}
	return rep
}

// tree reads every file of a built site.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		if rel == manifest.Name {
			// A page's key hashes all it was rendered from, records' file
			// names included, which a state rebuilt from the site does
			// not know: keys may differ where the pages do not.
			data = manifestKey.ReplaceAll(data, nil)
		}
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

var manifestKey = regexp.MustCompile(`,\s*"key":\s*"[0-9a-f]*"`)

func sameTree(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	for rel, data := range want {
		if g, ok := got[rel]; !ok {
			t.Errorf("%s: %s missing", what, rel)
		} else if !bytes.Equal(g, data) {
			t.Errorf("%s: %s differs", what, rel)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s: %s is extra", what, rel)
		}
	}
	if len(want) < 50 {
		t.Fatalf("%s: only %d files to compare", what, len(want))
	}
}

// longLived builds the first n nights on one runner with a local state
// and returns the site and the state directory. The builds are made once
// for the whole test binary.
func longLived(t *testing.T, n int) (site map[string][]byte, state string) {
	t.Helper()
	longMu.Lock()
	defer longMu.Unlock()
	if r, ok := longRuns[n]; ok {
		return r.site, r.state
	}
	tmp, err := os.MkdirTemp("", "mip-long-lived-")
	if err != nil {
		t.Fatal(err)
	}
	longDirs = append(longDirs, tmp)
	state = filepath.Join(tmp, "state")
	for _, o := range nights[:n] {
		build(t, o, state, filepath.Join(tmp, "site"))
	}
	site = tree(t, filepath.Join(tmp, "site"))
	longRuns[n] = longRun{site, state}
	return site, state
}

type longRun struct {
	site  map[string][]byte
	state string
}

var (
	longMu   sync.Mutex
	longRuns = map[int]longRun{}
	longDirs []string
)

// pulled opens a bucket state as a new runner would and pulls it.
func pulled(t *testing.T, url string) (*catalogue.Catalogue, *statestore.Manifest) {
	t.Helper()
	dir := t.TempDir()
	r, err := statestore.Open(context.Background(), url, dir, statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	if err := r.Pull(context.Background()); err != nil {
		t.Fatalf("pull: %v", err)
	}
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cat, r.Manifest()
}

// TestFreshRunners: three nights, each on a runner that starts with empty
// disks and keeps its state in a bucket, give the same site and the same
// catalogue as one long-lived runner.
func TestFreshRunners(t *testing.T) {
	want, wantState := longLived(t, 3)
	wantCat, _ := os.ReadFile(filepath.Join(wantState, catalogue.FileName))
	s3 := newS3(t, "state")
	file, _ := fileURL(t)
	for name, url := range map[string]string{"s3": s3.url("state"), "file": file} {
		t.Run(name, func(t *testing.T) {
			var out string
			for _, o := range nights {
				out = filepath.Join(t.TempDir(), "site") // a new runner: nothing on disk
				build(t, o, url, out)
			}
			sameTree(t, "site from fresh runners", tree(t, out), want)
			cat, m := pulled(t, url)
			got, _ := cat.Marshal()
			if !bytes.Equal(got, wantCat) {
				t.Errorf("the bucket's catalogue differs from the long-lived runner's")
			}
			if m.Generation != 3 || m.Documents != 8 || m.Report == nil {
				t.Errorf("manifest: %+v", m)
			}
		})
	}
}

// TestRestoreFromPublishedSite: the state is lost after night two; night
// three rebuilds it from the published site (over HTTP, from the bucket it
// was published to, or from a directory) and nothing is lost.
func TestRestoreFromPublishedSite(t *testing.T) {
	want, _ := longLived(t, 3)
	s3 := newS3(t, "http", "bucket")
	// Each way of reaching the site is tried with a different kind of
	// state: S3, fileblob, a local directory.
	for _, kind := range []string{"http", "bucket", "dir"} {
		t.Run(kind, func(t *testing.T) {
			var state string
			var lose func()
			switch kind {
			case "http", "bucket":
				state = s3.url(kind)
				lose = func() {
					b, err := blob.OpenBucket(context.Background(), state)
					if err != nil {
						t.Fatal(err)
					}
					defer b.Close()
					for it := b.List(nil); ; {
						obj, err := it.Next(context.Background())
						if err != nil {
							break
						}
						b.Delete(context.Background(), obj.Key)
					}
				}
			case "dir":
				state = filepath.Join(t.TempDir(), "state")
				lose = func() { os.RemoveAll(state) }
			}
			site := filepath.Join(t.TempDir(), "site")
			build(t, nights[0], state, site)
			build(t, nights[1], state, site)
			lose() // every object of the state
			if kind != "dir" {
				if _, m := pulled(t, state); m != nil {
					t.Fatal("the state was not lost")
				}
			}
			var from string
			switch kind {
			case "http":
				srv := httptest.NewServer(http.FileServer(http.Dir(site)))
				defer srv.Close()
				from = srv.URL
			case "bucket":
				from = "file://" + site
			case "dir":
				from = site
			}
			o := nights[2]
			o.StateFrom = from
			out := filepath.Join(t.TempDir(), "site")
			rep := build(t, o, state, out)
			if rep.Generation != 3 {
				t.Errorf("generation %d after the rebuilt state, want 3", rep.Generation)
			}
			sameTree(t, "site on a rebuilt state", tree(t, out), want)

			// The state is whole again; a second rebuild is refused.
			o.StateFrom, o.Now = from, o.Now.Add(24*time.Hour)
			_, err := generator.Build(context.Background(), withOut(o, state, out))
			if err == nil || !strings.Contains(err.Error(), "only rebuilds a lost state") {
				t.Errorf("a rebuild over a present state: %v", err)
			}
		})
	}
}

func withOut(o generator.Options, state, out string) generator.Options {
	o.State, o.Out = state, out
	return o
}

// TestRestoreChecksPDFs: a PDF on the site that does not hash to its name
// stops the rebuild, naming it.
func TestRestoreChecksPDFs(t *testing.T) {
	tmp := t.TempDir()
	site := filepath.Join(tmp, "site")
	build(t, nights[0], filepath.Join(tmp, "state"), site)
	pdfs, _ := filepath.Glob(filepath.Join(site, "docs", "*.pdf"))
	os.Remove(pdfs[0])
	os.WriteFile(pdfs[0], []byte("%PDF-1.4 not the same"), 0o644)
	_, err := statestore.Restore(context.Background(), site, filepath.Join(tmp, "lost"), statestore.RestoreOptions{})
	if err == nil || !strings.Contains(err.Error(), filepath.Base(pdfs[0])) || !strings.Contains(err.Error(), "hash") {
		t.Errorf("restore from a site with a bad PDF: %v", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "lost", catalogue.FileName)); err == nil {
		t.Error("a failed rebuild saved a catalogue")
	}
}

// TestInterruptedCommit: night two's build is cut at each of its writes to
// the bucket in turn; every time the state stays night one's, whole, and
// the next run completes it.
func TestInterruptedCommit(t *testing.T) {
	s3 := newS3(t, "state")
	url := s3.url("state")
	out := filepath.Join(t.TempDir(), "site")
	build(t, nights[0], url, out)
	_, wantState := longLived(t, 2)
	wantCat, _ := os.ReadFile(filepath.Join(wantState, catalogue.FileName))

	cuts := 0
	for k := int64(1); ; k++ {
		start := s3.writes.Load()
		ctx, cancel := context.WithCancel(context.Background())
		s3.setFail(func(n int64, r *http.Request) bool {
			if n-start >= k {
				cancel() // the runner dies here
				return true
			}
			return false
		})
		o := nights[1]
		o.State, o.Out = url, filepath.Join(t.TempDir(), "site")
		_, err := generator.Build(ctx, o)
		cancel()
		s3.setFail(nil)
		if err == nil {
			break
		}
		cuts++
		cat, m := pulled(t, url)
		if m == nil || m.Generation != 1 || cat.Generation != 1 {
			t.Fatalf("cut at write %d (%v): the state is not night one's any more: %+v", k, err, m)
		}
		if k > 20 {
			t.Fatal("the build never completed")
		}
	}
	t.Logf("%d cut points", cuts)
	if cuts < 4 {
		t.Errorf("only %d cut points: a commit writes the lease, a PDF, the catalogue, the report and the manifest", cuts)
	}
	cat, m := pulled(t, url)
	got, _ := cat.Marshal()
	if m.Generation != 2 || !bytes.Equal(got, wantCat) {
		t.Errorf("after the interrupted runs, night two's state differs from an uninterrupted one (generation %d)", m.Generation)
	}
}

// TestTextCacheInBucket: extraction results travel through the bucket, a
// corrupted entry is detected, extracted again and replaced.
func TestTextCacheInBucket(t *testing.T) {
	url, bucketDir := fileURL(t)
	o := nights[0]
	o.SkipText, o.Workers = false, 2
	build(t, o, url, filepath.Join(t.TempDir(), "site"))
	entries, _ := filepath.Glob(filepath.Join(bucketDir, filepath.FromSlash(statestore.TextPrefix()), "*", "*.mipx"))
	if len(entries) != 7 {
		t.Fatalf("%d cache entries in the bucket, want one per document (7)", len(entries))
	}
	// A fresh runner that cannot extract at all rebuilds the night from
	// the bucket's cache alone, with the same pages.
	first := filepath.Join(t.TempDir(), "site")
	noWorker := o
	noWorker.ExtractCommand = []string{filepath.Join(t.TempDir(), "no-such-worker")}
	noWorker.Now = o.Now.Add(time.Hour)
	build(t, noWorker, url, first)
	for _, e := range entries {
		if page, _ := os.ReadFile(filepath.Join(first, "documents", docOf(e), "index.html")); !bytes.Contains(page, []byte(`id="document-text"`)) {
			t.Errorf("document %s: its page lost its text", docOf(e))
		}
	}

	good, _ := os.ReadFile(entries[0])
	bad := bytes.Clone(good)
	bad[len(bad)-5] ^= 0xff
	os.WriteFile(entries[0], bad, 0o644)
	noWorker.Now = noWorker.Now.Add(time.Hour)
	noWorker.Out, noWorker.State = filepath.Join(t.TempDir(), "site"), url
	if _, err := generator.Build(context.Background(), noWorker); err == nil || !strings.Contains(err.Error(), "extract") {
		t.Fatalf("a corrupted entry was not noticed (the build should have had to extract again): %v", err)
	}
	o.Now = noWorker.Now.Add(time.Hour)
	build(t, o, url, filepath.Join(t.TempDir(), "site"))
	if now, _ := os.ReadFile(entries[0]); !bytes.Equal(now, good) {
		t.Errorf("the corrupted entry was not replaced by a good one")
	}
}

func docOf(entry string) string { return strings.TrimSuffix(filepath.Base(entry), ".mipx") }

// TestConcurrentBuildRefused: a second build on a state another build holds
// is refused with a clear message and changes nothing; an expired lease is
// taken over; a build whose lease was taken over may not commit.
func TestConcurrentBuildRefused(t *testing.T) {
	url, bucketDir := fileURL(t)
	out := filepath.Join(t.TempDir(), "site")
	build(t, nights[0], url, out)
	manifest := func() []byte {
		data, _ := os.ReadFile(filepath.Join(bucketDir, statestore.ManifestKey))
		return data
	}
	before := manifest()

	ctx := context.Background()
	nightly, err := statestore.Open(ctx, url, t.TempDir(), statestore.Options{Owner: "nightly"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = generator.Build(ctx, withOut(nights[1], url, out))
	if !errors.Is(err, statestore.ErrLocked) || !strings.Contains(err.Error(), `"nightly"`) || !strings.Contains(err.Error(), "until") {
		t.Errorf("second build: %v", err)
	}
	if !bytes.Equal(manifest(), before) {
		t.Error("the refused build changed the state")
	}
	nightly.Close(ctx)
	build(t, nights[1], url, out)

	// A build that died leaves its lease; once expired it is taken over.
	dead, err := statestore.Open(ctx, url, t.TempDir(), statestore.Options{Owner: "dead", Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	_ = dead // never closed: the runner was lost
	later := func() time.Time { return time.Now().Add(2 * time.Minute) }
	manual, err := statestore.Open(ctx, url, t.TempDir(), statestore.Options{Owner: "manual", Now: later})
	if err != nil {
		t.Fatalf("an expired lease was not taken over: %v", err)
	}
	if err := manual.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	// The dead build comes back to life: its commit is refused.
	if err := dead.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if err := dead.Commit(ctx); err == nil || !strings.Contains(err.Error(), "lease was taken over") {
		t.Errorf("commit after losing the lease: %v", err)
	}
	if err := manual.Commit(ctx); err != nil {
		t.Errorf("the lease holder's commit: %v", err)
	}
	manual.Close(ctx)

	// Compare-and-swap on the manifest: a commit over a state that moved
	// since it was read is refused.
	a, err := statestore.Open(ctx, url, t.TempDir(), statestore.Options{Owner: "a"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	if err := a.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	b, _ := blob.OpenBucket(ctx, url)
	defer b.Close()
	moved := bytes.Replace(manifest(), []byte(`"generation": 2`), []byte(`"generation": 3`), 1)
	if err := b.WriteAll(ctx, statestore.ManifestKey, moved, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(ctx); err == nil || !strings.Contains(err.Error(), "another build committed generation 3") {
		t.Errorf("commit over a moved manifest: %v", err)
	}
}

// TestCorruptObjects: a state whose catalogue or PDF does not match its
// checksum is refused, naming the object.
func TestCorruptObjects(t *testing.T) {
	url, bucketDir := fileURL(t)
	build(t, nights[0], url, filepath.Join(t.TempDir(), "site"))
	_, m := pulled(t, url)
	pdfs, _ := filepath.Glob(filepath.Join(bucketDir, "docs", "*.pdf"))
	for _, victim := range []string{filepath.Join(bucketDir, filepath.FromSlash(m.Catalogue.Key)), pdfs[0]} {
		good, _ := os.ReadFile(victim)
		os.WriteFile(victim, append(bytes.Clone(good), ' '), 0o644)
		_, err := generator.Build(context.Background(), withOut(nights[1], url, filepath.Join(t.TempDir(), "site")))
		rel, _ := filepath.Rel(bucketDir, victim)
		if err == nil || !strings.Contains(err.Error(), filepath.ToSlash(rel)) || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("%s corrupted: %v", rel, err)
		}
		os.WriteFile(victim, good, 0o644)
	}
}

// TestRollback: every committed manifest is kept; copying an earlier one
// over the manifest puts the state back to that night, and the next build
// goes on from there as if the later nights had not happened.
func TestRollback(t *testing.T) {
	want, _ := longLived(t, 2)
	url, bucketDir := fileURL(t)
	for _, o := range nights {
		build(t, o, url, filepath.Join(t.TempDir(), "site"))
	}
	one, err := os.ReadFile(filepath.Join(bucketDir, "manifests", "1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bucketDir, statestore.ManifestKey), one, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	build(t, nights[1], url, out)
	sameTree(t, "night two again after rolling back to night one", tree(t, out), want)
}

// TestSharedTextCache: two builds of two states run at once with one
// text-extraction cache bucket; both succeed, every entry in it is whole,
// and a third state's first build needs no extraction at all.
func TestSharedTextCache(t *testing.T) {
	cacheURL, cacheDir := fileURL(t)
	o := nights[0]
	o.SkipText, o.Workers, o.TextCache = false, 1, cacheURL
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		state, _ := fileURL(t)
		wg.Go(func() {
			_, errs[i] = generator.Build(context.Background(), withOut(o, state, filepath.Join(t.TempDir(), "site")))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("build %d: %v", i, err)
		}
	}
	entries, _ := filepath.Glob(filepath.Join(cacheDir, filepath.FromSlash(statestore.TextPrefix()), "*", "*.mipx"))
	if len(entries) != 7 {
		t.Fatalf("%d entries in the shared cache, want 7", len(entries))
	}
	check := t.TempDir()
	cache, _ := extract.OpenCache(check)
	for _, e := range entries {
		sha := docOf(e)
		data, _ := os.ReadFile(e)
		os.MkdirAll(filepath.Join(check, sha[:2]), 0o755)
		os.WriteFile(filepath.Join(check, sha[:2], sha+".mipx"), data, 0o644)
		if _, ok := cache.Get(sha); !ok {
			t.Errorf("shared cache entry %s does not read back", sha)
		}
	}
	state, _ := fileURL(t)
	o.ExtractCommand = []string{filepath.Join(t.TempDir(), "no-such-worker")}
	build(t, o, state, filepath.Join(t.TempDir(), "site"))
}

// TestLeaseRenewed: a build that outlasts its lease keeps it while it runs.
func TestLeaseRenewed(t *testing.T) {
	url, _ := fileURL(t)
	ctx := context.Background()
	long, err := statestore.Open(ctx, url, t.TempDir(), statestore.Options{Owner: "long build", Lease: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond) // more than twice the lease
	if _, err := statestore.Open(ctx, url, t.TempDir(), statestore.Options{Owner: "manual"}); !errors.Is(err, statestore.ErrLocked) {
		t.Errorf("a running build's lease was taken over: %v", err)
	}
	if err := long.Close(ctx); err != nil {
		t.Fatal(err)
	}
	other, err := statestore.Open(ctx, url, t.TempDir(), statestore.Options{Owner: "manual"})
	if err != nil {
		t.Fatalf("the lease was not released: %v", err)
	}
	other.Close(ctx)
}
