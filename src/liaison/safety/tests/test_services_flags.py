"""Handling flags: confirming opens a case from what the flag says, dismissing
needs a reason, both audited; unhandled flags are escalated after one business
day of their country, by the system."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from liaison.core import audit
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.safety.models import Case, CaseStatus, Flag, FlagStatus, ProductRole, SourceKind
from liaison.safety.services.flags import confirm_flags, dismiss_flag, escalate_due_flags
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def _events(record: Any) -> list[AuditEvent]:
    return list(audit.history_for(record).order_by("sequence"))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


# --- confirming ----------------------------------------------------------------------------


def test_confirming_opens_a_case_from_the_flag(msl: User) -> None:
    heard_on = timezone.localdate() - dt.timedelta(days=3)
    flag = factories.flag(msl, heard_on=heard_on, source_id=41, source_url="/interactions/41/")
    case = confirm_flags(actor=msl, flags=[flag])
    case.refresh_from_db()
    assert case.day_zero == heard_on
    assert case.reported_by == msl and case.status == CaseStatus.FORWARDED
    assert case.is_adverse_event and case.country == "DE"
    assert (case.source_kind, case.source_label, case.source_id) == (
        SourceKind.INTERACTION,
        "engagement.Interaction",
        41,
    )
    assert case.source_title == flag.source_title and case.source_url == "/interactions/41/"
    (product,) = case.products.all()
    assert product.role == ProductRole.SUSPECT and product.product == flag.product
    assert [reaction.verbatim for reaction in case.reactions.all()] == ["rash"]
    assert flag.sentence in case.awareness


def test_confirming_marks_the_flag_confirmed_and_audits_it(msl: User) -> None:
    flag = factories.flag(msl)
    case = confirm_flags(actor=msl, flags=[flag])
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED
    assert flag.case == case and flag.handled_by == msl and flag.handled_at is not None
    (event,) = _events(flag)
    assert event.action == "update" and event.actor == msl
    assert event.changes["status"] == [FlagStatus.OPEN, FlagStatus.CONFIRMED]
    assert event.changes["case"] == [None, case.pk]


def test_the_author_may_complete_the_case_while_confirming(msl: User) -> None:
    flag = factories.flag(msl)
    case = confirm_flags(
        actor=msl, flags=[flag], data={"patient_age": 61, "narrative": "Rash on day 3"}
    )
    assert (case.patient_age, case.narrative) == (61, "Rash on day 3")


def test_confirming_may_keep_the_case_at_intake(msl: User) -> None:
    case = confirm_flags(actor=msl, flags=[factories.flag(msl)], forward=False)
    assert case.status == CaseStatus.INTAKE and case.forwarded_at is None


def test_flags_of_one_note_make_one_case_from_the_earliest_day(msl: User) -> None:
    today = timezone.localdate()
    rash = factories.flag(msl, heard_on=today - dt.timedelta(days=1))
    pregnancy = factories.flag(
        msl, kind="pregnancy", terms="pregnant", heard_on=today - dt.timedelta(days=4)
    )
    case = confirm_flags(actor=msl, flags=[rash, pregnancy])
    assert case.day_zero == today - dt.timedelta(days=4)
    assert case.special_situations == ["pregnancy"]
    assert Flag.objects.filter(case=case, status=FlagStatus.CONFIRMED).count() == 2


def test_an_earlier_day_zero_is_taken_without_a_reason(msl: User) -> None:
    heard_on = timezone.localdate() - dt.timedelta(days=2)
    flag = factories.flag(msl, heard_on=heard_on)
    earlier = heard_on - dt.timedelta(days=5)
    case = confirm_flags(actor=msl, flags=[flag], data={"day_zero": earlier})
    assert case.day_zero == earlier


def test_a_later_day_zero_without_a_reason_is_refused_and_nothing_written(msl: User) -> None:
    heard_on = timezone.localdate() - dt.timedelta(days=10)
    flag = factories.flag(msl, heard_on=heard_on)
    with pytest.raises(LiaisonError) as caught:
        confirm_flags(actor=msl, flags=[flag], data={"day_zero": timezone.localdate()})
    assert caught.value.field == "day_zero"
    assert f"{heard_on:%d %b %Y}" in caught.value.message
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not Case.objects.exists()


def test_a_later_day_zero_with_a_reason_is_taken_and_the_reason_audited(msl: User) -> None:
    heard_on = timezone.localdate() - dt.timedelta(days=10)
    flag = factories.flag(msl, heard_on=heard_on)
    later = heard_on + dt.timedelta(days=3)
    why = "The note was dated wrongly: the meeting was three days later."
    case = confirm_flags(actor=msl, flags=[flag], data={"day_zero": later}, reason=why)
    assert case.day_zero == later
    (created, *_) = _events(case)
    assert created.action == "create" and created.reason == why
    assert _events(flag)[-1].reason == why


def test_pharmacovigilance_may_confirm_an_authors_flag(msl: User, pv: User) -> None:
    flag = factories.flag(msl)
    case = confirm_flags(actor=pv, flags=[flag])
    assert case.reported_by == pv
    flag.refresh_from_db()
    assert flag.handled_by == pv


@pytest.mark.parametrize("who", ["other_msl", "field_manager", "compliance", "admin_user"])
def test_no_one_else_confirms_a_flag(msl: User, who: str, request: pytest.FixtureRequest) -> None:
    actor: User = request.getfixturevalue(who)
    flag = factories.flag(msl)
    with pytest.raises(PermissionDenied):
        confirm_flags(actor=actor, flags=[flag])
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not Case.objects.exists()


def test_a_handled_flag_is_not_confirmed_again(msl: User) -> None:
    flag = factories.flag(msl)
    confirm_flags(actor=msl, flags=[flag])
    with pytest.raises(PermissionDenied):
        confirm_flags(actor=msl, flags=[flag])
    assert Case.objects.count() == 1


def test_flags_of_two_notes_are_not_one_case(msl: User) -> None:
    flags = [factories.flag(msl, source_id=1), factories.flag(msl, source_id=2)]
    with pytest.raises(LiaisonError) as caught:
        confirm_flags(actor=msl, flags=flags)
    assert caught.value.field == "flags"
    with pytest.raises(LiaisonError):
        confirm_flags(actor=msl, flags=[])
    assert not Case.objects.exists()


def test_a_refused_case_leaves_the_flag_open(msl: User) -> None:
    flag = factories.flag(msl)
    events = AuditEvent.objects.count()
    with pytest.raises(LiaisonError) as caught:
        confirm_flags(
            actor=msl,
            flags=[flag],
            data={"reactions": [{"verbatim": "rash", "meddra_code": "123"}]},
        )
    assert "reactions.0.meddra_code" in caught.value.details
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.case is None
    assert not Case.objects.exists() and AuditEvent.objects.count() == events


# --- dismissing --------------------------------------------------------------------------


def test_dismissing_needs_a_reason(msl: User) -> None:
    flag = factories.flag(msl)
    with pytest.raises(LiaisonError) as caught:
        dismiss_flag(actor=msl, flag=flag, reason="  ")
    assert caught.value.field == "reason"
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not _events(flag)


def test_dismissing_with_a_reason_is_audited(msl: User) -> None:
    flag = factories.flag(msl)
    dismiss_flag(actor=msl, flag=flag, reason=" The HCP described a trial protocol ")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
    assert flag.dismiss_reason == "The HCP described a trial protocol"
    assert flag.handled_by == msl and flag.case is None
    (event,) = _events(flag)
    assert event.reason == "The HCP described a trial protocol"
    assert event.changes["status"] == [FlagStatus.OPEN, FlagStatus.DISMISSED]


def test_a_dismissed_flag_is_handled_no_more(msl: User, pv: User) -> None:
    flag = factories.flag(msl)
    dismiss_flag(actor=msl, flag=flag, reason="hypothetical")
    for actor in (msl, pv):
        with pytest.raises(PermissionDenied):
            dismiss_flag(actor=actor, flag=flag, reason="again")
        with pytest.raises(PermissionDenied):
            confirm_flags(actor=actor, flags=[flag])


def test_another_msl_does_not_dismiss_alices_flag(msl: User, other_msl: User) -> None:
    flag = factories.flag(msl)
    with pytest.raises(PermissionDenied):
        dismiss_flag(actor=other_msl, flag=flag, reason="not mine")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


# --- escalation ------------------------------------------------------------------------------


def test_an_open_flag_escalates_after_its_business_day(msl: User) -> None:
    monday = dt.date(2026, 3, 2)
    flag = factories.flag(msl, created_at=_at(monday), heard_on=monday)
    assert escalate_due_flags(now=_at(dt.date(2026, 3, 3), 17)) == []
    flag.refresh_from_db()
    assert flag.escalated_at is None
    wednesday = _at(dt.date(2026, 3, 4), 8)
    assert escalate_due_flags(now=wednesday) == [flag]
    flag.refresh_from_db()
    assert flag.escalated_at == wednesday and flag.status == FlagStatus.OPEN


def test_a_fridays_flag_waits_for_monday(msl: User) -> None:
    friday = dt.date(2026, 3, 6)
    flag = factories.flag(msl, created_at=_at(friday), heard_on=friday)
    assert escalate_due_flags(now=_at(dt.date(2026, 3, 8))) == []
    assert escalate_due_flags(now=_at(dt.date(2026, 3, 9))) == []
    assert escalate_due_flags(now=_at(dt.date(2026, 3, 10))) == [flag]


def test_the_flags_country_holidays_delay_escalation(msl: User) -> None:
    maundy_thursday = dt.date(2026, 4, 2)
    german = factories.flag(msl, created_at=_at(maundy_thursday), country="DE")
    american = factories.flag(msl, created_at=_at(maundy_thursday), country="US", source_id=2)
    # Good Friday and Easter Monday are days off in Germany (due Tuesday), not in the US (Friday).
    assert escalate_due_flags(now=_at(dt.date(2026, 4, 6))) == [american]
    assert escalate_due_flags(now=_at(dt.date(2026, 4, 7))) == []
    assert escalate_due_flags(now=_at(dt.date(2026, 4, 8))) == [german]


def test_escalation_is_audited_with_no_actor(msl: User) -> None:
    monday = dt.date(2026, 3, 2)
    flag = factories.flag(msl, created_at=_at(monday))
    escalate_due_flags(now=_at(dt.date(2026, 3, 5)))
    (event,) = _events(flag)
    assert event.actor is None and event.actor_label == "system"
    assert event.changes["escalated_at"][0] is None
    assert "pharmacovigilance" in event.reason


def test_handled_or_escalated_flags_are_not_escalated(msl: User) -> None:
    monday = _at(dt.date(2026, 3, 2))
    dismissed = factories.flag(
        msl, created_at=monday, status=FlagStatus.DISMISSED, dismiss_reason="hypothetical"
    )
    confirmed = factories.flag(msl, created_at=monday, status=FlagStatus.CONFIRMED, source_id=2)
    already = factories.flag(msl, created_at=monday, escalated_at=monday, source_id=3)
    assert escalate_due_flags(now=_at(dt.date(2026, 3, 10))) == []
    for flag in (dismissed, confirmed, already):
        assert not _events(flag)
    already.refresh_from_db()
    assert already.escalated_at == monday


def test_an_escalated_flag_is_still_the_authors_to_handle(msl: User) -> None:
    monday = dt.date(2026, 3, 2)
    flag = factories.flag(msl, created_at=_at(monday))
    escalate_due_flags(now=_at(dt.date(2026, 3, 5)))
    dismiss_flag(actor=msl, flag=flag, reason="a hypothetical question")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
