// Package finding records problems found in the build's input: one Finding per
// bad record, naming the file, the line or record id, the field and what is
// wrong, so that a build can report every problem at once and go on with the
// records that are good.
package finding

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// A Finding is one problem with the input.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Record  string `json:"record,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Kept is true when the record was still accepted (for example a document
	// whose licence number could not be read).
	Kept bool `json:"kept,omitempty"`
}

// String renders the finding as one line: file:line: record: field: message.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.File)
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
	}
	if f.Record != "" {
		fmt.Fprintf(&b, ": record %s", f.Record)
	}
	if f.Field != "" {
		fmt.Fprintf(&b, ": field %s", f.Field)
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	if f.Kept {
		b.WriteString(" (kept)")
	}
	return b.String()
}

// List collects findings. It is safe for concurrent use; the zero value is
// ready to use.
type List struct {
	mu    sync.Mutex
	items []Finding
}

// Add appends a finding.
func (l *List) Add(f Finding) {
	l.mu.Lock()
	l.items = append(l.items, f)
	l.mu.Unlock()
}

// Addf appends a finding whose message is formatted.
func (l *List) Addf(file string, line int, record, field, format string, args ...any) {
	l.Add(Finding{File: file, Line: line, Record: record, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Len reports how many findings there are.
func (l *List) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

// Sorted returns the findings ordered by file, line and record, so that reports
// are stable whatever order the work ran in.
func (l *List) Sorted() []Finding {
	l.mu.Lock()
	out := append([]Finding(nil), l.items...)
	l.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Record < b.Record
	})
	return out
}
