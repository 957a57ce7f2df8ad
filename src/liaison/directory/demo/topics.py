"""What the demo literature and trials are about, per therapeutic area (pure data).

MeSH descriptors and qualifiers are real (UI and name as NLM publishes them);
journals are invented, with ISO-style abbreviations. Drugs are the demo
products' generic names (velotinib, sotrelamab...) beside real comparators.
Every condition names the demo products studied in it, so trials and
publications about a product sit under the conditions of its labels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Descriptor:
    """A MeSH descriptor or qualifier: UI and name."""

    ui: str
    name: str


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A trial end point and how its result is reported: ``time`` (months and a
    hazard ratio), ``rate`` (percent of patients) or ``change`` (percent change)."""

    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class Condition:
    name: str  # as in a title: "EGFR-mutated non-small cell lung cancer"
    short: str  # "NSCLC"
    registry_name: str  # as registered at ClinicalTrials.gov
    mesh: tuple[Descriptor, ...]  # most specific first
    products: tuple[str, ...]  # generic names of demo products studied in it
    comparators: tuple[str, ...]  # real drugs, standard of care
    endpoints: tuple[Endpoint, ...]
    keywords: tuple[str, ...]
    weight: int = 1


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    root: Descriptor
    drug_classes: tuple[Descriptor, ...]
    conditions: tuple[Condition, ...]
    journals: tuple[tuple[str, str], ...]  # (title, ISO abbreviation)
    nih_institute: tuple[str, str]  # (grant activity code letters, agency)


def d(ui: str, name: str) -> Descriptor:
    return Descriptor(ui, name)


# --- MeSH ----------------------------------------------------------------------------------

HUMANS = d("D006801", "Humans")
MALE = d("D008297", "Male")
FEMALE = d("D005260", "Female")
ADULT = d("D000328", "Adult")
MIDDLE_AGED = d("D008875", "Middle Aged")
AGED = d("D000368", "Aged")
TREATMENT_OUTCOME = d("D016896", "Treatment Outcome")
PROSPECTIVE = d("D011446", "Prospective Studies")
RETROSPECTIVE = d("D012189", "Retrospective Studies")
COHORT = d("D015331", "Cohort Studies")
KAPLAN_MEIER = d("D053208", "Kaplan-Meier Estimate")
COMBINATION = d("D004359", "Drug Therapy, Combination")
RISK_FACTORS = d("D012307", "Risk Factors")
QUALITY_OF_LIFE = d("D011788", "Quality of Life")
PROGNOSIS = d("D011379", "Prognosis")
INCIDENCE = d("D015994", "Incidence")
BIOMARKERS = d("D015415", "Biomarkers")
TIME_FACTORS = d("D013997", "Time Factors")
RCT_AS_TOPIC = d("D016032", "Randomized Controlled Trials as Topic")
GUIDELINE_ADHERENCE = d("D019983", "Guideline Adherence")

#: Qualifiers (subheadings).
DRUG_THERAPY = d("Q000188", "drug therapy")
THERAPY = d("Q000628", "therapy")
DIAGNOSIS = d("Q000175", "diagnosis")
EPIDEMIOLOGY = d("Q000453", "epidemiology")
MORTALITY = d("Q000401", "mortality")
THERAPEUTIC_USE = d("Q000627", "therapeutic use")
ADVERSE_EFFECTS = d("Q000009", "adverse effects")
GENETICS = d("Q000235", "genetics")
PATHOLOGY = d("Q000473", "pathology")
COMPLICATIONS = d("Q000150", "complications")
PREVENTION = d("Q000517", "prevention & control")
ADMINISTRATION = d("Q000008", "administration & dosage")

#: Publication types (NLM's UIs).
JOURNAL_ARTICLE = d("D016428", "Journal Article")
RCT = d("D016449", "Randomized Controlled Trial")
CLINICAL_TRIAL = d("D016430", "Clinical Trial")
PHASE_2 = d("D017427", "Clinical Trial, Phase II")
PHASE_3 = d("D017428", "Clinical Trial, Phase III")
MULTICENTER = d("D016448", "Multicenter Study")
OBSERVATIONAL = d("D064888", "Observational Study")
COMPARATIVE = d("D003160", "Comparative Study")
REVIEW = d("D016454", "Review")
SYSTEMATIC_REVIEW = d("D000078182", "Systematic Review")
META_ANALYSIS = d("D017418", "Meta-Analysis")
CASE_REPORTS = d("D002363", "Case Reports")
PRACTICE_GUIDELINE = d("D017065", "Practice Guideline")
EDITORIAL = d("D016421", "Editorial")
LETTER = d("D016422", "Letter")
NON_US_SUPPORT = d("D013485", "Research Support, Non-U.S. Gov't")
NIH_SUPPORT = d("D052061", "Research Support, N.I.H., Extramural")


