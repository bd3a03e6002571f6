package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"mip/generator"
	"mip/generator/manifest"
	"mip/generator/preview"
	"mip/generator/sample"
	"mip/generator/statestore"
	_ "mip/generator/statestore/targets" // the bucket drivers --state and --state-from open
	"mip/searchidx/query"
)

// exitCode: 1 for a failed build or bad input under --strict, 2 for misuse.
func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

type usageError struct{ error }

func app() *cli.Command {
	return &cli.Command{
		Name:  "mip",
		Usage: "build the Medicines Information Portal from the regulator's exports",
		Commands: []*cli.Command{
			sampleCommand(),
			buildCommand(),
			searchCommand(),
			serveCommand(),
			verifyCommand(),
			publishCommand(),
		},
	}
}

func logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func buildCommand() *cli.Command {
	return &cli.Command{
		Name:  "build",
		Usage: "ingest exports into the catalogue and write the site",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "sentinel", Usage: "a Sentinel export `DIR` (repeat to apply several, in order)"},
			&cli.StringFlag{Name: "legacy-csv", Usage: "the legacy Stellent bulk export `FILE`"},
			&cli.StringFlag{Name: "pars", Usage: "the PAR upload `DIR` (pars.csv and PDFs)"},
			&cli.StringFlag{Name: "out", Usage: "write the site to `DIR`", Required: true},
			&cli.StringFlag{Name: "state", Usage: "keep the catalogue, history and PDFs in `DIR` or a bucket URL (s3://, azblob://, gs://, file://)", Value: ".mip-state"},
			&cli.StringFlag{Name: "state-from", Usage: "rebuild a lost state from the published site at `URL` (https://, a bucket URL or a directory)"},
			&cli.StringFlag{Name: "text-cache", Usage: "keep a bucket state's text-extraction cache in the bucket at `URL`, which other states may share"},
			&cli.DurationFlag{Name: "state-lease", Usage: "a bucket state's lease lasts `D`, renewed while the build runs; a dead build's lease is taken over after it", Value: statestore.DefaultLease},
			&cli.BoolFlag{Name: "strict", Usage: "fail on any problem in the input"},
			&cli.BoolFlag{Name: "json", Usage: "print the build report as JSON on stdout"},
			&cli.Int64Flag{Name: "max-pdf-size", Usage: "refuse PDFs larger than `BYTES`", Value: 100 << 20},
			&cli.IntFlag{Name: "workers", Usage: "check and extract `N` PDFs at once (default: one per core)"},
			&cli.BoolFlag{Name: "skip-text", Usage: "do not extract PDF text now (a later build will)"},
			&cli.StringFlag{Name: "base-url", Usage: "the site's public origin `URL`, for the sitemap, feeds and robots.txt", Value: "http://127.0.0.1:8080"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if len(cmd.StringSlice("sentinel")) == 0 && cmd.String("legacy-csv") == "" && cmd.String("pars") == "" {
				return usageError{errors.New("build: give at least one input: --sentinel, --legacy-csv or --pars")}
			}
			if cmd.String("text-cache") != "" && !statestore.IsRemote(cmd.String("state")) {
				return usageError{errors.New("build: --text-cache needs a bucket --state (a local state keeps its cache in STATE/text)")}
			}
			o := generator.Options{
				Sentinel:   cmd.StringSlice("sentinel"),
				LegacyCSV:  cmd.String("legacy-csv"),
				PARs:       cmd.String("pars"),
				Out:        cmd.String("out"),
				State:      cmd.String("state"),
				StateFrom:  cmd.String("state-from"),
				StateLease: cmd.Duration("state-lease"),
				TextCache:  cmd.String("text-cache"),
				Strict:     cmd.Bool("strict"),
				MaxPDFSize: cmd.Int64("max-pdf-size"),
				Workers:    cmd.Int("workers"),
				SkipText:   cmd.Bool("skip-text"),
				BaseURL:    cmd.String("base-url"),
				Now:        buildTime(),
				Log:        logger(cmd.Root().ErrWriter),
			}
			rep, err := generator.Build(ctx, o)
			if rep != nil {
				printSummary(cmd.Root().ErrWriter, rep)
				if cmd.Bool("json") {
					enc := json.NewEncoder(cmd.Root().Writer)
					enc.SetIndent("", "  ")
					enc.Encode(rep)
				}
			}
			return err
		},
	}
}

// buildTime honours SOURCE_DATE_EPOCH, the reproducible-builds convention,
// so that tests and reruns can pin the build's clock.
func buildTime() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		var sec int64
		if _, err := fmt.Sscan(s, &sec); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Now().UTC()
}

