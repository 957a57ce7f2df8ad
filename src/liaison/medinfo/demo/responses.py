"""The demo's standard responses, and the versions written and approved for them.

Six documents of our two products (Onvexa: dosing in renal impairment, use in the
elderly, interactions, adjuvant use after resection; Cardivance: homozygous
familial hypercholesterolaemia, storage and handling), each written by medical
information and approved by compliance with an electronic signature (four eyes:
the author may not approve). The elderly response is in its second version (the
first retired by it); the storage response's only approved version has expired and
its second waits in review. The references are fictional, their DOIs of the test
prefix 10.5555.

The expired version cannot be approved through :func:`approve_version` (an approval
expires after today): it is signed with :func:`liaison.core.signatures.sign_record`
over its exact content, as approved a year ago, so its signature still verifies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from liaison.core import audit, policy, signatures
from liaison.core.models import SignatureMeaning
from liaison.medinfo import services, turnaround
from liaison.medinfo.demo.story import World, days_ago, set_times
from liaison.medinfo.models import Inquiry, ResponseVersion, StandardResponse, VersionStatus
from liaison.medinfo.services import ReferenceData
from liaison.medinfo.services.responses import canonical_content

#: How long an approval lasts in the demo.
APPROVAL_DAYS = 365


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """A standard response of the demo; ``plan`` is its history: ``approved`` (one
    version), ``revised`` (a first version retired by the second) or ``expired`` (the
    approved version expired, the next one in review)."""

    code: str
    title: str
    product: str
    topics: tuple[str, ...]
    body: str
    references: tuple[ReferenceData, ...]
    approved_days_ago: int
    plan: str = "approved"


SMPC = (
    "Aurelia Therapeutics. Onvexa (velotinib) film-coated tablets: Summary of Product "
    "Characteristics. January 2024."
)
CARDIVANCE_LABEL = (
    "Aurelia Therapeutics. Cardivance (sotrelamab) solution for injection in pre-filled pen: "
    "prescribing information. June 2022."
)

RESPONSES: tuple[ResponseSpec, ...] = (
    ResponseSpec(
        "ONV-RENAL",
        "Onvexa (velotinib): dosing in patients with renal impairment",
        "Onvexa",
        ("dosing", "renal impairment", "pharmacokinetics"),
        "Summary: no dose adjustment of velotinib is recommended in mild or moderate renal "
        "impairment (creatinine clearance 30 to 89 mL/min). Data in severe renal impairment "
        "are limited and velotinib has not been studied in patients on dialysis.\n\n"
        "Velotinib is cleared mainly by hepatic metabolism (CYP3A4); less than 5% of a dose "
        "is excreted unchanged in urine. In a dedicated open-label study, exposure (AUC) was "
        "1.1-fold and 1.3-fold that of matched controls with normal renal function in "
        "moderate and severe renal impairment respectively.\n\n"
        "In the phase 3 VELOCITY-1 trial, 118 patients had mild and 31 moderate renal "
        "impairment at baseline; the incidence of grade 3 or higher adverse events did not "
        "differ from that of patients with normal renal function.\n\n"
        "Patients with severe renal impairment should be monitored closely; please consult "
        "the prescribing information.",
        (
            {"citation": SMPC},
            {
                "citation": "Ng KW, Brandt F, Alvarez M. Pharmacokinetics of a single dose of "
                "velotinib in subjects with renal impairment. J Clin Oncol Pharmacol. "
                "2022;14:845-853.",
                "doi": "10.5555/demo.jcop.2022.0845",
            },
            {
                "citation": "Hartmann L, Okonkwo B, Sato R, et al. Velotinib versus gefitinib in "
                "first-line EGFR-mutated NSCLC (VELOCITY-1): a randomised phase 3 trial. "
                "Eur Thorac Oncol Rev. 2023;9:211-223.",
                "doi": "10.5555/demo.etor.2023.0211",
            },
        ),
        approved_days_ago=140,
    ),
    ResponseSpec(
        "ONV-ELDERLY",
        "Onvexa (velotinib): use in patients aged 75 years and older",
        "Onvexa",
        ("elderly", "efficacy", "safety"),
        "Summary: no dose adjustment is required on the basis of age. Patients aged 75 years "
        "and older made up 14% of the VELOCITY-1 population (n = 72).\n\n"
        "Progression-free survival in patients aged 75 and older was consistent with the "
        "overall population (hazard ratio 0.52; 95% CI 0.31 to 0.88). Grade 3 or higher "
        "diarrhoea and rash were reported somewhat more often in this group (11% and 8%, "
        "against 7% and 5% overall); dose reductions were more frequent (29% against 21%).\n\n"
        "A pooled analysis of three studies found no relationship between age and velotinib "
        "clearance after adjustment for body weight.\n\n"
        "Quality of life (EORTC QLQ-C30) was maintained over 12 months in patients aged 75 and "
        "older; the analysis was exploratory.",
        (
            {"citation": SMPC},
            {
                "citation": "Moreau C, Lindgren P, Tanaka H. Velotinib in older patients with "
                "EGFR-mutated NSCLC: a subgroup analysis of VELOCITY-1. Geriatr Oncol Rep. "
                "2024;6:77-85.",
                "doi": "10.5555/demo.gor.2024.0077",
            },
            {
                "citation": "Weiss D, Ferreira A, Kowalski J. Population pharmacokinetics of "
                "velotinib across three clinical studies. Clin Pharmacokinet Rep. 2023;18:301-310.",
            },
        ),
        approved_days_ago=75,
        plan="revised",
    ),
    ResponseSpec(
        "ONV-INTERACT",
        "Onvexa (velotinib): interactions with other medicines",
        "Onvexa",
        ("interactions", "CYP3A4", "acid-reducing agents"),
        "Summary: strong CYP3A4 inhibitors and inducers change velotinib exposure; "
        "acid-reducing agents do not.\n\n"
        "Strong CYP3A4 inhibitors (for example clarithromycin, itraconazole) increased the "
        "velotinib AUC 2.4-fold in healthy volunteers: avoid them where possible, or reduce "
        "the velotinib dose as the prescribing information describes. Strong inducers "
        "(rifampicin, carbamazepine, St John's wort) decreased the AUC by 68% and should be "
        "avoided.\n\n"
        "Pantoprazole 40 mg daily did not change velotinib exposure to a relevant degree "
        "(AUC ratio 0.94); velotinib can be taken with proton pump inhibitors.\n\n"
        "Velotinib does not inhibit or induce the main CYP enzymes at clinical concentrations.",
        (
            {"citation": SMPC},
            {
                "citation": "Keller S, Nakamura Y, O'Brien T. Effects of itraconazole, rifampicin "
                "and pantoprazole on the pharmacokinetics of velotinib. Drug Interact Rep. "
                "2022;7:133-141.",
                "doi": "10.5555/demo.dir.2022.0133",
            },
        ),
        approved_days_ago=120,
    ),
    ResponseSpec(
        "ONV-ADJUVANT",
        "Onvexa (velotinib): adjuvant treatment after resection of EGFR-mutated NSCLC",
        "Onvexa",
        ("adjuvant", "off-label", "efficacy"),
        "This response concerns a use of velotinib that may not be approved in your country. "
        "It is provided in answer to your unsolicited request and is not a recommendation.\n\n"
        "The phase 3 VELOCITY-ADJ trial randomised 682 patients with completely resected "
        "stage IB to IIIA EGFR-mutated NSCLC to velotinib or placebo for three years after "
        "standard adjuvant chemotherapy. Disease-free survival at three years was 81% with "
        "velotinib and 49% with placebo (hazard ratio 0.29; 95% CI 0.21 to 0.39). Overall "
        "survival data are immature.\n\n"
        "The safety profile was consistent with that of metastatic disease; 9% of patients "
        "stopped treatment because of adverse events.",
        (
            {
                "citation": "Lindqvist E, Herrera J, Cho M, et al. Adjuvant velotinib in resected "
                "EGFR-mutated non-small cell lung cancer (VELOCITY-ADJ). Eur Thorac Oncol Rev. "
                "2024;10:402-414.",
                "doi": "10.5555/demo.etor.2024.0402",
            },
        ),
        approved_days_ago=100,
    ),
    ResponseSpec(
        "CDV-HOFH",
        "Cardivance (sotrelamab): homozygous familial hypercholesterolaemia",
        "Cardivance",
        ("HoFH", "off-label", "LDL cholesterol"),
        "This response concerns a use of sotrelamab that is not approved. It is provided in "
        "answer to your unsolicited request and is not a recommendation.\n\n"
        "Sotrelamab is approved for heterozygous familial hypercholesterolaemia. In an "
        "open-label pilot study of 24 patients with homozygous familial "
        "hypercholesterolaemia on stable lipid-lowering therapy, LDL cholesterol fell by a "
        "mean of 21% after 12 weeks; patients with two null LDL-receptor alleles had no "
        "meaningful response. Nine patients on lipoprotein apheresis were included; "
        "sotrelamab was given after each session.\n\n"
        "No new safety signal was seen; injection-site reactions were the most frequent "
        "adverse event (17%).",
        (
            {"citation": CARDIVANCE_LABEL},
            {
                "citation": "Van der Berg M, Ahmadi R, Costa L. Sotrelamab in homozygous familial "
                "hypercholesterolaemia: an open-label pilot study. Lipid Res Pract. "
                "2023;5:58-66.",
                "doi": "10.5555/demo.lrp.2023.0058",
            },
        ),
        approved_days_ago=90,
    ),
    ResponseSpec(
        "CDV-STORAGE",
        "Cardivance (sotrelamab): storage and handling of the pre-filled pen",
        "Cardivance",
        ("storage", "handling"),
        "Summary: store the pens in a refrigerator (2 to 8 °C) in the outer carton to protect "
        "them from light. Do not freeze; a pen that has been frozen must not be used.\n\n"
        "A pen may be kept at room temperature (up to 25 °C) once, for up to 30 days; it must "
        "not be returned to the refrigerator and must be discarded after 30 days.\n\n"
        "Allow the pen to reach room temperature for 30 minutes before injecting. Do not "
        "shake it.",
        ({"citation": CARDIVANCE_LABEL},),
        approved_days_ago=380,
        plan="expired",
    ),
)


#: The custom response to the nasogastric tube question.
CUSTOM_TITLE = "Onvexa (velotinib): administration through a nasogastric tube"
CUSTOM_BODY = (
    "There are no clinical data on giving velotinib through a nasogastric tube, and the "
    "prescribing information asks for the tablets to be swallowed whole.\n\n"
    "In a laboratory study, velotinib tablets dispersed in 50 mL of non-carbonated water "
    "within 10 minutes; 97% of the labelled amount was recovered after passage through a "
    "12 French tube flushed twice with 20 mL of water. The bioavailability of a dispersed "
    "tablet has not been studied."
)
CUSTOM_REFERENCES: tuple[ReferenceData, ...] = (
    {"citation": SMPC},
    {
        "citation": "Aurelia Therapeutics. Velotinib tablet dispersion and nasogastric tube "
        "recovery: laboratory report AT-VEL-PH-0412. Data on file. 2023.",
    },
)


def _date_version(
    version: ResponseVersion,
    written: dt.datetime,
    submitted: dt.datetime,
    approved: dt.datetime | None = None,
) -> None:
    """The version's story: written, submitted and (with its signature) approved."""
    set_times(version, created_at=written, submitted_at=submitted)
    if approved is not None:
        set_times(version, approved_at=approved)
        signatures.signatures_for(version).update(signed_at=approved)


