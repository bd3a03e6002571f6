package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mip/generator/finding"
)

const goodXML = `<?xml version="1.0" encoding="UTF-8"?>
<export>
  <document>
    <id>CON1</id>
    <name>spc-doc_PL 12345-0010.pdf</name>
    <type>spc</type>
    <author>a</author>
    <products><product>PARACETAMOL   500MG TABLETS</product></products>
    <pl_number>PL 12345/0010-0001</pl_number>
    <active_substances><active_substance>PARACETAMOL</active_substance></active_substances>
    <file_source>Sentinel</file_source>
    <file_path>/docs/spc/con1.pdf</file_path>
    <created>2024-07-01T10:15:00+00:00</created>
  </document>
  <delete><id>CON0</id></delete>
</export>
`

func TestParseXML(t *testing.T) {
	var fl finding.List
	ev, c := ParseXML("a.xml", "/exp", []byte(goodXML), &fl)
	if fl.Len() != 0 {
		t.Fatalf("findings: %v", fl.Sorted())
	}
	if len(ev) != 2 || ev[1].Delete != true || ev[1].Record.ID != "CON0" {
		t.Fatalf("events = %+v", ev)
	}
	r := ev[0].Record
	if r.Type != "SPC" || r.Products[0].Name != "PARACETAMOL 500MG TABLETS" || r.Path != "docs/spc/con1.pdf" || r.Line != 3 {
		t.Errorf("record = %+v", r)
	}
	if got := r.Products[0].Licences[0].Display(); got != "PL 12345/0010" {
		t.Errorf("licence = %s", got)
	}
	if r.Territory != "UK" {
		t.Errorf("territory = %q, want UK from the PL prefix", r.Territory)
	}
	// UK summer time: the +00:00 label is wrong, the wall time is right.
	if want := time.Date(2024, 7, 1, 9, 15, 0, 0, time.UTC); !r.Created.Equal(want) {
		t.Errorf("created = %v, want %v", r.Created.UTC(), want)
	}
	if c.Read != 2 || c.Accepted != 1 || c.Deletions != 1 {
		t.Errorf("counts = %+v", c)
	}
}

func TestParseXMLRecovers(t *testing.T) {
	in := `<export>
<document><id>CON1</id><type>SPC</type><products><product>A</product></products><file_path>/a.pdf</file_path></document>
<document><id>CON2</id><type>SPC</type><products><product>B</product></products><file_path>/b.pdf</document>
<document><id>CON3</id><type>PIL</type><products><product>C</product></products><file_path>/c.pdf</file_path></document>
<document><id>CON4</id><type>PIL</type><products><product>D` + "\xff" + `</product></products><file_path>/d.pdf</file_path></document>
<document><id>CON5</id><type>PAR</type><products><product>E</product></products><file_path>/e.pdf</file_path></document>
</export>`
	var fl finding.List
	ev, c := ParseXML("b.xml", "/exp", []byte(in), &fl)
	var ids []string
	for _, e := range ev {
		ids = append(ids, e.Record.ID)
	}
	if strings.Join(ids, ",") != "CON1,CON3,CON5" {
		t.Errorf("kept %v, want CON1,CON3,CON5", ids)
	}
	got := fl.Sorted()
	if len(got) != 2 {
		t.Fatalf("findings = %v", got)
	}
	if got[0].Line != 3 || got[0].Record != "CON2" || !strings.Contains(got[0].Message, "malformed XML") {
		t.Errorf("first finding = %v", got[0])
	}
	if got[1].Line != 5 || got[1].Record != "CON4" || got[1].Field != "product" || !strings.Contains(got[1].Message, "UTF-8") {
		t.Errorf("second finding = %v", got[1])
	}
	if c.Read != 5 || c.Accepted != 3 || c.Rejected != 2 {
		t.Errorf("counts = %+v", c)
	}
}

func TestParseXMLLatin1(t *testing.T) {
	in := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><document><id>CON9</id><type>PIL</type><products><product>CAF\xc9 TABLETS</product></products><file_path>/x.pdf</file_path></document>"
	var fl finding.List
	ev, _ := ParseXML("l.xml", "/exp", []byte(in), &fl)
	if fl.Len() != 0 || len(ev) != 1 {
		t.Fatalf("events %v findings %v", ev, fl.Sorted())
	}
	if got := ev[0].Record.Products[0].Name; got != "CAFÉ TABLETS" {
		t.Errorf("name = %q", got)
	}
}

