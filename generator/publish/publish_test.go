package publish

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob"

	"mip/generator/manifest"
)

var t0 = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

// fakeS3 is an in-process S3 server. Before serves each request; it may
// cancel a publish.
type fakeS3 struct {
	srv     *httptest.Server
	backend *s3mem.Backend
	mu      sync.Mutex
	before  func(r *http.Request)
}

func newFakeS3(t testing.TB) *fakeS3 {
	f := &fakeS3{backend: s3mem.New()}
	h := gofakes3.New(f.backend).Server()
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		before := f.before
		f.mu.Unlock()
		if before != nil {
			before(r)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// bucket makes a new bucket and opens it through gocloud.dev's s3 driver by
// URL, as mip publish --to does.
func (f *fakeS3) bucket(t testing.TB, name string) *blob.Bucket {
	t.Helper()
	if err := f.backend.CreateBucket(name); err != nil {
		t.Fatal(err)
	}
	b, err := blob.OpenBucket(context.Background(), "s3://"+name+"?region=us-east-1&anonymous=true&use_path_style=true&endpoint="+f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func publish(t *testing.T, b *blob.Bucket, dir string, now time.Time, mod func(*Options)) (*Summary, error) {
	t.Helper()
	o := Options{Dir: dir, Bucket: b, Target: "test", MaxDeletes: DefaultMaxDeletes, Grace: DefaultGrace, Now: now, Workers: 4, Log: testLog(t)}
	if mod != nil {
		mod(&o)
	}
	return Publish(context.Background(), o)
}

func sitePaths(files map[string]string) []string {
	return slices.Sorted(maps.Keys(files))
}

func TestPublishS3TwoNights(t *testing.T) {
	f := newFakeS3(t)
	b := f.bucket(t, "portal")
	v1, v2 := siteFiles(1), siteFiles(2)
	dir1, dir2 := writeSite(t, v1), writeSite(t, v2)

	sum, err := publish(t, b, dir1, t0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Uploaded != len(v1) || sum.Unchanged != 0 || sum.Deleted != 0 {
		t.Fatalf("first publish: %+v", sum)
	}
	if got := contents(t, b); !maps.Equal(got, v1) {
		t.Fatalf("the bucket holds %q, want %q", sitePaths(got), sitePaths(v1))
	}
	if sum, err := publish(t, b, dir1, t0.Add(time.Hour), nil); err != nil || sum.Uploads != 0 || sum.Deletes != 0 || sum.Unchanged != len(v1) {
		t.Fatalf("the same site again: %+v, %v", sum, err)
	}

	// Dry run: the plan, and nothing changed.
	sum, err = publish(t, b, dir2, t0.Add(24*time.Hour), func(o *Options) { o.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Plan == nil || len(sum.Plan.Uploads) == 0 || !maps.Equal(contents(t, b), v1) {
		t.Fatalf("dry run changed the bucket or gave no plan: %+v", sum)
	}

	// Too many deletions: the run fails before changing anything.
	_, err = publish(t, b, dir2, t0.Add(24*time.Hour), func(o *Options) { o.MaxDeletes = 3 })
	if !errors.Is(err, ErrTooManyDeletes) || !strings.Contains(err.Error(), "deletes 8 objects") {
		t.Fatalf("publish over --max-deletes: %v", err)
	}
	if !maps.Equal(contents(t, b), v1) {
		t.Fatal("a publish refused for too many deletions changed the bucket")
	}

	plan := sum.Plan
	var done []Progress
	sum, err = publish(t, b, dir2, t0.Add(24*time.Hour), func(o *Options) {
		o.Progress = func(p Progress) { done = append(done, p) }
	})
	if err != nil {
		t.Fatal(err)
	}
	var wantUp []string
	for p, body := range v2 {
		if v1[p] != body {
			wantUp = append(wantUp, p)
		}
	}
	var planned, gotUp, gotDel []string
	for _, a := range plan.Uploads {
		planned = append(planned, a.Path)
	}
	classes := []manifest.Class{}
	for _, p := range done {
		if p.Op == Upload {
			if len(gotDel) > 0 {
				t.Errorf("%s uploaded after a deletion", p.Path)
			}
			gotUp = append(gotUp, p.Path)
			classes = append(classes, p.Class)
		} else {
			gotDel = append(gotDel, p.Path)
		}
	}
	slices.Sort(wantUp)
	if !slices.Equal(slices.Sorted(slices.Values(gotUp)), wantUp) {
		t.Errorf("second publish uploaded %q, want only the changes %q", gotUp, wantUp)
	}
	if !slices.Equal(slices.Sorted(slices.Values(planned)), wantUp) {
		t.Errorf("the dry run planned %q, want %q", planned, wantUp)
	}
	if !slices.IsSortedFunc(classes, func(a, b manifest.Class) int { return classOrder[a] - classOrder[b] }) {
		t.Errorf("uploads out of order: %v", classes)
	}
	if last := gotUp[len(gotUp)-1]; last != "index.html" && last != "sitemap.xml" && last != "api/v1/build.json" {
		t.Errorf("the last upload is %s, want a top root", last)
	}
	if sum.Uploaded != len(wantUp) || sum.Unchanged != len(v2)-len(wantUp) {
		t.Errorf("second publish summary: %+v", sum)
	}
	// Pages and JSON of products 6–9 go at once; the old stylesheet waits
	// out the grace period; the document of products 6–9 stay for good.
	oldCSS := "assets/site." + sha("body{color:#0b0c0c}")[:12] + ".css"
	if sum.Deleted != 8 || len(gotDel) != 8 || len(plan.Waiting) != 1 || plan.Waiting[0].Path != oldCSS || sum.KeptDocuments != 4 {
		t.Errorf("second publish: deleted %d (want 8), waiting %+v (want %s), kept %d documents (want 4)", sum.Deleted, plan.Waiting, oldCSS, sum.KeptDocuments)
	}
	got := contents(t, b)
	want := maps.Clone(v2)
	want[oldCSS] = v1[oldCSS]
	for p, body := range v1 {
		if strings.HasPrefix(p, "docs/") {
			want[p] = body
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("after the second publish the bucket holds %q, want %q", sitePaths(got), sitePaths(want))
	}
	checkReachable(t, got)

	// Before the grace period is over, the old stylesheet stays; after, it
	// goes, and no document ever does.
	if sum, err := publish(t, b, dir2, t0.Add(24*time.Hour+DefaultGrace-time.Minute), nil); err != nil || sum.Deletes != 0 || sum.Waiting != 1 {
		t.Fatalf("within the grace period: %+v, %v", sum, err)
	}
	if sum, err := publish(t, b, dir2, t0.Add(24*time.Hour+DefaultGrace), nil); err != nil || sum.Deleted != 1 || sum.Waiting != 0 || sum.KeptDocuments != 4 {
		t.Fatalf("after the grace period: %+v, %v", sum, err)
	}
	if _, ok := contents(t, b)[oldCSS]; ok {
		t.Error("the old stylesheet outlived its grace period")
	}
}

var classOrder = map[manifest.Class]int{manifest.ContentAddressed: 0, manifest.Page: 1, manifest.Root: 2}
