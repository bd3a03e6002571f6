package sample_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"mip/generator/sample"
)

func init() {
	// Keep pdfcpu from writing a configuration below the user's home.
	model.ConfigPath = "disable"
}

// shared is one sample (faults off) that several tests read.
var shared struct {
	once sync.Once
	dir  string
	sum  sample.Summary
	err  error
}

const sharedDocs = 400

func sharedSample(t *testing.T) (string, sample.Summary) {
	t.Helper()
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "mip-sample-test-")
		if shared.err == nil {
			shared.sum, shared.err = sample.Write(shared.dir, sample.Options{Documents: sharedDocs, Seed: 42})
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.dir, shared.sum
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// tree reads every file below dir: relative path → contents ("dir" for a
// directory).
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			files[rel] = []byte("dir")
			return nil
		}
		data, err := os.ReadFile(path)
		files[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDeterministic(t *testing.T) {
	opts := sample.Options{Documents: 150, Seed: 7}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	sa, err := sample.Write(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sample.Write(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sa != sb {
		t.Errorf("summaries differ: %+v and %+v", sa, sb)
	}
	ta, tb := tree(t, a), tree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("%d files and %d files", len(ta), len(tb))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between two writes with the same seed", name)
		}
	}
	opts.Seed = 8
	if _, err := sample.Write(c, opts); err != nil {
		t.Fatal(err)
	}
	tc := tree(t, c)
	same := 0
	for name, data := range ta {
		if bytes.Equal(data, tc[name]) && !strings.HasSuffix(name, ".txt") && string(data) != "dir" {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d files are identical with another seed", same)
	}
}

func TestSummary(t *testing.T) {
	dir, sum := sharedSample(t)
	t.Logf("%+v", sum)
	if sum.Documents < sharedDocs*95/100 || sum.Documents > sharedDocs*105/100 {
		t.Errorf("Documents = %d, want about %d", sum.Documents, sharedDocs)
	}
	if sum.PARs == 0 || sum.Revisions == 0 || sum.LegacyRows == 0 || sum.Products == 0 {
		t.Errorf("summary lacks some kind of record: %+v", sum)
	}
	if sum.Faults != 0 {
		t.Errorf("Faults = %d without Options.Faults", sum.Faults)
	}
	js, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"products"`, `"documents"`, `"revisions"`, `"deletions"`, `"pars"`, `"legacy_rows"`, `"faults"`} {
		if !bytes.Contains(js, []byte(key)) {
			t.Errorf("summary JSON %s lacks %s", js, key)
		}
	}
	att, err := os.ReadFile(filepath.Join(dir, "ATTRIBUTION.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(att), "Contains public sector information licensed under the Open Government Licence v3.0 (NHS Business Services Authority, dm+d).") {
		t.Errorf("ATTRIBUTION.txt lacks the OGL line:\n%s", att)
	}
	if _, err := os.Stat(filepath.Join(dir, "faults.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("faults.txt written without Options.Faults (err %v)", err)
	}
}

// xmlRecord is the shape of a Sentinel record, for checking.
type xmlRecord struct {
	ID               string   `xml:"id" json:"id"`
	Name             string   `xml:"name" json:"name"`
	Type             string   `xml:"type" json:"type"`
	Products         []string `xml:"products>product" json:"products"`
	PLNumber         string   `xml:"pl_number" json:"pl_number"`
	Territory        string   `xml:"territory" json:"territory"`
	ActiveSubstances []string `xml:"active_substances>active_substance" json:"active_substances"`
	FilePath         string   `xml:"file_path" json:"file_path"`
	Created          string   `xml:"created" json:"created"`
	Holder           string   `xml:"holder" json:"holder"`
}

type export struct {
	Documents []xmlRecord `xml:"document"`
	Deletes   []string    `xml:"delete>id"`
}

// readSentinel parses every export file of dir in lexical order and returns
// the records and deleted ids in file order.
func readSentinel(t *testing.T, dir string) (creates []xmlRecord, deletes []string, files int) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "sentinel", "*"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			if strings.HasSuffix(name, "docs") {
				continue
			}
			t.Fatal(err)
		}
		switch filepath.Ext(name) {
		case ".xml":
			var e export
			if err := xml.Unmarshal(data, &e); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			creates = append(creates, e.Documents...)
			deletes = append(deletes, e.Deletes...)
		case ".json":
			var raw []json.RawMessage
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, m := range raw {
				var del struct {
					Delete *struct{ ID string } `json:"delete"`
				}
				if err := json.Unmarshal(m, &del); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if del.Delete != nil {
					deletes = append(deletes, del.Delete.ID)
					continue
				}
				var rec xmlRecord
				if err := json.Unmarshal(m, &rec); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				creates = append(creates, rec)
			}
		default:
			continue
		}
		files++
	}
	return creates, deletes, files
}

var licenceSepRE = regexp.MustCompile(`, |; | and `)

var licenceRE = regexp.MustCompile(`^(PLGB|PLNI|PLPI|PL|THRGB|THRNI|THR|NRGB|NRNI|NR)[ /_]?(\d{5})[ /_-]?(\d{4})(-\d{4})?$`)

func TestSentinelRecords(t *testing.T) {
	dir, sum := sharedSample(t)
	creates, deletes, files := readSentinel(t, dir)
	if files < 2 {
		t.Fatalf("%d export files", files)
	}
	jsonFiles, _ := filepath.Glob(filepath.Join(dir, "sentinel", "*.json"))
	if len(jsonFiles) == 0 {
		t.Error("no JSON export file")
	}
	ids := map[string]bool{}
	prefixes := map[string]int{}
	territories, multi := 0, 0
	created := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$`)
	for _, r := range creates {
		if !regexp.MustCompile(`^CON\d{13}$`).MatchString(r.ID) {
			t.Errorf("content id %q", r.ID)
		}
		if ids[r.ID] {
			t.Errorf("duplicate content id %s", r.ID)
		}
		ids[r.ID] = true
		if r.Type != "SPC" && r.Type != "PIL" {
			t.Errorf("%s: type %q", r.ID, r.Type)
		}
		if len(r.Products) == 0 || r.Products[0] != strings.ToUpper(r.Products[0]) {
			t.Errorf("%s: products %q", r.ID, r.Products)
		}
		if len(r.ActiveSubstances) == 0 || r.Holder == "" {
			t.Errorf("%s: substances %q holder %q", r.ID, r.ActiveSubstances, r.Holder)
		}
		numbers := licenceSepRE.Split(r.PLNumber, -1)
		if len(numbers) != len(r.Products) {
			t.Errorf("%s: %d licence numbers for %d products", r.ID, len(numbers), len(r.Products))
		}
		if len(numbers) > 1 {
			multi++
		}
		for i, n := range numbers {
			m := licenceRE.FindStringSubmatch(n)
			if m == nil {
				t.Errorf("%s: licence number %q", r.ID, r.PLNumber)
				continue
			}
			prefixes[m[1]]++
			if i == 0 && !strings.Contains(r.Name, m[1]+" "+m[2]+"-"+m[3]) {
				t.Errorf("%s: title %q does not carry licence %q", r.ID, r.Name, r.PLNumber)
			}
		}
		if r.Territory != "" {
			territories++
		}
		if !created.MatchString(r.Created) {
			t.Errorf("%s: created %q", r.ID, r.Created)
		}
		want := "/docs/" + strings.ToLower(r.Type) + "/" + strings.ToLower(r.ID) + ".pdf"
		if r.FilePath != want {
			t.Errorf("%s: file_path %q, want %q", r.ID, r.FilePath, want)
		}
		if _, err := os.Stat(filepath.Join(dir, "sentinel", filepath.FromSlash(r.FilePath))); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
	}
	for _, p := range []string{"PL", "PLGB", "PLNI", "PLPI", "THR", "THRGB", "THRNI", "NR", "NRGB", "NRNI"} {
		if prefixes[p] == 0 {
			t.Errorf("no licence with prefix %s", p)
		}
	}
	if multi == 0 {
		t.Error("no record covers several products")
	}
	if prefixes["PL"] < len(creates)/3 {
		t.Errorf("PL is not the commonest prefix: %v", prefixes)
	}
	if territories == 0 || territories > len(creates)/2 {
		t.Errorf("%d of %d records carry a territory", territories, len(creates))
	}
	// Every deletion names an id created earlier.
	for _, id := range deletes {
		if !ids[id] {
			t.Errorf("deletion of unknown id %s", id)
		}
	}
	if len(deletes) != sum.Revisions+sum.Deletions {
		t.Errorf("%d deletions, want revisions %d + deletions %d", len(deletes), sum.Revisions, sum.Deletions)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestLegacyCSV(t *testing.T) {
	dir, sum := sharedSample(t)
	rows := readCSV(t, filepath.Join(dir, "legacy", "export.csv"))
	if got := strings.Join(rows[0], ","); got != "dDocName,dDocType,dDocTitle,dSecurityGroup,dRevLabel,dCreateDate,dReleaseState,xProductName,xSubstanceName,xSecondLevel" {
		t.Fatalf("header %s", got)
	}
	rows = rows[1:]
	if len(rows) != sum.LegacyRows {
		t.Errorf("%d rows, summary says %d", len(rows), sum.LegacyRows)
	}
	var unreleased, comma, and int
	titleRE := regexp.MustCompile(`^(spc-doc_|leaflet MAH (GENERIC|BRAND)_)(PL|PLPI) \d{5}-\d{4}R?\.pdf$`)
	for _, r := range rows {
		if r[6] != "Y" {
			unreleased++
		}
		if strings.Contains(r[8], ", ") {
			comma++
		}
		if strings.Contains(r[8], " AND ") {
			and++
		}
		if !titleRE.MatchString(r[2]) {
			t.Errorf("legacy title %q", r[2])
		}
		if _, err := os.Stat(filepath.Join(dir, "legacy", r[0]+".pdf")); err != nil {
			t.Error(err)
		}
	}
	if unreleased == 0 || comma == 0 || and == 0 {
		t.Errorf("legacy rows: %d unreleased, %d with ', ', %d with ' AND '", unreleased, comma, and)
	}
}

func TestPARs(t *testing.T) {
	dir, sum := sharedSample(t)
	rows := readCSV(t, filepath.Join(dir, "pars", "pars.csv"))
	if got := strings.Join(rows[0], ","); got != "file,products,strength,dose_form,active_substances,licence_number,territory,date" {
		t.Fatalf("header %s", got)
	}
	files := map[string]int{}
	slash := 0
	for _, r := range rows[1:] {
		files[r[0]]++
		if strings.Contains(r[1], "/") {
			slash++
		}
		if !licenceRE.MatchString(r[5]) {
			t.Errorf("PAR %s: licence %q", r[0], r[5])
		}
	}
	if len(files) != sum.PARs {
		t.Errorf("%d PAR files, summary says %d", len(files), sum.PARs)
	}
	multi := 0
	for f, n := range files {
		if n > 1 {
			multi++
		}
		if n > 3 {
			t.Errorf("%s covers %d products", f, n)
		}
		if _, err := os.Stat(filepath.Join(dir, "pars", f)); err != nil {
			t.Error(err)
		}
	}
	if multi == 0 || slash == 0 {
		t.Errorf("%d PARs cover several products, %d rows have Brand/Generic names", multi, slash)
	}
}

// pdfFiles lists every PDF below dir.
func pdfFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".pdf") {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPDFsParse(t *testing.T) {
	dir, _ := sharedSample(t)
	files := pdfFiles(t, dir)
	if len(files) < sharedDocs {
		t.Fatalf("%d PDFs", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(raw, []byte("/Filter /FlateDecode")) {
			t.Errorf("%s: page streams not deflated", f)
		}
		ctx, err := api.ReadContextFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if ctx.PageCount < 1 || ctx.PageCount > 4 {
			t.Errorf("%s: %d pages", f, ctx.PageCount)
		}
		if ctx.Title == "" {
			t.Errorf("%s: no title", f)
		}
	}
}

var (
	spcHeadings = []string{
		"1 NAME OF THE MEDICINAL PRODUCT", "2 QUALITATIVE AND QUANTITATIVE COMPOSITION", "3 PHARMACEUTICAL FORM",
		"4 CLINICAL PARTICULARS", "4.1 Therapeutic indications", "4.2 Posology and method of administration",
		"4.3 Contraindications", "4.4 Special warnings and precautions for use",
		"4.5 Interaction with other medicinal products", "4.6 Fertility, pregnancy and lactation",
		"4.7 Effects on ability to drive and use machines", "4.8 Undesirable effects", "4.9 Overdose",
		"5 PHARMACOLOGICAL PROPERTIES", "5.1 Pharmacodynamic properties", "5.2 Pharmacokinetic properties",
		"5.3 Preclinical safety data", "6 PHARMACEUTICAL PARTICULARS", "6.1 List of excipients",
		"6.2 Incompatibilities", "6.3 Shelf life", "6.4 Special precautions for storage",
		"6.5 Nature and contents of container", "6.6 Special precautions for disposal",
		"7 MARKETING AUTHORISATION HOLDER", "8 MARKETING AUTHORISATION NUMBER(S)",
		"9 DATE OF FIRST AUTHORISATION/RENEWAL", "10 DATE OF REVISION OF THE TEXT",
	}
	pilHeadings = []string{"1. What ", " is and what it is used for", "2. What you need to know before you ",
		"3. How to ", "4. Possible side effects", "5. How to store ", "6. Contents of the pack and other information"}
	parHeadings = []string{"Introduction", "Quality aspects", "Non-clinical aspects", "Clinical aspects", "Conclusion"}
)

func pdftotext(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	// Join wrapped lines so that headings compare whatever the line breaks.
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestPDFText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	dir, _ := sharedSample(t)
	check := func(pattern string, headings []string, limit int) {
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(files) == 0 {
			t.Fatalf("no %s", pattern)
		}
		if len(files) > limit {
			files = files[:limit]
		}
		for _, f := range files {
			text := pdftotext(t, f)
			for _, h := range headings {
				if !strings.Contains(text, h) {
					t.Errorf("%s lacks %q", f, h)
				}
			}
			if len(strings.Fields(text)) < 500 {
				t.Errorf("%s: only %d words", f, len(strings.Fields(text)))
			}
		}
	}
	check("sentinel/docs/spc/*.pdf", spcHeadings, 25)
	check("sentinel/docs/pil/*.pdf", pilHeadings, 15)
	check("pars/*.pdf", parHeadings, 10)
	// Section 10 holds a date of revision.
	files, _ := filepath.Glob(filepath.Join(dir, "sentinel/docs/spc/*.pdf"))
	text := pdftotext(t, files[0])
	if !regexp.MustCompile(`10 DATE OF REVISION OF THE TEXT \d{1,2} [A-Z][a-z]+ 20\d\d`).MatchString(text) {
		t.Errorf("%s: no date of revision in section 10", files[0])
	}
}

func TestFaults(t *testing.T) {
	dir := t.TempDir()
	sum, err := sample.Write(dir, sample.Options{Documents: 120, Seed: 3, Faults: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Faults != 15 {
		t.Errorf("Faults = %d, want 15", sum.Faults)
	}
	data, err := os.ReadFile(filepath.Join(dir, "faults.txt"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[1] == "" || f[2] == "" {
			t.Errorf("faults.txt line %q: want kind, file, record, detail", line)
			continue
		}
		if kinds[f[0]] != nil {
			t.Errorf("fault kind %s listed twice", f[0])
		}
		kinds[f[0]] = f
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f[1]))); err != nil {
			t.Errorf("fault %s: %v", f[0], err)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f[1])))
		if !bytes.Contains(bytes.ToLower(raw), []byte(strings.ToLower(f[2]))) {
			t.Errorf("fault %s: %s does not hold record %s", f[0], f[1], f[2])
		}
	}
	want := []string{"malformed-xml", "missing-field", "unknown-type", "bad-licence", "missing-pdf", "unreadable-pdf",
		"not-pdf", "broken-pdf", "encrypted-pdf", "path-escape", "oversize-pdf", "duplicate-id", "non-utf8",
		"legacy-row", "par-row"}
	if len(kinds) != len(want) {
		t.Errorf("%d fault kinds, want %d", len(kinds), len(want))
	}
	for _, k := range want {
		if kinds[k] == nil {
			t.Errorf("fault %s not listed", k)
		}
	}
	pdfOf := func(kind string) string {
		detail := kinds[kind][3]
		i := strings.Index(detail, "sentinel/docs/")
		if i < 0 {
			t.Fatalf("fault %s: no PDF path in %q", kind, detail)
		}
		return filepath.Join(dir, filepath.FromSlash(detail[i:]))
	}
	if fi, err := os.Stat(pdfOf("oversize-pdf")); err != nil || fi.Size() != 101<<20 {
		t.Errorf("oversize PDF: %v, %v", fi, err)
	}
	if fi, err := os.Stat(pdfOf("unreadable-pdf")); err != nil || !fi.IsDir() {
		t.Errorf("unreadable PDF is not a directory: %v", err)
	}
	if _, err := os.Stat(pdfOf("missing-pdf")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing PDF exists: %v", err)
	}
	for _, k := range []string{"broken-pdf", "encrypted-pdf", "not-pdf"} {
		if _, err := api.ReadContextFile(pdfOf(k)); err == nil {
			t.Errorf("%s: pdfcpu reads it without error", k)
		}
	}
	for _, k := range []string{"unknown-type", "bad-licence", "duplicate-id"} {
		if _, err := api.ReadContextFile(pdfOf(k)); err != nil {
			t.Errorf("%s: its PDF should be good: %v", k, err)
		}
	}
	// The malformed file is broken XML, with good records around the bad one.
	mal, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(kinds["malformed-xml"][1])))
	if err := xml.Unmarshal(mal, new(export)); err == nil {
		t.Error("malformed-xml file parses")
	}
	if n := bytes.Count(mal, []byte("<document>")); n != 3 {
		t.Errorf("malformed-xml file holds %d records, want 3", n)
	}
	latin, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(kinds["non-utf8"][1])))
	if !bytes.Contains(latin, []byte("\xe9")) || !bytes.Contains(latin, []byte(`encoding="UTF-8"`)) {
		t.Error("non-utf8 file lacks its bad bytes or its UTF-8 declaration")
	}
	// Every other export file still parses, and the good records are those of
	// the same sample without faults.
	good := t.TempDir()
	if _, err := sample.Write(good, sample.Options{Documents: 120, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	gt, ft := tree(t, good), tree(t, dir)
	for name, data := range gt {
		if name == filepath.Join("legacy", "export.csv") || name == filepath.Join("pars", "pars.csv") {
			continue
		}
		if !bytes.Equal(data, ft[name]) {
			t.Errorf("%s differs when faults are added", name)
		}
	}
	// The CSVs differ by exactly their one bad row.
	for _, name := range []string{filepath.Join("legacy", "export.csv"), filepath.Join("pars", "pars.csv")} {
		gl := strings.Split(string(gt[name]), "\n")
		fl := strings.Split(string(ft[name]), "\n")
		if len(fl) != len(gl)+1 {
			t.Errorf("%s: %d lines with faults, %d without", name, len(fl), len(gl))
		}
	}
}

func BenchmarkWrite2k(b *testing.B) {
	root := b.TempDir()
	i := 0
	for b.Loop() {
		dir := filepath.Join(root, fmt.Sprint(i))
		if _, err := sample.Write(dir, sample.Options{Documents: 2000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
		i++
	}
}

func TestWriteRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sample.Write(dir, sample.Options{Documents: 10}); err == nil {
		t.Error("Write into a non-empty directory succeeded")
	}
	if _, err := sample.Write(t.TempDir(), sample.Options{Documents: -1}); err == nil {
		t.Error("Write with a negative document count succeeded")
	}
}
