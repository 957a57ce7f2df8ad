"""Case versions and E2B files: C.1.4 stays Day 0 while C.1.5 says when a follow-up's
information was received; each exported file records the version it reports and
whether the patient's initials went unmasked; an imported follow-up takes its
received day from C.1.5."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from liaison.core import audit
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.safety.e2b import read_icsrs
from liaison.safety.e2b.records import Nullification, PartialDate
from liaison.safety.models import Case, CaseStatus, CaseVersion, SubmissionStatus
from liaison.safety.services import e2b as e2b_service
from liaison.safety.services.cases import new_case_version, set_case_status
from liaison.safety.tests import factories
from liaison.safety.tests.e2b_factories import batch_xml, minimal_icsr

pytestmark = pytest.mark.django_db


def coded_case(reporter: User, **values: Any) -> Case:
    case = factories.case(reporter, **values)
    case.reactions.update(meddra_code="10037844", meddra_version="27.1")
    return case


def exported_icsr(pv: User, case: Case, **options: Any) -> tuple[Any, e2b_service.Export]:
    export = e2b_service.export_case(actor=pv, case=case, **options)
    (icsr,) = read_icsrs(io.BytesIO(export.content), name=export.file_name)
    return icsr, export


def test_the_first_version_writes_day_zero_as_first_and_most_recent_information(
    msl: User, pv: User
) -> None:
    case = coded_case(msl)
    icsr, export = exported_icsr(pv, case)
    assert icsr.received_at.to_date() == case.day_zero
    assert icsr.most_recent_at.to_date() == case.day_zero
    assert export.submission.version_number == 1


def test_a_follow_up_writes_its_received_day_as_most_recent_and_keeps_day_zero(
    msl: User, pv: User
) -> None:
    case = coded_case(msl, day_zero=timezone.localdate() - dt.timedelta(days=20))
    received = timezone.localdate() - dt.timedelta(days=3)
    new_case_version(
        actor=pv, case=case, kind=CaseVersion.FOLLOW_UP, reason="Labs", received_on=received
    )
    icsr, export = exported_icsr(pv, case)
    assert icsr.received_at.to_date() == case.day_zero  # C.1.4
    assert icsr.most_recent_at.to_date() == received  # C.1.5
    assert export.submission.version_number == 2


@pytest.mark.parametrize(
    ("unmask", "initials", "recorded"),
    [(False, "JD", False), (True, "JD", True), (True, "", False)],
)
def test_the_file_records_whether_the_initials_went_unmasked(
    msl: User, pv: User, unmask: bool, initials: str, recorded: bool
) -> None:
    case = coded_case(msl, patient_initials=initials)
    icsr, export = exported_icsr(pv, case, unmask_patient=unmask)
    submission = export.submission
    submission.refresh_from_db()
    assert submission.initials_unmasked is recorded
    assert (icsr.patient.name == "JD") is recorded
    (created,) = audit.history_for(submission)
    assert created.actor == pv and created.action == "create"
    assert created.changes["initials_unmasked"] == [None, recorded]
    assert ("unmasked" in created.reason) is recorded


def _import(pv: User, *icsrs: Any, name: str = "cases.xml") -> list[Case]:
    return e2b_service.import_e2b(actor=pv, stream=io.BytesIO(batch_xml(*icsrs)), name=name)


def test_an_imported_follow_up_takes_its_received_day_from_c_1_5(pv: User) -> None:
    (case,) = _import(pv, minimal_icsr())
    set_case_status(actor=pv, case=case, status=CaseStatus.SUBMITTED)
    follow_up = dataclasses.replace(minimal_icsr(), most_recent_at=PartialDate("20240305"))
    (again,) = _import(pv, follow_up, name="follow-up.xml")
    again.refresh_from_db()
    assert again.pk == case.pk and again.version_kind == CaseVersion.FOLLOW_UP
    assert again.day_zero == dt.date(2024, 2, 26)
    assert again.latest_received_on == dt.date(2024, 3, 5)
    assert again.submitted_at is None
    assert again.submission_status == SubmissionStatus.NOT_SUBMITTED


def test_an_imported_follow_up_received_before_day_zero_is_refused_naming_c_1_5(
    pv: User,
) -> None:
    (case,) = _import(pv, minimal_icsr())
    early = dataclasses.replace(
        minimal_icsr(), received_at=PartialDate("20240226"), most_recent_at=PartialDate("20240220")
    )
    with pytest.raises(LiaisonError) as caught:
        _import(pv, early, name="early.xml")
    assert "C.1.5" in caught.value.message and "before Day 0" in caught.value.message
    case.refresh_from_db()
    assert case.version_number == 1 and case.latest_received_on is None


def test_an_imported_nullification_needs_no_received_day(pv: User) -> None:
    (case,) = _import(pv, minimal_icsr())
    nullified = dataclasses.replace(
        minimal_icsr(),
        nullification=Nullification.NULLIFICATION,
        nullification_reason="Duplicate report",
    )
    _import(pv, nullified, name="nullified.xml")
    case.refresh_from_db()
    assert case.status == CaseStatus.NULLIFIED and case.nullification_reason == "Duplicate report"
    assert case.latest_received_on is None
