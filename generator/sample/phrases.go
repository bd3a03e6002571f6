package sample

import "math/rand/v2"

// An area is the clinical vocabulary of one therapeutic area: a hand-made
// phrase table the document text is drawn from, so that the sample has the
// words people search for.
type area struct {
	name         string   // "cardiovascular system"
	indications  []string // SPC 4.1, as noun phrases
	patientUse   []string // PIL section 1, plain words
	contra       []string // SPC 4.3
	warnings     []string // SPC 4.4 sentences
	interactions []string // medicines or classes that interact
	common       []string // side effects, common
	uncommon     []string // side effects, uncommon
	rare         []string // side effects, rare
	action       []string // SPC 5.1 sentences
	monitoring   []string // what to monitor
	keywords     []string
}

// areas are keyed by BNF chapter (two digits) or section (four digits); a
// section's table is used in place of its chapter's.
var areas = map[string]*area{
	"01": {
		name:         "gastro-intestinal system",
		indications:  []string{"gastro-oesophageal reflux disease", "duodenal and benign gastric ulcers", "eradication of Helicobacter pylori in combination with antibacterials", "prophylaxis of NSAID-associated gastric ulcers", "Zollinger-Ellison syndrome", "dyspepsia", "irritable bowel syndrome", "constipation", "ulcerative colitis and Crohn's disease"},
		patientUse:   []string{"heartburn and acid reflux", "stomach ulcers", "indigestion", "inflammation of the bowel", "constipation", "stomach cramps and bloating"},
		contra:       []string{"concomitant use with nelfinavir", "intestinal obstruction", "toxic megacolon", "active gastro-intestinal bleeding"},
		warnings:     []string{"In the presence of alarm symptoms such as significant unintentional weight loss, recurrent vomiting, dysphagia, haematemesis or melaena, malignancy should be excluded before treatment is started.", "Long-term treatment may lead to hypomagnesaemia; magnesium levels should be measured before starting and periodically during treatment.", "Treatment with proton pump inhibitors may lead to a slightly increased risk of gastro-intestinal infections such as Salmonella, Campylobacter and Clostridioides difficile.", "Prolonged use has been associated with an increased risk of hip, wrist and spine fracture, predominantly in the elderly."},
		interactions: []string{"clopidogrel", "methotrexate", "digoxin", "ketoconazole and itraconazole", "atazanavir", "warfarin and other vitamin K antagonists"},
		common:       []string{"headache", "abdominal pain", "constipation", "diarrhoea", "flatulence", "nausea and vomiting", "fundic gland polyps (benign)"},
		uncommon:     []string{"dizziness", "insomnia", "dry mouth", "peripheral oedema", "increased liver enzymes", "rash and pruritus"},
		rare:         []string{"hyponatraemia", "hypomagnesaemia", "interstitial nephritis", "microscopic colitis", "subacute cutaneous lupus erythematosus"},
		action:       []string{"reduces gastric acid secretion through a highly targeted mechanism of action", "inhibits the proton pump in the parietal cell", "acts locally on the intestinal mucosa", "increases intestinal motility and the water content of the stool"},
		monitoring:   []string{"serum magnesium", "vitamin B12 levels during long-term use", "symptom control"},
		keywords:     []string{"reflux", "heartburn", "ulcer", "dyspepsia", "Helicobacter", "proton pump inhibitor", "colitis", "constipation"},
	},
	"02": {
		name:         "cardiovascular system",
		indications:  []string{"essential hypertension", "chronic stable angina pectoris", "heart failure with reduced ejection fraction", "atrial fibrillation", "prevention of cardiovascular events", "oedema associated with congestive heart failure", "secondary prevention after myocardial infarction", "Raynaud's phenomenon"},
		patientUse:   []string{"high blood pressure (hypertension)", "chest pain (angina)", "heart failure", "an irregular heartbeat", "swelling caused by fluid retention"},
		contra:       []string{"cardiogenic shock", "severe hypotension", "second or third degree atrioventricular block", "sick sinus syndrome", "severe aortic stenosis", "anuria", "hypersensitivity to the active substance or to any of the excipients"},
		warnings:     []string{"Blood pressure should be monitored closely when treatment is started and when the dose is increased, particularly in elderly patients and in patients with volume depletion.", "Treatment should not be stopped abruptly in patients with ischaemic heart disease; the dose should be reduced gradually over one to two weeks.", "Serum potassium and creatinine should be monitored in patients with renal impairment.", "Symptomatic hypotension may occur after the first dose, especially in patients who are salt or volume depleted."},
		interactions: []string{"potassium-sparing diuretics and potassium supplements", "non-steroidal anti-inflammatory drugs", "lithium", "digoxin", "other antihypertensive agents", "CYP3A4 inhibitors such as clarithromycin", "diltiazem and verapamil"},
		common:       []string{"dizziness", "headache", "fatigue", "peripheral oedema", "flushing", "palpitations", "hypotension", "cough"},
		uncommon:     []string{"bradycardia", "syncope", "nausea", "muscle cramps", "erectile dysfunction", "hyperkalaemia", "rash"},
		rare:         []string{"angioedema", "acute renal failure", "agranulocytosis", "hepatitis", "Stevens-Johnson syndrome"},
		action:       []string{"lowers peripheral vascular resistance and blood pressure without a reflex increase in heart rate", "reduces myocardial oxygen demand", "inhibits the renin-angiotensin-aldosterone system", "increases the excretion of sodium and water by the kidney", "blocks beta-adrenergic receptors in the heart"},
		monitoring:   []string{"blood pressure", "heart rate", "serum potassium and creatinine", "renal function"},
		keywords:     []string{"hypertension", "angina", "heart failure", "blood pressure", "atrial fibrillation", "arrhythmia", "oedema", "cardiovascular"},
	},
	"0205": {
		name:         "hypertension and heart failure",
		indications:  []string{"essential hypertension", "symptomatic heart failure", "diabetic nephropathy in hypertensive patients with type 2 diabetes", "prevention of cardiovascular morbidity after myocardial infarction", "benign prostatic hyperplasia"},
		patientUse:   []string{"high blood pressure (hypertension)", "heart failure", "kidney problems in people with diabetes", "reducing the risk of a heart attack or stroke"},
		contra:       []string{"history of angioedema associated with previous ACE inhibitor therapy", "second and third trimesters of pregnancy", "concomitant use with aliskiren in patients with diabetes mellitus or renal impairment", "bilateral renal artery stenosis", "concomitant use with sacubitril/valsartan"},
		warnings:     []string{"Dual blockade of the renin-angiotensin-aldosterone system with ACE inhibitors, angiotensin II receptor blockers or aliskiren is not recommended.", "Angioedema of the face, extremities, lips, tongue, glottis and larynx has been reported; treatment must be stopped at once.", "Treatment should not be started during pregnancy; when pregnancy is diagnosed it should be stopped immediately.", "Patients with primary aldosteronism generally do not respond to antihypertensive medicines acting through inhibition of the renin-angiotensin system."},
		interactions: []string{"potassium supplements and potassium-sparing diuretics", "lithium", "non-steroidal anti-inflammatory drugs including selective COX-2 inhibitors", "aliskiren", "trimethoprim and co-trimoxazole", "diuretics"},
		common:       []string{"dizziness", "persistent dry cough", "hypotension", "hyperkalaemia", "headache", "fatigue"},
		uncommon:     []string{"renal impairment", "taste disturbance", "orthostatic hypotension", "rash", "vertigo"},
		rare:         []string{"angioedema", "acute renal failure", "neutropenia", "cholestatic jaundice", "pancreatitis"},
		action:       []string{"inhibits angiotensin converting enzyme, reducing the formation of angiotensin II", "selectively blocks the angiotensin II type 1 (AT1) receptor", "reduces aldosterone secretion and total peripheral resistance"},
		monitoring:   []string{"blood pressure", "serum potassium", "serum creatinine and eGFR"},
		keywords:     []string{"hypertension", "ACE inhibitor", "angiotensin", "heart failure", "blood pressure", "cough", "angioedema"},
	},
	"0208": {
		name:         "anticoagulation",
		indications:  []string{"prevention of stroke and systemic embolism in adults with non-valvular atrial fibrillation", "treatment of deep vein thrombosis and pulmonary embolism", "prevention of recurrent deep vein thrombosis and pulmonary embolism", "prophylaxis of venous thromboembolism after hip or knee replacement surgery"},
		patientUse:   []string{"preventing blood clots", "blood clots in the veins of the legs (deep vein thrombosis)", "blood clots in the lungs (pulmonary embolism)", "reducing the risk of stroke in people with an irregular heartbeat"},
		contra:       []string{"active clinically significant bleeding", "lesion or condition considered a significant risk for major bleeding", "hepatic disease associated with coagulopathy", "prosthetic heart valves", "concomitant treatment with any other anticoagulant"},
		warnings:     []string{"As with all anticoagulants, patients should be observed carefully for signs of bleeding, and treatment stopped if severe haemorrhage occurs.", "The anticoagulant effect should be monitored by the international normalised ratio (INR) where appropriate.", "Spinal or epidural haematoma may occur with neuraxial anaesthesia or spinal puncture.", "Patients with antiphospholipid syndrome should not be treated with direct oral anticoagulants."},
		interactions: []string{"antiplatelet agents such as aspirin and clopidogrel", "non-steroidal anti-inflammatory drugs", "selective serotonin reuptake inhibitors", "strong CYP3A4 and P-gp inhibitors such as ketoconazole", "rifampicin, carbamazepine and phenytoin", "St John's wort"},
		common:       []string{"bleeding (haemorrhage)", "nosebleed (epistaxis)", "bruising", "anaemia", "gastro-intestinal haemorrhage", "haematuria"},
		uncommon:     []string{"intracranial haemorrhage", "thrombocytopenia", "rash", "increased transaminases"},
		rare:         []string{"anaphylactic reaction", "skin necrosis", "purple toe syndrome", "vascular pseudoaneurysm"},
		action:       []string{"is a direct and highly selective inhibitor of factor Xa", "inhibits the synthesis of vitamin K dependent clotting factors II, VII, IX and X", "reduces thrombin generation and prolongs clotting time"},
		monitoring:   []string{"INR", "renal function", "full blood count", "signs of bleeding"},
		keywords:     []string{"anticoagulant", "thrombosis", "pulmonary embolism", "stroke prevention", "bleeding", "INR", "atrial fibrillation"},
	},
	"0212": {
		name:         "lipid regulation",
		indications:  []string{"primary hypercholesterolaemia", "mixed dyslipidaemia", "prevention of cardiovascular events in patients at high risk", "heterozygous familial hypercholesterolaemia"},
		patientUse:   []string{"lowering high cholesterol", "reducing the risk of heart attack and stroke"},
		contra:       []string{"active liver disease or unexplained persistent elevations of serum transaminases", "pregnancy and breast-feeding", "concomitant use with glecaprevir/pibrentasvir", "myopathy"},
		warnings:     []string{"Rare cases of myopathy and rhabdomyolysis have been reported; patients should report unexplained muscle pain, tenderness or weakness promptly.", "Liver function tests should be performed before the start of treatment and periodically thereafter.", "Some evidence suggests that statins raise blood glucose; patients at risk of diabetes should be monitored."},
		interactions: []string{"fibrates, in particular gemfibrozil", "ciclosporin", "clarithromycin and erythromycin", "fusidic acid", "HIV protease inhibitors", "grapefruit juice"},
		common:       []string{"headache", "myalgia", "constipation", "nausea", "increased blood glucose"},
		uncommon:     []string{"elevated serum transaminases", "dizziness", "pruritus", "fatigue"},
		rare:         []string{"rhabdomyolysis", "myopathy", "hepatitis", "peripheral neuropathy", "immune-mediated necrotising myopathy"},
		action:       []string{"is a selective, competitive inhibitor of HMG-CoA reductase, the rate-limiting enzyme in cholesterol synthesis", "lowers LDL-cholesterol, total cholesterol and triglycerides"},
		monitoring:   []string{"lipid profile", "liver function tests", "creatine kinase if muscle symptoms occur"},
		keywords:     []string{"cholesterol", "statin", "hypercholesterolaemia", "LDL", "myopathy"},
	},
	"03": {
		name:         "respiratory system",
		indications:  []string{"regular treatment of asthma", "chronic obstructive pulmonary disease (COPD)", "relief of bronchospasm", "seasonal and perennial allergic rhinitis", "chronic idiopathic urticaria", "prophylaxis of exercise-induced bronchospasm"},
		patientUse:   []string{"asthma", "chronic obstructive pulmonary disease (COPD)", "wheezing and breathlessness", "hay fever and allergies", "itchy skin rash (hives)"},
		contra:       []string{"hypersensitivity to the active substance or to lactose", "acute severe asthma as the only treatment", "untreated fungal, bacterial or tuberculous infections of the respiratory tract"},
		warnings:     []string{"Patients should be told that the inhaler is not for the relief of acute symptoms, for which a short-acting bronchodilator is needed.", "Paradoxical bronchospasm may occur with an immediate increase in wheezing after dosing.", "Systemic effects of inhaled corticosteroids may occur, particularly at high doses prescribed for long periods, including adrenal suppression and growth retardation in children.", "Increasing use of short-acting bronchodilators to control symptoms indicates deterioration of asthma control."},
		interactions: []string{"non-selective beta-blockers", "strong CYP3A4 inhibitors such as ritonavir and cobicistat", "theophylline", "sedating antihistamines and alcohol"},
		common:       []string{"oral candidiasis (thrush)", "hoarseness", "headache", "tremor", "pharyngitis", "drowsiness"},
		uncommon:     []string{"palpitations", "muscle cramps", "anxiety", "tachycardia", "dry mouth"},
		rare:         []string{"paradoxical bronchospasm", "adrenal suppression", "cataract and glaucoma", "angioedema"},
		action:       []string{"is a potent glucocorticoid with anti-inflammatory action in the lungs", "relaxes bronchial smooth muscle by stimulating beta2-adrenergic receptors", "is a selective peripheral H1-receptor antagonist", "blocks muscarinic receptors in the airways"},
		monitoring:   []string{"asthma control", "peak expiratory flow", "height of children on long-term treatment"},
		keywords:     []string{"asthma", "COPD", "inhaler", "bronchospasm", "wheezing", "allergic rhinitis", "antihistamine"},
	},
	"04": {
		name:         "central nervous system",
		indications:  []string{"major depressive episodes", "generalised anxiety disorder", "schizophrenia", "epilepsy: focal and generalised tonic-clonic seizures", "neuropathic pain", "moderate to severe pain", "insomnia", "Parkinson's disease", "migraine"},
		patientUse:   []string{"depression", "anxiety", "epilepsy (fits)", "pain", "sleeping problems", "migraine"},
		contra:       []string{"concomitant use of monoamine oxidase inhibitors", "acute respiratory depression", "acute alcohol intoxication", "severe hepatic impairment", "myasthenia gravis"},
		warnings:     []string{"Suicidal thoughts and behaviour have been reported in patients treated with antidepressants and antiepileptic agents; patients should be monitored for signs of suicidal ideation.", "Concomitant use with opioids may result in profound sedation, respiratory depression, coma and death.", "Abrupt withdrawal may precipitate withdrawal symptoms or rebound seizures; the dose should be tapered.", "Serotonin syndrome may occur when given with other serotonergic medicines."},
		interactions: []string{"monoamine oxidase inhibitors", "other serotonergic medicines such as tramadol and triptans", "alcohol and other central nervous system depressants", "carbamazepine and phenytoin", "opioids"},
		common:       []string{"drowsiness", "dizziness", "nausea", "dry mouth", "headache", "insomnia", "weight gain"},
		uncommon:     []string{"confusion", "tremor", "blurred vision", "sexual dysfunction", "agitation"},
		rare:         []string{"serotonin syndrome", "seizures", "hyponatraemia", "neuroleptic malignant syndrome"},
		action:       []string{"selectively inhibits the neuronal reuptake of serotonin", "modulates neurotransmission in the central nervous system", "acts as an agonist at opioid receptors"},
		monitoring:   []string{"mood and suicidal ideation", "sedation", "plasma concentrations where appropriate"},
		keywords:     []string{"depression", "epilepsy", "anxiety", "pain", "insomnia", "seizures", "migraine"},
	},
	"05": {
		name:         "infections",
		indications:  []string{"community-acquired pneumonia", "acute exacerbations of chronic bronchitis", "acute bacterial sinusitis", "acute otitis media", "urinary tract infections", "skin and soft tissue infections", "streptococcal pharyngitis and tonsillitis", "bone and joint infections", "Lyme disease"},
		patientUse:   []string{"infections caused by bacteria", "chest infections", "ear, nose and throat infections", "urinary tract infections", "skin infections"},
		contra:       []string{"hypersensitivity to the active substance, to any of the penicillins or to any of the excipients", "history of a severe immediate hypersensitivity reaction to another beta-lactam agent", "history of jaundice or hepatic impairment due to the active substance", "concomitant use with ergot derivatives"},
		warnings:     []string{"Before starting therapy, careful enquiry should be made about previous hypersensitivity reactions to penicillins, cephalosporins or other beta-lactam agents.", "Antibiotic-associated colitis has been reported with nearly all antibacterial agents and may range from mild to life threatening; Clostridioides difficile associated diarrhoea should be considered in patients who present with diarrhoea.", "Prolonged use may occasionally result in overgrowth of non-susceptible organisms.", "Official guidance on the appropriate use of antibacterial agents should be taken into consideration."},
		interactions: []string{"probenecid", "allopurinol", "oral anticoagulants", "methotrexate", "oral typhoid vaccine", "statins metabolised by CYP3A4"},
		common:       []string{"diarrhoea", "nausea", "skin rash", "vomiting", "candidiasis", "abdominal pain"},
		uncommon:     []string{"urticaria", "pruritus", "headache", "dizziness", "increased hepatic enzymes"},
		rare:         []string{"Clostridioides difficile associated colitis", "anaphylaxis", "Stevens-Johnson syndrome", "interstitial nephritis", "crystalluria", "tendinitis and tendon rupture"},
		action:       []string{"inhibits bacterial cell wall synthesis", "binds to the 50S ribosomal subunit and inhibits bacterial protein synthesis", "inhibits bacterial DNA gyrase and topoisomerase IV", "is bactericidal against a wide range of Gram-positive and Gram-negative organisms"},
		monitoring:   []string{"renal and hepatic function during prolonged treatment", "full blood count", "signs of superinfection"},
		keywords:     []string{"antibiotic", "infection", "bacterial", "pneumonia", "urinary tract infection", "penicillin", "resistance"},
	},
	"0503": {
		name:         "viral infections",
		indications:  []string{"treatment of HIV-1 infection in adults and adolescents in combination with other antiretroviral agents", "chronic hepatitis B", "herpes zoster (shingles)", "herpes simplex infections of the skin and mucous membranes", "treatment and prophylaxis of influenza"},
		patientUse:   []string{"HIV infection", "hepatitis B", "cold sores and genital herpes", "shingles", "flu"},
		contra:       []string{"hypersensitivity to the active substance", "moderate or severe hepatic impairment", "end-stage renal disease"},
		warnings:     []string{"Hypersensitivity reactions, some of them life-threatening, have been reported; treatment must be stopped at once and not restarted if a hypersensitivity reaction is suspected.", "Lactic acidosis and severe hepatomegaly with steatosis have been reported with nucleoside analogues.", "Immune reactivation syndrome may occur when combination antiretroviral therapy is started.", "Patients co-infected with hepatitis B may experience severe acute exacerbations of hepatitis when treatment is stopped."},
		interactions: []string{"other nucleoside analogues", "rifampicin", "methadone", "trimethoprim", "ribavirin"},
		common:       []string{"headache", "nausea", "diarrhoea", "fatigue", "rash", "insomnia"},
		uncommon:     []string{"neutropenia", "anaemia", "elevated liver enzymes", "abdominal pain"},
		rare:         []string{"lactic acidosis", "pancreatitis", "hypersensitivity reaction", "hepatitis"},
		action:       []string{"is a nucleoside reverse transcriptase inhibitor", "inhibits viral DNA polymerase", "is a neuraminidase inhibitor"},
		monitoring:   []string{"viral load and CD4 cell count", "liver function", "renal function"},
		keywords:     []string{"HIV", "antiretroviral", "hepatitis B", "herpes", "antiviral", "influenza"},
	},
	"06": {
		name:         "endocrine system",
		indications:  []string{"type 2 diabetes mellitus", "type 1 diabetes mellitus", "hypothyroidism", "adrenocortical insufficiency", "suppression of inflammatory and allergic disorders", "postmenopausal osteoporosis", "hormone replacement therapy"},
		patientUse:   []string{"diabetes", "an underactive thyroid gland", "inflammation and allergic conditions", "thinning of the bones (osteoporosis)"},
		contra:       []string{"diabetic ketoacidosis", "severe renal impairment (eGFR below 30 ml/min)", "untreated adrenal insufficiency", "systemic infection unless specific anti-infective therapy is used", "hypoglycaemia"},
		warnings:     []string{"Hypoglycaemia may occur; patients should be told how to recognise and treat the symptoms.", "Undesirable effects of corticosteroids may be minimised by using the lowest effective dose for the minimum period.", "Adrenal suppression may persist for years after stopping long-term treatment; withdrawal should be gradual.", "Lactic acidosis is a very rare but serious metabolic complication, most often in patients with acute worsening of renal function."},
		interactions: []string{"other antidiabetic medicines", "beta-blockers, which may mask the symptoms of hypoglycaemia", "CYP3A4 inhibitors", "iodinated contrast agents", "non-steroidal anti-inflammatory drugs", "live vaccines"},
		common:       []string{"hypoglycaemia", "nausea", "diarrhoea", "abdominal pain", "taste disturbance", "weight gain", "fluid retention"},
		uncommon:     []string{"dyspepsia", "mood changes", "increased appetite", "hyperglycaemia", "insomnia"},
		rare:         []string{"lactic acidosis", "vitamin B12 deficiency", "Cushingoid features", "osteonecrosis", "pancreatitis"},
		action:       []string{"lowers both basal and postprandial plasma glucose", "increases insulin sensitivity in peripheral tissues", "is a synthetic glucocorticoid with potent anti-inflammatory activity", "replaces the natural thyroid hormone"},
		monitoring:   []string{"HbA1c and blood glucose", "renal function", "blood pressure and blood glucose during corticosteroid treatment", "thyroid function tests"},
		keywords:     []string{"diabetes", "insulin", "blood glucose", "corticosteroid", "thyroid", "hypoglycaemia", "HbA1c"},
	},
	"08": {
		name:         "malignant disease and immunosuppression",
		indications:  []string{"metastatic breast cancer", "non-small cell lung cancer", "chronic lymphocytic leukaemia", "multiple myeloma", "metastatic colorectal cancer", "prevention of rejection after renal transplantation", "rheumatoid arthritis", "severe psoriasis"},
		patientUse:   []string{"certain types of cancer", "leukaemia", "preventing rejection of a transplanted organ", "severe rheumatoid arthritis"},
		contra:       []string{"severe bone marrow depression", "pregnancy and breast-feeding", "severe hepatic impairment", "live vaccines during treatment", "active serious infection"},
		warnings:     []string{"Treatment should be supervised by a physician experienced in the use of cytotoxic medicinal products.", "Full blood counts should be monitored before each treatment cycle because of the risk of neutropenia and thrombocytopenia.", "Patients should be warned of the risk of serious infections and told to report fever promptly.", "Women of childbearing potential must use effective contraception during treatment and for six months afterwards."},
		interactions: []string{"live vaccines", "strong CYP3A4 inducers and inhibitors", "warfarin", "methotrexate", "other myelosuppressive agents"},
		common:       []string{"neutropenia", "anaemia", "thrombocytopenia", "nausea and vomiting", "fatigue", "alopecia", "mucositis", "infections"},
		uncommon:     []string{"febrile neutropenia", "peripheral neuropathy", "elevated liver enzymes", "hypertension"},
		rare:         []string{"tumour lysis syndrome", "interstitial lung disease", "progressive multifocal leukoencephalopathy", "cardiotoxicity"},
		action:       []string{"inhibits cell division by interfering with DNA synthesis", "is a monoclonal antibody that binds to its target antigen on malignant cells", "inhibits T-lymphocyte activation"},
		monitoring:   []string{"full blood count", "renal and hepatic function", "signs of infection"},
		keywords:     []string{"cancer", "chemotherapy", "leukaemia", "tumour", "immunosuppressant", "neutropenia", "transplant"},
	},
	"10": {
		name:         "musculoskeletal and joint diseases",
		indications:  []string{"rheumatoid arthritis", "osteoarthritis", "ankylosing spondylitis", "acute gout", "prophylaxis of gout", "acute musculoskeletal disorders", "systemic lupus erythematosus"},
		patientUse:   []string{"pain and swelling in the joints (arthritis)", "gout", "back pain", "sprains and strains"},
		contra:       []string{"active or history of recurrent peptic ulcer or haemorrhage", "severe heart failure", "history of hypersensitivity to aspirin or other NSAIDs", "last trimester of pregnancy", "pre-existing maculopathy"},
		warnings:     []string{"Undesirable effects may be minimised by using the lowest effective dose for the shortest duration necessary to control symptoms.", "Gastro-intestinal bleeding, ulceration or perforation, which can be fatal, has been reported with all NSAIDs at any time during treatment.", "Retinal toxicity has been reported; patients should have a baseline eye examination.", "Caution is required in patients with a history of hypertension and/or heart failure as fluid retention and oedema have been reported."},
		interactions: []string{"anticoagulants", "corticosteroids", "selective serotonin reuptake inhibitors", "ACE inhibitors and diuretics", "lithium", "methotrexate", "ciclosporin"},
		common:       []string{"dyspepsia", "abdominal pain", "nausea", "headache", "rash", "diarrhoea"},
		uncommon:     []string{"gastro-intestinal ulceration", "dizziness", "fluid retention", "elevated liver enzymes"},
		rare:         []string{"gastro-intestinal bleeding", "renal failure", "retinopathy", "agranulocytosis", "bronchospasm"},
		action:       []string{"inhibits cyclo-oxygenase and so the synthesis of prostaglandins", "reduces the formation of uric acid", "modifies the immune response in inflammatory joint disease"},
		monitoring:   []string{"renal function", "blood pressure", "full blood count", "eye examination"},
		keywords:     []string{"arthritis", "gout", "NSAID", "inflammation", "joint pain", "rheumatoid"},
	},
	"11": {
		name:         "eye",
		indications:  []string{"open-angle glaucoma", "ocular hypertension", "bacterial conjunctivitis", "allergic conjunctivitis", "post-operative inflammation after cataract surgery"},
		patientUse:   []string{"raised pressure in the eye (glaucoma)", "eye infections", "red, itchy eyes caused by allergy"},
		contra:       []string{"reactive airway disease including bronchial asthma", "sinus bradycardia", "hypersensitivity to benzalkonium chloride"},
		warnings:     []string{"Contact lenses should be removed before application and not reinserted for at least 15 minutes.", "Systemic absorption may occur; the same types of adverse reactions as with systemic administration may be seen.", "Patients should be told to avoid touching the tip of the dropper to the eye."},
		interactions: []string{"other topical ophthalmic medicines, which should be given at least five minutes apart", "systemic beta-blockers"},
		common:       []string{"eye irritation", "blurred vision", "conjunctival hyperaemia", "stinging on instillation", "eye pain"},
		uncommon:     []string{"dry eye", "eyelid oedema", "headache", "taste disturbance"},
		rare:         []string{"corneal erosion", "iris pigmentation", "bradycardia", "bronchospasm"},
		action:       []string{"lowers intraocular pressure by reducing the production of aqueous humour", "increases the uveoscleral outflow of aqueous humour"},
		monitoring:   []string{"intraocular pressure"},
		keywords:     []string{"glaucoma", "eye drops", "conjunctivitis", "intraocular pressure"},
	},
	"12": {
		name:         "ear, nose and oropharynx",
		indications:  []string{"allergic rhinitis", "nasal polyps", "otitis externa", "oral candidiasis", "mouth ulcers"},
		patientUse:   []string{"hay fever", "a blocked or runny nose", "ear infections", "mouth ulcers"},
		contra:       []string{"untreated nasal infection", "perforated tympanic membrane"},
		warnings:     []string{"Systemic effects of nasal corticosteroids may occur at high doses for prolonged periods.", "Nasal septum perforation has been reported rarely."},
		interactions: []string{"ritonavir and other strong CYP3A4 inhibitors"},
		common:       []string{"nosebleed (epistaxis)", "nasal dryness", "headache", "unpleasant taste", "local irritation"},
		uncommon:     []string{"sneezing", "nasal ulceration"},
		rare:         []string{"nasal septum perforation", "glaucoma", "cataract"},
		action:       []string{"has a potent local anti-inflammatory action on the nasal mucosa"},
		monitoring:   []string{"growth in children on prolonged treatment"},
		keywords:     []string{"rhinitis", "nasal spray", "hay fever", "ear drops"},
	},
	"13": {
		name:         "skin",
		indications:  []string{"atopic eczema", "psoriasis", "acne vulgaris", "contact dermatitis", "fungal skin infections", "impetigo", "rosacea"},
		patientUse:   []string{"eczema", "psoriasis", "acne", "skin inflammation and itching", "fungal skin infections"},
		contra:       []string{"untreated bacterial, viral or fungal skin infections", "rosacea and perioral dermatitis", "application to broken skin"},
		warnings:     []string{"Prolonged use on large areas, under occlusion or on the face should be avoided because of the risk of skin atrophy and systemic absorption.", "Topical corticosteroid withdrawal reactions have been reported after long-term use.", "Contact with the eyes and mucous membranes should be avoided.", "Paraffin-based emollients are flammable; patients should keep away from fire and naked flames."},
		interactions: []string{"other topical preparations applied to the same area"},
		common:       []string{"local burning", "itching (pruritus)", "skin irritation", "dry skin", "erythema"},
		uncommon:     []string{"skin atrophy", "striae", "folliculitis", "hypertrichosis"},
		rare:         []string{"allergic contact dermatitis", "hypopigmentation", "adrenal suppression"},
		action:       []string{"has anti-inflammatory, antipruritic and vasoconstrictive properties", "is active against dermatophytes and yeasts", "reduces sebum production and comedone formation"},
		monitoring:   []string{"response and the area treated"},
		keywords:     []string{"eczema", "psoriasis", "dermatitis", "acne", "cream", "ointment", "skin"},
	},
	"15": {
		name:         "anaesthesia",
		indications:  []string{"induction and maintenance of general anaesthesia", "local anaesthesia by infiltration", "peripheral nerve block", "sedation during diagnostic procedures"},
		patientUse:   []string{"numbing an area before a procedure", "putting you to sleep for an operation"},
		contra:       []string{"hypersensitivity to amide local anaesthetics", "intravenous regional anaesthesia (Bier's block)", "complete heart block"},
		warnings:     []string{"Resuscitative equipment and drugs should be immediately available whenever local or general anaesthetics are used.", "Accidental intravascular injection may cause systemic toxicity."},
		interactions: []string{"antiarrhythmic agents", "opioid analgesics", "benzodiazepines"},
		common:       []string{"hypotension", "nausea", "vomiting", "paraesthesia", "dizziness"},
		uncommon:     []string{"bradycardia", "tinnitus", "tremor"},
		rare:         []string{"cardiac arrest", "convulsions", "malignant hyperthermia"},
		action:       []string{"blocks the generation and conduction of nerve impulses by reducing sodium permeability"},
		monitoring:   []string{"cardiovascular and respiratory function"},
		keywords:     []string{"anaesthetic", "nerve block", "sedation"},
	},
	"": {
		name:         "general medicine",
		indications:  []string{"the conditions listed in the product licence", "replacement therapy", "symptomatic relief"},
		patientUse:   []string{"the condition your doctor has diagnosed"},
		contra:       []string{"hypersensitivity to the active substance or to any of the excipients listed in section 6.1"},
		warnings:     []string{"Patients should be advised to read the package leaflet before use.", "The lowest effective dose should be used for the shortest time necessary."},
		interactions: []string{"other medicines with similar effects"},
		common:       []string{"headache", "nausea", "dizziness"},
		uncommon:     []string{"rash", "abdominal pain"},
		rare:         []string{"hypersensitivity reactions including anaphylaxis"},
		action:       []string{"acts at the site of disease"},
		monitoring:   []string{"clinical response"},
		keywords:     []string{"treatment", "medicine"},
	},
}

// areaOf returns the phrase table for m: its BNF section's, else its chapter's.
func areaOf(m *medicine) *area {
	if a, ok := areas[m.section()]; ok {
		return a
	}
	if a, ok := areas[m.chapter()]; ok {
		return a
	}
	return areas[""]
}

// pickKeywords returns 1–3 keywords for a record about m.
func pickKeywords(r *rand.Rand, m *medicine) []string {
	a := areaOf(m)
	n := 1 + r.IntN(3)
	return pickN(r, a.keywords, n)
}

// pickN returns up to n distinct items of list in list order.
func pickN(r *rand.Rand, list []string, n int) []string {
	if n >= len(list) {
		return append([]string(nil), list...)
	}
	idx := r.Perm(len(list))[:n]
	out := make([]string, 0, n)
	for i := range list {
		for _, j := range idx {
			if i == j {
				out = append(out, list[i])
			}
		}
	}
	return out
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }
