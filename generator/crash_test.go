package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"mip/generator/catalogue"
	"mip/generator/manifest"
	"mip/generator/outdir"
)

const crashBuildEnv = "MIP_TEST_CRASH_BUILD"

// digest sums every file below dir except build.json and changes.json,
// which record when a build ran and what it changed, so that a rerun of a
// finished build differs from it in those two files only.
func digest(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	sums := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch rel {
		case "api/v1/build.json", "api/v1/changes.json", "_manifest.json":
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		names = append(names, rel)
		sums[rel] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		s := sums[n]
		fmt.Fprintf(h, "%s %x\n", n, s[:])
	}
	return fmt.Sprintf("%x (%d files)", h.Sum(nil)[:8], len(names))
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// runBuild starts o as a build in its own process.
func runBuild(t *testing.T, o Options) *exec.Cmd {
	t.Helper()
	spec, _ := json.Marshal(o)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashBuildEnv+"="+string(spec))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestCrashSafety kills a build with SIGKILL at random moments. After each
// kill the output is either the previous site, whole, or the new one,
// complete; the state still loads; no half-written directory is left
// behind once a build has run again (the spare tree the killed build was
// updating in place is not trusted); and a rerun produces the same site as a
// build never interrupted (but for build.json and changes.json, which say
// when it ran and what that run changed).
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 builds")
	}
	tmp := t.TempDir()
	base := filepath.Join(tmp, "base")
	night2Opts := func(root string) Options {
		o := night2
		o.Out, o.State = filepath.Join(root, "site"), filepath.Join(root, "state")
		o.Workers = 2
		return o
	}
	build(t, night1, filepath.Join(base, "site"), filepath.Join(base, "state"))
	// Again, so that a spare tree exists: night 2 updates it in place.
	again := night1
	again.Now = again.Now.Add(time.Hour)
	build(t, again, filepath.Join(base, "site"), filepath.Join(base, "state"))
	if _, err := os.Stat(outdir.SpareName(filepath.Join(base, "site"))); err != nil {
		t.Fatalf("no spare tree after two builds: %v", err)
	}
	before := digest(t, filepath.Join(base, "site"))

	// The uninterrupted build, and how long it takes.
	ref := filepath.Join(tmp, "ref")
	copyTree(t, base, ref)
	start := time.Now()
	if err := runBuild(t, night2Opts(ref)).Wait(); err != nil {
		t.Fatalf("uninterrupted build: %v", err)
	}
	took := time.Since(start)
	after := digest(t, filepath.Join(ref, "site"))
	if after == before {
		t.Fatal("night 2 changed nothing; the test would prove nothing")
	}

	rng := rand.New(rand.NewPCG(1, 2))
	sawOld, sawNew := 0, 0
	for i := range 20 {
		root := filepath.Join(tmp, fmt.Sprint("run", i))
		copyTree(t, base, root)
		o := night2Opts(root)
		cmd := runBuild(t, o)
		time.Sleep(time.Duration(rng.Int64N(int64(took))))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		switch got := digest(t, o.Out); got {
		case before:
			sawOld++
		case after:
			sawNew++
		default:
			t.Fatalf("kill %d: the output is neither the old site (%s) nor the new one (%s): %s", i, before, after, got)
		}
		if _, err := catalogue.Load(o.State); err != nil {
			t.Fatalf("kill %d: the state no longer loads: %v", i, err)
		}
		if err := runBuild(t, o).Wait(); err != nil {
			t.Fatalf("kill %d: rerun failed: %v", i, err)
		}
		if got := digest(t, o.Out); got != after {
			t.Fatalf("kill %d: the rerun gave %s, the uninterrupted build %s", i, got, after)
		}
		// The killed build's unfinished files are cleared by the rerun, and
		// the spare tree the next build will trust matches its manifest.
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".new-") || strings.Contains(e.Name(), ".index-") {
				t.Fatalf("kill %d: %s left behind after the rerun", i, e.Name())
			}
		}
		if _, err := manifest.Verify(outdir.SpareName(o.Out)); err != nil {
			t.Fatalf("kill %d: after the rerun the spare tree does not match its manifest: %v", i, err)
		}
	}
	t.Logf("20 kills within %v: %d left the old site, %d the new one; every rerun matched", took, sawOld, sawNew)
}