# --- areas ---------------------------------------------------------------------------------

T, R, C = "time", "rate", "change"

AREAS: tuple[Area, ...] = (
    Area(
        code="oncology",
        root=d("D009369", "Neoplasms"),
        drug_classes=(
            d("D000970", "Antineoplastic Agents"),
            d("D047428", "Protein Kinase Inhibitors"),
            d("D061067", "Antibodies, Monoclonal, Humanized"),
            d("D000082082", "Immune Checkpoint Inhibitors"),
        ),
        conditions=(
            Condition(
                "EGFR-mutated non-small cell lung cancer",
                "NSCLC",
                "Non-small Cell Lung Cancer",
                (d("D002289", "Carcinoma, Non-Small-Cell Lung"), d("D008175", "Lung Neoplasms")),
                ("velotinib",),
                ("osimertinib", "gefitinib", "docetaxel", "carboplatin", "pemetrexed"),
                (
                    Endpoint("progression-free survival", T),
                    Endpoint("overall survival", T),
                    Endpoint("objective response rate", R),
                ),
                ("EGFR", "tyrosine kinase inhibitor", "lung cancer", "NSCLC"),
                weight=4,
            ),
            Condition(
                "BRAF V600E-mutant melanoma",
                "melanoma",
                "Melanoma",
                (d("D008545", "Melanoma"), d("D012878", "Skin Neoplasms")),
                ("lenvarafenib",),
                ("dabrafenib", "trametinib", "nivolumab", "pembrolizumab"),
                (
                    Endpoint("progression-free survival", T),
                    Endpoint("overall survival", T),
                    Endpoint("objective response rate", R),
                ),
                ("BRAF", "melanoma", "targeted therapy"),
                weight=3,
            ),
            Condition(
                "HER2-positive breast cancer",
                "breast cancer",
                "Breast Cancer",
                (d("D001943", "Breast Neoplasms"),),
                (),
                ("trastuzumab", "pertuzumab", "paclitaxel"),
                (
                    Endpoint("invasive disease-free survival", T),
                    Endpoint("pathological complete response", R),
                ),
                ("HER2", "breast cancer", "neoadjuvant therapy"),
                weight=2,
            ),
            Condition(
                "metastatic colorectal cancer",
                "colorectal cancer",
                "Colorectal Cancer",
                (d("D015179", "Colorectal Neoplasms"),),
                (),
                ("bevacizumab", "cetuximab", "oxaliplatin"),
                (Endpoint("overall survival", T), Endpoint("progression-free survival", T)),
                ("colorectal cancer", "KRAS", "chemotherapy"),
            ),
        ),
        journals=(
            ("Journal of Thoracic Oncology Research", "J Thorac Oncol Res"),
            ("European Journal of Precision Oncology", "Eur J Precis Oncol"),
            ("Clinical Cancer Therapeutics", "Clin Cancer Ther"),
            ("Annals of Translational Oncology", "Ann Transl Oncol"),
            ("Lung Cancer Reviews", "Lung Cancer Rev"),
            ("International Journal of Melanoma and Skin Oncology", "Int J Melanoma Skin Oncol"),
        ),
        nih_institute=("CA", "NCI NIH HHS"),
    ),
    Area(
        code="cardiology",
        root=d("D002318", "Cardiovascular Diseases"),
        drug_classes=(
            d("D000924", "Anticholesteremic Agents"),
            d("D000925", "Anticoagulants"),
            d("D002317", "Cardiovascular Agents"),
            d("D061067", "Antibodies, Monoclonal, Humanized"),
        ),
        conditions=(
            Condition(
                "heterozygous familial hypercholesterolaemia",
                "hypercholesterolaemia",
                "Hypercholesterolemia",
                (d("D006937", "Hypercholesterolemia"), d("D050197", "Atherosclerosis")),
                ("sotrelamab",),
                ("evolocumab", "ezetimibe", "atorvastatin"),
                (
                    Endpoint("percent change in LDL cholesterol", C),
                    Endpoint("major adverse cardiovascular events", T),
                ),
                ("LDL cholesterol", "PCSK9", "lipid lowering"),
                weight=3,
            ),
            Condition(
                "acute myocardial infarction",
                "myocardial infarction",
                "Myocardial Infarction",
                (d("D009203", "Myocardial Infarction"), d("D003324", "Coronary Artery Disease")),
                ("sotrelamab",),
                ("ticagrelor", "atorvastatin", "clopidogrel"),
                (
                    Endpoint("major adverse cardiovascular events", T),
                    Endpoint("cardiovascular death", T),
                ),
                ("secondary prevention", "coronary artery disease", "acute coronary syndrome"),
                weight=2,
            ),
            Condition(
                "non-valvular atrial fibrillation",
                "atrial fibrillation",
                "Atrial Fibrillation",
                (d("D001281", "Atrial Fibrillation"), d("D020521", "Stroke")),
                ("dalcotrep",),
                ("apixaban", "rivaroxaban", "warfarin"),
                (
                    Endpoint("stroke or systemic embolism", T),
                    Endpoint("major or clinically relevant bleeding", R),
                ),
                ("anticoagulation", "stroke prevention", "factor XIa"),
                weight=3,
            ),
            Condition(
                "heart failure with reduced ejection fraction",
                "heart failure",
                "Heart Failure",
                (d("D006333", "Heart Failure"),),
                (),
                ("sacubitril-valsartan", "dapagliflozin", "empagliflozin"),
                (
                    Endpoint("cardiovascular death or hospitalization for heart failure", T),
                    Endpoint("change in NT-proBNP", C),
                ),
                ("heart failure", "HFrEF", "SGLT2 inhibitor"),
                weight=3,
            ),
            Condition(
                "resistant hypertension",
                "hypertension",
                "Hypertension",
                (d("D006973", "Hypertension"),),
                (),
                ("spironolactone", "amlodipine"),
                (Endpoint("change in systolic blood pressure", C),),
                ("blood pressure", "hypertension"),
            ),
        ),
        journals=(
            ("Journal of Cardiovascular Outcomes", "J Cardiovasc Outcomes"),
            ("European Heart Failure Journal", "Eur Heart Fail J"),
            ("Lipidology and Atherosclerosis", "Lipidol Atheroscler"),
            ("Arrhythmia and Electrophysiology Reports", "Arrhythm Electrophysiol Rep"),
            ("Clinical Cardiology Practice", "Clin Cardiol Pract"),
        ),
        nih_institute=("HL", "NHLBI NIH HHS"),
    ),
    Area(
        code="neurology",
        root=d("D009422", "Nervous System Diseases"),
        drug_classes=(
            d("D007155", "Immunologic Factors"),
            d("D061067", "Antibodies, Monoclonal, Humanized"),
        ),
        conditions=(
            Condition(
                "relapsing multiple sclerosis",
                "multiple sclerosis",
                "Relapsing Multiple Sclerosis",
                (d("D009103", "Multiple Sclerosis"),),
                ("zanemirsen",),
                ("ocrelizumab", "interferon beta-1a", "teriflunomide"),
                (
                    Endpoint("annualized relapse rate", C),
                    Endpoint("confirmed disability progression", T),
                ),
                ("multiple sclerosis", "relapse", "disease-modifying therapy"),
                weight=4,
            ),
            Condition(
                "early Alzheimer disease",
                "Alzheimer disease",
                "Alzheimer Disease",
                (d("D000544", "Alzheimer Disease"), d("D003704", "Dementia")),
                (),
                ("lecanemab", "donepezil"),
                (Endpoint("change in CDR-SB score", C),),
                ("amyloid", "dementia", "cognition"),
                weight=2,
            ),
            Condition(
                "Parkinson disease",
                "Parkinson disease",
                "Parkinson Disease",
                (d("D010300", "Parkinson Disease"),),
                (),
                ("levodopa", "safinamide"),
                (Endpoint("change in MDS-UPDRS part III score", C),),
                ("Parkinson disease", "motor fluctuations"),
                weight=2,
            ),
            Condition(
                "focal epilepsy",
                "epilepsy",
                "Epilepsy",
                (d("D004827", "Epilepsy"),),
                (),
                ("levetiracetam", "cenobamate"),
                (Endpoint("50% responder rate", R),),
                ("seizures", "epilepsy", "antiseizure medication"),
            ),
            Condition(
                "chronic migraine",
                "migraine",
                "Migraine",
                (d("D008881", "Migraine Disorders"),),
                (),
                ("erenumab", "topiramate"),
                (Endpoint("change in monthly migraine days", C),),
                ("migraine", "CGRP", "headache"),
            ),
        ),
        journals=(
            ("Journal of Neuroimmunology and Multiple Sclerosis", "J Neuroimmunol Mult Scler"),
            ("European Journal of Clinical Neurology", "Eur J Clin Neurol"),
            ("Movement Disorders Research", "Mov Disord Res"),
            ("Epilepsy and Seizure Therapy", "Epilepsy Seizure Ther"),
            ("Headache and Pain Medicine", "Headache Pain Med"),
        ),
        nih_institute=("NS", "NINDS NIH HHS"),
    ),
    Area(
        code="immunology",
        root=d("D007154", "Immune System Diseases"),
        drug_classes=(
            d("D007166", "Immunosuppressive Agents"),
            d("D061067", "Antibodies, Monoclonal, Humanized"),
            d("D007155", "Immunologic Factors"),
        ),
        conditions=(
            Condition(
                "moderate-to-severe plaque psoriasis",
                "psoriasis",
                "Plaque Psoriasis",
                (d("D011565", "Psoriasis"),),
                ("ustarelimab",),
                ("secukinumab", "adalimumab", "ustekinumab"),
                (Endpoint("PASI 90 response", R), Endpoint("sPGA 0/1 response", R)),
                ("psoriasis", "IL-23", "biologic therapy"),
                weight=4,
            ),
            Condition(
                "active psoriatic arthritis",
                "psoriatic arthritis",
                "Psoriatic Arthritis",
                (d("D015535", "Arthritis, Psoriatic"),),
                ("ustarelimab",),
                ("adalimumab", "methotrexate"),
                (Endpoint("ACR20 response", R), Endpoint("minimal disease activity", R)),
                ("psoriatic arthritis", "spondyloarthritis"),
                weight=2,
            ),
            Condition(
                "rheumatoid arthritis",
                "rheumatoid arthritis",
                "Rheumatoid Arthritis",
                (d("D001172", "Arthritis, Rheumatoid"),),
                (),
                ("methotrexate", "tofacitinib", "adalimumab"),
                (Endpoint("ACR50 response", R), Endpoint("change in DAS28-CRP", C)),
                ("rheumatoid arthritis", "JAK inhibitor"),
                weight=2,
            ),
            Condition(
                "Crohn disease",
                "Crohn disease",
                "Crohn Disease",
                (d("D003424", "Crohn Disease"), d("D015212", "Inflammatory Bowel Diseases")),
                (),
                ("vedolizumab", "infliximab"),
                (Endpoint("clinical remission", R), Endpoint("endoscopic response", R)),
                ("inflammatory bowel disease", "Crohn disease"),
            ),
            Condition(
                "moderate-to-severe atopic dermatitis",
                "atopic dermatitis",
                "Atopic Dermatitis",
                (d("D003876", "Dermatitis, Atopic"),),
                (),
                ("dupilumab", "upadacitinib"),
                (Endpoint("EASI-75 response", R),),
                ("atopic dermatitis", "eczema", "IL-13"),
            ),
        ),
        journals=(
            ("Journal of Clinical Immunodermatology", "J Clin Immunodermatol"),
            ("Inflammatory Arthritis Research", "Inflamm Arthritis Res"),
            ("European Journal of Psoriasis and Skin Inflammation", "Eur J Psoriasis Skin Inflamm"),
            ("Immune-Mediated Disease Reports", "Immune Mediat Dis Rep"),
            ("Journal of Inflammatory Bowel Disease Therapy", "J Inflamm Bowel Dis Ther"),
        ),
        nih_institute=("AR", "NIAMS NIH HHS"),
    ),
)

