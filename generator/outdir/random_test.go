package outdir

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"mip/generator/manifest"
)

// TestRandomGenerations: many generations of outputs drawn at random from
// names that turn from files into directories and back, written every
// way the Writer offers (twice, too), some aborted, with the live tree
// edited by hand now and then: each publishes exactly its output, and
// both trees match their manifests (but the spare right after a hand edit).
func TestRandomGenerations(t *testing.T) {
	for seed := range 10 {
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		dir := t.TempDir()
		out := filepath.Join(dir, "site")
		src := filepath.Join(dir, "src")
		os.MkdirAll(src, 0o755)
		names := []string{"a", "a/b", "a/b/c", "x.json", "d/e.html", "d/f.html", "d", "g/h/i/j"}
		datas := []string{"1", "22", "333", "4444"}
		edited := false
		for gen := range 12 {
			w, err := Begin(out)
			if err != nil {
				t.Fatalf("seed %d gen %d: %v", seed, gen, err)
			}
			want := map[string]string{}
			// choose a consistent set of names (no file that is a dir of another)
			var chosen []string
			for _, n := range r.Perm(len(names)) {
				nm := names[n]
				ok := true
				for _, c := range chosen {
					if len(c) > len(nm) && c[:len(nm)+1] == nm+"/" || len(nm) > len(c) && nm[:len(c)+1] == c+"/" {
						ok = false
					}
				}
				if ok && r.IntN(3) > 0 {
					chosen = append(chosen, nm)
				}
			}
			for _, nm := range chosen {
				data := datas[r.IntN(len(datas))]
				key := "k" + data
				switch r.IntN(6) {
				case 5:
					sp := filepath.Join(src, data)
					os.WriteFile(sp, []byte(data), 0o644)
					must(t, w.LinkFile("docs/"+data+".pdf", sp))
					want["docs/"+data+".pdf"] = data
					must(t, w.WriteFile(nm, []byte(data)))
				case 0:
					must(t, w.WriteFile(nm, []byte(data)))
				case 1:
					ok, err := w.Reuse(nm, key)
					must(t, err)
					if !ok {
						must(t, w.WriteKeyed(nm, key, []byte(data)))
					}
				case 2:
					must(t, w.WriteKeyed(nm, key, []byte("zz")))
					must(t, w.WriteKeyed(nm, key, []byte(data)))
				case 3:
					tmp, err := w.TempDir()
					must(t, err)
					p := filepath.Join(tmp, filepath.FromSlash(nm))
					os.MkdirAll(filepath.Dir(p), 0o755)
					must(t, os.WriteFile(p, []byte(data), 0o644))
					must(t, w.Import("", tmp))
				case 4:
					must(t, w.WriteKeyed(nm, key, []byte(data)))
				}
				want[nm] = data
			}
			if r.IntN(6) == 0 {
				w.Abort()
				continue
			}
			if err := w.Commit(); err != nil {
				t.Fatalf("seed %d gen %d: %v", seed, gen, err)
			}
			dirs := []string{out, SpareName(out)}
			if edited {
				dirs = dirs[:1]
				edited = false
			}
			for _, d := range dirs {
				if _, err := os.Stat(filepath.Join(d, manifest.Name)); err != nil {
					continue
				}
				if res, err := manifest.Verify(d); err != nil {
					t.Fatalf("seed %d gen %d: %s: %v %v", seed, gen, d, err, res.Problems)
				}
			}
			m, err := manifest.Read(out)
			must(t, err)
			if len(m.Files) != len(want) {
				t.Fatalf("seed %d gen %d: %d files, want %d", seed, gen, len(m.Files), len(want))
			}
			for n, d := range want {
				if got := read(t, filepath.Join(out, n)); got != d {
					t.Fatalf("seed %d gen %d: %s=%q want %q", seed, gen, n, got, d)
				}
			}
			if r.IntN(4) == 0 { // hand edit
				edited = true
				n := names[r.IntN(len(names))]
				p := filepath.Join(out, filepath.FromSlash(n))
				switch r.IntN(3) {
				case 0:
					os.RemoveAll(p)
				case 1:
					os.MkdirAll(filepath.Dir(p), 0o755)
					os.WriteFile(p+".stray", []byte("s"), 0o644)
				case 2:
					os.RemoveAll(p)
					os.MkdirAll(p, 0o755)
				}
			}
		}
	}
}

// TestConcurrentWrites: pages are written from many goroutines at once.
func TestConcurrentWrites(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	for gen := range 4 {
		w, err := Begin(out)
		must(t, err)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 100 {
					n := fmt.Sprintf("p/%d/%d-%d.html", i%20, g, i)
					must(t, w.WriteKeyed(n, "k", []byte(fmt.Sprint(gen%2, n))))
				}
			})
		}
		wg.Wait()
		must(t, w.Commit())
		for _, d := range []string{out, SpareName(out)} {
			if _, err := os.Stat(filepath.Join(d, manifest.Name)); err != nil {
				continue
			}
			if res, err := manifest.Verify(d); err != nil {
				t.Fatalf("gen %d: %s: %v %v", gen, d, err, res.Problems)
			}
		}
	}
}
