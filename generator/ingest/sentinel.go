package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	_ "time/tzdata" // timestamps are UK local time wherever the build runs

	"mip/generator/finding"
)

// MaxExportFile bounds the size of one export file read into memory.
const MaxExportFile = 256 << 20

// A Batch is the events of one export file, with the file's content address
// so that a file applied once is not applied again.
type Batch struct {
	File   string
	SHA256 string
	Events []Event
}

// ReadSentinel reads every *.xml and *.json file below dir, in lexical path
// order, and returns one batch per file, events in file order. Problems go
// to fl.
func ReadSentinel(dir string, fl *finding.List) ([]Batch, Counts, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			fl.Addf(p, 0, "", "", "cannot read: %v", err)
			return nil
		}
		if d.Type().IsRegular() {
			switch strings.ToLower(filepath.Ext(p)) {
			case ".xml", ".json":
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, Counts{}, fmt.Errorf("read export %s: %w", dir, err)
	}
	sort.Strings(files)
	var batches []Batch
	var counts Counts
	for _, f := range files {
		data, err := readLimited(f)
		if err != nil {
			fl.Addf(f, 0, "", "", "cannot read export file: %v", err)
			continue
		}
		var ev []Event
		var c Counts
		if strings.EqualFold(filepath.Ext(f), ".json") {
			ev, c = ParseJSON(f, dir, data, fl)
		} else {
			ev, c = ParseXML(f, dir, data, fl)
		}
		batches = append(batches, Batch{File: f, SHA256: fileAddress(data), Events: ev})
		counts.Add(c)
	}
	return batches, counts, nil
}

func fileAddress(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxExportFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxExportFile {
		return nil, fmt.Errorf("larger than %d MiB", MaxExportFile>>20)
	}
	return data, nil
}

// xmlRecord is the create message as XML.
type xmlRecord struct {
	ID         string   `xml:"id"`
	Name       string   `xml:"name"`
	Type       string   `xml:"type"`
	Author     string   `xml:"author"`
	Products   []string `xml:"products>product"`
	PLNumber   string   `xml:"pl_number"`
	Territory  string   `xml:"territory"`
	Keywords   []string `xml:"keywords>keyword"`
	Substances []string `xml:"active_substances>active_substance"`
	FileSource string   `xml:"file_source"`
	FilePath   string   `xml:"file_path"`
	Created    string   `xml:"created"`
	RevLabel   string   `xml:"rev_label"`
	Released   string   `xml:"release_state"`
	Holder     string   `xml:"holder"`
}

func (x xmlRecord) raw() raw {
	return raw{ID: x.ID, Name: x.Name, Type: x.Type, Author: x.Author, Products: x.Products,
		PLNumber: x.PLNumber, Territory: x.Territory, Keywords: x.Keywords, Substances: x.Substances,
		FileSource: x.FileSource, FilePath: x.FilePath, Created: x.Created, RevLabel: x.RevLabel,
		Released: x.Released, Holder: x.Holder}
}

var (
	recordStart = regexp.MustCompile(`<(document|delete)[\s>/]`)
	idElement   = regexp.MustCompile(`<id>\s*([^<]*?)\s*</id>`)
	openTag     = regexp.MustCompile(`<([A-Za-z_][\w.-]*)[^<>]*>[^<>]*$`)
	encodingRE  = regexp.MustCompile(`(?i)^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']`)
)

