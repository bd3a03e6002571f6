package extract

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// prepare makes the worker die with the build.
func prepare(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// pipeSize is what widenPipe asks for: 1 MiB, Linux's default
// /proc/sys/fs/pipe-max-size, which an unprivileged process may use.
const pipeSize = 1 << 20

// widenPipe makes a pipe hold pipeSize bytes instead of 64 KiB, if the
// system lets it (best effort: a narrow pipe only costs more wake-ups).
func widenPipe(f *os.File) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize)
		})
	}
}

// limitMemory sets a ready worker's address-space limit (RLIMIT_AS) to its
// current size plus extra bytes and returns the limit. A Go program with
// PDFium loaded already holds about 1.4 GiB of address space it mostly never
// touches (the Go runtime's and wazero's reservations), so the bound is on
// growth: what extracting a document may add. It is set from outside, by the
// supervisor, before the worker is sent a document.
func limitMemory(pid int, extra uint64) (uint64, error) {
	if extra == 0 {
		return 0, nil
	}
	base, err := vmSize(pid)
	if err != nil {
		return 0, err
	}
	lim := unix.Rlimit{Cur: base + extra, Max: base + extra}
	return lim.Cur, unix.Prlimit(pid, unix.RLIMIT_AS, &lim, nil)
}

// vmSize reads a process's address-space size from /proc.
func vmSize(pid int) (uint64, error) { return procStatus(pid, "VmSize:") }

// resident reads a process's resident set size from /proc; 0 if unknown.
func resident(pid int) uint64 {
	n, _ := procStatus(pid, "VmRSS:")
	return n
}

// procStatus reads a size in kB from /proc/pid/status, in bytes.
func procStatus(pid int, field string) (uint64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// peakRSS returns an exited process's peak resident set size in bytes.
func peakRSS(ps *os.ProcessState) uint64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru != nil {
		return uint64(ru.Maxrss) << 10 // kilobytes on Linux
	}
	return 0
}

// cpuTime returns a live process's user and system time from /proc (in
// USER_HZ ticks, 100 a second on Linux).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, utime 14, stime 15.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100)
}
