package catalogue

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSaveLoad: a saved catalogue loads back to the same bytes, its
// documents (decoded on several cores) all there; a broken document names
// itself.
func TestSaveLoad(t *testing.T) {
	c := New()
	c.Generation = 3
	when := time.Date(2025, 8, 1, 2, 0, 0, 0, time.UTC)
	for i := range 50 {
		sha := fmt.Sprintf("%064x", i)
		c.Documents[sha] = &Document{SHA256: sha, Type: "SPC", Title: fmt.Sprintf("doc %d", i), Status: Current,
			Products: []string{"p"}, Substances: []string{}, Created: when, FirstSeen: when, Added: 1,
			Sources: []Source{{ID: fmt.Sprintf("CON%d", i), Source: "sentinel", File: "a.xml", Products: []string{"p"}, Substances: []string{}}},
			Text:    &TextInfo{Available: true, Outline: []OutlineEntry{{ID: "spc-4.1", Page: 1}}}}
	}
	c.Products["p"] = &Product{ID: "p", Key: "P", Name: "P tablets", Substances: []string{}}
	c.Applied["abc"] = true
	c.index()
	dir := t.TempDir()
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := c.Marshal()
	again, _ := got.Marshal()
	if !bytes.Equal(want, again) {
		t.Fatalf("loaded catalogue differs:\n%s\nwant\n%s", again, want)
	}
	if len(got.bySource) != 50 || got.productByKey["P"] == nil {
		t.Errorf("indexes not rebuilt: %d sources, product %v", len(got.bySource), got.productByKey["P"])
	}

	broken := strings.Replace(string(want), `"title":"doc 7"`, `"title":7`, 1)
	os.WriteFile(filepath.Join(dir, FileName), []byte(broken), 0o644)
	_, err = Load(dir)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("document %064x", 7)) {
		t.Errorf("broken document: err = %v, want it named", err)
	}
}
