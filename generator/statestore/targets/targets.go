// Package targets links the cloud storage drivers a bucket state can live
// in: s3:// (AWS and S3-compatible endpoints), azblob://, gs:// and file://.
// The drivers are large: only the command and tests import this package, so
// the rest of mip builds without them. Importing it is what lets
// statestore.Open (and blob.OpenBucket) resolve those URL schemes.
package targets

import (
	_ "gocloud.dev/blob/azureblob" // azblob://
	_ "gocloud.dev/blob/fileblob"  // file://
	_ "gocloud.dev/blob/gcsblob"   // gs://
	_ "gocloud.dev/blob/s3blob"    // s3://
)
