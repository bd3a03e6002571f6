// Package synth makes synthetic corpora for the search index's tests and
// benchmarks: the same documents from the same seed, for the Go builder and
// for peers (as HTML pages).
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// This file makes synthetic corpora: medicines-like documents generated
// from a seed, with real substance names, product names with strengths and
// forms, licence numbers in varied spellings, SPC and PIL sections, and
// body text drawn from a Zipf-distributed vocabulary with a long tail of
// rare words.

var synthSubstances = []string{
	"PARACETAMOL", "IBUPROFEN", "AMOXICILLIN", "FUROSEMIDE", "DOSULEPIN", "LIDOCAINE", "SALBUTAMOL",
	"GLIBENCLAMIDE", "CEFALEXIN", "AMLODIPINE", "ATORVASTATIN", "SIMVASTATIN", "OMEPRAZOLE", "LANSOPRAZOLE",
	"METFORMIN", "LEVOTHYROXINE", "RAMIPRIL", "LISINOPRIL", "BISOPROLOL", "ATENOLOL", "SERTRALINE",
	"CITALOPRAM", "FLUOXETINE", "AMITRIPTYLINE", "GABAPENTIN", "PREGABALIN", "TRAMADOL", "CODEINE",
	"MORPHINE", "DIAZEPAM", "LORAZEPAM", "PREDNISOLONE", "HYDROCORTISONE", "BECLOMETASONE", "MONTELUKAST",
	"CETIRIZINE", "LORATADINE", "CLOPIDOGREL", "WARFARIN", "APIXABAN", "RIVAROXABAN", "DOXYCYCLINE",
	"CLARITHROMYCIN", "METRONIDAZOLE", "TRIMETHOPRIM", "NITROFURANTOIN", "FLUCONAZOLE", "ACICLOVIR",
	"MEFLOQUINE", "QUININE", "ALLOPURINOL", "COLCHICINE", "NAPROXEN", "DICLOFENAC", "TAMSULOSIN",
	"FINASTERIDE", "SILDENAFIL", "ESTRADIOL", "LEVONORGESTREL", "INSULIN",
}

var synthForms = []string{"TABLETS", "CAPSULES", "ORAL SOLUTION", "FILM-COATED TABLETS", "CREAM", "SOLUTION FOR INJECTION", "INHALER", "SUSPENSION"}

var synthStrengths = []string{"5MG", "10MG", "20 MG", "25mg", "50MG", "75 mg", "100MG", "200MG", "250MG/5ML", "500MG", "1G", "0.5%", "100 micrograms"}

var synthClinical = strings.Fields(`the and of to in or with for is be may patients treatment dose doses tablet tablets
	use used should not if your doctor pharmacist medicine medicines effects side effect take taking daily adults
	children elderly renal hepatic impairment pain fever infection infections blood pressure heart risk increased
	reduced symptoms reactions allergic rash nausea vomiting diarrhoea headache headaches dizziness pregnancy
	breastfeeding contraindicated hypersensitivity excipients lactose interaction interactions concomitant
	plasma concentration clearance half-life metabolism cytochrome inhibitors inducers monitoring recommended
	maximum minimum initial maintenance oral intravenous injection injections capsule capsules solution
	overdose symptomatic supportive driving machines drowsiness store below temperature pack contents
	indicated adjunct therapy chronic acute severe mild moderate hypertension angina diabetes asthma
	depression anxiety epilepsy seizures bleeding ulcer gastrointestinal liver kidney failure warning
	precautions caution clinical trials placebo efficacy safety common uncommon rare frequency unknown`)

// synthWord makes a pronounceable pseudo-word: the corpus's long tail.
func synthWord(r *rand.Rand) string {
	syl := []string{"ra", "zo", "mi", "ne", "tol", "pra", "cet", "lo", "xi", "fen", "dra", "sul", "bu", "vo", "qua", "ter", "nix", "phy", "gel", "kor"}
	n := 2 + r.IntN(3)
	var b strings.Builder
	for range n {
		b.WriteString(syl[r.IntN(len(syl))])
	}
	return b.String()
}

