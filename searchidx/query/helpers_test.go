package query

import "github.com/RoaringBitmap/roaring/v2"

func bmOf(ids ...uint32) *roaring.Bitmap { return roaring.BitmapOf(ids...) }