AREAS_BY_CODE: dict[str, Area] = {area.code: area for area in AREAS}

#: Journals every area publishes in.
GENERAL_JOURNALS: tuple[tuple[str, str], ...] = (
    ("International Journal of Medical Affairs", "Int J Med Aff"),
    ("Journal of Clinical Trials Methodology", "J Clin Trials Methodol"),
    ("Nordic Medical Review", "Nord Med Rev"),
)

#: How a drug works, for titles and abstracts ("velotinib, a ...").
MECHANISMS: dict[str, str] = {
    "velotinib": "a third-generation EGFR tyrosine kinase inhibitor",
    "osimertinib": "a third-generation EGFR tyrosine kinase inhibitor",
    "gefitinib": "a first-generation EGFR tyrosine kinase inhibitor",
    "lenvarafenib": "a selective BRAF V600E inhibitor",
    "dabrafenib": "a BRAF inhibitor",
    "sotrelamab": "a fully human monoclonal antibody against PCSK9",
    "evolocumab": "a monoclonal antibody against PCSK9",
    "dalcotrep": "an oral factor XIa inhibitor",
    "apixaban": "a direct factor Xa inhibitor",
    "zanemirsen": "an antisense oligonucleotide that lowers CD49d expression",
    "ocrelizumab": "an anti-CD20 monoclonal antibody",
    "ustarelimab": "a monoclonal antibody against the p19 subunit of interleukin-23",
    "secukinumab": "an interleukin-17A inhibitor",
    "adalimumab": "a TNF inhibitor",
}