func printSummary(w io.Writer, r *generator.Report) {
	t := r.Totals
	fmt.Fprintf(w, "build %d: read %d records: %d accepted, %d rejected, %d unreleased, %d deletions", r.Generation, t.Read, t.Accepted, t.Rejected, t.Unreleased, t.Deletions)
	if r.ExportsSkipped > 0 {
		fmt.Fprintf(w, " (%d export files already applied)", r.ExportsSkipped)
	}
	fmt.Fprintf(w, "\ncatalogue: %d added, %d revised, %d withdrawn, %d restored; %d live documents of %d, %d products, %d substances\n",
		r.Added, r.Revised, r.Withdrawn, r.Restored, r.LiveDocuments, r.Documents, r.Products, r.Substances)
	if n := len(r.Findings); n > 0 {
		fmt.Fprintf(w, "%d problems in the input:\n", n)
		for _, f := range r.Findings {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	if r.Published {
		fmt.Fprintf(w, "wrote %s (%d files written, %d carried over unchanged)\n", r.Out, r.Output.Written, r.Output.Linked+r.Output.Kept)
	} else {
		fmt.Fprintf(w, "nothing written to %s\n", r.Out)
	}
}

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "serve a built site on localhost as the CDN would, optionally rebuilding it when its inputs change",
		ArgsUsage: "DIR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Usage: "listen on `HOST:PORT`", Value: "127.0.0.1:8080"},
			&cli.StringFlag{Name: "watch", Usage: "rebuild DIR when the export in `INPUTS` changes (laid out as mip sample writes it: sentinel/, legacy/export.csv, pars/) and reload open pages"},
			&cli.StringFlag{Name: "state", Usage: "with --watch, the state `DIR` of the builds", Value: ".mip-state"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return usageError{errors.New("serve: name the built site's directory")}
			}
			dir := cmd.Args().First()
			log := logger(cmd.Root().ErrWriter)
			var rl *preview.Reloader
			var rebuild func(context.Context) error
			if in := cmd.String("watch"); in != "" {
				o, err := watchedBuild(in, dir, cmd.String("state"), log)
				if err != nil {
					return err
				}
				rl = preview.NewReloader()
				rebuild = func(ctx context.Context) error {
					o.Now = buildTime()
					rep, err := generator.Build(ctx, o)
					if rep != nil {
						printSummary(cmd.Root().ErrWriter, rep)
					}
					return err
				}
				if err := rebuild(ctx); err != nil {
					return err
				}
			}
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fmt.Errorf("serve: %s is not a built site directory", dir)
			}
			ln, err := net.Listen("tcp", cmd.String("addr"))
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			fmt.Fprintf(cmd.Root().Writer, "Serving %s at http://%s/ (Ctrl-C to stop)\n", dir, ln.Addr())
			srv := &http.Server{Handler: preview.New(dir, preview.Options{Log: log, Reload: rl}), ReadHeaderTimeout: 10 * time.Second}
			go func() {
				<-ctx.Done()
				shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				srv.Shutdown(shut)
			}()
			if rebuild != nil {
				go preview.Watch(ctx, []string{cmd.String("watch")}, 500*time.Millisecond, rebuild, rl, log)
			}
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
}

// watchedBuild is the build of serve --watch: the export under in, laid out
// as mip sample writes it.
func watchedBuild(in, out, state string, log *slog.Logger) (generator.Options, error) {
	o := generator.Options{Out: out, State: state, Log: log}
	if st, err := os.Stat(filepath.Join(in, "sentinel")); err == nil && st.IsDir() {
		o.Sentinel = []string{filepath.Join(in, "sentinel")}
	}
	if _, err := os.Stat(filepath.Join(in, "legacy", "export.csv")); err == nil {
		o.LegacyCSV = filepath.Join(in, "legacy", "export.csv")
	}
	if st, err := os.Stat(filepath.Join(in, "pars")); err == nil && st.IsDir() {
		o.PARs = filepath.Join(in, "pars")
	}
	if len(o.Sentinel) == 0 && o.LegacyCSV == "" && o.PARs == "" {
		return o, usageError{fmt.Errorf("serve: %s has none of sentinel/, legacy/export.csv, pars/ to build from", in)}
	}
	return o, nil
}