func TestCheckFindings(t *testing.T) {
	tests := []struct {
		name  string
		rec   string
		field string
		kept  bool
	}{
		{"missing file_path", `<id>C1</id><type>SPC</type><products><product>A</product></products>`, "file_path", false},
		{"unknown type", `<id>C2</id><type>SMPC</type><products><product>A</product></products><file_path>/a.pdf</file_path>`, "type", false},
		{"no product", `<id>C3</id><type>SPC</type><file_path>/a.pdf</file_path>`, "products", false},
		{"no id", `<type>SPC</type><products><product>A</product></products><file_path>/a.pdf</file_path>`, "id", false},
		{"escaping path", `<id>C4</id><type>SPC</type><products><product>A</product></products><file_path>/../../etc/passwd</file_path>`, "file_path", false},
		{"bad licence", `<id>C5</id><type>SPC</type><products><product>A</product></products><pl_number>PL 1234/56</pl_number><file_path>/a.pdf</file_path>`, "pl_number", true},
		{"bad territory", `<id>C6</id><type>SPC</type><products><product>A</product></products><territory>FR</territory><file_path>/a.pdf</file_path>`, "territory", true},
		{"bad date", `<id>C7</id><type>SPC</type><products><product>A</product></products><created>yesterday</created><file_path>/a.pdf</file_path>`, "created", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fl finding.List
			ev, _ := ParseXML("f.xml", "/exp", []byte("<document>"+tt.rec+"</document>"), &fl)
			got := fl.Sorted()
			if len(got) != 1 || got[0].Field != tt.field || got[0].Kept != tt.kept {
				t.Fatalf("findings = %v, want one on field %s (kept %v)", got, tt.field, tt.kept)
			}
			if (len(ev) == 1) != tt.kept {
				t.Errorf("record kept = %v, want %v", len(ev) == 1, tt.kept)
			}
		})
	}
}

func TestUnreleasedSkipped(t *testing.T) {
	var fl finding.List
	ev, c := ParseXML("u.xml", "/e", []byte(`<document><id>C</id><type>SPC</type><products><product>A</product></products><file_path>/a.pdf</file_path><release_state>N</release_state></document>`), &fl)
	if len(ev) != 0 || fl.Len() != 0 || c.Unreleased != 1 {
		t.Errorf("events %v findings %v counts %+v", ev, fl.Sorted(), c)
	}
}

func TestParseJSON(t *testing.T) {
	in := `[
  {"id": "CON1", "type": "PIL", "products": ["A"], "pl_number": "PLGB 12345/0001", "file_path": "/p/a.pdf"},
  {"id": "CON2", "type": "SPC", "products": {"product": ["B", "C"]}, "pl_number": "PL 11111/0001, PL 11111/0002", "file_path": "/p/b.pdf"},
  {"id": "CON3", "type": "SPC", "products": 7, "file_path": "/p/c.pdf"},
  {"delete": {"id": "CON0"}}
]`
	var fl finding.List
	ev, c := ParseJSON("j.json", "/e", []byte(in), &fl)
	if len(ev) != 3 || !ev[2].Delete {
		t.Fatalf("events = %+v", ev)
	}
	if ev[0].Record.Territory != "GB" {
		t.Errorf("territory = %q, want GB from PLGB", ev[0].Record.Territory)
	}
	b := ev[1].Record
	if len(b.Products) != 2 || b.Products[0].Licences[0].Display() != "PL 11111/0001" || b.Products[1].Licences[0].Display() != "PL 11111/0002" {
		t.Errorf("products = %+v", b.Products)
	}
	got := fl.Sorted()
	if len(got) != 1 || got[0].Record != "CON3" || got[0].Line != 4 || got[0].Field != "products" {
		t.Errorf("findings = %v", got)
	}
	if c.Read != 4 || c.Rejected != 1 || c.Deletions != 1 || c.Accepted != 2 {
		t.Errorf("counts = %+v", c)
	}
}

func TestReadLegacyCSV(t *testing.T) {
	dir := t.TempDir()
	csv := "dDocName,dDocType,dDocTitle,dSecurityGroup,dRevLabel,dCreateDate,dReleaseState,xProductName,xSubstanceName,xSecondLevel\n" +
		"con1,SPC,spc-doc_PL 40378-0095.pdf,Public,1,2019-05-02 09:30:00,Y,CO-CODAMOL TABLETS,\"CODEINE PHOSPHATE, PARACETAMOL\",SPC\n" +
		"con2,PIL,leaflet MAH GENERIC_PL 12345-1234R.pdf,Public,1,2019-05-02,N,X,Y,PIL\n" +
		"con3,PIL,leaflet.pdf,Public,1,2019-05-02,Y,X TABLETS,AMOXICILLIN AND CLAVULANIC ACID,PIL\n" +
		"con4,PIL,too,few\n"
	path := filepath.Join(dir, "export.csv")
	os.WriteFile(path, []byte(csv), 0o644)
	var fl finding.List
	b, c, err := ReadLegacyCSV(path, &fl)
	ev := b.Events
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 2 {
		t.Fatalf("events = %+v", ev)
	}
	if got := strings.Join(ev[0].Record.Substances, "|"); got != "CODEINE PHOSPHATE|PARACETAMOL" {
		t.Errorf("substances = %s", got)
	}
	if got := ev[0].Record.Products[0].Licences[0].Display(); got != "PL 40378/0095" {
		t.Errorf("licence = %s", got)
	}
	if got := strings.Join(ev[1].Record.Substances, "|"); got != "AMOXICILLIN|CLAVULANIC ACID" {
		t.Errorf("substances = %s", got)
	}
	got := fl.Sorted()
	if len(got) != 2 || got[0].Record != "con3" || !got[0].Kept || got[1].Line != 5 {
		t.Errorf("findings = %v", got)
	}
	if c.Unreleased != 1 || c.Accepted != 2 || c.Rejected != 1 {
		t.Errorf("counts = %+v", c)
	}
}

