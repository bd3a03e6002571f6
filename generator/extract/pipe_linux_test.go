package extract

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPipeWidened: the pool's pipes to its workers hold 1 MiB where the
// system allows it.
func TestPipeWidened(t *testing.T) {
	r, w, err := pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	rc, err := w.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var size int
	rc.Control(func(fd uintptr) { size, err = unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0) })
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile("/proc/sys/fs/pipe-max-size")
	if most, _ := strconv.Atoi(strings.TrimSpace(string(b))); most >= pipeSize && size != pipeSize {
		t.Errorf("pipe holds %d bytes, want %d", size, pipeSize)
	}
}
