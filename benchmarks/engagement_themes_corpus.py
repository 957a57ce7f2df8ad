"""Generated insight statements for the themes benchmark (``engagement_themes.py``).

Fifteen subjects an MSL hears about, each a few sentence templates filled from
word lists, with sentences of other subjects' words mixed in now and then, so
the statements read like field notes and the subjects overlap as real ones do.
``statements(n, seed)`` returns ``(text, subject index)`` pairs.
"""

from __future__ import annotations

import random

FILLERS = {
    "who": [
        "Clinicians",
        "The head of department",
        "Two oncologists",
        "The nurse coordinator",
        "Several KOLs",
        "A hospital pharmacist",
        "The investigator",
        "Community physicians",
        "The geriatrician",
        "Residents at the university clinic",
    ],
    "say": ["report", "say", "mention", "note", "complain", "explain", "point out", "stress"],
    "time": ["weeks", "months", "a quarter", "half a year", "several months", "two months"],
    "drug": ["the product", "our drug", "the biologic", "the new therapy", "the treatment"],
}

SUBJECTS: list[list[str]] = [
    [  # 0 reimbursement delays
        "{who} {say} that reimbursement approval takes {time} at the regional payer.",
        "Payer reimbursement decisions for {drug} are delayed by {time}.",
        "Prior authorisation and reimbursement paperwork slows every new prescription.",
        "Patients wait {time} for reimbursement before starting {drug}.",
        "The sickness fund delays reimbursement until an appeal succeeds.",
    ],
    [  # 1 injection-site reactions
        "{who} {say} redness and swelling at the injection site after the first dose.",
        "Injection-site reactions with {drug} are the main reason patients stop.",
        "Patients describe itching and bruising at the injection site.",
        "Rotating injection sites reduces skin reactions, {who} {say}.",
        "Injection site pain worries patients who self-inject {drug}.",
    ],
    [  # 2 elderly data
        "{who} {say} there is no trial evidence in elderly patients over 75.",
        "Data in frail elderly patients would change how {drug} is prescribed.",
        "Older adults were under-represented in the pivotal trials of {drug}.",
        "Geriatric prescribers want dosing data in elderly patients with comorbidities.",
        "The lack of elderly data limits use in nursing homes.",
    ],
    [  # 3 biosimilar competition
        "{who} {say} hospitals switch to the cheaper biosimilar after tenders.",
        "The biosimilar tender price undercuts {drug} by a third.",
        "Formulary committees favour biosimilar switching for new patients.",
        "Biosimilar uptake is rising because of procurement rules.",
    ],
    [  # 4 guideline update
        "{who} {say} the updated ESMO guideline now recommends first-line use.",
        "Guideline committees are reviewing the new phase 3 evidence for {drug}.",
        "The national guideline update lags behind the international recommendations.",
        "Practice will change once the society guideline includes the new data.",
    ],
    [  # 5 trial recruitment
        "{who} {say} trial recruitment is slow because eligibility criteria are strict.",
        "Sites struggle to enrol patients into the study within {time}.",
        "Screening failures delay recruitment at the investigator sites.",
        "Referral networks could speed enrolment into the clinical trial.",
    ],
    [  # 6 dosing convenience
        "{who} {say} patients prefer monthly dosing over weekly injections.",
        "A less frequent dosing schedule would improve adherence to {drug}.",
        "Oral formulation convenience matters more than efficacy for many patients.",
        "Dosing every two weeks is a burden for working patients.",
    ],
    [  # 7 diagnostic testing
        "{who} {say} biomarker testing is not routinely available in community hospitals.",
        "Turnaround time for genetic testing delays treatment decisions by {time}.",
        "Pathology labs lack validated companion diagnostic assays.",
        "Testing rates for the mutation remain low outside academic centres.",
    ],
    [  # 8 cardiovascular safety
        "{who} {say} concerns about cardiovascular events and blood pressure monitoring.",
        "Cardiologists ask for QT prolongation data before combining {drug}.",
        "Hypertension during treatment worries prescribers in cardiac patients.",
        "Cardiac safety monitoring requirements discourage use in older patients.",
    ],
    [  # 9 real-world evidence
        "{who} {say} real-world evidence from registries would reassure payers.",
        "Registry data on long-term outcomes of {drug} are eagerly awaited.",
        "Observational studies could show effectiveness in routine practice.",
        "Real-world outcomes differ from trial results, according to the registry.",
    ],
    [  # 10 patient education
        "{who} {say} patients need better education materials about side effects.",
        "Patient leaflets are too technical for most patients on {drug}.",
        "Nurses want training materials to teach self-injection at home.",
        "Patient support programmes improve understanding of the therapy.",
    ],
    [  # 11 supply shortages
        "{who} {say} pharmacies face supply shortages of {drug} for {time}.",
        "Stock outages at the wholesaler interrupt treatment for patients.",
        "Supply problems forced the hospital to ration the medicine.",
        "Distribution delays leave pharmacies without stock.",
    ],
    [  # 12 combination therapy
        "{who} {say} they want data on combination with immunotherapy.",
        "Combining {drug} with checkpoint inhibitors is of great interest.",
        "Sequencing after chemotherapy combination regimens is unclear.",
        "Investigators propose combination trials with targeted agents.",
    ],
    [  # 13 renal impairment
        "{who} {say} dose adjustment in renal impairment is unclear.",
        "Patients on dialysis were excluded, so kidney function data are missing.",
        "Nephrologists want pharmacokinetic data in chronic kidney disease.",
        "Renal function monitoring is a barrier to prescribing {drug}.",
    ],
    [  # 14 telemedicine follow-up
        "{who} {say} telemedicine follow-up visits work well for stable patients.",
        "Remote monitoring apps could replace some clinic visits.",
        "Video consultations reduce travel for rural patients on {drug}.",
        "Digital follow-up tools are welcomed but lack integration with records.",
    ],
]

ASIDES = [
    "This came up during the advisory board.",
    "Raised again at the congress booth.",
    "Discussed at length with the team.",
    "They asked for a follow-up visit.",
    "",
    "",
    "",
]


def statements(count: int, seed: int = 42) -> list[tuple[str, int]]:
    """``count`` generated statements with the index of their subject."""
    rng = random.Random(seed)
    out: list[tuple[str, int]] = []
    for _ in range(count):
        subject = rng.randrange(len(SUBJECTS))
        template = rng.choice(SUBJECTS[subject])
        text = template.format(**{key: rng.choice(values) for key, values in FILLERS.items()})
        if rng.random() < 0.5:  # a second sentence of the same subject
            other = rng.choice(SUBJECTS[subject])
            text += " " + other.format(
                **{key: rng.choice(values) for key, values in FILLERS.items()}
            )
        aside = rng.choice(ASIDES)
        if aside:
            text += " " + aside
        out.append((text[0].upper() + text[1:], subject))
    return out