func TestReadPARs(t *testing.T) {
	dir := t.TempDir()
	sheet := "file,products,strength,dose_form,active_substances,licence_number,territory,date\n" +
		"par1.pdf,Nurofen/Ibuprofen,200mg,Tablets,IBUPROFEN,PL 12345/0001,,2023-06-01\n" +
		"par1.pdf,Ibuprofen,400mg,Tablets,IBUPROFEN,PL 12345/0002,,2023-06-01\n" +
		"par2.pdf,X,1mg,Capsules,X,,,2023-06-01\n"
	os.WriteFile(filepath.Join(dir, "pars.csv"), []byte(sheet), 0o644)
	var fl finding.List
	b, _, err := ReadPARs(dir, &fl)
	ev := b.Events
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 1 {
		t.Fatalf("events = %+v", ev)
	}
	r := ev[0].Record
	var names []string
	for _, p := range r.Products {
		names = append(names, p.Name+" "+p.Licences[0].Display())
	}
	want := "Nurofen 200mg Tablets PL 12345/0001|Ibuprofen 200mg Tablets PL 12345/0001|Ibuprofen 400mg Tablets PL 12345/0002"
	if strings.Join(names, "|") != want {
		t.Errorf("products = %q", names)
	}
	got := fl.Sorted()
	if len(got) != 1 || got[0].Field != "licence_number" || got[0].Record != "par2.pdf" {
		t.Errorf("findings = %v", got)
	}
}

func TestSplitSubstances(t *testing.T) {
	for in, want := range map[string]string{
		"PARACETAMOL":                     "PARACETAMOL",
		"CODEINE PHOSPHATE, PARACETAMOL":  "CODEINE PHOSPHATE|PARACETAMOL",
		"AMOXICILLIN AND CLAVULANIC ACID": "AMOXICILLIN|CLAVULANIC ACID",
		"A and B, C":                      "A|B|C",
		"SANDALWOOD OIL":                  "SANDALWOOD OIL",
		" ,  ":                            "",
	} {
		if got := strings.Join(SplitSubstances(in), "|"); got != want {
			t.Errorf("SplitSubstances(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseXML(f *testing.F) {
	f.Add([]byte(goodXML))
	f.Add([]byte("<export><document><id>x</document><delete><id>y</id></delete>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fl finding.List
		ev, c := ParseXML("f.xml", "/e", data, &fl)
		if c.Accepted+c.Deletions != len(ev) {
			t.Fatalf("counts %+v for %d events", c, len(ev))
		}
		for _, e := range ev {
			if !e.Delete && (strings.HasPrefix(e.Record.Path, "..") || strings.HasPrefix(e.Record.Path, "/")) {
				t.Fatalf("path %q escapes", e.Record.Path)
			}
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`[{"id":"a","type":"SPC","products":["x"],"file_path":"/a.pdf"},{"delete":{"id":"b"}}]`))
	f.Add([]byte(`{"id":"a","type":"PIL","products":{"product":"x"},"file_path":"a.pdf"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fl finding.List
		ev, c := ParseJSON("f.json", "/e", data, &fl)
		if c.Accepted+c.Deletions != len(ev) {
			t.Fatalf("counts %+v for %d events", c, len(ev))
		}
	})
}

func FuzzReadLegacyCSV(f *testing.F) {
	f.Add([]byte("dDocName,dDocType,dDocTitle,dSecurityGroup,dRevLabel,dCreateDate,dReleaseState,xProductName,xSubstanceName,xSecondLevel\ncon1,SPC,spc-doc_PL 40378-0095.pdf,P,1,2019-05-02,Y,A,B AND C,SPC\n"))
	f.Add([]byte("dDocName,dDocTitle,dReleaseState,xProductName\n\"a,b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "e.csv")
		os.WriteFile(p, data, 0o644)
		var fl finding.List
		b, c, err := ReadLegacyCSV(p, &fl)
		if err == nil && c.Accepted != len(b.Events) {
			t.Fatalf("counts %+v for %d events", c, len(b.Events))
		}
	})
}

func FuzzReadPARs(f *testing.F) {
	f.Add([]byte("file,products,strength,dose_form,active_substances,licence_number,territory,date\npar1.pdf,A/B,1mg,Tablets,X,PL 12345/0001,,2023-06-01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "pars.csv"), data, 0o644)
		var fl finding.List
		b, _, _ := ReadPARs(dir, &fl)
		for _, e := range b.Events {
			if len(e.Record.Products) == 0 || strings.HasPrefix(e.Record.Path, "..") {
				t.Fatalf("bad PAR %+v", e.Record)
			}
		}
	})
}
