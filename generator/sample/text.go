package sample

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// A para is one block of document text.
type para struct {
	style int // styleTitle, styleH1, styleH2, styleText, styleBullet
	text  string
}

const (
	styleTitle = iota
	styleH1
	styleH2
	styleText
	styleBullet
)

type textBuilder struct {
	r     *rand.Rand
	paras []para
}

func (b *textBuilder) title(s string)  { b.paras = append(b.paras, para{styleTitle, s}) }
func (b *textBuilder) h1(s string)     { b.paras = append(b.paras, para{styleH1, s}) }
func (b *textBuilder) h2(s string)     { b.paras = append(b.paras, para{styleH2, s}) }
func (b *textBuilder) text(s string)   { b.paras = append(b.paras, para{styleText, s}) }
func (b *textBuilder) bullet(s string) { b.paras = append(b.paras, para{styleBullet, s}) }
func (b *textBuilder) textf(format string, args ...any) {
	b.text(fmt.Sprintf(format, args...))
}

// sentences joins k sentences drawn from pool, in pool order.
func (b *textBuilder) sentences(pool []string, k int) string {
	return strings.Join(pickN(b.r, pool, k), " ")
}

// form facts derived from the dm+d dose form.
type formFacts struct {
	unit   string // "tablet"
	route  string // "Oral use"
	verb   string // "take"
	pharm  string // SPC section 3 text
	pack   string // container description
	oral   bool
	liquid bool
}

func factsOf(form string) formFacts {
	f := strings.ToLower(form)
	switch {
	case strings.Contains(f, "tablet"):
		return formFacts{"tablet", "Oral use", "take", "Tablet. White to off-white, round, biconvex tablets, debossed on one side and plain on the other.", "PVC/PVDC/aluminium blister packs of 28 tablets", true, false}
	case strings.Contains(f, "capsule"):
		return formFacts{"capsule", "Oral use", "take", "Capsule, hard. Opaque capsules filled with a white to off-white powder.", "Aluminium/aluminium blister packs of 28 or 30 capsules", true, false}
	case strings.Contains(f, "inject") || strings.Contains(f, "infusion"):
		return formFacts{"ml", "Intravenous or intramuscular use", "use", "Solution for injection. A clear, colourless to pale yellow solution, practically free from visible particles.", "Type I clear glass vials with a bromobutyl rubber stopper, packs of 1, 5 or 10 vials", false, true}
	case strings.Contains(f, "inhal") || strings.Contains(f, "disk") || strings.Contains(f, "nebuliser"):
		return formFacts{"actuation", "Inhalation use", "use", "Pressurised inhalation, suspension, or inhalation powder in a multi-dose device.", "Aluminium canister with a metering valve in a plastic actuator, 120 or 200 actuations", false, false}
	case strings.Contains(f, "eye"):
		return formFacts{"drop", "Ocular use", "use", "Eye drops, solution. A clear, colourless solution.", "5 ml LDPE dropper bottle with a tamper-evident cap", false, true}
	case strings.Contains(f, "nasal"):
		return formFacts{"spray", "Nasal use", "use", "Nasal spray, suspension.", "Amber glass bottle with a metered-dose pump, 120 sprays", false, true}
	case strings.Contains(f, "cream") || strings.Contains(f, "ointment") || strings.Contains(f, "gel") || strings.Contains(f, "lotion"):
		return formFacts{"gram", "Cutaneous use", "use", "Cream. A smooth, white, homogeneous cream.", "Aluminium tubes of 15 g, 30 g or 100 g with a screw cap", false, false}
	case strings.Contains(f, "oral solution") || strings.Contains(f, "suspension") || strings.Contains(f, "syrup") || strings.Contains(f, "liquid"):
		return formFacts{"5 ml", "Oral use", "take", "Oral solution. A clear liquid with a characteristic odour.", "Amber glass bottle of 100 ml or 150 ml with a child-resistant closure and a 5 ml oral syringe", true, true}
	}
	return formFacts{"dose", "As directed", "use", "As described in the product licence.", "Cardboard outer carton containing the immediate container", false, false}
}

