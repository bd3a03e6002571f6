package pages

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"mip/generator/catalogue"
)

// LetterJSON is /api/v1/letters/<letter>.json: one letter of the A–Z.
type LetterJSON struct {
	Letter     string            `json:"letter"`
	Substances []LetterSubstance `json:"substances"`
	Products   []LetterProduct   `json:"products"`
}

// LetterSubstance is a substance in a letter's index.
type LetterSubstance struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Products  int    `json:"products"`
	Documents int    `json:"documents"`
}

// LetterProduct is a product whose name begins with the letter.
type LetterProduct struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Licences []string `json:"licences"`
}

// LettersJSON is /api/v1/letters.json: the whole A–Z strip with counts.
type LettersJSON struct {
	Letters []LetterCount `json:"letters"`
}

// LetterCount is one letter of the strip.
type LetterCount struct {
	Letter     string `json:"letter"`
	URL        string `json:"url"`
	Substances int    `json:"substances"`
	Products   int    `json:"products"`
}

// BuildJSON is /api/v1/build.json.
type BuildJSON struct {
	BuildID       string    `json:"build_id"`
	Generation    int       `json:"generation"`
	Time          time.Time `json:"time"`
	Documents     int       `json:"documents"`
	LiveDocuments int       `json:"live_documents"`
	Products      int       `json:"products"`
	Substances    int       `json:"substances"`
	Added         int       `json:"added"`
	Revised       int       `json:"revised"`
	Withdrawn     int       `json:"withdrawn"`
	Restored      int       `json:"restored"`
}

// ChangesJSON is /api/v1/changes.json: what this build changed.
type ChangesJSON struct {
	BuildID   string      `json:"build_id"`
	Time      time.Time   `json:"time"`
	Added     []ChangeRef `json:"added"`
	Revised   []ChangeRef `json:"revised"`
	Withdrawn []ChangeRef `json:"withdrawn"`
	Restored  []ChangeRef `json:"restored"`
}

// ChangeRef is a document that changed. For a revision it is the replaced
// version, and ReplacedBy the new one.
type ChangeRef struct {
	SHA256     string `json:"sha256"`
	Page       string `json:"page"` // the document's HTML page
	Type       string `json:"type"`
	Title      string `json:"title"`
	Products   []Ref  `json:"products"`
	ReplacedBy string `json:"replaced_by,omitempty"`
}

// HistoryPath is where the ledger of every document version is published
// (catalogue.History): open data, and what mip build --state-from reads to
// rebuild a lost state.
const HistoryPath = "api/v1/history.json"

// BuildPath is where the build that wrote the site describes itself.
const BuildPath = "api/v1/build.json"

// BuildID names a build by its generation and time.
func BuildID(generation int, t time.Time) string {
	return fmt.Sprintf("%d-%s", generation, t.UTC().Format("20060102T150405Z"))
}

func writeLetters(out *output, v *catalogue.View) error {
	productsOf := map[string][]LetterProduct{}
	for _, p := range v.Products {
		l := catalogue.Letter(p.Name)
		if l == "" {
			continue
		}
		lp := LetterProduct{ID: p.ID, Name: p.Name, Status: p.Status, Licences: []string{}}
		for _, lic := range p.Licences {
			lp.Licences = append(lp.Licences, lic.Display)
		}
		productsOf[l] = append(productsOf[l], lp)
	}
	idx := LettersJSON{Letters: []LetterCount{}}
	for _, l := range catalogue.Letters {
		lj := LetterJSON{Letter: l, Substances: []LetterSubstance{}, Products: productsOf[l]}
		if lj.Products == nil {
			lj.Products = []LetterProduct{}
		}
		for _, s := range v.ByLetter[l] {
			lj.Substances = append(lj.Substances, LetterSubstance{ID: s.ID, Name: s.Name, Products: len(s.Products), Documents: s.Documents})
		}
		name := "api/v1/letters/" + strings.ToLower(l) + ".json"
		idx.Letters = append(idx.Letters, LetterCount{Letter: l, URL: "/" + name, Substances: len(lj.Substances), Products: len(lj.Products)})
		if err := writeJSON(out, name, lj); err != nil {
			return err
		}
	}
	return writeJSON(out, "api/v1/letters.json", idx)
}

func writeBuild(out *output, c *catalogue.Catalogue, v *catalogue.View, o Options) error {
	id := BuildID(o.Generation, o.Built)
	b := BuildJSON{BuildID: id, Generation: o.Generation, Time: o.Built.UTC(), Documents: len(v.Documents),
		Products: len(v.Products), Substances: len(v.Substances),
		Added: len(o.Changes.Added), Revised: len(o.Changes.Revised), Withdrawn: len(o.Changes.Withdrawn), Restored: len(o.Changes.Restored)}
	for _, d := range v.Documents {
		if d.Live() {
			b.LiveDocuments++
		}
	}
	if err := writeJSON(out, BuildPath, b); err != nil {
		return err
	}
	refs := func(shas []string) []ChangeRef {
		out := []ChangeRef{}
		for _, sha := range shas {
			d := c.Documents[sha]
			if d == nil {
				continue
			}
			r := ChangeRef{SHA256: d.SHA256, Page: "/documents/" + d.SHA256 + "/", Type: d.Type, Title: d.Title, Products: []Ref{}, ReplacedBy: d.SupersededBy}
			for _, id := range d.Products {
				if p := c.Products[id]; p != nil {
					r.Products = append(r.Products, Ref{ID: p.ID, Name: p.Name})
				}
			}
			out = append(out, r)
		}
		return out
	}
	ch := ChangesJSON{BuildID: id, Time: o.Built.UTC(), Added: refs(o.Changes.Added), Revised: refs(o.Changes.Revised),
		Withdrawn: refs(o.Changes.Withdrawn), Restored: refs(o.Changes.Restored)}
	return writeJSON(out, "api/v1/changes.json", ch)
}

//go:embed schemas/*.json
var schemas embed.FS

// writeSchemas publishes the JSON Schemas and an index of them.
func writeSchemas(out *output) error {
	names, err := fs.Glob(schemas, "schemas/*.schema.json")
	if err != nil {
		return err
	}
	type entry struct {
		Name   string `json:"name"`
		URL    string `json:"url"`
		Covers string `json:"covers"`
	}
	idx := struct {
		Schemas []entry `json:"schemas"`
	}{}
	for _, n := range names {
		data, err := fs.ReadFile(schemas, n)
		if err != nil {
			return err
		}
		base := path.Base(n)
		if err := out.file("api/v1/schemas/"+base, data); err != nil {
			return err
		}
		idx.Schemas = append(idx.Schemas, entry{Name: strings.TrimSuffix(base, ".schema.json"), URL: "/api/v1/schemas/" + base, Covers: schemaCovers[base]})
	}
	return writeJSON(out, "api/v1/schemas/index.json", idx)
}

// schemaCovers says which published files each schema describes.
var schemaCovers = map[string]string{
	"build.schema.json":     "/api/v1/build.json",
	"changes.schema.json":   "/api/v1/changes.json",
	"document.schema.json":  "/api/v1/documents/*.json",
	"history.schema.json":   "/api/v1/history.json",
	"letter.schema.json":    "/api/v1/letters/*.json",
	"letters.schema.json":   "/api/v1/letters.json",
	"product.schema.json":   "/api/v1/products/*.json and each line of /api/v1/products.ndjson",
	"substance.schema.json": "/api/v1/substances/*.json",
}
