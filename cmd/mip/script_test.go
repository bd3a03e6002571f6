package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"mip/generator/extract"
)

func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == extract.WorkerCommand {
		os.Exit(runWorker())
	}
	testscript.Main(m, map[string]func(){
		"mip": func() {
			if err := app().Run(context.Background(), os.Args); err != nil {
				fmt.Fprintln(os.Stderr, "mip:", err)
				os.Exit(exitCode(err))
			}
		},
	})
}

// TestScripts runs the CLI scripts in testdata/script: each seeds a
// directory, runs the real mip binary and checks its output and files. The
// small committed exports of generator/testdata are copied in as night1 and
// night2.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("SOURCE_DATE_EPOCH", "1727748000")
			for _, n := range []string{"night1", "night2"} {
				if err := os.CopyFS(filepath.Join(env.WorkDir, n), os.DirFS(filepath.Join("..", "..", "generator", "testdata", n))); err != nil {
					return err
				}
			}
			return nil
		},
		Cmds:          scriptCommands,
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
	})
}
