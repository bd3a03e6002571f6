package preview

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	in := t.TempDir()
	writeFiles(t, in, map[string]string{"sentinel/a.xml": "<documents/>"})
	rl := NewReloader()
	c := make(chan int, 1)
	rl.mu.Lock()
	rl.subs[c] = struct{}{}
	rl.mu.Unlock()
	var builds atomic.Int32
	fail := atomic.Bool{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- Watch(ctx, []string{in}, 5*time.Millisecond, func(context.Context) error {
			builds.Add(1)
			if fail.Load() {
				return errors.New("bad export")
			}
			return nil
		}, rl, slog.New(slog.DiscardHandler))
	}()
	time.Sleep(30 * time.Millisecond)
	if builds.Load() != 0 {
		t.Fatal("rebuilt with no change")
	}
	writeFiles(t, in, map[string]string{"sentinel/b.xml": "<documents/>"})
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Fatal("no reload after a new export file")
	}
	if builds.Load() != 1 {
		t.Errorf("%d builds for one change", builds.Load())
	}
	// A failed rebuild does not reload.
	fail.Store(true)
	os.Remove(filepath.Join(in, "sentinel", "a.xml"))
	for builds.Load() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(30 * time.Millisecond)
	select {
	case <-c:
		t.Error("reloaded after a failed rebuild")
	default:
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
