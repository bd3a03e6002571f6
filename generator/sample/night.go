package sample

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"time"
)

// DefaultChanges is the share of live Sentinel documents a night revises
// when Options.Changes is zero.
const DefaultChanges = 0.01

// firstNight is the day of night 2's export: after every record of the base
// sample (faults included).
var firstNight = time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)

// nightDate is the day night n's export was made.
func nightDate(n int) time.Time { return firstNight.AddDate(0, 0, n-2) }

// playNights plans nights 2 … n on top of the base sample and returns the
// events of night n. Each night revises opts.Changes of the Sentinel
// documents live at its start (a deletion of the old id and a new id for
// the same products and type, as the real system revises) and withdraws one
// in twenty of those for good instead. A night draws from its own random
// stream, so the base sample is the same whatever the night.
func (p *plan) playNights(n int) []event {
	rate := p.opts.Changes
	if rate <= 0 {
		rate = DefaultChanges
	}
	base := p.r
	defer func() { p.r = base }()
	var events []event
	for night := 2; night <= n; night++ {
		r := rand.New(rand.NewPCG(uint64(p.opts.Seed), 0x6e69676874+uint64(night)))
		p.r = r
		var live []*document
		for _, d := range p.docs {
			if !d.deleted {
				live = append(live, d)
			}
		}
		count := max(1, int(float64(len(live))*rate+0.5))
		events = events[:0]
		day := nightDate(night)
		for _, i := range r.Perm(len(live))[:min(count, len(live))] {
			d := live[i]
			at := day.Add(time.Duration(7*3600+r.IntN(11*3600)) * time.Second)
			events = append(events, event{at: at, del: d.id})
			d.deleted = true
			if r.IntN(20) == 0 {
				p.sum.Deletions++
				continue
			}
			nd := p.newSentinelDoc(d.products(), d.kind, at, d.rev+1)
			// newSentinelDoc queued the create with the base events; this
			// night's export carries it instead.
			p.events = p.events[:len(p.events)-1]
			events = append(events, event{at: at, seq: 1, doc: nd})
			p.sum.Revisions++
		}
	}
	sortEvents(events)
	return events
}

// writeNight writes night n's export: one Sentinel file of that night's
// records and the PDFs of its new documents.
func (p *plan) writeNight(dir string, n int) error {
	events := p.playNights(n)
	name := filepath.Join(dir, "sentinel", nightDate(n).Format("2006-01-02")+"-night.xml")
	if err := writeFile(name, xmlFile(events)); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "ATTRIBUTION.txt"), []byte(attributionText)); err != nil {
		return err
	}
	var docs []*document
	for _, e := range events {
		if e.doc != nil {
			docs = append(docs, e.doc)
		}
	}
	p.sum = Summary{Products: p.sum.Products, Documents: len(docs), Revisions: len(docs), Deletions: len(events) - 2*len(docs)}
	if err := writePDFs(dir, p.opts.Seed, docs, runtime.GOMAXPROCS(0)); err != nil {
		return fmt.Errorf("night %d: %w", n, err)
	}
	return nil
}
