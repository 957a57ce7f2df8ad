"""A case and the ICH E2B(R3) records, both ways.

:func:`to_icsr` builds the ICSR of a case (the patient's initials masked with
nullFlavor MSK unless allowed); :func:`case_data` reads an imported ICSR into the
case's fields. A case keeps what pharmacovigilance works with: an E2B element the
case has no field for (substances, several dosage courses of one drug, tests,
relatedness assessments) is not kept on import, and neither is the file: the case
names it as its source. A value is kept as given or refused with its reason, never
cut short in silence (an age of 1.5 years is kept as 18 months; 48.5 years, which
no whole unit holds, is refused). :func:`elements_of` names the E2B elements of the
case fields a refusal names. C.1.4 (first received) is Day 0; C.1.5 (most recent
information) is the day a follow-up's or an amendment's information was received, or
Day 0 for the first version.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from liaison.core.errors import LiaisonError
from liaison.directory.models import Product
from liaison.safety.e2b import records as e2b
from liaison.safety.models import (
    MAX_AGE,
    ActionTaken,
    AgeUnit,
    Case,
    CaseProduct,
    CaseVersion,
    Outcome,
    ProductRole,
    Qualification,
    Reaction,
    Sex,
)
from liaison.safety.services.data import CaseData, ProductData, ReactionData

OUTCOMES = {
    Outcome.UNKNOWN: e2b.Outcome.UNKNOWN,
    Outcome.RECOVERED: e2b.Outcome.RECOVERED,
    Outcome.RECOVERING: e2b.Outcome.RECOVERING,
    Outcome.NOT_RECOVERED: e2b.Outcome.NOT_RECOVERED,
    Outcome.SEQUELAE: e2b.Outcome.RECOVERED_WITH_SEQUELAE,
    Outcome.FATAL: e2b.Outcome.FATAL,
}
ROLES = {
    ProductRole.SUSPECT: e2b.DrugRole.SUSPECT,
    ProductRole.CONCOMITANT: e2b.DrugRole.CONCOMITANT,
    ProductRole.INTERACTING: e2b.DrugRole.INTERACTING,
    ProductRole.NOT_ADMINISTERED: e2b.DrugRole.NOT_ADMINISTERED,
}
ACTIONS = {
    ActionTaken.WITHDRAWN: e2b.ActionTaken.WITHDRAWN,
    ActionTaken.REDUCED: e2b.ActionTaken.DOSE_REDUCED,
    ActionTaken.INCREASED: e2b.ActionTaken.DOSE_INCREASED,
    ActionTaken.NOT_CHANGED: e2b.ActionTaken.DOSE_NOT_CHANGED,
    ActionTaken.NOT_APPLICABLE: e2b.ActionTaken.NOT_APPLICABLE,
}
QUALIFICATIONS = {
    Qualification.PHYSICIAN: e2b.Qualification.PHYSICIAN,
    Qualification.PHARMACIST: e2b.Qualification.PHARMACIST,
    Qualification.OTHER_HCP: e2b.Qualification.OTHER_HEALTH_PROFESSIONAL,
    Qualification.LAWYER: e2b.Qualification.LAWYER,
    Qualification.CONSUMER: e2b.Qualification.CONSUMER,
}
SEXES = {Sex.MALE: e2b.Sex.MALE, Sex.FEMALE: e2b.Sex.FEMALE}
AGE_UNITS = {
    AgeUnit.YEARS: "a",
    AgeUnit.MONTHS: "mo",
    AgeUnit.WEEKS: "wk",
    AgeUnit.DAYS: "d",
    AgeUnit.DECADES: "10.a",
}
#: An age with decimals in the next finer unit, and how many of those make one.
FINER_AGE_UNITS = {"10.a": ("a", 10), "a": ("mo", 12), "wk": ("d", 7)}
#: The E2B data element of each case field (``reactions.*.x``: of every reaction).
ELEMENTS = {
    "safety_report_id": "C.1.1",
    "worldwide_id": "C.1.8.1",
    "day_zero": "C.1.4",
    "received_on": "C.1.5",
    "latest_received_on": "C.1.5",
    "patient_initials": "D.1",
    "patient_birth_date": "D.2.1",
    "patient_age": "D.2.2a",
    "patient_age_unit": "D.2.2b",
    "patient_weight_kg": "D.3",
    "patient_height_cm": "D.4",
    "patient_sex": "D.5",
    "patient_medical_history": "D.7.2",
    "reporter_given_name": "C.2.r.1.2",
    "reporter_family_name": "C.2.r.1.4",
    "reporter_organization": "C.2.r.2.1",
    "reporter_country": "C.2.r.3",
    "narrative": "H.1",
    "reactions.*.verbatim": "E.i.1.1a",
    "reactions.*.meddra_version": "E.i.2.1a",
    "reactions.*.meddra_code": "E.i.2.1b",
    "reactions.*.start_date": "E.i.4",
    "reactions.*.end_date": "E.i.5",
    "reactions.*.country": "E.i.9",
    "products.*.name": "G.k.2.2",
    "products.*.batch_number": "G.k.4.r.7",
    "products.*.start_date": "G.k.4.r.4",
    "products.*.end_date": "G.k.4.r.5",
}
_DOSE = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z%µ/.\[\]{}0-9]+)\s*\Z")


def elements_of(fields: Iterable[str]) -> list[str]:
    """The E2B elements of the case fields named (``reactions.1.meddra_code`` -> E.i.2.1b),
    each once, in the order named."""
    found: list[str] = []
    for name in fields:
        head, _, rest = name.partition(".")
        key = f"{head}.*.{rest.partition('.')[2]}" if head in ("reactions", "products") else name
        element = ELEMENTS.get(key)
        if element is not None and element not in found:
            found.append(element)
    return found


def _reverse(mapping: Mapping[Any, Any]) -> dict[str, str]:
    return {str(value): str(key) for key, value in mapping.items()}


def _date(value: dt.date | None) -> e2b.PartialDate | None:
    return e2b.PartialDate.from_date(value) if value is not None else None


def _text(value: str) -> str | None:
    return value.strip() or None


def dose_quantity(text: str) -> e2b.Quantity | None:
    """``"200 mg"`` as a quantity; None when the dose is not a number and a unit."""
    match = _DOSE.match(text or "")
    if not match:
        return None
    try:
        return e2b.Quantity(value=Decimal(match.group(1).replace(",", ".")), unit=match.group(2))
    except InvalidOperation:
        return None


def to_icsr(
    case: Case,
    reactions: Iterable[Reaction],
    products: Iterable[CaseProduct],
    *,
    created_at: dt.datetime,
    mask_patient: bool = True,
) -> e2b.Icsr:
    """The ICSR of ``case``; every reaction must carry its MedDRA code (checked by the caller)."""
    reaction_records = tuple(
        e2b.Reaction(
            id=f"r{index}",
            verbatim=_text(reaction.verbatim),
            language=_text(reaction.language),
            meddra_version=reaction.meddra_version,
            meddra_code=reaction.meddra_code,
            results_in_death=reaction.results_in_death,
            life_threatening=reaction.life_threatening,
            hospitalisation=reaction.hospitalisation,
            disabling=reaction.disabling,
            congenital_anomaly=reaction.congenital_anomaly,
            other_medically_important=reaction.medically_important,
            start=_date(reaction.start_date),
            end=_date(reaction.end_date),
            outcome=OUTCOMES.get(Outcome(reaction.outcome)),
            country=_text(reaction.country) or case.country,
        )
        for index, reaction in enumerate(reactions, start=1)
    )
    drugs = tuple(
        e2b.Drug(
            id=f"d{index}",
            role=ROLES[ProductRole(product.role)],
            product_name=product.name,
            dosages=(
                e2b.Dosage(
                    dose=dose_quantity(product.dose),
                    start=_date(product.start_date),
                    end=_date(product.end_date),
                    batch_number=_text(product.batch_number),
                    text=_text(product.dosage_text)
                    or (_text(product.dose) if dose_quantity(product.dose) is None else None),
                    route=_text(product.route),
                ),
            )
            if any(
                (
                    product.dose,
                    product.start_date,
                    product.end_date,
                    product.batch_number,
                    product.dosage_text,
                    product.route,
                )
            )
            else (),
            indications=(e2b.Indication(text=product.indication),) if product.indication else (),
            action_taken=ACTIONS.get(ActionTaken(product.action_taken))
            if product.action_taken
            else None,
        )
        for index, product in enumerate(products, start=1)
    )
    age = None
    if case.patient_age is not None:
        age = e2b.Quantity(
            value=Decimal(case.patient_age), unit=AGE_UNITS[AgeUnit(case.patient_age_unit or "a")]
        )
    patient = e2b.Patient(
        name=(e2b.NullFlavor.MSK if mask_patient else case.patient_initials)
        if case.patient_initials
        else e2b.NullFlavor.UNK,
        masked=bool(case.patient_initials) and mask_patient,
        birth_date=_date(case.patient_birth_date),
        age=age,
        weight_kg=case.patient_weight_kg,
        height_cm=case.patient_height_cm,
        sex=SEXES.get(Sex(case.patient_sex)) if case.patient_sex else None,
        medical_history=_text(case.patient_medical_history),
    )
    reporter = e2b.PrimarySource(
        given_name=_text(case.reporter_given_name),
        family_name=_text(case.reporter_family_name),
        organisation=_text(case.reporter_organization),
        country=_text(case.reporter_country) or case.country,
        qualification=QUALIFICATIONS.get(Qualification(case.reporter_qualification))
        if case.reporter_qualification
        else None,
        primary_for_regulatory=True,
    )
    nullification = None
    if case.version_kind == CaseVersion.NULLIFICATION:
        nullification = e2b.Nullification.NULLIFICATION
    elif case.version_kind == CaseVersion.AMENDMENT:
        nullification = e2b.Nullification.AMENDMENT
    return e2b.Icsr(
        report_id=case.safety_report_id,
        created_at=e2b.PartialDate.from_datetime(created_at),
        report_type=e2b.ReportType.SPONTANEOUS,
        received_at=e2b.PartialDate.from_date(case.day_zero),
        # C.1.5: a follow-up's or an amendment's information; the first report's is Day 0.
        most_recent_at=e2b.PartialDate.from_date(case.latest_received_on or case.day_zero),
        expedited=any(reaction.serious for reaction in reaction_records),
        worldwide_id=case.worldwide_id or case.safety_report_id,
        first_sender=e2b.FirstSender.OTHER,
        nullification=nullification,
        nullification_reason=case.nullification_reason or None,
        primary_sources=(reporter,),
        patient=patient,
        reactions=reaction_records,
        drugs=drugs,
        narrative=case.narrative or case.awareness or "",
        reporter_comments=_text(case.reporter_comments),
        sender_comments=_text(case.sender_comments),
    )


def _day(value: object) -> dt.date | None:
    return value.to_date() if isinstance(value, e2b.PartialDate) else None


def _value(value: object) -> str:
    return value if isinstance(value, str) and not isinstance(value, e2b.NullFlavor) else ""


def case_data(icsr: e2b.Icsr, products: dict[str, Product]) -> CaseData:
    """The case fields an imported ICSR gives (``products``: the directory's by folded name)."""
    outcomes, roles, actions = _reverse(OUTCOMES), _reverse(ROLES), _reverse(ACTIONS)
    qualifications, sexes = _reverse(QUALIFICATIONS), _reverse(SEXES)
    sources = sorted(icsr.primary_sources, key=lambda source: not source.primary_for_regulatory)
    reporter = sources[0] if sources else e2b.PrimarySource()
    patient = icsr.patient
    reactions: list[ReactionData] = []
    for reaction in icsr.reactions:
        reactions.append(
            {
                "verbatim": (reaction.verbatim or reaction.translation or reaction.meddra_code)[
                    :250
                ],
                "language": (reaction.language or "")[:3],
                "meddra_version": reaction.meddra_version[:5],
                "meddra_code": reaction.meddra_code,
                "start_date": _day(reaction.start),
                "end_date": _day(reaction.end),
                "outcome": outcomes.get(str(reaction.outcome), Outcome.UNKNOWN)
                if reaction.outcome is not None
                else Outcome.UNKNOWN,
                "results_in_death": reaction.results_in_death,
                "life_threatening": reaction.life_threatening,
                "hospitalisation": reaction.hospitalisation,
                "disabling": reaction.disabling,
                "congenital_anomaly": reaction.congenital_anomaly,
                "medically_important": reaction.other_medically_important,
                "country": (reaction.country or "").upper(),
            }
        )
    drugs: list[ProductData] = []
    for drug in icsr.drugs:
        dosage = drug.dosages[0] if drug.dosages else e2b.Dosage()
        dose = f"{dosage.dose.value} {dosage.dose.unit}" if dosage.dose else ""
        indication = drug.indications[0].text if drug.indications else None
        drugs.append(
            {
                "role": roles.get(str(drug.role), ProductRole.SUSPECT),
                "product": products.get(drug.product_name.casefold()),
                "name": drug.product_name[:250],
                "batch_number": (", ".join(drug.batch_numbers))[:35],
                "dose": dose[:60],
                "dosage_text": (dosage.text or "")[:250],
                "route": (dosage.route or "")[:60],
                "start_date": _day(dosage.start),
                "end_date": _day(dosage.end),
                "indication": (indication or "")[:250],
                "action_taken": actions.get(str(drug.action_taken), "")
                if drug.action_taken is not None
                else "",
            }
        )
    country = (
        (reporter.country or "").upper()
        or next((reaction.country for reaction in icsr.reactions if reaction.country), None)
        or (icsr.sender.country if icsr.sender else None)
        or ""
    )
    age, age_unit = _age(patient.age)
    data: CaseData = {
        "country": country,
        "patient_initials": _value(patient.name)[:10] if not patient.masked else "",
        "patient_birth_date": _day(patient.birth_date),
        "patient_age": age,
        "patient_age_unit": age_unit,
        "patient_sex": sexes.get(str(patient.sex), "") if patient.sex else "",
        "patient_weight_kg": patient.weight_kg,
        "patient_height_cm": patient.height_cm,
        "patient_medical_history": patient.medical_history or "",
        "reporter_given_name": _value(reporter.given_name)[:120],
        "reporter_family_name": _value(reporter.family_name)[:120],
        "reporter_organization": _value(reporter.organisation)[:300],
        "reporter_country": (reporter.country or "").upper(),
        "reporter_qualification": qualifications.get(str(reporter.qualification), "")
        if reporter.qualification
        else "",
        "narrative": icsr.narrative,
        "reporter_comments": icsr.reporter_comments or "",
        "sender_comments": icsr.sender_comments or "",
        "reactions": reactions,
        "products": drugs,
    }
    received = icsr.received_at.to_date()
    if received is not None:
        data["day_zero"] = received
    return data


def _age(age: e2b.Quantity | None) -> tuple[int | None, str]:
    """The age at onset (D.2.2) as a whole number of a unit the case keeps: a value
    with decimals in the next finer unit when it is whole there (1.5 years: 18
    months), else refused; an age in a unit the case has not (hours) is refused."""
    if age is None:
        return None, AgeUnit.YEARS
    units = _reverse(AGE_UNITS)
    value, unit = age.value, age.unit
    while not _whole(value) and unit in FINER_AGE_UNITS:
        unit, factor = FINER_AGE_UNITS[unit]
        value *= factor
    if unit not in units:
        raise LiaisonError(
            f"age at onset: the unit {age.unit!r} is not one Liaison keeps an age in "
            "(years, months, weeks, days or decades)",
            field="patient_age_unit",
        )
    if not _whole(value) or (not _whole(age.value) and value > MAX_AGE):
        given = AgeUnit(units[age.unit]).label if age.unit in units else age.unit
        raise LiaisonError(
            f"age at onset: {age.value} {given} is not a whole number of years, months, "
            f"weeks or days up to {MAX_AGE}, which is how Liaison keeps an age",
            field="patient_age",
        )
    return int(value), units[unit]


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()