def approve(world: World, version: ResponseVersion, approved: dt.datetime) -> ResponseVersion:
    """Submit a draft and have the reviewer approve it with their signature, dated as
    written and approved before ``approved``; the approval lasts a year from then."""
    services.submit_for_review(actor=world.medinfo, version=version)
    services.approve_version(
        actor=world.reviewer,
        version=version,
        password=world.password,
        expires_on=turnaround.day_of(approved) + dt.timedelta(days=APPROVAL_DAYS),
    )
    _date_version(
        version,
        approved - dt.timedelta(days=world.rng.randint(5, 12)),
        approved - dt.timedelta(days=world.rng.randint(1, 4)),
        approved,
    )
    return version


def approved_version(
    world: World,
    standard: StandardResponse,
    body: str,
    references: list[ReferenceData],
    approved: dt.datetime,
) -> ResponseVersion:
    """The next version of ``standard``, approved at ``approved``."""
    draft = services.new_response_version(
        actor=world.medinfo, standard=standard, data={"body": body, "references": references}
    )
    return approve(world, draft, approved)


def custom_response(world: World, inquiry: Inquiry, approved: dt.datetime) -> ResponseVersion:
    """The response written for the nasogastric tube question alone, approved at ``approved``."""
    draft = services.draft_custom_response(
        actor=world.medinfo,
        inquiry=inquiry,
        title=CUSTOM_TITLE,
        body=CUSTOM_BODY,
        references=list(CUSTOM_REFERENCES),
    )
    return approve(world, draft, approved)


