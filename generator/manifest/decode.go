package manifest

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// decode parses a manifest's bytes. Manifests are large (a line per file:
// about 420,000 at 100,000 documents, read twice by every build), so the
// lines WriteManifest writes are parsed directly; anything else (another
// key order, escapes, non-ASCII names, spacing) goes through encoding/json,
// which gives the same result for what both accept.
func decode(data []byte) (*Manifest, error) {
	if m, ok := decodeLines(data); ok {
		return m, nil
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return &m, nil
}

// decodeLines parses exactly the layout WriteManifest writes; ok is false
// for anything else.
func decodeLines(data []byte) (m *Manifest, ok bool) {
	p := lineParser{data: data}
	if !p.lit(`{"version":`) {
		return nil, false
	}
	version, ok := p.int()
	if !ok || !p.lit(`,"files":[`) {
		return nil, false
	}
	m = &Manifest{Version: int(version), Files: make([]Entry, 0, bytes.Count(data, []byte("\n{")))}
	for i := 0; ; i++ {
		if p.lit("\n]}") {
			break
		}
		if i > 0 && !p.lit(",") {
			return nil, false
		}
		var e Entry
		var class string
		if !p.lit("\n{\"path\":") || !p.str(&e.Path) ||
			!p.lit(`,"size":`) {
			return nil, false
		}
		if e.Size, ok = p.int(); !ok {
			return nil, false
		}
		if !p.lit(`,"md5":`) || !p.str(&e.MD5) || !p.lit(`,"sha256":`) || !p.str(&e.SHA256) ||
			!p.lit(`,"class":`) || !p.str(&class) {
			return nil, false
		}
		e.Class = Class(class)
		if p.lit(`,"key":`) && !p.str(&e.Key) {
			return nil, false
		}
		if !p.lit("}") {
			return nil, false
		}
		m.Files = append(m.Files, e)
	}
	p.lit("\n")
	if p.i != len(data) {
		return nil, false
	}
	return m, true
}

type lineParser struct {
	data []byte
	i    int
}

// lit consumes s if the input continues with it.
func (p *lineParser) lit(s string) bool {
	if len(p.data)-p.i < len(s) || string(p.data[p.i:p.i+len(s)]) != s {
		return false
	}
	p.i += len(s)
	return true
}

// str consumes a JSON string of printable ASCII without escapes.
func (p *lineParser) str(s *string) bool {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return false
	}
	start := p.i + 1
	for j := start; j < len(p.data); j++ {
		switch c := p.data[j]; {
		case c == '"':
			*s = string(p.data[start:j])
			p.i = j + 1
			return true
		case c == '\\' || c < 0x20 || c > 0x7e:
			return false
		}
	}
	return false
}

// int consumes a non-negative JSON integer of at most 18 digits.
func (p *lineParser) int() (int64, bool) {
	j := p.i
	for j < len(p.data) && j-p.i <= 18 && p.data[j] >= '0' && p.data[j] <= '9' {
		j++
	}
	n := j - p.i
	if n == 0 || n > 18 || (n > 1 && p.data[p.i] == '0') {
		return 0, false
	}
	if j < len(p.data) && (p.data[j] == '.' || p.data[j] == 'e' || p.data[j] == 'E') {
		return 0, false
	}
	v, err := strconv.ParseInt(string(p.data[p.i:j]), 10, 64)
	if err != nil {
		return 0, false
	}
	p.i = j
	return v, true
}