// ParseXML reads one Sentinel XML file held in data. dir is the export
// directory file paths are resolved in. A malformed record is reported with
// its line and reading resumes at the next <document> or <delete>.
func ParseXML(file, dir string, data []byte, fl *finding.List) ([]Event, Counts) {
	var events []Event
	var counts Counts
	data, err := toUTF8(data)
	if err != nil {
		fl.Addf(file, 1, "", "", "%v", err)
		return nil, counts
	}
	pos := 0         // where the current decoder started in data
	resumed := false // true once a decoder starts mid-file after an error
	for pos < len(data) {
		d := xml.NewDecoder(bytes.NewReader(data[pos:]))
		d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) { return r, nil } // already UTF-8
		start := -1                                                                            // offset of the record being read
		var failed error
		for {
			before := int(d.InputOffset())
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				failed = err
				start = before
				break
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			switch se.Name.Local {
			case "document":
				start = before
				var x xmlRecord
				if err := d.DecodeElement(&x, &se); err != nil {
					failed = err
					break
				}
				counts.Read++
				line := lineAt(data, pos+start)
				if r := x.raw(); !released(r) {
					counts.Unreleased++
				} else if rec, ok := r.check(Sentinel, file, line, dir, fl); ok {
					counts.Accepted++
					events = append(events, Event{Record: rec})
				} else {
					counts.Rejected++
				}
				start = -1
			case "delete":
				start = before
				var x struct {
					ID string `xml:"id"`
				}
				if err := d.DecodeElement(&x, &se); err != nil {
					failed = err
					break
				}
				line := lineAt(data, pos+start)
				counts.Read++
				if id := clean(x.ID); id == "" {
					counts.Rejected++
					fl.Add(finding.Finding{File: file, Line: line, Field: "id", Message: "deletion names no content id"})
				} else {
					counts.Deletions++
					events = append(events, Event{Delete: true, Record: Record{Source: Sentinel, File: file, Line: line, ID: id}})
				}
				start = -1
			}
			if failed != nil {
				break
			}
		}
		if failed == nil {
			break
		}
		abs := min(pos+start, len(data))
		next := recordStart.FindStringIndex(string(data[min(abs+1, len(data)):]))
		inRecord := recordStart.Match(data[abs:min(len(data), abs+10)])
		if resumed && !inRecord && next == nil {
			// The tail after a resumed record: the root's closing tag, which
			// the resumed decoder never saw open. Nothing is lost here.
			if isOnlyClosingTags(data[abs:]) {
				break
			}
		}
		end := len(data)
		if next != nil {
			end = abs + 1 + next[0]
		}
		f := finding.Finding{File: file, Line: lineAt(data, abs), Message: "malformed XML: " + xmlMessage(failed)}
		if m := idElement.FindSubmatch(data[abs:end]); m != nil {
			f.Record = string(m[1])
		}
		if bad := invalidUTF8At(data[abs:end]); bad >= 0 {
			f.Message = "text is not UTF-8 (and the file declares no other encoding)"
			f.Line = lineAt(data, abs+bad)
			if m := openTag.FindSubmatch(data[abs : abs+bad]); m != nil {
				f.Field = string(m[1])
			}
		}
		if inRecord {
			counts.Read++
			counts.Rejected++
		}
		fl.Add(f)
		if next == nil {
			break
		}
		pos, resumed = end, true
	}
	return events, counts
}

func released(r raw) bool {
	s := strings.TrimSpace(r.Released)
	return s == "" || strings.EqualFold(s, "Y")
}

// toUTF8 decodes a file that declares ISO-8859-1 or windows-1252 and drops
// the declaration's encoding so the XML decoder reads the result as UTF-8.
func toUTF8(data []byte) ([]byte, error) {
	m := encodingRE.FindSubmatchIndex(data)
	if m == nil {
		return data, nil
	}
	label := strings.ToLower(string(data[m[2]:m[3]]))
	var dec *charmap.Charmap
	switch label {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return data, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		dec = charmap.ISO8859_1
	case "windows-1252", "cp1252":
		dec = charmap.Windows1252
	default:
		return nil, fmt.Errorf("unsupported encoding %q (want UTF-8, ISO-8859-1 or windows-1252)", label)
	}
	out, err := dec.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %v", label, err)
	}
	// Rewrite the declared label; the declaration is ASCII so offsets hold.
	mm := encodingRE.FindSubmatchIndex(out)
	return append(append(append([]byte(nil), out[:mm[2]]...), "UTF-8"...), out[mm[3]:]...), nil
}

// lineAt is the line of the first non-space byte at or after off.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	for off < len(data) && (data[off] == ' ' || data[off] == '\t' || data[off] == '\r' || data[off] == '\n') {
		off++
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

func isOnlyClosingTags(b []byte) bool {
	s := strings.TrimSpace(string(b))
	for s != "" {
		if !strings.HasPrefix(s, "</") {
			return false
		}
		i := strings.IndexByte(s, '>')
		if i < 0 {
			return false
		}
		s = strings.TrimSpace(s[i+1:])
	}
	return true
}

