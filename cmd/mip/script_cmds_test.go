package main

import (
	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCommands are extra commands the CLI scripts use.
var scriptCommands = map[string]func(ts *testscript.TestScript, neg bool, args []string){}
