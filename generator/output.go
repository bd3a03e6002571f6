package generator

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// writeOutput builds the site in a fresh directory beside out and then puts
// it in out's place in one step, so that a build that stops half way leaves
// the previous output whole.
// The stages go to tm.
func writeOutput(out string, tm *timer, fill func(dir string) error) error {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("make output directory: %w", err)
	}
	// A build killed half way leaves its unfinished tree behind; it was never
	// live, so clear it away.
	stale, _ := filepath.Glob(filepath.Join(parent, "."+filepath.Base(out)+".new-*"))
	for _, d := range stale {
		os.RemoveAll(d)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return fmt.Errorf("make output directory: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := fill(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	tm.next("swap output")
	if _, err := os.Lstat(out); os.IsNotExist(err) {
		if err := os.Rename(tmp, out); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("publish output: %w", err)
		}
		return nil
	}
	// Swap the new tree and the old one atomically, then remove the old.
	if err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, out, unix.RENAME_EXCHANGE); err != nil {
		// No atomic exchange here: fall back to two renames.
		old := tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("publish output: %w", err)
		}
		if err := os.Rename(tmp, out); err != nil {
			os.Rename(old, out)
			os.RemoveAll(tmp)
			return fmt.Errorf("publish output: %w", err)
		}
		return os.RemoveAll(old)
	}
	return os.RemoveAll(tmp)
}