var excipients = [][]string{
	{"Microcrystalline cellulose", "Lactose monohydrate", "Magnesium stearate", "Croscarmellose sodium", "Colloidal anhydrous silica", "Hypromellose (E464)", "Titanium dioxide (E171)", "Macrogol 4000"},
	{"Maize starch", "Povidone K30", "Sodium starch glycolate (type A)", "Talc", "Stearic acid", "Gelatin", "Iron oxide yellow (E172)"},
	{"Sodium chloride", "Sodium hydroxide (for pH adjustment)", "Hydrochloric acid (for pH adjustment)", "Water for injections", "Disodium edetate", "Polysorbate 80"},
	{"Liquid paraffin", "White soft paraffin", "Cetostearyl alcohol", "Propylene glycol", "Chlorocresol", "Purified water"},
}

var pkSentences = []string{
	"After oral administration the active substance is rapidly and almost completely absorbed, with peak plasma concentrations reached within one to three hours.",
	"Absolute bioavailability is approximately 60 to 80 percent and is not significantly affected by food.",
	"Plasma protein binding is about 90 percent, mainly to albumin.",
	"The apparent volume of distribution at steady state suggests wide distribution into tissues.",
	"It is extensively metabolised in the liver, mainly by cytochrome P450 isoenzymes CYP3A4 and CYP2C9, to inactive metabolites.",
	"The terminal elimination half-life is about 12 hours, allowing once-daily dosing; steady state is reached after four to five days.",
	"Elimination is predominantly renal, with about two thirds of a dose recovered in the urine and the rest in the faeces.",
	"In patients with moderate renal impairment exposure increased by approximately 50 percent.",
	"Pharmacokinetics are linear over the therapeutic dose range.",
	"In elderly subjects plasma concentrations were about 20 percent higher than in young volunteers, which is not considered clinically relevant.",
}

var preclinical = []string{
	"Non-clinical data reveal no special hazard for humans based on conventional studies of safety pharmacology, repeated dose toxicity, genotoxicity and carcinogenic potential.",
	"In reproductive toxicity studies effects were seen only at exposures sufficiently in excess of the maximum human exposure, indicating little relevance to clinical use.",
	"The active substance was not mutagenic in the Ames test and was not clastogenic in vitro or in vivo.",
	"Studies in animals have shown that the substance crosses the placenta and is excreted in milk.",
}

var posologyExtra = []string{
	"The dose should be adjusted according to the clinical response and tolerability.",
	"If a dose is missed, it should be taken as soon as possible on the same day; a double dose should not be taken to make up for a forgotten dose.",
	"Treatment is usually long term and should be reviewed regularly.",
	"The lowest effective dose should be used for the shortest duration necessary to control symptoms.",
	"Titration should take place at intervals of at least two weeks.",
}

var pregnancyText = []string{
	"There are no or limited data from the use of the active substance in pregnant women. Animal studies do not indicate direct or indirect harmful effects with respect to reproductive toxicity. As a precautionary measure, it is preferable to avoid use during pregnancy.",
	"Epidemiological evidence regarding the risk of teratogenicity following exposure during the first trimester of pregnancy has not been conclusive. The product should only be used during pregnancy if the potential benefit justifies the potential risk to the foetus.",
}

var lactationText = []string{
	"It is unknown whether the active substance or its metabolites are excreted in human milk. A risk to the newborns or infants cannot be excluded. A decision must be made whether to discontinue breast-feeding or to discontinue therapy.",
	"The active substance is excreted in human milk in small amounts; at therapeutic doses no effects on the breast-fed newborn or infant are anticipated.",
}

var driveText = []string{
	"This medicine has no or negligible influence on the ability to drive and use machines.",
	"This medicine has minor influence on the ability to drive and use machines. Dizziness and fatigue may occur, particularly at the start of treatment.",
	"This medicine can impair cognitive function and can affect a patient's ability to drive safely. Patients should be advised not to drive or operate machinery until they know how the medicine affects them.",
}

var streets = []string{"Station Road", "Riverside Way", "Park Lane", "Kings Avenue", "Bridge Street", "Chapel Road", "Mill Lane", "Church Street"}
var towns = []string{"Reading RG1 2AB", "Slough SL1 4XY", "Hatfield AL10 9UL", "Leeds LS11 5DN", "Maidenhead SL6 8AA", "Camberley GU16 7SR", "Barnstaple EX32 8NS", "Dublin D24 PPT3"}

