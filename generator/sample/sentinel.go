package sample

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// batchSize is the most records one Sentinel export file holds.
const batchSize = 400

// A record is one Sentinel create record as written.
type record struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	Author           string   `json:"author"`
	Products         []string `json:"products"`
	PLNumber         string   `json:"pl_number"`
	Territory        string   `json:"territory,omitempty"`
	Keywords         []string `json:"keywords,omitempty"`
	ActiveSubstances []string `json:"active_substances"`
	FileSource       string   `json:"file_source"`
	FilePath         string   `json:"file_path,omitempty"`
	Created          string   `json:"created"`
	RevLabel         string   `json:"rev_label"`
	ReleaseState     string   `json:"release_state"`
	Holder           string   `json:"holder,omitempty"`
}

type deletion struct {
	Delete struct {
		ID string `json:"id"`
	} `json:"delete"`
}

// recordOf is the Sentinel record of d.
func recordOf(d *document) record {
	var names []string
	for _, q := range d.products() {
		names = append(names, q.name)
	}
	return record{
		ID:               d.id,
		Name:             d.title,
		Type:             d.kind,
		Author:           d.author,
		Products:         names,
		PLNumber:         d.plNumber,
		Territory:        d.territory,
		Keywords:         d.keywords,
		ActiveSubstances: d.prod.med.substances,
		FileSource:       "Sentinel",
		FilePath:         d.filePath,
		Created:          createdLabel(d.created),
		RevLabel:         strconv.Itoa(d.rev),
		ReleaseState:     "Y",
		Holder:           d.prod.holder,
	}
}

func xmlText(b *bytes.Buffer, s string) {
	// EscapeText only fails on a failing writer; a bytes.Buffer never fails.
	_ = xml.EscapeText(b, []byte(s))
}

func xmlElem(b *bytes.Buffer, indent, name, value string) {
	b.WriteString(indent)
	b.WriteString("<" + name + ">")
	xmlText(b, value)
	b.WriteString("</" + name + ">\n")
}

func xmlList(b *bytes.Buffer, outer, inner string, values []string) {
	b.WriteString("    <" + outer + ">")
	for _, v := range values {
		b.WriteString("<" + inner + ">")
		xmlText(b, v)
		b.WriteString("</" + inner + ">")
	}
	b.WriteString("</" + outer + ">\n")
}

// writeXMLRecord appends rec as a <document> element.
func writeXMLRecord(b *bytes.Buffer, rec record) {
	b.WriteString("  <document>\n")
	xmlElem(b, "    ", "id", rec.ID)
	xmlElem(b, "    ", "name", rec.Name)
	xmlElem(b, "    ", "type", rec.Type)
	xmlElem(b, "    ", "author", rec.Author)
	xmlList(b, "products", "product", rec.Products)
	xmlElem(b, "    ", "pl_number", rec.PLNumber)
	if rec.Territory != "" {
		xmlElem(b, "    ", "territory", rec.Territory)
	}
	if len(rec.Keywords) > 0 {
		xmlList(b, "keywords", "keyword", rec.Keywords)
	}
	xmlList(b, "active_substances", "active_substance", rec.ActiveSubstances)
	xmlElem(b, "    ", "file_source", rec.FileSource)
	if rec.FilePath != "" {
		xmlElem(b, "    ", "file_path", rec.FilePath)
	}
	xmlElem(b, "    ", "created", rec.Created)
	xmlElem(b, "    ", "rev_label", rec.RevLabel)
	xmlElem(b, "    ", "release_state", rec.ReleaseState)
	if rec.Holder != "" {
		xmlElem(b, "    ", "holder", rec.Holder)
	}
	b.WriteString("  </document>\n")
}

func writeXMLDelete(b *bytes.Buffer, id string) {
	b.WriteString("  <delete><id>")
	xmlText(b, id)
	b.WriteString("</id></delete>\n")
}

const xmlHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export>\n"
const xmlFooter = "</export>\n"

// xmlFile renders events as one export file.
func xmlFile(events []event) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	for _, e := range events {
		if e.doc != nil {
			writeXMLRecord(&b, recordOf(e.doc))
		} else {
			writeXMLDelete(&b, e.del)
		}
	}
	b.WriteString(xmlFooter)
	return b.Bytes()
}

// jsonFile renders events as a JSON array, one record per line.
func jsonFile(events []event) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteString("[\n")
	for i, e := range events {
		var v any
		if e.doc != nil {
			v = recordOf(e.doc)
		} else {
			var del deletion
			del.Delete.ID = e.del
			v = del
		}
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		// Encode ends each value with a newline; join them with commas.
		b.Truncate(b.Len() - 1)
		if i < len(events)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}

// writeSentinel writes the Sentinel records to export files, one month at a
// time, at most batchSize records per file, some files in JSON. It returns the
// number of files.
func writeSentinel(root string, events []event) (int, error) {
	dir := filepath.Join(root, "sentinel")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	files := 0
	for i := 0; i < len(events); {
		month := londonWall(events[i].at).Format("2006-01")
		j := i
		for j < len(events) && londonWall(events[j].at).Format("2006-01") == month {
			j++
		}
		for k, n := i, 1; k < j; n++ {
			end := min(k+batchSize, j)
			var data []byte
			ext := "xml"
			if files%7 == 3 {
				ext = "json"
				var err error
				if data, err = jsonFile(events[k:end]); err != nil {
					return files, err
				}
			} else {
				data = xmlFile(events[k:end])
			}
			name := filepath.Join(dir, fmt.Sprintf("%s-batch-%04d.%s", month, n, ext))
			if err := writeFile(name, data); err != nil {
				return files, err
			}
			files++
			k = end
		}
		i = j
	}
	return files, nil
}

// writeFile writes data to name, making its directory.
func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
