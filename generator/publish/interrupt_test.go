package publish

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/memblob"
)

// cutter cancels a publish at its nth write to one bucket.
type cutter struct {
	mu     sync.Mutex
	writes int
	stopAt int
	cancel context.CancelFunc
}

// TestInterruptedPublish stops the publish of night 2 over night 1 after a
// random number of writes to the bucket, at 24 points. After each stop
// everything reachable from the roots in the bucket must be there, and
// publishing again must converge on night 2 and then have nothing to do.
func TestInterruptedPublish(t *testing.T) {
	f := newFakeS3(t)
	dir1, dir2 := writeSite(t, siteFiles(1)), writeSite(t, siteFiles(2))
	var mu sync.Mutex
	cutters := map[string]*cutter{}
	f.before = func(r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		mu.Lock()
		c := cutters[name]
		mu.Unlock()
		if c == nil {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.writes++
		if c.writes == c.stopAt && c.cancel != nil {
			c.cancel()
		}
	}
	setup := func(t *testing.T, name string) (*blob.Bucket, *cutter) {
		b := f.bucket(t, name)
		if _, err := publish(t, b, dir1, t0, nil); err != nil {
			t.Fatal(err)
		}
		c := &cutter{}
		mu.Lock()
		cutters[name] = c
		mu.Unlock()
		return b, c
	}

	// How many writes an uninterrupted publish of night 2 makes.
	full, c := setup(t, "full")
	if _, err := publish(t, full, dir2, t0.Add(24*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	want := contents(t, full)
	total := c.writes
	if total < 24 {
		t.Fatalf("night 2 makes only %d writes", total)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d; %d writes in a whole publish", seed, total)
	points := rand.New(rand.NewPCG(seed, 1)).Perm(total)[:24]

	for i, p := range points {
		stop := p + 1
		t.Run(fmt.Sprintf("cut-at-%d", stop), func(t *testing.T) {
			t.Parallel()
			b, c := setup(t, fmt.Sprintf("cut-%d", i))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c.mu.Lock()
			c.stopAt, c.cancel = stop, cancel
			c.mu.Unlock()
			_, err := Publish(ctx, Options{Dir: dir2, Bucket: b, Target: "cut", MaxDeletes: DefaultMaxDeletes,
				Grace: DefaultGrace, Now: t0.Add(24 * time.Hour), Workers: 4, Log: testLog(t)})
			c.mu.Lock()
			c.stopAt = 0
			c.mu.Unlock()
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Fatalf("cut after write %d: %v", stop, err)
			}
			checkReachable(t, contents(t, b))

			if _, err := publish(t, b, dir2, t0.Add(25*time.Hour), nil); err != nil {
				t.Fatalf("rerun: %v", err)
			}
			if got := contents(t, b); !maps.Equal(got, want) {
				t.Fatalf("rerun: the bucket holds %q, want %q", sitePaths(got), sitePaths(want))
			}
			if sum, err := publish(t, b, dir2, t0.Add(26*time.Hour), nil); err != nil || sum.Uploads != 0 || sum.Deletes != 0 {
				t.Fatalf("a third publish still has work: %+v, %v", sum, err)
			}
		})
	}
}

// TestGraceStartsWhenRootsGoLive: a publish stopped before its roots went
// up has not made anything unreferenced, so it does not start any grace
// period; the publish that does put them up starts it.
func TestGraceStartsWhenRootsGoLive(t *testing.T) {
	b := memblob.OpenBucket(nil)
	defer b.Close()
	dir1, dir2 := writeSite(t, siteFiles(1)), writeSite(t, siteFiles(2))
	if _, err := publish(t, b, dir1, t0, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Publish(ctx, Options{Dir: dir2, Bucket: b, Target: "mem", MaxDeletes: -1, Grace: DefaultGrace,
		Now: t0.Add(time.Hour), Workers: 1, Log: testLog(t), Progress: func(Progress) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("publish stopped after one upload: %v", err)
	}
	later := t0.Add(time.Hour + DefaultGrace)
	sum, err := publish(t, b, dir2, later, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Waiting != 1 || sum.Deleted != 8 {
		t.Errorf("the first whole publish: %d waiting (want the old stylesheet), %d deleted (want 8 pages)", sum.Waiting, sum.Deleted)
	}
}
