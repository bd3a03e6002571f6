package statestore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mip/generator"
	"mip/generator/sample"
	"mip/generator/statestore"
)

// BenchmarkFreshRunner measures what a runner that starts empty spends on
// a bucket state of the 2,000-document sample through the S3 driver: the
// first commit of the whole state, and then a fresh runner's pull of it.
// Run it with make bench-state.
func BenchmarkFreshRunner(b *testing.B) {
	tmp := b.TempDir()
	exp := filepath.Join(tmp, "export")
	if _, err := sample.Write(exp, sample.Options{Documents: 2000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	s3 := newS3(b, "state")
	url := s3.url("state")
	ctx := context.Background()
	o := generator.Options{Sentinel: []string{filepath.Join(exp, "sentinel")}, LegacyCSV: filepath.Join(exp, "legacy", "export.csv"),
		PARs: filepath.Join(exp, "pars"), Out: filepath.Join(tmp, "site"), Now: time.Date(2024, 10, 1, 2, 0, 0, 0, time.UTC), SkipText: true}
	// The same build on a local state, to tell the bucket's cost apart.
	local := o
	local.State, local.Out = filepath.Join(tmp, "local"), filepath.Join(tmp, "site-local")
	start := time.Now()
	if _, err := generator.Build(ctx, local); err != nil {
		b.Fatal(err)
	}
	localBuild := time.Since(start)
	o.State = url
	start = time.Now()
	rep, err := generator.Build(ctx, o)
	if err != nil {
		b.Fatal(err)
	}
	firstBuild := time.Since(start)
	var bytes int64
	pdfs, _ := filepath.Glob(filepath.Join(tmp, "local", "docs", "*.pdf"))
	for _, p := range pdfs {
		st, _ := os.Stat(p)
		bytes += st.Size()
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := statestore.Open(ctx, url, b.TempDir(), statestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Pull(ctx); err != nil {
			b.Fatal(err)
		}
		r.Close(ctx)
	}
	b.StopTimer()
	pull := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(rep.Documents), "documents")
	b.ReportMetric(float64(bytes)/1e6, "MB")
	b.ReportMetric(localBuild.Seconds(), "s-local-build")
	b.ReportMetric(firstBuild.Seconds(), "s-bucket-build")
	b.ReportMetric(pull.Seconds(), "s-pull")
	b.ReportMetric(float64(bytes)/1e6/pull.Seconds(), "MB/s-pull")
}