// synthText makes n words of text: clinical words by a Zipf law, some
// pseudo-words, and the given names sprinkled in.
func synthText(r *rand.Rand, z *rand.Zipf, tail []string, names []string, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch x := r.IntN(100); {
		case x < 3 && len(names) > 0:
			b.WriteString(names[r.IntN(len(names))])
		case x < 13:
			b.WriteString(tail[int(z.Uint64())%len(tail)])
		default:
			b.WriteString(synthClinical[int(z.Uint64())%len(synthClinical)])
		}
	}
	return b.String()
}

var licenceSpellings = []string{"%s %s/%s", "%s%s/%s", "%s %s-%s", "%s_%s_%s", "%s %s %s", "%s%s%s"}

// spcSections names SPC sections 4.1 to 4.9 (searchidx.Sections).
var spcSections = []string{"indications", "posology", "contraindications", "warnings", "interactions",
	"pregnancy", "driving", "side-effects", "overdose"}

// A Doc is one synthetic document; its fields are searchidx.Doc's.
type Doc struct {
	Key        string
	Type       string
	Products   []string
	Substances []string
	Licences   []string
	Title      string
	Sections   []Section
	Body       string
	Card       Card
}

// A Section is a numbered part of a document's text.
type Section struct{ ID, Heading, Text string }

// A Card is what a result shows; its fields are searchidx.Card's.
type Card struct {
	Product, Title       string
	Substances, Licences []string
	Date                 string
	Size                 uint64
	URL                  string
}

// Each calls yield with n documents (an SPC and a PIL per product, a PAR
// for one product in four) of roughly words words each, made from seed,
// one at a time.
func Each(n, words int, seed uint64, yield func(Doc)) {
	r := rand.New(rand.NewPCG(seed, 0x6d6970))
	z := rand.NewZipf(r, 1.1, 4, 1<<20)
	tail := make([]string, 5000+n)
	for i := range tail {
		tail[i] = synthWord(r)
	}
	prefixes := []string{"PL", "PL", "PL", "PL", "PLGB", "PLNI", "PLPI", "THR", "NR"}
	made := 0
	for p := 0; made < n; p++ {
		sub := synthSubstances[r.IntN(len(synthSubstances))]
		if r.IntN(3) == 0 {
			sub = strings.ToUpper(synthWord(r))
		}
		strength := synthStrengths[r.IntN(len(synthStrengths))]
		form := synthForms[r.IntN(len(synthForms))]
		product := fmt.Sprintf("%s %s %s", sub, strength, form)
		prefix := prefixes[r.IntN(len(prefixes))]
		company, num := fmt.Sprintf("%05d", 10000+r.IntN(89999)), fmt.Sprintf("%04d", r.IntN(10000))
		lic := fmt.Sprintf(licenceSpellings[r.IntN(len(licenceSpellings))], prefix, company, num)
		display := prefix + " " + company + "/" + num
		names := []string{strings.ToLower(sub), sub}
		mk := func(typ string) Doc {
			key := fmt.Sprintf("%064x", uint64(p)<<8|uint64(typ[1]))
			d := Doc{
				Key: key, Type: typ, Products: []string{product}, Substances: []string{sub},
				Licences: []string{lic}, Title: strings.ToLower(typ) + "-doc_" + display + ".pdf",
				Card: Card{Product: product, Title: strings.ToLower(typ) + " " + display, Substances: []string{sub},
					Licences: []string{display}, Date: "2024-03-01", Size: uint64(50000 + r.IntN(2000000)),
					URL: "/docs/" + key[48:] + ".pdf"},
			}
			switch typ {
			case "SPC":
				for s := 1; s <= 9; s++ {
					d.Sections = append(d.Sections, Section{ID: fmt.Sprintf("spc-4.%d", s),
						Heading: fmt.Sprintf("4.%d %s", s, spcSections[s-1]), Text: synthText(r, z, tail, names, words/12)})
				}
				d.Body = synthText(r, z, tail, names, words/4)
			case "PIL":
				for s := 1; s <= 6; s++ {
					d.Sections = append(d.Sections, Section{ID: fmt.Sprintf("pil-%d", s),
						Heading: fmt.Sprintf("%d. about %s", s, strings.ToLower(sub)), Text: synthText(r, z, tail, names, words/8)})
				}
			case "PAR":
				d.Body = synthText(r, z, tail, names, words)
			}
			return d
		}
		for _, typ := range []string{"SPC", "PIL", "PAR"} {
			if made < n && (typ != "PAR" || r.IntN(4) == 0) {
				yield(mk(typ))
				made++
			}
		}
	}
}