func address(r *rand.Rand) string {
	return fmt.Sprintf("%d %s, %s, United Kingdom", 1+r.IntN(200), pick(r, streets), pick(r, towns))
}

// prettyDate is the style SPCs use for dates, "14 March 2024".
func prettyDate(t time.Time) string { return londonWall(t).Format("2 January 2006") }

// substanceText is the substances in lower case joined with "and".
func substanceText(m *medicine) string {
	return strings.ToLower(strings.Join(m.substances, " and "))
}

func (b *textBuilder) sideEffects(a *area) {
	b.text("The following undesirable effects have been observed during treatment with the frequencies: very common (>=1/10), common (>=1/100 to <1/10), uncommon (>=1/1,000 to <1/100), rare (>=1/10,000 to <1/1,000), very rare (<1/10,000), not known (cannot be estimated from the available data).")
	b.bullet("Common: " + strings.Join(pickN(b.r, a.common, 3+b.r.IntN(3)), ", "))
	b.bullet("Uncommon: " + strings.Join(pickN(b.r, a.uncommon, 2+b.r.IntN(3)), ", "))
	b.bullet("Rare: " + strings.Join(pickN(b.r, a.rare, 2+b.r.IntN(2)), ", "))
	b.text("Reporting of suspected adverse reactions: reporting suspected adverse reactions after authorisation of the medicinal product is important. It allows continued monitoring of the benefit/risk balance of the medicinal product. Healthcare professionals are asked to report any suspected adverse reactions via the Yellow Card Scheme.")
}

