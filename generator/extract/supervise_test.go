package extract

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSupervision checks that the pool survives what recover() cannot catch.
func TestSupervision(t *testing.T) {
	p := fakePool(t, Options{Workers: 1, Timeout: 2 * time.Second, RecycleAfter: 1000})
	ctx := context.Background()
	for _, tc := range []struct {
		doc, reason string
		limit       bool
	}{
		{"hang", "timed out after 2s", true},
		{"overflow", "stack overflow", false},
		{"exit", "exit status 3", false},
		{"panic", "extractor panic: engine state corrupted", false},
		{"error", "no pages", false},
	} {
		began := time.Now()
		_, err := p.Extract(ctx, "SPC", []byte(tc.doc))
		var b *BrokenError
		if !errors.As(err, &b) || !strings.Contains(b.Reason, tc.reason) || b.Limit != tc.limit {
			t.Errorf("%s: %#v, want a BrokenError saying %q, limit %v", tc.doc, err, tc.reason, tc.limit)
		}
		// Bounded, with room for a worker start on a loaded machine.
		if took := time.Since(began); took > 30*time.Second {
			t.Errorf("%s took %s", tc.doc, took)
		}
		// The next document is served by a working worker.
		txt, err := p.Extract(ctx, "SPC", []byte("4.3 Contraindications\nNone known to the author of this test."))
		if err != nil || len(txt.Sections) != 1 || txt.Sections[0].ID != "spc-4.3" {
			t.Fatalf("after %s: %+v, %v", tc.doc, txt, err)
		}
	}
	st := p.Stats()
	// hang, overflow and exit kill their worker; panic retires it.
	if st.Died != 3 || st.Recycled != 1 || st.Started != 5 {
		t.Errorf("stats %+v, want 3 died, 1 recycled, 5 started", st)
	}
}

func TestRecycleAndConcurrency(t *testing.T) {
	p := fakePool(t, Options{Workers: 2, RecycleAfter: 3})
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		wg.Go(func() {
			doc := strings.Repeat("word ", 10+i)
			txt, err := p.Extract(context.Background(), "PIL", []byte(doc))
			if err == nil && txt.Pages[0] != strings.TrimSpace(doc) {
				err = errors.New("wrong text back")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// Each of the two slots recycles its worker every third document:
	// however the 12 documents were shared, at least 3 recycles, and no
	// more than 2 workers alive at the end.
	if st := p.Stats(); st.Recycled < 3 || st.Started-st.Recycled > 2 || st.Died != 0 {
		t.Errorf("stats %+v", st)
	}
	one := fakePool(t, Options{Workers: 1, RecycleAfter: 3})
	for range 12 {
		if _, err := one.Extract(context.Background(), "PIL", []byte("text")); err != nil {
			t.Fatal(err)
		}
	}
	if st := one.Stats(); st.Started != 4 || st.Recycled != 4 {
		t.Errorf("one worker, 12 documents, recycled every 3: stats %+v, want 4 started and 4 recycled", st)
	}
}

func TestCancel(t *testing.T) {
	p := fakePool(t, Options{Workers: 1, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := p.Extract(ctx, "SPC", []byte("hang"))
	if !errors.Is(err, context.DeadlineExceeded) || IsBroken(err) {
		t.Errorf("err = %v, want the context's error", err)
	}
}

func TestNoWorkerIsNotAFinding(t *testing.T) {
	p, err := NewPool(Options{Command: []string{"/bin/true"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = p.Extract(context.Background(), "SPC", []byte("%PDF"))
	if err == nil || IsBroken(err) {
		t.Errorf("err = %v, want a start failure that is not a finding", err)
	}
}

// TestIdleDeathIsNotTheDocuments: a worker killed between documents is
// replaced before the next one, which then succeeds.
func TestIdleDeathIsNotTheDocuments(t *testing.T) {
	p := fakePool(t, Options{Workers: 1})
	if _, err := p.Extract(context.Background(), "SPC", []byte("first")); err != nil {
		t.Fatal(err)
	}
	w := p.all[0].w
	w.kill()
	if _, err := p.Extract(context.Background(), "SPC", []byte("second")); err != nil {
		t.Fatalf("document after an idle death: %v", err)
	}
	if st := p.Stats(); st.Started != 2 || st.Died != 0 {
		t.Errorf("stats %+v, want 2 started, none died on a document", st)
	}
}

// TestRecycleAbove: a worker left large by a document is replaced.
func TestRecycleAbove(t *testing.T) {
	if resident(os.Getpid()) == 0 {
		t.Skip("no resident size on this system")
	}
	p := fakePool(t, Options{Workers: 1, RecycleAbove: 48 << 20})
	for _, doc := range []string{"small", "grow", "small"} {
		if _, err := p.Extract(context.Background(), "SPC", []byte(doc)); err != nil {
			t.Fatal(err)
		}
	}
	if st := p.Stats(); st.Recycled != 1 || st.Started != 2 {
		t.Errorf("stats %+v, want the grown worker recycled once", st)
	}
}

// TestStrayPrint: something in the worker printing to stdout does not
// break the protocol.
func TestStrayPrint(t *testing.T) {
	p := fakePool(t, Options{Workers: 1})
	for _, doc := range []string{"print", "next"} {
		txt, err := p.Extract(context.Background(), "SPC", []byte(doc))
		if err != nil || txt.Pages[0] != doc {
			t.Fatalf("%s: %+v, %v", doc, txt, err)
		}
	}
}
