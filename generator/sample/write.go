package sample

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Options say what sample to write.
type Options struct {
	Documents int   // approximate number of SPC/PIL/PAR documents (default 500)
	Seed      int64 // same seed and options give byte-identical output
	Faults    bool  // add one of every bad input
	// Night, when 2 or more, writes instead the export of that night after
	// the base sample (same Documents and Seed): one Sentinel file of that
	// night's revisions and withdrawals, with the new PDFs. Nights 2, 3 …
	// applied in order after the base sample make a catalogue that changes
	// as the real one does each night.
	Night int
	// Changes is the share of live Sentinel documents each night revises or
	// withdraws (default DefaultChanges, 1%).
	Changes float64
}

// Summary counts what was written.
type Summary struct {
	Products   int `json:"products"`
	Documents  int `json:"documents"`
	Revisions  int `json:"revisions"`
	Deletions  int `json:"deletions"`
	PARs       int `json:"pars"`
	LegacyRows int `json:"legacy_rows"`
	Faults     int `json:"faults"`
}

// DefaultDocuments is the number of documents when Options.Documents is zero.
const DefaultDocuments = 500

// Attribution is the licence line every sample carries in ATTRIBUTION.txt.
const Attribution = "Contains public sector information licensed under the Open Government Licence v3.0 (NHS Business Services Authority, dm+d)."

// Write writes a sample export into dir, which must be empty or not exist
// (see the package documentation for the layout), and returns its counts.
func Write(dir string, opts Options) (Summary, error) {
	if opts.Documents < 0 {
		return Summary{}, errors.New("sample: negative document count")
	}
	if opts.Documents == 0 {
		opts.Documents = DefaultDocuments
	}
	if opts.Changes < 0 || opts.Changes > 1 {
		return Summary{}, errors.New("sample: changes must be between 0 and 1")
	}
	if opts.Night >= 2 && opts.Faults {
		return Summary{}, errors.New("sample: a night's export has no faults")
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Summary{}, fmt.Errorf("sample: %s is not empty", dir)
	}
	p, err := newPlan(opts)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("sample: %w", err)
	}
	if opts.Night >= 2 {
		if err := p.writeNight(dir, opts.Night); err != nil {
			return Summary{}, fmt.Errorf("sample: %w", err)
		}
		return p.sum, nil
	}
	var fx *faultSet
	if opts.Faults {
		fx = p.planFaults()
		p.sum.Faults = len(fx.list)
		p.sum.Documents += len(fx.goodDocs)
	}
	if err := p.writeInputs(dir, fx); err != nil {
		return Summary{}, fmt.Errorf("sample: %w", err)
	}
	docs := make([]*document, 0, len(p.docs)+len(p.legacy)+len(p.parDocs))
	docs = append(docs, p.docs...)
	docs = append(docs, p.legacy...)
	docs = append(docs, p.parDocs...)
	if err := writePDFs(dir, opts.Seed, docs, runtime.GOMAXPROCS(0)); err != nil {
		return Summary{}, fmt.Errorf("sample: %w", err)
	}
	if fx != nil {
		if err := fx.write(dir, opts.Seed); err != nil {
			return Summary{}, fmt.Errorf("sample: %w", err)
		}
	}
	return p.sum, nil
}

// writeInputs writes everything but the PDFs: export files, CSVs and the
// attribution.
func (p *plan) writeInputs(dir string, fx *faultSet) error {
	if err := writeFile(filepath.Join(dir, "ATTRIBUTION.txt"), []byte(attributionText)); err != nil {
		return err
	}
	if _, err := writeSentinel(dir, p.events); err != nil {
		return err
	}
	var badLegacy []byte
	var extraPAR [][]string
	if fx != nil {
		badLegacy = fx.legacyRow
		extraPAR = fx.parRows
	}
	if err := writeLegacy(dir, p.legacy, badLegacy); err != nil {
		return err
	}
	return writePARs(dir, p.pars, extraPAR)
}

const attributionText = `This sample export was written by mip's sample generator (package mip/generator/sample).
Medicine names and suppliers come from the NHS Dictionary of Medicines and Devices (dm+d).
Licence numbers, content ids, dates and all document text are made up.

` + Attribution + "\n"