// spcText writes an SPC with every numbered QRD section.
func spcText(r *rand.Rand, d *document) []para {
	b := &textBuilder{r: r}
	m, a := d.prod.med, areaOf(d.prod.med)
	ff := factsOf(m.form)
	subs := substanceText(m)
	// Length: a quarter short (about 2 pages), a quarter long (about 4).
	lvl := r.IntN(4)
	short, long := lvl == 0, lvl == 3
	few := func(lo, hi int) int {
		switch {
		case short:
			return lo
		case long:
			return hi
		}
		return lo + r.IntN(hi-lo+1)
	}
	b.title("SUMMARY OF PRODUCT CHARACTERISTICS")
	b.h1("1 NAME OF THE MEDICINAL PRODUCT")
	for _, q := range d.products() {
		b.text(q.med.name)
	}
	b.h1("2 QUALITATIVE AND QUANTITATIVE COMPOSITION")
	if len(d.also) > 0 {
		for _, q := range d.products() {
			b.textf("%s: each %s contains %s of %s.", q.med.name, factsOf(q.med.form).unit, q.med.strength, subs)
		}
	} else if strings.Contains(m.strength, "/") {
		b.textf("The product contains %s of %s.", m.strength, subs)
	} else if m.strength != "" {
		b.textf("Each %s contains %s of %s.", ff.unit, m.strength, subs)
	} else {
		b.textf("Each %s contains %s as the active substance.", ff.unit, subs)
	}
	if r.IntN(2) == 0 {
		b.textf("Excipient with known effect: each %s contains %d mg of lactose monohydrate.", ff.unit, 20+r.IntN(150))
	}
	b.text("For the full list of excipients, see section 6.1.")
	b.h1("3 PHARMACEUTICAL FORM")
	b.text(ff.pharm)
	b.h1("4 CLINICAL PARTICULARS")
	b.h2("4.1 Therapeutic indications")
	b.textf("%s is indicated in adults for:", m.base)
	for _, ind := range pickN(r, a.indications, few(1, 4)) {
		b.bullet(ind)
	}
	b.h2("4.2 Posology and method of administration")
	b.text("Posology")
	b.textf("Adults: the recommended starting dose is one %s once or twice daily. %s", ff.unit, b.sentences(posologyExtra, few(0, 4)))
	b.text("Elderly: no dose adjustment is necessary, but renal function should be considered.")
	b.textf("Renal impairment: in patients with a creatinine clearance below 30 ml/min a lower starting dose is recommended. Hepatic impairment: %s should be used with caution in patients with hepatic impairment.", m.base)
	b.textf("Paediatric population: the safety and efficacy of %s in children and adolescents below 18 years have not been established. No data are available.", m.base)
	b.textf("Method of administration: %s.", strings.ToLower(ff.route))
	if ff.oral && !ff.liquid {
		b.textf("The %ss should be swallowed whole with a glass of water, with or without food.", ff.unit)
	}
	b.h2("4.3 Contraindications")
	b.bullet("Hypersensitivity to the active substance or to any of the excipients listed in section 6.1.")
	for _, c := range pickN(r, a.contra, few(1, 4)) {
		b.bullet(sentenceStart(c) + ".")
	}
	b.h2("4.4 Special warnings and precautions for use")
	b.text(b.sentences(a.warnings, few(1, 4)))
	if long {
		b.text(b.sentences(extraWarnings, 4+r.IntN(3)))
	}
	b.textf("Monitoring: %s should be monitored during treatment.", strings.Join(pickN(r, a.monitoring, 2), " and "))
	if !short && r.IntN(2) == 0 {
		b.text("Excipients: patients with rare hereditary problems of galactose intolerance, total lactase deficiency or glucose-galactose malabsorption should not take this medicine. This medicine contains less than 1 mmol sodium (23 mg) per dose, that is to say essentially sodium-free.")
	}
	b.h2("4.5 Interaction with other medicinal products and other forms of interaction")
	b.textf("Interaction studies have only been performed in adults. Caution is advised when %s is given with:", m.base)
	for _, x := range pickN(r, a.interactions, few(1, 5)) {
		b.bullet(x)
	}
	b.h2("4.6 Fertility, pregnancy and lactation")
	b.text("Pregnancy: " + pick(r, pregnancyText))
	b.text("Breast-feeding: " + pick(r, lactationText))
	if !short {
		b.text("Fertility: there are no data on the effect on human fertility. Animal studies did not show effects on male or female fertility.")
	}
	b.h2("4.7 Effects on ability to drive and use machines")
	b.text(pick(r, driveText))
	b.h2("4.8 Undesirable effects")
	b.textf("Summary of the safety profile: the most frequently reported adverse reactions during treatment with %s are %s and %s.", subs, pick(r, a.common), pick(r, a.uncommon))
	b.sideEffects(a)
	if long {
		b.textf("Description of selected adverse reactions: %s", b.sentences(selectedReactions, 2+r.IntN(2)))
		b.text("Paediatric population: the frequency, type and severity of adverse reactions in children are expected to be the same as in adults.")
	}
	b.h2("4.9 Overdose")
	b.textf("Symptoms: overdose may be expected to produce an exaggeration of the known pharmacological effects, mainly %s. Management: there is no specific antidote. Treatment should be symptomatic and supportive, with close monitoring of %s. Activated charcoal may be considered if the patient presents within one hour of ingestion.", pick(r, a.common), pick(r, a.monitoring))
	b.h1("5 PHARMACOLOGICAL PROPERTIES")
	b.h2("5.1 Pharmacodynamic properties")
	b.textf("Pharmacotherapeutic group: medicines for the %s. Mechanism of action: %s %s.", a.name, sentenceStart(subs), pick(r, a.action))
	if !short {
		b.textf("Clinical efficacy and safety: in randomised, double-blind, placebo-controlled studies in patients with %s, treatment with %s produced statistically significant and clinically relevant improvements in the primary end point, maintained over %d weeks of treatment.", pick(r, a.indications), subs, 12+4*r.IntN(10))
	}
	if long {
		for range 4 + r.IntN(3) {
			b.textf(pick(r, trialText), pick(r, a.indications), 100*(3+r.IntN(30)), subs, 10+r.IntN(40), pick(r, a.common))
		}
	}
	b.h2("5.2 Pharmacokinetic properties")
	b.text(b.sentences(pkSentences, few(2, 10)))
	if long {
		b.text("Special populations: " + b.sentences(specialPopulations, 5))
		b.text("Linearity/non-linearity: " + b.sentences(pkSentences, 3))
	}
	b.h2("5.3 Preclinical safety data")
	b.text(b.sentences(preclinical, few(1, 4)))
	b.h1("6 PHARMACEUTICAL PARTICULARS")
	b.h2("6.1 List of excipients")
	ex := excipients[r.IntN(len(excipients))]
	for _, e := range pickN(r, ex, few(3, 7)) {
		b.bullet(e)
	}
	b.h2("6.2 Incompatibilities")
	b.text("Not applicable.")
	b.h2("6.3 Shelf life")
	b.textf("%d years.", 2+r.IntN(4))
	b.h2("6.4 Special precautions for storage")
	b.text(pick(r, []string{"Do not store above 25 C. Store in the original package in order to protect from moisture.", "This medicinal product does not require any special storage conditions.", "Store in a refrigerator (2 C to 8 C). Do not freeze."}))
	b.h2("6.5 Nature and contents of container")
	b.textf("%s. Not all pack sizes may be marketed.", ff.pack)
	b.h2("6.6 Special precautions for disposal and other handling")
	b.text("Any unused medicinal product or waste material should be disposed of in accordance with local requirements.")
	b.h1("7 MARKETING AUTHORISATION HOLDER")
	b.text(d.prod.holder)
	b.text(address(r))
	b.h1("8 MARKETING AUTHORISATION NUMBER(S)")
	for _, q := range d.products() {
		b.text(q.lic.display())
	}
	b.h1("9 DATE OF FIRST AUTHORISATION/RENEWAL OF THE AUTHORISATION")
	first := d.created.AddDate(-1-r.IntN(15), -r.IntN(12), 0)
	b.textf("Date of first authorisation: %s", prettyDate(first))
	b.h1("10 DATE OF REVISION OF THE TEXT")
	b.text(prettyDate(d.created))
	return b.paras
}

