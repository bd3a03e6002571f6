package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCommands are extra commands the CLI scripts use.
var scriptCommands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"checkfaults": checkFaults,
}

// faultsKept are the fault kinds whose record is still published.
var faultsKept = map[string]bool{"bad-licence": true, "duplicate-id": true}

// checkFaults EXPORT STATE checks a build of a sample export made with
// --faults: every fault listed in EXPORT/faults.txt is reported in
// STATE/build-report.json with its record id, and every good record of the
// export (read here with plain regular expressions and encoding/csv, not with
// mip's own readers) is a source of a document in STATE/catalogue.json.
func checkFaults(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: checkfaults EXPORT STATE")
	}
	exp, state := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	var report struct {
		Findings []struct {
			File, Record, Field, Message string
		}
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(filepath.Join(state, "build-report.json"))), &report))
	var cat struct {
		Documents map[string]struct{ Sources []struct{ ID string } }
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(filepath.Join(state, "catalogue.json"))), &cat))
	published := map[string]bool{}
	for _, d := range cat.Documents {
		for _, s := range d.Sources {
			published[s.ID] = true
		}
	}

	bad := map[string]bool{}
	kinds := 0
	for _, line := range strings.Split(strings.TrimSpace(ts.ReadFile(filepath.Join(exp, "faults.txt"))), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		kind, file, record := f[0], f[1], f[2]
		kinds++
		found := false
		for _, r := range report.Findings {
			if r.Record == record && strings.HasSuffix(filepath.ToSlash(r.File), file) {
				found = true
			}
		}
		if !found {
			ts.Fatalf("fault %s (%s, record %s) was not reported", kind, file, record)
		}
		if !faultsKept[kind] {
			bad[record] = true
		}
	}
	if kinds != 15 {
		ts.Fatalf("faults.txt lists %d faults, want 15", kinds)
	}

	var good []string
	docRE := regexp.MustCompile(`(?s)<document>(.*?)</document>`)
	idRE := regexp.MustCompile(`<id>\s*(\S+?)\s*</id>`)
	files, _ := filepath.Glob(filepath.Join(exp, "sentinel", "*"))
	for _, f := range files {
		ext := filepath.Ext(f)
		if ext != ".xml" && ext != ".json" {
			continue
		}
		data, err := os.ReadFile(f)
		ts.Check(err)
		switch ext {
		case ".xml":
			for _, m := range docRE.FindAllSubmatch(data, -1) {
				if id := idRE.FindSubmatch(m[1]); id != nil {
					good = append(good, string(id[1]))
				}
			}
		case ".json":
			var recs []map[string]any
			ts.Check(json.Unmarshal(data, &recs))
			for _, r := range recs {
				if id, ok := r["id"].(string); ok {
					good = append(good, id)
				}
			}
		}
	}
	rows := readCSV(ts, filepath.Join(exp, "legacy", "export.csv"))
	for _, r := range rows[1:] {
		if len(r) == 10 && r[6] == "Y" {
			good = append(good, r[0])
		}
	}
	for _, r := range readCSV(ts, filepath.Join(exp, "pars", "pars.csv"))[1:] {
		good = append(good, r[0])
	}
	n := 0
	for _, id := range good {
		if bad[id] {
			continue
		}
		n++
		if !published[id] {
			ts.Fatalf("good record %s is not in the catalogue", id)
		}
	}
	ts.Logf("%d faults reported; %d good records all published", kinds, n)
}

func readCSV(ts *testscript.TestScript, name string) [][]string {
	f, err := os.Open(name)
	ts.Check(err)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	ts.Check(err)
	return rows
}
