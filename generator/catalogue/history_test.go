package catalogue

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mip/generator/finding"
	"mip/generator/ingest"
)

// TestHistoryRoundTrip: a catalogue with a revision, a withdrawal, a second
// source and an applied export comes back from its published history whole,
// except for what History leaves out (authors, export directories).
func TestHistoryRoundTrip(t *testing.T) {
	c := New()
	var fl finding.List
	c.Begin(time.Date(2024, 10, 1, 2, 0, 0, 0, time.UTC))
	r := rec("CON1", "SPC", "A TABLETS", "PL 12345/0001", "A")
	r.File, r.Author = "/runner/tmp/export/batch-001.xml", "jsmith"
	c.Create(r, info("one"), &fl)
	c.Create(rec("CON2", "PIL", "A TABLETS", "PL 12345/0001", "A"), info("two"), &fl)
	c.Create(rec("CON3", "PIL", "A TABLETS", "PL 12345/0001", "A"), info("two"), &fl)
	c.Applied[strings.Repeat("ab", 32)] = true
	c.Begin(time.Date(2024, 10, 2, 2, 0, 0, 0, time.UTC))
	c.Delete(ingest.Record{ID: "CON1"}, &fl)
	c.Create(rec("CON4", "SPC", "A TABLETS", "PL 12345/0001", "A"), info("three"), &fl)
	c.LinkRevisions()

	data, err := json.Marshal(c.History())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("jsmith")) || bytes.Contains(data, []byte("/runner/")) {
		t.Errorf("history publishes an author or an export directory: %s", data)
	}
	back, err := FromHistory(data, c.Generation)
	if err != nil {
		t.Fatal(err)
	}
	// What History leaves out, left out of the original too.
	for _, d := range c.Documents {
		for i := range d.Sources {
			d.Sources[i].Author = ""
			d.Sources[i].File = d.Sources[i].File[strings.LastIndex(d.Sources[i].File, "/")+1:]
		}
	}
	want, _ := c.Marshal()
	got, _ := back.Marshal()
	if !bytes.Equal(got, want) {
		t.Errorf("catalogue from history differs:\n got %s\nwant %s", got, want)
	}
	old := back.Documents[info("one").SHA256]
	if old.Status != Superseded || old.SupersededBy != info("three").SHA256 || len(back.Ledger) != len(c.Ledger) {
		t.Errorf("history lost the revision: %+v, %d events", old, len(back.Ledger))
	}
	// The rebuilt catalogue goes on as the original would: CON2's bytes
	// again are the same document, a new product name is a new product.
	back.Begin(time.Date(2024, 10, 3, 2, 0, 0, 0, time.UTC))
	back.Create(rec("CON5", "PIL", "A TABLETS", "PL 12345/0001", "A"), info("two"), &fl)
	if len(back.Documents) != 3 || len(back.Documents[info("two").SHA256].Sources) != 3 {
		t.Errorf("rebuilt catalogue did not index its sources")
	}

	if _, err := FromHistory(data, 1); err == nil {
		t.Error("FromHistory accepted a generation older than the history's events")
	}
	for name, bad := range map[string]string{
		"not history":     `{"format":"other","version":1}`,
		"missing product": `{"format":"mip-history","version":1,"documents":[{"sha256":"` + info("x").SHA256 + `","products":["nope"]}]}`,
		"dangling event":  `{"format":"mip-history","version":1,"events":[{"generation":1,"kind":"added","sha256":"` + info("x").SHA256 + `"}]}`,
	} {
		if _, err := FromHistory([]byte(bad), 1); err == nil {
			t.Errorf("%s: FromHistory accepted it", name)
		}
	}
}
