package manifest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// written returns the bytes WriteManifest writes for m.
func written(t testing.TB, m *Manifest) []byte {
	dir := t.TempDir()
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, Name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var decodeCases = []*Manifest{
	{Version: 1, Files: []Entry{}},
	{Version: 1, Files: []Entry{{Path: "index.html", Size: 10, MD5: "aa", SHA256: "bb", Class: Root, Key: "cc"}}},
	{Version: 1, Files: []Entry{
		{Path: "a b/c.html", Size: 0, MD5: "00", SHA256: "11", Class: Page},
		{Path: "docs/x.pdf", Size: 123456789012, MD5: "22", SHA256: "33", Class: ContentAddressed},
		{Path: "é/quote\"d\\.html", Size: 7, MD5: "44", SHA256: "55", Class: Page, Key: "k"}, // through encoding/json
	}},
}

// TestDecode: what WriteManifest writes reads back as it was, by the line
// parser where it can and by encoding/json where it cannot.
func TestDecode(t *testing.T) {
	for _, m := range decodeCases {
		data := written(t, m)
		got, err := decode(data)
		if err != nil {
			t.Fatalf("decode(%s): %v", data, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("decode(%s) = %+v, want %+v", data, got, m)
		}
	}
	// The common case takes the line parser.
	if _, ok := decodeLines(written(t, decodeCases[1])); !ok {
		t.Error("the line parser refused what WriteManifest wrote")
	}
}

// FuzzDecode: whatever the line parser accepts, encoding/json reads the
// same way.
func FuzzDecode(f *testing.F) {
	for _, m := range decodeCases {
		f.Add(written(f, m))
	}
	f.Add([]byte(`{"version":1,"files":[` + "\n" + `{"path":"a","size":01,"md5":"","sha256":"","class":""}` + "\n]}"))
	f.Add([]byte(`{"version":1,"files":[` + "\n" + `{"path":"a","size":1e3,"md5":"","sha256":"","class":""}` + "\n]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := decodeLines(data)
		if !ok {
			decode(data) // must not panic
			return
		}
		var want Manifest
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("the line parser accepted %q, encoding/json refuses it: %v", data, err)
		}
		if !reflect.DeepEqual(fast, &want) {
			t.Fatalf("%q: line parser %+v, encoding/json %+v", data, fast, want)
		}
	})
}
