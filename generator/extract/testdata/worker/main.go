// Command worker is the extraction worker on its own: what `mip
// extract-worker` does. FuzzExtract builds it so that the fuzzed worker runs
// without coverage instrumentation (which makes PDFium start far slower).
package main

import (
	"fmt"
	"os"

	"mip/generator/extract"
)

func main() {
	if err := extract.ServeWorker(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "extract worker:", err)
		os.Exit(1)
	}
}
