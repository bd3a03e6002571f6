// Package targets links the cloud storage drivers that mip publish can write
// to: s3:// (AWS and S3-compatible endpoints), azblob://, gs:// and file://.
// The drivers are large; only the command imports this package, so the rest
// of mip builds and tests without them.
package targets

import (
	"context"
	"fmt"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob://
	_ "gocloud.dev/blob/fileblob"  // file://
	_ "gocloud.dev/blob/gcsblob"   // gs://
	_ "gocloud.dev/blob/s3blob"    // s3://
)

// Open opens the bucket named by a gocloud.dev blob URL, for example
// s3://portal-site?region=eu-west-2,
// s3://site?endpoint=https://minio.example:9000&use_path_style=true,
// azblob://site, gs://portal-site or file:///srv/site.
func Open(ctx context.Context, url string) (*blob.Bucket, error) {
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open publish target %s: %w", url, err)
	}
	return b, nil
}
