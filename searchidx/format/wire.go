package format

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
)

// ErrFormat is wrapped by every decoding error.
var ErrFormat = errors.New("malformed index file")

func errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// reader decodes the primitive values of the format from a byte slice.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = errorf("%s at byte %d", what, r.off)
	}
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

// count reads a uvarint that counts items of at least min bytes each, and
// rejects counts the remaining input cannot hold.
func (r *reader) count(min int) int {
	v := r.uvarint()
	if r.err != nil {
		return 0
	}
	if min < 1 {
		min = 1
	}
	if v > uint64(len(r.b)-r.off)/uint64(min)+1 {
		r.fail("count too large")
		return 0
	}
	return int(v)
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("unexpected end")
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail("length past end")
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail("string past end")
		return ""
	}
	return string(r.bytes(int(n)))
}

func (r *reader) magic(m string, version byte) {
	if string(r.bytes(len(m))) != m {
		r.fail("bad magic, want " + m)
		return
	}
	if v := r.byte(); r.err == nil && v != version {
		r.fail(fmt.Sprintf("version %d, want %d", v, version))
	}
}

func (r *reader) bitmap() *roaring.Bitmap {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail("bitmap past end")
		return nil
	}
	p := r.bytes(int(n))
	if r.err != nil {
		return nil
	}
	bm, err := decodeBitmap(p)
	if err != nil {
		r.fail("bad bitmap: " + err.Error())
		return nil
	}
	return bm
}

func (r *reader) done() error {
	if r.err == nil && r.off != len(r.b) {
		r.fail("trailing bytes")
	}
	return r.err
}

// decodeBitmap reads a bitmap in roaring's portable serialisation,
// demanding that it use exactly the bytes given.
func decodeBitmap(p []byte) (bm *roaring.Bitmap, err error) {
	defer func() {
		if v := recover(); v != nil {
			bm, err = nil, fmt.Errorf("%v", v)
		}
	}()
	bm = roaring.New()
	n, err := bm.FromBuffer(append([]byte(nil), p...))
	if err != nil {
		return nil, err
	}
	if int(n) != len(p) {
		return nil, fmt.Errorf("bitmap uses %d of %d bytes", n, len(p))
	}
	if err := bm.Validate(); err != nil {
		return nil, err
	}
	return bm, nil
}

func putUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func putStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func putBitmap(b []byte, bm *roaring.Bitmap) []byte {
	bm.RunOptimize()
	p, err := bm.ToBytes()
	if err != nil {
		panic(err) // writing to memory cannot fail
	}
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}