func xmlMessage(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

// jsonList accepts a list field as an array of strings, a single string, or
// the XML-style nesting {"product": [...]}.
type jsonList []string

func (l *jsonList) UnmarshalJSON(b []byte) error {
	var arr []string
	if err := json.Unmarshal(b, &arr); err == nil {
		*l = arr
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var nested map[string]jsonList
	if err := json.Unmarshal(b, &nested); err == nil {
		for _, k := range slices.Sorted(maps.Keys(nested)) {
			*l = append(*l, nested[k]...)
		}
		return nil
	}
	return &json.UnmarshalTypeError{Value: "non-list", Type: reflect.TypeFor[[]string]()}
}

type jsonRecord struct {
	Delete *struct {
		ID string `json:"id"`
	} `json:"delete"`
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Author     string   `json:"author"`
	Products   jsonList `json:"products"`
	PLNumber   string   `json:"pl_number"`
	Territory  string   `json:"territory"`
	Keywords   jsonList `json:"keywords"`
	Substances jsonList `json:"active_substances"`
	FileSource string   `json:"file_source"`
	FilePath   string   `json:"file_path"`
	Created    string   `json:"created"`
	RevLabel   string   `json:"rev_label"`
	Released   string   `json:"release_state"`
	Holder     string   `json:"holder"`
}

// ParseJSON reads one Sentinel JSON file: one record object or an array of
// them. A record that cannot be decoded is reported with its line and the
// rest of the array is still read.
func ParseJSON(file, dir string, data []byte, fl *finding.List) ([]Event, Counts) {
	var events []Event
	var counts Counts
	if !utf8.Valid(data) {
		fl.Addf(file, lineAt(data, invalidUTF8At(data)), "", "", "text is not UTF-8")
		return nil, counts
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	var elems []json.RawMessage
	var offsets []int
	if len(trimmed) > 0 && trimmed[0] == '[' {
		d := json.NewDecoder(bytes.NewReader(data))
		if _, err := d.Token(); err != nil {
			fl.Addf(file, 1, "", "", "malformed JSON: %v", err)
			return nil, counts
		}
		for d.More() {
			off := int(d.InputOffset())
			var m json.RawMessage
			if err := d.Decode(&m); err != nil {
				counts.Read++
				counts.Rejected++
				fl.Addf(file, lineAt(data, off), "", "", "malformed JSON: %v; the rest of the file is not read", err)
				break
			}
			elems = append(elems, m)
			offsets = append(offsets, off+len(data[off:])-len(bytes.TrimLeft(data[off:], " \t\r\n,")))
		}
	} else {
		if !json.Valid(data) {
			var v any
			err := json.Unmarshal(data, &v)
			fl.Addf(file, 1, "", "", "malformed JSON: %v", err)
			counts.Read++
			counts.Rejected++
			return nil, counts
		}
		elems = []json.RawMessage{data}
		offsets = []int{len(data) - len(trimmed)}
	}
	for i, m := range elems {
		line := lineAt(data, offsets[i])
		counts.Read++
		var j jsonRecord
		if err := json.Unmarshal(m, &j); err != nil {
			counts.Rejected++
			id := ""
			var probe struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(m, &probe) == nil {
				id = probe.ID
			}
			fl.Add(finding.Finding{File: file, Line: line, Record: id, Field: jsonField(err), Message: "malformed record: " + err.Error()})
			continue
		}
		if j.Delete != nil {
			if id := clean(j.Delete.ID); id == "" {
				counts.Rejected++
				fl.Add(finding.Finding{File: file, Line: line, Field: "id", Message: "deletion names no content id"})
			} else {
				counts.Deletions++
				events = append(events, Event{Delete: true, Record: Record{Source: Sentinel, File: file, Line: line, ID: id}})
			}
			continue
		}
		r := raw{ID: j.ID, Name: j.Name, Type: j.Type, Author: j.Author, Products: j.Products,
			PLNumber: j.PLNumber, Territory: j.Territory, Keywords: j.Keywords, Substances: j.Substances,
			FileSource: j.FileSource, FilePath: j.FilePath, Created: j.Created, RevLabel: j.RevLabel,
			Released: j.Released, Holder: j.Holder}
		if !released(r) {
			counts.Unreleased++
			continue
		}
		if rec, ok := r.check(Sentinel, file, line, dir, fl); ok {
			counts.Accepted++
			events = append(events, Event{Record: rec})
		} else {
			counts.Rejected++
		}
	}
	return events, counts
}

func jsonField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}
