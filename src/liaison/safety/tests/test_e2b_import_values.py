"""Importing E2B values a case cannot keep as they are: each refusal names the file,
the ICSR, the field in words and its E2B element, and writes nothing; an age with
decimals keeps its value in a finer unit or is refused, never cut short. An
imported case has no forwarding clock (its sender forwarded it)."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import pytest

from liaison.core.errors import LiaisonError
from liaison.core.models import AuditEvent, User
from liaison.safety import selectors
from liaison.safety.e2b import Icsr, Quantity
from liaison.safety.models import AgeUnit, Case
from liaison.safety.services.e2b import import_e2b

from .e2b_factories import batch_xml, minimal_icsr

pytestmark = pytest.mark.django_db


def imported(pv: User, *icsrs: Icsr, name: str = "cases.xml") -> list[Case]:
    return import_e2b(actor=pv, stream=io.BytesIO(batch_xml(*icsrs)), name=name)


def refused(pv: User, *icsrs: Icsr, name: str = "cases.xml") -> str:
    with pytest.raises(LiaisonError) as caught:
        imported(pv, *icsrs, name=name)
    assert caught.value.field == "file"
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(record_type="safety.case").exists()
    return caught.value.message


def aged(value: str, unit: str, report_id: str = "US-LIAISON-0001") -> Icsr:
    icsr = minimal_icsr(report_id)
    patient = dataclasses.replace(icsr.patient, age=Quantity(Decimal(value), unit))
    return dataclasses.replace(icsr, patient=patient)


def test_a_safety_report_id_over_100_characters_is_named_not_a_crash(pv: User) -> None:
    message = refused(pv, minimal_icsr(), minimal_icsr("X" * 150), name="long.xml")
    assert message.startswith("long.xml, ICSR 2 (XXXX")
    assert "Safety report id" in message and "at most 100 characters" in message
    assert message.endswith("(E2B C.1.1, C.1.8.1)")  # the worldwide id repeats it


def test_an_age_the_case_cannot_keep_names_its_element(pv: User) -> None:
    message = refused(pv, aged("300", "a"), name="old.xml")
    assert message.startswith("old.xml, ICSR 1 (US-LIAISON-0001): Age at onset")
    assert message.endswith("(E2B D.2.2a)")


@pytest.mark.parametrize(
    ("value", "unit", "kept"),
    [
        ("1.5", "a", (18, AgeUnit.MONTHS)),
        ("4.5", "10.a", (45, AgeUnit.YEARS)),
        ("48.0", "a", (48, AgeUnit.YEARS)),
    ],
)
def test_an_age_with_decimals_keeps_its_value_in_a_finer_unit(
    pv: User, value: str, unit: str, kept: tuple[int, str]
) -> None:
    (case,) = imported(pv, aged(value, unit))
    assert (case.patient_age, case.patient_age_unit) == kept


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [("48.5", "a", "48.5 years"), ("2.5", "wk", "2.5 weeks"), ("3.5", "d", "3.5 days")],
)
def test_an_age_no_whole_unit_holds_is_refused_not_truncated(
    pv: User, value: str, unit: str, said: str
) -> None:
    message = refused(pv, aged(value, unit))
    assert f"{said} is not a whole number" in message
    assert message.endswith("(E2B D.2.2a)")


def test_an_age_in_a_unit_the_case_has_not_is_refused(pv: User) -> None:
    message = refused(pv, aged("36", "h"))
    assert "the unit 'h'" in message and message.endswith("(E2B D.2.2b)")


def test_an_imported_case_has_no_forwarding_clock(pv: User) -> None:
    (case,) = imported(pv, minimal_icsr())
    row = selectors.case_row(case)
    assert row.forwarding.due is None and row.forwarding.state() == "none"
    assert row.forwarding.text() == "imported from an E2B file: forwarded by its sender"
    # Day 0 is 2024 (C.1.4) and it came in today: as a forwarding clock, years late.
    assert selectors.counts(pv)["breached"] == 0
