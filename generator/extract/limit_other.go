//go:build !linux

package extract

import (
	"os"
	"os/exec"
	"time"
)

func prepare(cmd *exec.Cmd) {}

func widenPipe(f *os.File) {}

// limitMemory is a no-op where RLIMIT_AS cannot be set on another process;
// the worker's WebAssembly memory cap and Go memory limit still apply.
func limitMemory(pid int, extra uint64) (uint64, error) { return 0, nil }

func peakRSS(ps *os.ProcessState) uint64 { return 0 }

func cpuTime(pid int) time.Duration { return 0 }

func resident(pid int) uint64 { return 0 }