def expired_version(
    world: World, standard: StandardResponse, spec: ResponseSpec, approved: dt.datetime
) -> ResponseVersion:
    """A version approved ``approved`` for a year that has passed: signed over its exact
    content (expiry included) as the approval service signs, which refuses a past expiry."""
    expires = turnaround.day_of(approved) + dt.timedelta(days=APPROVAL_DAYS)
    version = services.new_response_version(
        actor=world.medinfo,
        standard=standard,
        data={"body": spec.body, "references": list(spec.references), "expires_on": expires},
    )
    services.submit_for_review(actor=world.medinfo, version=version)
    policy.require(world.reviewer, "approve", version)
    with transaction.atomic():
        signature = signatures.sign_record(
            actor=world.reviewer,
            password=world.password,
            meaning=SignatureMeaning.APPROVED,
            record=version,
            content=canonical_content(version),
        )
        audit.update_record(
            actor=world.reviewer,
            instance=version,
            values={
                "status": VersionStatus.APPROVED,
                "approved_at": signature.signed_at,
                "content_digest": signature.content_digest,
            },
        )
    _date_version(
        version, approved - dt.timedelta(days=9), approved - dt.timedelta(days=3), approved
    )
    return version


def build_response(world: World, spec: ResponseSpec) -> StandardResponse:
    """The standard response of ``spec`` with its versions (see :class:`ResponseSpec`)."""
    product = world.products[spec.product]
    document = services.create_standard_response(
        actor=world.medinfo,
        data={
            "code": spec.code,
            "title": spec.title,
            "therapeutic_area": product.therapeutic_area,
            "products": [product],
            "topics": list(spec.topics),
        },
    )
    approved = days_ago(world, spec.approved_days_ago, world.rng.randint(9, 16))
    references = list(spec.references)
    if spec.plan == "expired":
        expired_version(world, document, spec, approved)
        # The new version, written when the old one was about to expire, waits in review.
        draft = services.new_response_version(
            actor=world.medinfo,
            standard=document,
            data={
                "body": spec.body + "\n\nThe pen can be carried in hand luggage on flights.",
                "references": references,
            },
        )
        services.submit_for_review(actor=world.medinfo, version=draft)
        written = days_ago(world, world.rng.randint(18, 24), 11)
        _date_version(draft, written, days_ago(world, world.rng.randint(5, 8), 15))
        set_times(document, created_at=approved - dt.timedelta(days=14))
        return document
    if spec.plan == "revised":
        first = approved - dt.timedelta(days=world.rng.randint(240, 260))
        paragraphs = spec.body.split("\n\n")
        approved_version(world, document, "\n\n".join(paragraphs[:-1]), references[:-1], first)
        set_times(document, created_at=first - dt.timedelta(days=14))
    else:
        set_times(document, created_at=approved - dt.timedelta(days=14))
    world.sendable[spec.code] = approved_version(world, document, spec.body, references, approved)
    return document
