"""Statements of three obvious subjects (reimbursement delays, injection-site
reactions, the need for data in elderly patients), twenty each, written as MSLs
write them: the themes test's known set."""

from __future__ import annotations

REIMBURSEMENT = [
    "Reimbursement approval takes four months at the regional payer, so patients start late.",
    "The hospital pharmacy waits for the payer's reimbursement decision before ordering the drug.",
    "Insurers delay reimbursement until a second-line failure is documented.",
    "Prior authorisation paperwork for reimbursement is slowing every new prescription.",
    "Payers reject the first reimbursement request and approve only on appeal.",
    "Patients wait months for reimbursement, so clinicians prescribe the older generic.",
    "The national reimbursement listing is still pending, which blocks uptake in the clinics.",
    "Delays in payer reimbursement mean treatment begins only after the appeal succeeds.",
    "Reimbursement forms are long and the payer asks for extra lab results each time.",
    "The sickness fund reimbursement delay is the main barrier cited by the department.",
    "Without timely reimbursement the clinic cannot stock the product.",
    "Regional payers apply different reimbursement criteria and slow access for patients.",
    "Appeals against refused reimbursement take up to twelve weeks.",
    "Clinicians complain that reimbursement delays cost patients their treatment window.",
    "The payer's reimbursement committee meets only quarterly, delaying starts.",
    "Reimbursement is approved for some insurers but delayed for others.",
    "Pharmacists report reimbursement claims stuck for weeks with the payer.",
    "Reimbursement delays make physicians reluctant to initiate therapy.",
    "Access is limited because reimbursement decisions from payers come slowly.",
    "The payer demands a specialist letter before reimbursement, adding delays.",
]
INJECTION = [
    "Several patients reported redness and swelling at the injection site after the first dose.",
    "Injection-site reactions are the most common reason patients ask to stop.",
    "Nurses see itching and bruising at the injection site within a day.",
    "Injection site pain worries older patients who self-inject.",
    "Local injection-site reactions resolved within a few days without treatment.",
    "Patients describe a burning sensation at the injection site.",
    "Rotating injection sites reduced the skin reactions according to the nurse.",
    "The dermatology team asked how to manage injection-site erythema.",
    "Swelling and hardness at the injection site led one patient to skip a dose.",
    "Injection-site reactions seem more frequent with the prefilled pen than the syringe.",
    "Cooling the skin before the injection lessened site pain for patients.",
    "A patient had a large injection-site reaction that lasted a week.",
    "Clinicians want guidance on treating injection-site rash and itching.",
    "Patients fear the injection because of painful site reactions reported online.",
    "Bruising at the injection site is common in patients on anticoagulants.",
    "Injection-site reactions are mild but frequent in the first month.",
    "The nurse documented nodules at the injection site after repeated doses.",
    "Site reactions after subcutaneous injection are a recurring complaint.",
    "Patients ask whether antihistamines prevent injection-site itching.",
    "Redness at the injection site made a patient think of an allergy.",
]
ELDERLY = [
    "Clinicians want efficacy data in patients over 75.",
    "There is no trial evidence in elderly patients with several comorbidities.",
    "Geriatricians hesitate to prescribe without data in the elderly.",
    "The pivotal trial excluded patients older than 80, so physicians lack elderly data.",
    "Physicians ask for safety results in elderly patients with renal impairment.",
    "Older patients were under-represented in the studies, a gap clinicians raise often.",
    "Data in frail elderly patients would change prescribing in nursing homes.",
    "The lack of elderly data limits use in the geriatric ward.",
    "Doctors want a subgroup analysis of patients aged over 75.",
    "Clinicians need dosing guidance for the elderly population.",
    "Elderly patients on many medicines were excluded; prescribers want interaction data.",
    "Real-world data in older adults would reassure the geriatric team.",
    "Physicians are uncertain about the benefit in the very elderly.",
    "Elderly patients with dementia were not studied, which worries prescribers.",
    "A registry of elderly patients could fill the evidence gap.",
    "Geriatric specialists ask for outcomes data beyond age 85.",
    "The label offers little data for older patients, so clinicians are cautious.",
    "Prescribers request evidence in elderly patients with heart failure.",
    "Older adults are the majority of patients, yet trial data in the elderly are scarce.",
    "Clinicians would use the drug more in the elderly with dedicated trial data.",
]

KNOWN = {"reimbursement": REIMBURSEMENT, "injection site": INJECTION, "elderly": ELDERLY}
