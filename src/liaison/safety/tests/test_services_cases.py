"""The case services: reporting (every refusal named, nothing half-written, the
reference and safety report id, patient fields audited as personal), forwarding,
updates (Day 0 only with a reason, reactions replaced whole), status steps,
versions and follow-up requests."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from liaison.core import audit
from liaison.core.audit_erasure import erase_subject
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.safety import clocks
from liaison.safety.models import (
    Case,
    CaseProduct,
    CaseStatus,
    CaseVersion,
    FollowUpRequest,
    Reaction,
)
from liaison.safety.services import (
    forward_case,
    new_case_version,
    report_case,
    request_follow_up,
    set_case_status,
    update_case,
)
from liaison.safety.services.data import CaseData, ReactionData

pytestmark = pytest.mark.django_db

YESTERDAY = dt.timedelta(days=1)


def _data(**values: Any) -> CaseData:
    """A minimal valid case: Day 0, a country and one reaction."""
    values.setdefault("day_zero", timezone.localdate() - YESTERDAY)
    values.setdefault("country", "DE")
    values.setdefault("reactions", [{"verbatim": "rash"}])
    return values  # type: ignore[return-value]


def _counts() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Reaction.objects.count(),
        CaseProduct.objects.count(),
        AuditEvent.objects.count(),
    )


def _events(record: Any) -> list[AuditEvent]:
    return list(audit.history_for(record).order_by("sequence"))


def _refusal(actor: User, data: CaseData) -> LiaisonError:
    before = _counts()
    with pytest.raises(LiaisonError) as caught:
        report_case(actor=actor, data=data)
    assert _counts() == before, "a refused case left rows or audit events behind"
    return caught.value


# --- report_case: what it writes ------------------------------------------------------


def test_a_minimal_case_is_reported_and_forwarded(msl: User) -> None:
    case = report_case(actor=msl, data=_data())
    case.refresh_from_db()
    assert case.reported_by == msl
    assert case.status == CaseStatus.FORWARDED
    assert case.forwarded_by == msl and case.forwarded_at is not None
    assert case.version_kind == CaseVersion.INITIAL and case.version_number == 1
    assert [reaction.verbatim for reaction in case.reactions.all()] == ["rash"]


def test_reference_and_safety_report_id_are_numbered_from_the_row(msl: User, settings: Any) -> None:
    settings.LIAISON_E2B_SENDER_ID = "ACME"
    case = report_case(actor=msl, data=_data(country="FR"))
    match = re.fullmatch(r"AE-(\d{4})-(\d+)", case.reference)
    assert match, case.reference
    assert int(match[1]) == case.created_at.year and int(match[2]) == case.pk
    assert case.safety_report_id == f"FR-ACME-{case.reference}"
    second = report_case(actor=msl, data=_data())
    assert second.reference != case.reference
    assert Case.objects.get(pk=case.pk).safety_report_id == case.safety_report_id


def test_the_country_defaults_to_the_reporting_hcps(msl: User) -> None:
    from liaison.directory.tests import factories as directory

    hcp = directory.hcp("Rossi", country="IT")
    data = _data(reporter_hcp=hcp)
    del data["country"]
    case = report_case(actor=msl, data=data)
    assert case.country == "IT" and case.reporter_country == "IT"


def test_kept_at_intake_then_forwarded_stops_the_clock(msl: User) -> None:
    case = report_case(actor=msl, data=_data(day_zero=timezone.localdate()), forward=False)
    assert case.status == CaseStatus.INTAKE and case.forwarded_at is None
    assert clocks.forwarding_clock(case).done_on is None
    forward_case(actor=msl, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.FORWARDED and case.forwarded_by == msl
    assert clocks.forwarding_clock(case).state() == "met"
    assert _events(case)[-1].changes["status"] == [CaseStatus.INTAKE, CaseStatus.FORWARDED]


def test_a_forwarded_case_is_not_forwarded_again(msl: User) -> None:
    case = report_case(actor=msl, data=_data())
    with pytest.raises(PermissionDenied):
        forward_case(actor=msl, case=case)


def test_someone_elses_intake_is_not_theirs_to_forward(msl: User, other_msl: User) -> None:
    case = report_case(actor=msl, data=_data(), forward=False)
    with pytest.raises(PermissionDenied):
        forward_case(actor=other_msl, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE


def test_an_outsider_reports_nothing(outsider: User) -> None:
    before = _counts()
    with pytest.raises(PermissionDenied):
        report_case(actor=outsider, data=_data())
    assert _counts() == before


def test_the_case_and_its_parts_are_audited(msl: User) -> None:
    data = _data(products=[{"name": "Oncovirumab"}], patient_sex="female")
    case = report_case(actor=msl, data=data)
    (created,) = _events(case)
    assert created.action == "create" and created.actor == msl
    assert created.changes["day_zero"] == [None, case.day_zero.isoformat()]
    assert [event.action for event in _events(case.reactions.get())] == ["create"]
    assert [event.action for event in _events(case.products.get())] == ["create"]


def test_patient_fields_are_recorded_as_personal_and_erasable(msl: User, compliance: User) -> None:
    data = _data(patient_initials="JKL", patient_age=54, reporter_contact="anna@example.org")
    case = report_case(actor=msl, data=data)
    (created,) = _events(case)
    # The house keeps personal values beside a salt, covered by the chain only
    # through a keyed digest, so a privacy request can erase them.
    assert {"patient_initials", "patient_age", "reporter_contact"} <= set(created.personal_fields)
    assert "day_zero" not in created.personal_fields
    assert created.salt
    erase_subject(actor=compliance, instance=case, reason="privacy request")
    created.refresh_from_db()
    stored = str(created.changes)
    assert "JKL" not in stored and "anna@example.org" not in stored
    assert created.changes["day_zero"] == [None, case.day_zero.isoformat()]
    assert audit.verify_chain()[1] is None


# --- report_case: refusals ----------------------------------------------------------------


def test_no_day_zero_is_refused_by_name(msl: User) -> None:
    data = _data()
    del data["day_zero"]
    error = _refusal(msl, data)
    assert error.field == "day_zero"
    assert "Day 0" in error.message


def test_a_day_zero_in_the_future_is_refused(msl: User) -> None:
    # Two days ahead: after today in every time zone (Kiribati is UTC+14).
    error = _refusal(msl, _data(day_zero=timezone.localdate() + dt.timedelta(days=2)))
    assert "future" in error.details["day_zero"]
    assert "Day 0" in error.message


@pytest.mark.parametrize("code", ["1234567", "123456789", "1003784A", "10037 84"])
def test_a_meddra_code_that_is_not_eight_digits_is_refused(pv: User, code: str) -> None:
    reactions = [{"verbatim": "rash", "meddra_code": code, "meddra_version": "27.0"}]
    error = _refusal(pv, _data(reactions=reactions))
    assert "reactions.0.meddra_code" in error.details
    assert "8 digits" in error.details["reactions.0.meddra_code"]
    assert "reaction 1, MedDRA LLT code" in error.message


def test_the_failing_reaction_is_the_one_named(pv: User) -> None:
    reactions = [
        {"verbatim": "rash", "meddra_code": "10037844", "meddra_version": "27.0"},
        {"verbatim": "itch", "meddra_code": "999", "meddra_version": "27.0"},
    ]
    error = _refusal(pv, _data(reactions=reactions))
    assert "reactions.1.meddra_code" in error.details
    assert "reactions.0.meddra_code" not in error.details
    assert "reaction 2, MedDRA LLT code" in error.message


def test_a_meddra_code_without_its_version_is_refused(pv: User) -> None:
    error = _refusal(pv, _data(reactions=[{"verbatim": "rash", "meddra_code": "10037844"}]))
    assert "version" in error.details["reactions.0.meddra_version"]


def test_a_coded_reaction_with_its_version_is_kept(pv: User) -> None:
    reactions = [{"verbatim": "rash", "meddra_code": " 10037844 ", "meddra_version": "27.0"}]
    case = report_case(actor=pv, data=_data(reactions=reactions))
    reaction = case.reactions.get()
    assert (reaction.meddra_code, reaction.meddra_version) == ("10037844", "27.0")


def test_a_date_of_birth_in_the_future_is_refused(msl: User) -> None:
    future = timezone.localdate() + dt.timedelta(days=30)
    error = _refusal(msl, _data(patient_birth_date=future))
    assert "future" in error.details["patient_birth_date"]
    assert "Date of birth" in error.message


def test_a_patient_born_after_day_zero_is_refused(msl: User) -> None:
    today = timezone.localdate()
    data = _data(day_zero=today - dt.timedelta(days=10), patient_birth_date=today - YESTERDAY)
    error = _refusal(msl, data)
    assert "after Day 0" in error.details["patient_birth_date"]


def test_a_case_reporting_nothing_is_refused(msl: User) -> None:
    data = _data(is_adverse_event=False, is_product_complaint=False, special_situations=[])
    error = _refusal(msl, data)
    assert "is_adverse_event" in error.details
    assert "special situation" in error.message


@pytest.mark.parametrize(
    "values",
    [
        {"is_adverse_event": False, "is_product_complaint": True, "reactions": []},
        {"is_adverse_event": False, "special_situations": ["pregnancy"], "reactions": []},
    ],
)
def test_a_complaint_or_a_special_situation_alone_is_a_case(
    msl: User, values: dict[str, Any]
) -> None:
    case = report_case(actor=msl, data=_data(**values))
    assert Case.objects.filter(pk=case.pk).exists()


def test_an_unknown_special_situation_is_refused(msl: User) -> None:
    error = _refusal(msl, _data(special_situations=["sleepwalking"]))
    assert "sleepwalking" in error.details["special_situations"]


def test_every_refusal_is_named_at_once_and_nothing_is_written(msl: User) -> None:
    data = _data(
        day_zero=timezone.localdate() + dt.timedelta(days=3),
        reactions=[
            {"verbatim": "rash"},
            {"verbatim": "itch", "meddra_code": "12"},
        ],
        products=[{"name": "Oncovirumab"}, {"name": ""}],
    )
    error = _refusal(msl, data)
    assert {"day_zero", "reactions.1.meddra_code", "products.1.name"} <= set(error.details)
    assert "product 2" in error.message


def test_an_unknown_field_is_refused(msl: User) -> None:
    data = _data()
    data["patient_shoe_size"] = 42  # type: ignore[typeddict-unknown-key]
    error = _refusal(msl, data)
    assert error.field == "patient_shoe_size"


# --- update_case ------------------------------------------------------------------------


def test_day_zero_changes_only_with_a_reason(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    earlier = case.day_zero - dt.timedelta(days=3)
    with pytest.raises(LiaisonError) as caught:
        update_case(actor=pv, case=case, data={"day_zero": earlier})
    assert caught.value.field == "day_zero" and "reason" in caught.value.message
    case.refresh_from_db()
    assert case.day_zero != earlier
    update_case(actor=pv, case=case, data={"day_zero": earlier}, reason="The HCP called on Monday")
    case.refresh_from_db()
    assert case.day_zero == earlier
    event = _events(case)[-1]
    assert event.action == "update" and event.reason == "The HCP called on Monday"
    assert event.changes["day_zero"][1] == earlier.isoformat()


def test_the_same_day_zero_needs_no_reason(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    update_case(
        actor=pv, case=case, data={"day_zero": case.day_zero, "narrative": "Seen in clinic"}
    )
    case.refresh_from_db()
    assert case.narrative == "Seen in clinic"


def test_reactions_given_replace_the_cases_whole(msl: User, pv: User) -> None:
    data = _data(
        reactions=[{"verbatim": "rash"}, {"verbatim": "fever"}],
        products=[{"name": "Oncovirumab"}],
    )
    case = report_case(actor=msl, data=data)
    old = list(case.reactions.all())
    update_case(
        actor=pv,
        case=case,
        data={"reactions": [{"verbatim": "urticaria", "hospitalisation": True}]},
    )
    reactions = list(case.reactions.all())
    assert [(item.verbatim, item.serious) for item in reactions] == [("urticaria", True)]
    assert [product.name for product in case.products.all()] == ["Oncovirumab"]
    for reaction in old:
        assert [event.action for event in _events(reaction)] == ["create", "delete"]


def test_an_invalid_replacement_keeps_the_old_reactions(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    with pytest.raises(LiaisonError) as caught:
        update_case(
            actor=pv, case=case, data={"reactions": [{"verbatim": "x", "meddra_code": "1"}]}
        )
    assert "reactions.0.meddra_code" in caught.value.details
    assert [reaction.verbatim for reaction in case.reactions.all()] == ["rash"]


def test_the_reporter_completes_the_intake(msl: User) -> None:
    case = report_case(actor=msl, data=_data(), forward=False)
    update_case(actor=msl, case=case, data={"patient_initials": "AB", "narrative": "Seen Monday"})
    case.refresh_from_db()
    assert case.patient_initials == "AB"


@pytest.mark.parametrize("who", ["msl", "field_manager", "compliance", "admin_user"])
def test_after_forwarding_only_pharmacovigilance_changes_a_case(
    msl: User, who: str, request: pytest.FixtureRequest
) -> None:
    actor: User = request.getfixturevalue(who)
    case = report_case(actor=msl, data=_data())
    before = _counts()
    with pytest.raises(PermissionDenied):
        update_case(actor=actor, case=case, data={"narrative": "changed"})
    case.refresh_from_db()
    assert case.narrative == "" and _counts() == before


def test_another_msls_intake_is_not_theirs_to_change(msl: User, other_msl: User) -> None:
    case = report_case(actor=msl, data=_data(), forward=False)
    with pytest.raises(PermissionDenied):
        update_case(actor=other_msl, case=case, data={"narrative": "mine now"})
    case.refresh_from_db()
    assert case.narrative == ""


# --- status, versions, follow-up ----------------------------------------------------------


def test_review_assigns_pharmacovigilance_then_submits_and_closes(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.assigned_to == pv
    set_case_status(actor=pv, case=case, status=CaseStatus.SUBMITTED)
    set_case_status(actor=pv, case=case, status=CaseStatus.CLOSED)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    statuses = [event.changes["status"][1] for event in _events(case)[1:]]
    assert statuses == ["in_review", "submitted", "closed"]


def test_marking_a_case_submitted_stops_its_regulatory_clock(msl: User, pv: User) -> None:
    serious = [{"verbatim": "anaphylaxis", "life_threatening": True}]
    case = report_case(actor=msl, data=_data(country="DE", reactions=serious))
    assert clocks.regulatory_clock(case, list(case.reactions.all())).done_on is None
    set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW)
    set_case_status(actor=pv, case=case, status=CaseStatus.SUBMITTED)
    case.refresh_from_db()
    clock = clocks.regulatory_clock(case, list(case.reactions.all()))
    assert clock.done_on == timezone.localdate() and clock.state() == "met"
    first = case.submitted_at
    set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW)
    set_case_status(actor=pv, case=case, status=CaseStatus.SUBMITTED)
    case.refresh_from_db()
    assert case.submitted_at == first


def test_a_step_out_of_order_is_refused_naming_the_allowed_ones(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    with pytest.raises(LiaisonError) as caught:
        set_case_status(actor=pv, case=case, status=CaseStatus.SUBMITTED)
    assert caught.value.field == "status"
    assert "in review" in caught.value.message and "closed" in caught.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.FORWARDED


def test_a_case_at_intake_is_not_moved_by_status(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data(), forward=False)
    with pytest.raises(LiaisonError):
        set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW)


def test_reopening_a_closed_case_needs_a_reason(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    set_case_status(actor=pv, case=case, status=CaseStatus.CLOSED)
    with pytest.raises(LiaisonError) as caught:
        set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW)
    assert caught.value.field == "reason"
    set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW, reason="New information")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert _events(case)[-1].reason == "New information"


def test_only_pharmacovigilance_moves_a_case(msl: User, admin_user: User) -> None:
    case = report_case(actor=msl, data=_data())
    for actor in (msl, admin_user):
        with pytest.raises(PermissionDenied):
            set_case_status(actor=actor, case=case, status=CaseStatus.IN_REVIEW)


def test_a_follow_up_is_the_next_version(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    today = timezone.localdate()
    new_case_version(
        actor=pv, case=case, kind=CaseVersion.FOLLOW_UP, reason="Lab results", received_on=today
    )
    new_case_version(
        actor=pv, case=case, kind=CaseVersion.AMENDMENT, reason="Coding fixed", received_on=today
    )
    case.refresh_from_db()
    assert (case.version_kind, case.version_number) == (CaseVersion.AMENDMENT, 3)
    assert case.status == CaseStatus.IN_REVIEW
    assert [event.reason for event in _events(case)[1:]] == ["Lab results", "Coding fixed"]


def test_a_new_version_says_why(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    with pytest.raises(LiaisonError) as caught:
        new_case_version(actor=pv, case=case, kind=CaseVersion.FOLLOW_UP, reason="  ")
    assert caught.value.field == "reason"
    case.refresh_from_db()
    assert case.version_number == 1


def test_initial_is_not_a_new_version(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    with pytest.raises(LiaisonError) as caught:
        new_case_version(actor=pv, case=case, kind=CaseVersion.INITIAL, reason="again")
    assert caught.value.field == "kind"


def test_nullification_keeps_the_case_and_ends_its_versions(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    new_case_version(actor=pv, case=case, kind=CaseVersion.NULLIFICATION, reason="Duplicate")
    case.refresh_from_db()
    assert case.status == CaseStatus.NULLIFIED
    assert case.version_kind == CaseVersion.NULLIFICATION and case.version_number == 2
    assert case.nullification_reason == "Duplicate"
    with pytest.raises(LiaisonError) as caught:
        new_case_version(actor=pv, case=case, kind=CaseVersion.FOLLOW_UP, reason="More data")
    assert "nullified" in caught.value.message
    with pytest.raises(LiaisonError):
        set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW, reason="undo")
    case.refresh_from_db()
    assert case.status == CaseStatus.NULLIFIED and case.version_number == 2


def test_a_follow_up_request_lists_the_missing_criteria(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data(products=[{"name": "Oncovirumab"}]))
    request = request_follow_up(actor=pv, case=case, message="Could you tell us the age?")
    assert request.missing == ["patient", "reporter"]
    assert request.requested_by == pv
    assert [event.action for event in _events(request)] == ["create"]
    update_case(actor=pv, case=case, data={"patient_age": 54, "reporter_given_name": "Anna"})
    assert request_follow_up(actor=pv, case=case, message="Anything else?").missing == []


def test_a_follow_up_request_needs_words_and_pharmacovigilance(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    with pytest.raises(LiaisonError) as caught:
        request_follow_up(actor=pv, case=case, message=" ")
    assert caught.value.field == "message"
    with pytest.raises(PermissionDenied):
        request_follow_up(actor=msl, case=case, message="Age?")
    assert not FollowUpRequest.objects.exists()


def test_day_zero_heard_just_after_midnight_in_berlin_is_not_in_the_future(
    msl: User, settings: Any
) -> None:
    # 23:30 UTC on the server is already the next day in Berlin, where it was heard.
    from unittest import mock

    late = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        case = report_case(
            actor=msl,
            data={
                "day_zero": dt.date(2026, 12, 5),
                "country": "DE",
                "reactions": [{"verbatim": "rash"}],
            },
        )
        assert case.day_zero == dt.date(2026, 12, 5)
        with pytest.raises(LiaisonError, match="Day 0"):
            report_case(
                actor=msl,
                data={"day_zero": dt.date(2026, 12, 6), "country": "DE"},
            )


# --- new versions: a new regulatory clock --------------------------------------------------


def _submitted_serious_case(msl: User, pv: User) -> Case:
    """A serious case in Germany (a 15-day clock), Day 0 ten days ago, submitted."""
    serious = [{"verbatim": "anaphylaxis", "life_threatening": True}]
    day_zero = timezone.localdate() - dt.timedelta(days=10)
    case = report_case(actor=msl, data=_data(day_zero=day_zero, reactions=serious))
    set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW)
    set_case_status(actor=pv, case=case, status=CaseStatus.SUBMITTED)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("kind", [CaseVersion.FOLLOW_UP, CaseVersion.AMENDMENT])
def test_a_new_version_runs_its_clock_from_its_information_and_is_submitted_again(
    msl: User, pv: User, kind: str
) -> None:
    case = _submitted_serious_case(msl, pv)
    day_zero = case.day_zero
    assert clocks.regulatory_clock(case, list(case.reactions.all())).state() == "met"
    received = timezone.localdate() - YESTERDAY
    new_case_version(
        actor=pv, case=case, kind=kind, reason="Discharge letter", received_on=received
    )
    case.refresh_from_db()
    assert case.day_zero == day_zero and case.latest_received_on == received
    assert case.submission_status == "not_submitted" and case.submitted_at is None
    assert case.status == CaseStatus.IN_REVIEW
    clock = clocks.regulatory_clock(case, list(case.reactions.all()))
    assert clock.due == received + dt.timedelta(days=clocks.EXPEDITED_DAYS)
    assert clock.state() == "running" and clock.done_on is None
    assert "new information received" in clock.why
    event = _events(case)[-1]
    assert event.reason == "Discharge letter" and event.actor == pv
    assert event.changes["latest_received_on"] == [None, received.isoformat()]
    assert event.changes["submitted_at"][0] is not None and event.changes["submitted_at"][1] is None


def test_new_information_before_any_submission_keeps_the_overdue_deadline(
    msl: User, pv: User
) -> None:
    serious = [{"verbatim": "anaphylaxis", "life_threatening": True}]
    day_zero = timezone.localdate() - dt.timedelta(days=30)
    case = report_case(actor=msl, data=_data(day_zero=day_zero, reactions=serious))
    set_case_status(actor=pv, case=case, status=CaseStatus.IN_REVIEW)
    case.refresh_from_db()
    assert clocks.regulatory_clock(case, list(case.reactions.all())).breached()
    new_case_version(
        actor=pv,
        case=case,
        kind=CaseVersion.FOLLOW_UP,
        reason="Discharge letter",
        received_on=timezone.localdate(),
    )
    case.refresh_from_db()
    assert case.version_number == 2 and case.latest_received_on == timezone.localdate()
    assert case.clock_started_on is None
    clock = clocks.regulatory_clock(case, list(case.reactions.all()))
    assert clock.due == day_zero + dt.timedelta(days=clocks.EXPEDITED_DAYS)
    assert clock.breached()  # a follow-up does not make a late report look on time


@pytest.mark.parametrize(
    ("received", "words"),
    [
        (None, "say when"),
        (dt.timedelta(days=2), "future"),  # after today in every time zone
        (-dt.timedelta(days=30), "before Day 0"),
        ("2026-03-01", "not a date"),
    ],
)
def test_a_follow_up_without_a_real_received_day_is_refused(
    msl: User, pv: User, received: Any, words: str
) -> None:
    case = report_case(actor=msl, data=_data())
    if isinstance(received, dt.timedelta):
        received = timezone.localdate() + received
    before = _counts()
    with pytest.raises(LiaisonError) as caught:
        new_case_version(
            actor=pv, case=case, kind=CaseVersion.FOLLOW_UP, reason="More", received_on=received
        )
    assert caught.value.field == "received_on"
    assert words in caught.value.message and "new information received" in caught.value.message
    case.refresh_from_db()
    assert case.version_number == 1 and case.latest_received_on is None
    assert _counts() == before


def test_a_follow_up_received_on_day_zero_itself_is_taken(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    new_case_version(
        actor=pv,
        case=case,
        kind=CaseVersion.FOLLOW_UP,
        reason="Same day",
        received_on=case.day_zero,
    )
    case.refresh_from_db()
    assert case.latest_received_on == case.day_zero


def test_a_nullification_takes_no_received_day(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data())
    with pytest.raises(LiaisonError) as caught:
        new_case_version(
            actor=pv,
            case=case,
            kind=CaseVersion.NULLIFICATION,
            reason="Duplicate",
            received_on=timezone.localdate(),
        )
    assert caught.value.field == "received_on"
    case.refresh_from_db()
    assert case.status != CaseStatus.NULLIFIED


def test_a_later_day_zero_than_the_new_information_is_refused(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data(day_zero=timezone.localdate() - dt.timedelta(days=5)))
    received = timezone.localdate() - dt.timedelta(days=3)
    new_case_version(
        actor=pv, case=case, kind=CaseVersion.FOLLOW_UP, reason="Labs", received_on=received
    )
    with pytest.raises(LiaisonError) as caught:
        update_case(actor=pv, case=case, data={"day_zero": timezone.localdate()}, reason="typo")
    assert "before Day 0" in caught.value.details["latest_received_on"]


# --- pharmacovigilance's fields -------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"expectedness": "unexpected"}, "expectedness", "Expectedness"),
        ({"sender_comments": "Likely related"}, "sender_comments", "Sender comments"),
        (
            {"reactions": [{"verbatim": "rash", "meddra_code": "10037844"}]},
            "reactions.0.meddra_code",
            "reaction 1, MedDRA LLT code",
        ),
        (
            {"reactions": [{"verbatim": "rash", "meddra_version": "27.0"}]},
            "reactions.0.meddra_version",
            "reaction 1, MedDRA version",
        ),
    ],
)
def test_anyone_but_pharmacovigilance_is_refused_its_fields_by_name(
    msl: User, values: dict[str, Any], field: str, words: str
) -> None:
    error = _refusal(msl, _data(**values))
    assert "pharmacovigilance only" in error.details[field]
    assert words in error.message


def test_pharmacovigilance_sets_its_fields_when_it_reports(pv: User) -> None:
    data = _data(
        expectedness="unexpected",
        sender_comments="Likely related",
        reactions=[{"verbatim": "rash", "meddra_code": "10037844", "meddra_version": "27.0"}],
    )
    case = report_case(actor=pv, data=data)
    assert (case.expectedness, case.sender_comments) == ("unexpected", "Likely related")
    assert case.reactions.get().meddra_code == "10037844"


def test_the_reporter_sending_the_default_assessment_is_not_refused(msl: User) -> None:
    case = report_case(actor=msl, data=_data(expectedness="unknown", sender_comments=""))
    assert case.expectedness == "unknown"


def test_a_reporter_changing_reactions_keeps_pharmacovigilances_coding(msl: User, pv: User) -> None:
    case = report_case(actor=msl, data=_data(), forward=False)
    coded: ReactionData = {"verbatim": "rash", "meddra_code": "10037844", "meddra_version": "27.0"}
    update_case(actor=pv, case=case, data={"reactions": [coded], "expectedness": "expected"})
    update_case(
        actor=msl, case=case, data={"reactions": [{"verbatim": "fever"}, {"verbatim": "Rash"}]}
    )
    kept = {reaction.verbatim: reaction.meddra_code for reaction in case.reactions.all()}
    assert kept == {"fever": "", "Rash": "10037844"}
    case.refresh_from_db()
    assert case.expectedness == "expected"


@pytest.mark.parametrize(
    "data",
    [
        {"reactions": [{"verbatim": "rash", "meddra_code": "10000001", "meddra_version": "27.0"}]},
        {"reactions": [{"verbatim": "rash", "meddra_code": "", "meddra_version": ""}]},
        {"expectedness": "unexpected"},
        {"sender_comments": "mine"},
    ],
)
def test_a_reporter_changing_pharmacovigilances_fields_is_refused(
    msl: User, pv: User, data: CaseData
) -> None:
    case = report_case(actor=msl, data=_data(), forward=False)
    coded: ReactionData = {"verbatim": "rash", "meddra_code": "10037844", "meddra_version": "27.0"}
    update_case(actor=pv, case=case, data={"reactions": [coded]})
    before = _counts()
    with pytest.raises(LiaisonError) as caught:
        update_case(actor=msl, case=case, data=data)
    assert "pharmacovigilance only" in caught.value.message
    assert _counts() == before
    assert case.reactions.get().meddra_code == "10037844"