// sentenceStart capitalises the first letter of s.
func sentenceStart(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// pilText writes a patient information leaflet with its six sections.
func pilText(r *rand.Rand, d *document) []para {
	b := &textBuilder{r: r}
	m, a := d.prod.med, areaOf(d.prod.med)
	ff := factsOf(m.form)
	x := m.base
	b.title("Package leaflet: Information for the patient")
	for _, q := range d.products() {
		b.text(q.med.name)
	}
	b.textf("Read all of this leaflet carefully before you start to %s this medicine because it contains important information for you. Keep this leaflet. You may need to read it again. If you have any further questions, ask your doctor or pharmacist. This medicine has been prescribed for you only. Do not pass it on to others. It may harm them, even if their signs of illness are the same as yours. If you get any side effects, talk to your doctor or pharmacist. This includes any possible side effects not listed in this leaflet. See section 4.", ff.verb)
	b.h1(fmt.Sprintf("1. What %s is and what it is used for", x))
	b.textf("%s contains the active substance %s. It belongs to a group of medicines for the %s. It is used to treat:", x, substanceText(m), a.name)
	for _, u := range pickN(r, a.patientUse, 1+r.IntN(3)) {
		b.bullet(u)
	}
	b.h1(fmt.Sprintf("2. What you need to know before you %s %s", ff.verb, x))
	b.textf("Do not %s %s:", ff.verb, x)
	b.bullet(fmt.Sprintf("if you are allergic to %s or any of the other ingredients of this medicine (listed in section 6)", substanceText(m)))
	for _, c := range pickN(r, a.contra, 2) {
		b.bullet("if the following applies to you: " + c)
	}
	b.textf("Warnings and precautions: talk to your doctor or pharmacist before you %s %s. Tell your doctor if you are taking, have recently taken or might take any other medicines, especially %s.", ff.verb, x, strings.Join(pickN(r, a.interactions, 2), " or "))
	b.text("Pregnancy and breast-feeding: if you are pregnant or breast-feeding, think you may be pregnant or are planning to have a baby, ask your doctor or pharmacist for advice before taking this medicine.")
	b.text("Driving and using machines: this medicine may make you feel dizzy or tired. If this happens, do not drive or use any tools or machines.")
	b.h1(fmt.Sprintf("3. How to %s %s", ff.verb, x))
	b.textf("Always %s this medicine exactly as your doctor or pharmacist has told you. Check with your doctor or pharmacist if you are not sure. The recommended dose is one %s once or twice a day. If you %s more %s than you should, talk to a doctor or go to a hospital straight away. Take the medicine pack with you. If you forget to %s %s, %s it as soon as you remember, unless it is nearly time for your next dose. Do not take a double dose to make up for a forgotten dose. Do not stop taking %s without talking to your doctor first.", ff.verb, ff.unit, ff.verb, x, ff.verb, x, ff.verb, x)
	b.h1("4. Possible side effects")
	b.text("Like all medicines, this medicine can cause side effects, although not everybody gets them. Stop taking this medicine and see a doctor straight away if you notice swelling of the face, lips, tongue or throat, difficulty breathing or a severe skin rash.")
	b.textf("Common (may affect up to 1 in 10 people): %s.", strings.Join(pickN(r, a.common, 3+r.IntN(3)), ", "))
	b.textf("Uncommon (may affect up to 1 in 100 people): %s.", strings.Join(pickN(r, a.uncommon, 2+r.IntN(3)), ", "))
	b.textf("Rare (may affect up to 1 in 1,000 people): %s.", strings.Join(pickN(r, a.rare, 2), ", "))
	b.text("Reporting of side effects: if you get any side effects, talk to your doctor, pharmacist or nurse. This includes any possible side effects not listed in this leaflet. You can also report side effects directly via the Yellow Card Scheme. By reporting side effects you can help provide more information on the safety of this medicine.")
	b.h1(fmt.Sprintf("5. How to store %s", x))
	b.text("Keep this medicine out of the sight and reach of children. Do not use this medicine after the expiry date which is stated on the carton after EXP. The expiry date refers to the last day of that month. Do not store above 25 C. Do not throw away any medicines via wastewater or household waste. Ask your pharmacist how to throw away medicines you no longer use. These measures will help protect the environment.")
	b.h1("6. Contents of the pack and other information")
	b.textf("What %s contains: the active substance is %s. The other ingredients are %s.", x, substanceText(m), strings.ToLower(strings.Join(pickN(r, excipients[r.IntN(len(excipients))], 3), ", ")))
	b.textf("What %s looks like and contents of the pack: %s", x, ff.pack+".")
	b.textf("Marketing Authorisation Holder and Manufacturer: %s, %s.", d.prod.holder, address(r))
	b.textf("This leaflet was last revised in %s.", londonWall(d.created).Format("January 2006"))
	return b.paras
}

// parText writes a public assessment report for the products of a PAR.
func parText(r *rand.Rand, d *document) []para {
	b := &textBuilder{r: r}
	pr := d.par
	first := pr.products[0]
	m, a := first.med, areaOf(first.med)
	subs := substanceText(m)
	long := r.IntN(3) == 0 // about 3 pages instead of 2
	many := func(pool []string, k int) string {
		if long {
			k = len(pool)
		}
		return b.sentences(pool, k)
	}
	var names, lics []string
	for _, q := range pr.products {
		names = append(names, q.med.name)
		lics = append(lics, q.lic.display())
	}
	b.title("Public Assessment Report")
	b.text(strings.Join(names, "; "))
	b.textf("(%s)", subs)
	b.text(strings.Join(lics, ", "))
	b.textf("%s", first.holder)
	b.h1("Lay summary")
	b.textf("The medicines regulator granted %s marketing authorisation(s) for the medicinal product(s) listed above on %s. %s is used to treat %s. It contains the active substance %s, which %s. This report explains how the application was assessed and why the authorisation was granted. The product information (summary of product characteristics and patient information leaflet) was reviewed as part of the assessment.", first.holder, prettyDate(pr.date), m.base, pick(r, a.patientUse), subs, pick(r, a.action))
	b.h1("Table of contents")
	for _, h := range []string{"I Introduction", "II Quality aspects", "III Non-clinical aspects", "IV Clinical aspects", "V User consultation", "VI Overall conclusion, benefit/risk assessment and recommendation"} {
		b.bullet(h)
	}
	b.h1("Introduction")
	b.textf("Based on the review of the data on quality, safety and efficacy, the regulator considered that the applications for %s could be approved. The products are indicated for %s. The applications were submitted under the provisions for generic medicinal products, cross-referring to a reference product authorised for more than ten years.", strings.Join(names, " and "), strings.Join(pickN(r, a.indications, 2), " and "))
	b.text(b.sentences(parIntro, 3))
	b.h1("Quality aspects")
	b.h2("Drug substance")
	b.textf("The active substance %s is the subject of a European Pharmacopoeia monograph. %s", subs, many(parSubstance, 3+r.IntN(2)))
	b.h2("Medicinal product")
	b.textf("%s %s", factsOf(m.form).pharm, many(parProduct, 4+r.IntN(3)))
	b.textf("Stability data support a shelf life of %d years, with the storage conditions stated in the SPC.", 2+r.IntN(3))
	b.h2("Quality overall conclusion")
	b.text("All pharmaceutical aspects were satisfactorily addressed and the quality of the products is considered acceptable.")
	b.h1("Non-clinical aspects")
	b.textf("The pharmacodynamic, pharmacokinetic and toxicological properties of %s are well known. %s %s", subs, b.sentences(preclinical, 2), many(parNonClinical, 2+r.IntN(2)))
	b.h1("Clinical aspects")
	b.h2("Pharmacokinetics")
	b.textf("A single-dose, open-label, randomised, two-period crossover bioequivalence study compared the test product with the reference product in %d healthy volunteers under fasting conditions. %s", 24+2*r.IntN(20), many(parBioequivalence, 3+r.IntN(2)))
	b.textf("Results: the 90 percent confidence intervals for the test/reference ratios were %d.%02d to %d.%02d percent for AUC and %d.%02d to %d.%02d percent for Cmax, within the acceptance range of 80.00 to 125.00 percent.", 88+r.IntN(5), r.IntN(100), 101+r.IntN(8), r.IntN(100), 85+r.IntN(7), r.IntN(100), 103+r.IntN(12), r.IntN(100))
	b.h2("Efficacy and safety")
	b.textf("No new efficacy data were submitted and none were required. The safety profile is that of the reference product; the most common adverse reactions are %s. %s", strings.Join(pickN(r, a.common, 3), ", "), b.sentences(parSafety, 2+r.IntN(2)))
	if long {
		b.h2("Pharmacovigilance system and risk management plan")
		b.text(b.sentences(parRMP, len(parRMP)))
		b.h2("Clinical discussion")
		b.textf("The clinical overview was written by an appropriately qualified person and reviews the published literature on the use of %s in %s. %s %s", subs, pick(r, a.indications), b.sentences(parSafety, 3), b.sentences(parIntro, 3))
	}
	b.h2("User consultation")
	b.text("The package leaflet has been evaluated via a user consultation study in accordance with legal requirements. The results show that the leaflet meets the criteria for readability as set out in the guideline on the readability of the label and package leaflet.")
	b.h1("Conclusion")
	b.textf("The quality of the products is acceptable and no new non-clinical or clinical safety concerns have been identified. Bioequivalence has been demonstrated with the reference product. Extensive clinical experience with %s is considered to have demonstrated the therapeutic value of the substance. The benefit/risk balance in %s is therefore considered to be positive, and marketing authorisations were granted on %s.", subs, pick(r, a.indications), prettyDate(pr.date))
	return b.paras
}

var parRMP = []string{
	"The applicant has submitted a signed summary of the pharmacovigilance system, with proof that it has the services of a qualified person responsible for pharmacovigilance and the means to notify any adverse reaction suspected of occurring in the United Kingdom or in a third country.",
	"The regulator and the European Medicines Agency have agreed that routine pharmacovigilance activities are sufficient for generic medicinal products of well-established substances.",
	"The applicant has submitted a risk management plan in accordance with the requirements of the legislation; the important identified risks, important potential risks and missing information are the same as those of the reference product.",
	"Periodic safety update reports should follow the list of Union reference dates and frequency of submission.",
	"Routine risk minimisation through the SPC, package leaflet and labelling is considered sufficient, and no additional risk minimisation measures are required.",
}

var parIntro = []string{
	"No new non-clinical or clinical studies were conducted, which is acceptable given that the applications are based on a reference product licensed for over ten years.",
	"The applicant has demonstrated that the products comply with Good Manufacturing Practice, and a Qualified Person declaration was provided for each site of manufacture.",
	"The regulator has been assured that acceptable standards of Good Manufacturing Practice are in place at all sites responsible for the manufacture, assembly and batch release of these products.",
	"A summary of the pharmacovigilance system and a risk management plan were provided and are acceptable.",
	"The products are prescription-only medicines.",
}

var parSubstance = []string{
	"A Certificate of Suitability from the European Directorate for the Quality of Medicines has been provided, covering the manufacture and control of the active substance.",
	"Appropriate specifications are in place for the active substance, with suitable test methods and limits, and batch analysis data demonstrate compliance.",
	"Appropriate stability data have been generated supporting a suitable retest period when stored in the proposed packaging.",
	"The manufacturing process is described in sufficient detail, and potential genotoxic and nitrosamine impurities have been adequately assessed.",
}

var parProduct = []string{
	"The aim of pharmaceutical development was to produce a product that could be considered a generic medicinal product of the reference product.",
	"All excipients comply with their respective European Pharmacopoeia monographs, and none is of human or animal origin.",
	"Comparative dissolution profiles at pH 1.2, 4.5 and 6.8 were similar for the test and reference products.",
	"Satisfactory batch formulae have been provided for the manufacture of the product, together with an appropriate account of the manufacturing process.",
	"The finished product specification is appropriate to ensure consistent quality; test methods have been described and adequately validated.",
	"Process validation data on commercial scale batches show that the process consistently yields products of the required quality.",
	"Suitable certificates of analysis were provided for all reference standards used.",
}

var parNonClinical = []string{
	"As the active substance is a widely used, well-known substance, the applicant has not provided additional studies and further studies are not required.",
	"The non-clinical overview is based on up-to-date and adequate scientific literature.",
	"Since the products are intended for generic substitution, no increase in environmental exposure is expected and an environmental risk assessment is not required.",
}

var parBioequivalence = []string{
	"Blood samples were collected before dosing and up to 72 hours afterwards, and plasma concentrations were measured with a validated LC-MS/MS method.",
	"The washout period between the two treatment periods was adequate.",
	"Pharmacokinetic parameters were calculated by non-compartmental methods.",
	"The study was conducted in accordance with Good Clinical Practice.",
	"No serious adverse events were reported during the study.",
}

var parSafety = []string{
	"No new or unexpected safety concerns arose from these applications.",
	"The safety concerns in the summary of the risk management plan are the same as those of the reference product, and routine pharmacovigilance and routine risk minimisation measures are proposed.",
	"The SPC, patient information leaflet and labels are satisfactory and in line with current guidance.",
}

var extraWarnings = []string{
	"Caution should be exercised in patients with a history of hypersensitivity reactions, who may be at increased risk of serious reactions.",
	"Patients with rare hereditary problems of fructose intolerance should not take this medicine.",
	"Elderly patients are more susceptible to adverse reactions and should be started on the lowest dose.",
	"Treatment should be discontinued if signs or symptoms of hepatic injury develop, such as jaundice, dark urine or persistent abdominal pain.",
	"Interference with laboratory tests has been reported; the laboratory should be told that the patient is receiving this medicine.",
	"Cases of severe cutaneous adverse reactions have been reported; patients should be advised of the signs and symptoms and monitored closely for skin reactions.",
}

var selectedReactions = []string{
	"Hypersensitivity reactions, including rash, urticaria and rarely anaphylaxis, usually occur within the first weeks of treatment.",
	"Most adverse reactions were mild to moderate in severity and transient, and rarely required discontinuation of treatment.",
	"The incidence of adverse reactions was dose related and was higher in elderly patients and in patients with renal impairment.",
	"Laboratory abnormalities, such as small increases in serum creatinine and liver enzymes, were generally reversible on stopping treatment.",
}

var trialText = []string{
	"In a randomised, double-blind, placebo-controlled study in patients with %s (n = %d), %s significantly improved the primary efficacy end point compared with placebo after %d weeks; the most common adverse reaction was %s.",
	"In an open-label extension study in patients with %s (n = %d), the effect of %s was maintained for up to %d months, with %s the most frequently reported adverse event.",
	"A comparative study in patients with %s (n = %d) showed that %s was non-inferior to the active comparator at %d weeks; discontinuations because of %s were infrequent.",
}

var specialPopulations = []string{
	"In patients with severe renal impairment clearance was reduced and exposure approximately doubled.",
	"Hepatic impairment increased the half-life of the active substance by about 40 percent.",
	"Age, sex and body weight had no clinically relevant effect on the pharmacokinetics.",
	"In children aged 6 to 17 years, weight-adjusted clearance was similar to that in adults.",
	"Ethnic origin had no clinically relevant effect on exposure.",
}
