package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"mip/generator/publish"
	"mip/generator/publish/targets"
)

func publishCommand() *cli.Command {
	return &cli.Command{
		Name:      "publish",
		Usage:     "upload a built site to a bucket: only what changed, roots last, deletions bounded",
		ArgsUsage: "DIR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "the target bucket `URL`: s3://, azblob://, gs:// or file://", Required: true},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan and change nothing"},
			&cli.IntFlag{Name: "max-deletes", Usage: "fail if the plan deletes more than `N` objects (-1: no limit)", Value: publish.DefaultMaxDeletes},
			&cli.DurationFlag{Name: "grace", Usage: "keep unreferenced fingerprinted files for `DURATION`", Value: publish.DefaultGrace},
			&cli.IntFlag{Name: "workers", Usage: "upload `N` objects at once", Value: 8},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return usageError{errors.New("publish: name the built site's directory")}
			}
			dir := cmd.Args().First()
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fmt.Errorf("publish: %s is not a built site directory", dir)
			}
			bucket, err := targets.Open(ctx, cmd.String("to"))
			if err != nil {
				return err
			}
			defer bucket.Close()
			errw := cmd.Root().ErrWriter
			o := publish.Options{
				Dir:        dir,
				Bucket:     bucket,
				Target:     cmd.String("to"),
				DryRun:     cmd.Bool("dry-run"),
				MaxDeletes: cmd.Int("max-deletes"),
				Grace:      cmd.Duration("grace"),
				Workers:    cmd.Int("workers"),
				Log:        logger(errw),
				Now:        time.Now(),
			}
			if isTerminal(errw) {
				bar := &progressBar{w: errw}
				o.Log = slog.New(slog.NewTextHandler(errw, &slog.HandlerOptions{Level: slog.LevelWarn}))
				o.Progress = bar.update
				defer bar.finish()
			} else {
				o.Progress = logProgress(o.Log)
			}
			sum, err := publish.Publish(ctx, o)
			if sum != nil {
				if sum.Plan != nil {
					printPlan(errw, sum.Plan)
				}
				enc := json.NewEncoder(cmd.Root().Writer)
				enc.SetIndent("", "  ")
				enc.Encode(sum)
			}
			return err
		},
	}
}

func printPlan(w io.Writer, p *publish.Plan) {
	for _, a := range p.Uploads {
		fmt.Fprintf(w, "upload  %-17s %s (%s, %d bytes)\n", a.Class, a.Path, a.Reason, a.Size)
	}
	for _, a := range p.Deletes {
		fmt.Fprintf(w, "delete  %-17s %s (%s)\n", a.Class, a.Path, a.Reason)
	}
	for _, x := range p.Waiting {
		fmt.Fprintf(w, "keep    %-17s %s (unreferenced since %s; deleted after %s)\n", "content-addressed", x.Path,
			x.Unreferenced.UTC().Format(time.RFC3339), x.DeleteAfter.UTC().Format(time.RFC3339))
	}
	if n := len(p.KeptDocuments); n > 0 {
		fmt.Fprintf(w, "keep    %d documents no longer in the output (documents are never deleted)\n", n)
	}
	fmt.Fprintf(w, "plan: %d uploads, %d deletes, %d waiting, %d unchanged\n", len(p.Uploads), len(p.Deletes), len(p.Waiting), p.Unchanged)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// progressBar draws one line on a terminal, at most ten times a second.
type progressBar struct {
	w     io.Writer
	last  time.Time
	p     publish.Progress
	drawn bool
}

func (b *progressBar) update(p publish.Progress) {
	b.p = p
	if now := time.Now(); now.Sub(b.last) >= 100*time.Millisecond || p.Done == p.Total {
		b.last = now
		b.draw()
	}
}

func (b *progressBar) draw() {
	const width = 30
	p := b.p
	frac := 1.0
	if p.Total > 0 {
		frac = float64(p.Done) / float64(p.Total)
	}
	n := int(frac * width)
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d objects, %.1f/%.1f MB", strings.Repeat("#", n), strings.Repeat(" ", width-n),
		p.Done, p.Total, float64(p.BytesDone)/1e6, float64(p.BytesTotal)/1e6)
	b.drawn = true
}

func (b *progressBar) finish() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// logProgress logs a line at each tenth of the way, for CI logs.
func logProgress(log *slog.Logger) func(publish.Progress) {
	next := 1
	return func(p publish.Progress) {
		if p.Total == 0 || p.Done*10 < next*p.Total {
			return
		}
		for p.Done*10 >= next*p.Total {
			next++
		}
		log.Info("publishing", "done", p.Done, "total", p.Total, "bytes_done", p.BytesDone, "bytes_total", p.BytesTotal)
	}
}