#: Drug codes used in development, for the registry's "other names".
DEVELOPMENT_CODES: dict[str, str] = {
    "velotinib": "AUR-101",
    "sotrelamab": "AUR-204",
    "lenvarafenib": "HLX-3390",
    "zanemirsen": "CVP-118",
    "ustarelimab": "BRL-523",
    "dalcotrep": "MLS-7716",
}

#: Names as PubMed affiliations write the country, and as ClinicalTrials.gov does.
PUBMED_COUNTRIES: dict[str, str] = {
    "US": "USA",
    "DE": "Germany",
    "AT": "Austria",
    "CH": "Switzerland",
    "FR": "France",
    "ES": "Spain",
    "IT": "Italy",
    "GB": "UK",
    "JP": "Japan",
    "SE": "Sweden",
    "PL": "Poland",
    "TR": "Turkey",
}
REGISTRY_COUNTRIES: dict[str, str] = {
    **PUBMED_COUNTRIES,
    "US": "United States",
    "GB": "United Kingdom",
}
COUNTRY_ADJECTIVES: dict[str, str] = {
    "US": "US",
    "DE": "German",
    "AT": "Austrian",
    "CH": "Swiss",
    "FR": "French",
    "ES": "Spanish",
    "IT": "Italian",
    "GB": "UK",
    "JP": "Japanese",
    "SE": "Swedish",
    "PL": "Polish",
    "TR": "Turkish",
}
US_STATES: dict[str, str] = {
    "US-CA": "California",
    "US-WA": "Washington",
    "US-OR": "Oregon",
    "US-MA": "Massachusetts",
    "US-NY": "New York",
    "US-MN": "Minnesota",
    "US-TX": "Texas",
    "US-IL": "Illinois",
    "US-PA": "Pennsylvania",
    "US-MD": "Maryland",
    "US-TN": "Tennessee",
    "US-FL": "Florida",
    "US-GA": "Georgia",
    "US-OH": "Ohio",
    "US-MI": "Michigan",
    "US-CO": "Colorado",
}


#: Words in an institution's name that tie it to one area ("Herzzentrum", "Tumorzentrum").
AREA_MARKERS: dict[str, tuple[str, ...]] = {
    "oncology": ("Cancer", "Tumor", "Onko", "Oncol", "Cancérologie", "Onkoloji", "Oncológico"),
    "cardiology": ("Heart", "Herz", "Cardio", "Kardio", "Corazón", "hjärt"),
    "neurology": ("Neuro",),
    "immunology": (),
}


def area_affinity(name: str, area: str) -> float:
    """How fitting a site ``name`` is for a trial of ``area``: a specialised centre of
    another area (a heart centre for a melanoma trial) rarely hosts one."""
    if any(marker in name for marker in AREA_MARKERS.get(area, ())):
        return 3.0
    others = (
        marker for code, markers in AREA_MARKERS.items() if code != area for marker in markers
    )
    return 0.05 if any(marker in name for marker in others) else 1.0


def area_descriptors(code: str) -> tuple[Descriptor, ...]:
    """The MeSH descriptors the demo uses for an area (its root and its conditions')."""
    area = AREAS_BY_CODE[code]
    return (area.root, *(term for condition in area.conditions for term in condition.mesh))
