package publish

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkPublishS3 publishes a site of 2,000 pages and 500 documents to
// the in-process S3 server: the whole site to an empty bucket, and the same
// site again (list, compare, nothing to send).
func BenchmarkPublishS3(b *testing.B) {
	files := map[string]string{"index.html": "<h1>Medicines</h1>"}
	for i := range 2000 {
		files[fmt.Sprintf("products/p%d/index.html", i)] = strings.Repeat(fmt.Sprintf("<p>product %d</p>", i), 60)
	}
	for i := range 500 {
		pdf := fmt.Sprintf("%%PDF-1.7 %d ", i) + strings.Repeat("x", 20000)
		files[docPath(pdf)] = pdf
	}
	dir := writeSite(b, files)
	f := newFakeS3(b)
	n := 0
	b.Run("empty-bucket", func(b *testing.B) {
		for b.Loop() {
			n++
			bk := f.bucket(b, fmt.Sprintf("empty-%d", n))
			if _, err := Publish(context.Background(), Options{Dir: dir, Bucket: bk, MaxDeletes: -1, Now: t0}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
	})
	bk := f.bucket(b, "full")
	if _, err := Publish(context.Background(), Options{Dir: dir, Bucket: bk, MaxDeletes: -1, Now: t0}); err != nil {
		b.Fatal(err)
	}
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			sum, err := Publish(context.Background(), Options{Dir: dir, Bucket: bk, MaxDeletes: -1, Now: t0})
			if err != nil || sum.Uploads != 0 {
				b.Fatal(sum, err)
			}
		}
		b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
	})
}
