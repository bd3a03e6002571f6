// Command mip builds the Medicines Information Portal: a static site of every
// licensed medicine's SPC, PIL and PAR, with open JSON and an in-browser
// search. See the README for the two commands a newcomer needs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"mip/generator/extract"
)

func runWorker() int {
	if err := extract.ServeWorker(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mip extract-worker:", err)
		return 1
	}
	return 0
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == extract.WorkerCommand {
		// A text extraction worker started by a build: it speaks a framed
		// protocol on stdin and stdout, so nothing else may print first.
		os.Exit(runWorker())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app().Run(ctx, os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "mip:", err)
		os.Exit(exitCode(err))
	}
}
