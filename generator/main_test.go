package generator

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"mip/generator/extract"
)

// TestMain lets the test binary serve as the text extraction worker that
// Build starts (it re-executes its own binary with extract.WorkerCommand).
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == extract.WorkerCommand {
		if err := extract.ServeWorker(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "extract worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if spec := os.Getenv(crashBuildEnv); spec != "" {
		// A build run as its own process, for TestCrashSafety to kill.
		var o Options
		if err := json.Unmarshal([]byte(spec), &o); err != nil {
			fmt.Fprintln(os.Stderr, "crash build:", err)
			os.Exit(2)
		}
		if _, err := Build(context.Background(), o); err != nil {
			fmt.Fprintln(os.Stderr, "crash build:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
