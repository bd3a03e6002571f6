package preview

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"
)

// Watch looks at the files under paths every interval; when they have
// changed and then stayed the same for one more look (so a half-copied export
// is not built), it calls rebuild, and after a rebuild that succeeded it
// reloads the open pages. It returns when ctx is done.
func Watch(ctx context.Context, paths []string, every time.Duration, rebuild func(context.Context) error, rl *Reloader, log *slog.Logger) error {
	last, err := snapshot(paths)
	if err != nil {
		return err
	}
	pending := ""
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now, err := snapshot(paths)
		if err != nil {
			log.Warn("watch", "err", err)
			continue
		}
		switch {
		case now == last:
			pending = ""
			continue
		case now != pending:
			pending = now // changed: wait for it to settle
			continue
		}
		last, pending = now, ""
		log.Info("inputs changed; rebuilding")
		if err := rebuild(ctx); err != nil {
			log.Error("rebuild failed; the previous site is still served", "err", err)
			continue
		}
		if rl != nil {
			rl.Reload()
		}
	}
}

// snapshot is a digest of the names, sizes and times of every file under
// paths.
func snapshot(paths []string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		err := filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00%v\n", name, info.Size(), info.ModTime().UnixNano(), info.IsDir())
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("watch %s: %w", p, err)
		}
	}
	return string(h.Sum(nil)), nil
}
