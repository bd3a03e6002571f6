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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app().Run(ctx, os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "mip:", err)
		os.Exit(exitCode(err))
	}
}