func sampleCommand() *cli.Command {
	return &cli.Command{
		Name:  "sample",
		Usage: "write a realistic sample export (Sentinel, legacy CSV, PARs) from real UK medicine names",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "write the export to `DIR` (must be empty or absent)", Required: true},
			&cli.IntFlag{Name: "documents", Usage: "about `N` documents", Value: sample.DefaultDocuments},
			&cli.Int64Flag{Name: "seed", Usage: "the same `S` gives the same bytes", Value: 1},
			&cli.BoolFlag{Name: "faults", Usage: "add one of every kind of bad input (listed in faults.txt)"},
			&cli.IntFlag{Name: "night", Usage: "write only night `K`'s export (K ≥ 2): the revisions and withdrawals that follow the sample of the same --documents and --seed"},
			&cli.FloatFlag{Name: "changes", Usage: "the `SHARE` of live documents each night revises or withdraws", Value: sample.DefaultChanges},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if n := cmd.Int("night"); n == 1 || n < 0 {
				return usageError{fmt.Errorf("sample: --night is 2 or more (night 1 is the sample itself)")}
			}
			sum, err := sample.Write(cmd.String("out"), sample.Options{
				Documents: cmd.Int("documents"), Seed: cmd.Int64("seed"), Faults: cmd.Bool("faults"),
				Night: cmd.Int("night"), Changes: cmd.Float("changes"),
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.Root().ErrWriter, "sample: %d products, %d documents (%d revisions, %d deletions, %d PARs, %d legacy rows), %d faults in %s\n",
				sum.Products, sum.Documents, sum.Revisions, sum.Deletions, sum.PARs, sum.LegacyRows, sum.Faults, cmd.String("out"))
			return nil
		},
	}
}

func searchCommand() *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "search a built site's index, as the browser does",
		ArgsUsage: "OUT QUERY",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "type", Usage: "keep only `TYPE` documents (SPC, PIL, PAR; repeatable)"},
			&cli.StringFlag{Name: "territory", Usage: "keep `UK`, GB or NI documents (GB and NI include UK-wide and unknown)"},
			&cli.StringFlag{Name: "substance", Usage: "keep documents of this active `SUBSTANCE`"},
			&cli.StringFlag{Name: "section", Usage: "match only in this `SECTION` (indications, side-effects, spc-4.3, …)"},
			&cli.IntFlag{Name: "page", Usage: "results page `N`, from 1", Value: 1},
			&cli.BoolFlag{Name: "json", Usage: "print the result as JSON"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return usageError{errors.New("search: give the built site's directory and a query")}
			}
			dir := filepath.Join(cmd.Args().Get(0), filepath.FromSlash(generator.IndexDir))
			ix, err := query.Open(os.DirFS(dir))
			if err != nil {
				return fmt.Errorf("search: open the index in %s: %w", dir, err)
			}
			res, err := ix.Search(query.Request{
				Query: cmd.Args().Get(1), Types: cmd.StringSlice("type"), Territory: cmd.String("territory"),
				Substance: cmd.String("substance"), Section: cmd.String("section"), Page: max(cmd.Int("page")-1, 0),
			})
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			w := cmd.Root().Writer
			if cmd.Bool("json") {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			if res.Corrected != "" {
				fmt.Fprintf(w, "Showing results for %s\n", res.Corrected)
			}
			if res.Fallback {
				fmt.Fprintln(w, "No document has every word; showing those with the most.")
			}
			fmt.Fprintf(w, "%d results\n", res.Total)
			for _, h := range res.Hits {
				c := h.Card
				fmt.Fprintf(w, "%s  %s — %s", c.Type, c.Product, c.Title)
				if len(c.Licences) > 0 {
					fmt.Fprintf(w, " [%s]", strings.Join(c.Licences, ", "))
				}
				if h.Section != "" {
					fmt.Fprintf(w, " (matched in %s)", h.Section)
				}
				fmt.Fprintf(w, "\n    %s\n", c.URL)
			}
			return nil
		},
	}
}

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "recompute every file's hashes and content address and compare them with the output manifest",
		ArgsUsage: "DIR",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the result as JSON on stdout"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return usageError{errors.New("verify: name the built site's directory")}
			}
			dir := cmd.Args().First()
			res, err := manifest.Verify(dir)
			if res == nil {
				return err
			}
			w := cmd.Root().ErrWriter
			for _, p := range res.Problems {
				fmt.Fprintf(w, "  %s\n", p)
			}
			fmt.Fprintf(w, "verify: %d files (%d content-addressed), %d bytes, %d problems\n", res.Files, res.ContentAddressed, res.Bytes, len(res.Problems))
			if cmd.Bool("json") {
				enc := json.NewEncoder(cmd.Root().Writer)
				enc.SetIndent("", "  ")
				enc.Encode(res)
			}
			return err
		},
	}
}
