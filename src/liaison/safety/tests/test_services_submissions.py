"""Submissions after export: marked sent (the case submitted, its clock stopped),
then acknowledged; an acknowledgement touches only the batch it acknowledges, and a
rejection starts the regulatory clock again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.safety.e2b.records import Ack, AckCode, MessageAck, PartialDate
from liaison.safety.e2b.write_ack import write_ack
from liaison.safety.models import Case, CaseStatus, CaseVersion, Submission, SubmissionStatus
from liaison.safety.services.cases import new_case_version
from liaison.safety.services.e2b import import_ack
from liaison.safety.services.submissions import mark_submission_sent
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def exported(case: Case, pv: User, batch_id: str, **values: object) -> Submission:
    values.setdefault("exported_at", timezone.now() - dt.timedelta(hours=2))
    return Submission.objects.create(
        case=case, message_id=case.safety_report_id, batch_id=batch_id, exported_by=pv, **values
    )


def acknowledge(pv: User, batch_id: str, *lines: tuple[str, AckCode]) -> list[tuple[Case, str]]:
    """Import a regulator's answer to ``batch_id``: one line per (message id, code)."""
    codes = [code for _, code in lines]
    ack = Ack(
        ack_id="ACK-T",
        created_at=PartialDate("20260301101500"),
        icsr_batch_id=batch_id,
        code=AckCode.APPLICATION_ACCEPT
        if all(code.accepted for code in codes)
        else AckCode.APPLICATION_ERROR,
        messages=tuple(MessageAck(target_id=target, code=code) for target, code in lines),
    )
    stream = io.BytesIO()
    write_ack(ack, stream)
    stream.seek(0)
    result = import_ack(actor=pv, stream=stream, name="ack.xml")
    return list(result.updated)


def test_marking_a_file_sent_submits_its_case_once_and_is_audited(msl: User, pv: User) -> None:
    case = factories.case(msl, status=CaseStatus.IN_REVIEW)
    first = exported(case, pv, "B-1")
    sent = timezone.now() - dt.timedelta(hours=1)

    mark_submission_sent(actor=pv, submission=first, sent_at=sent)

    case.refresh_from_db()
    assert (first.status, first.sent_at, first.sent_by) == (SubmissionStatus.SENT, sent, pv)
    assert case.status == CaseStatus.SUBMITTED and case.submitted_at == sent
    event = AuditEvent.objects.filter(record_type="safety.case", record_id=str(case.pk)).last()
    assert event is not None and "submitted_at" in event.changes and "B-1" in event.reason
    # A second file of the same version leaves the first sending as the one the clock stopped at.
    mark_submission_sent(actor=pv, submission=exported(case, pv, "B-2"))
    case.refresh_from_db()
    assert case.submitted_at == sent


def test_a_file_is_not_sent_before_it_was_exported_nor_in_the_future(msl: User, pv: User) -> None:
    submission = exported(factories.case(msl), pv, "B-1")
    for when in (
        submission.exported_at - dt.timedelta(minutes=1),
        timezone.now() + dt.timedelta(days=1),
    ):
        with pytest.raises(LiaisonError) as caught:
            mark_submission_sent(actor=pv, submission=submission, sent_at=when)
        assert caught.value.field == "sent_at"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EXPORTED


def test_a_closed_case_stays_closed_when_a_file_is_sent(msl: User, pv: User) -> None:
    case = factories.case(msl, status=CaseStatus.CLOSED)
    mark_submission_sent(actor=pv, submission=exported(case, pv, "B-1"))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.submitted_at is not None


def test_only_pharmacovigilance_marks_a_file_sent(msl: User, pv: User) -> None:
    submission = exported(factories.case(msl), pv, "B-1")
    with pytest.raises(PermissionDenied):
        mark_submission_sent(actor=msl, submission=submission)


def test_an_acknowledgement_of_another_batch_leaves_the_submission_alone(
    msl: User, pv: User
) -> None:
    case = factories.case(msl)
    current = exported(case, pv, "B-CURRENT")
    exported(factories.case(msl), pv, "B-OTHER")

    with pytest.raises(LiaisonError, match="names no submission"):
        acknowledge(pv, "B-OTHER", (current.message_id, AckCode.COMMIT_REJECT))

    current.refresh_from_db()
    assert current.status == SubmissionStatus.EXPORTED


def test_a_line_naming_a_message_outside_the_batch_is_listed_unknown(msl: User, pv: User) -> None:
    case, other = factories.case(msl), factories.case(msl)
    mine = exported(case, pv, "B-1")
    elsewhere = exported(other, pv, "B-2")

    updated = acknowledge(
        pv,
        "B-1",
        (mine.message_id, AckCode.COMMIT_ACCEPT),
        (elsewhere.message_id, AckCode.COMMIT_REJECT),
    )

    assert updated == [(case, SubmissionStatus.ACCEPTED)]
    elsewhere.refresh_from_db()
    assert elsewhere.status == SubmissionStatus.EXPORTED


def test_a_rejection_of_the_file_sent_starts_the_clock_again(msl: User, pv: User) -> None:
    case = factories.case(msl, status=CaseStatus.IN_REVIEW)
    submission = exported(case, pv, "B-1")
    mark_submission_sent(actor=pv, submission=submission)

    acknowledge(pv, "B-1", (submission.message_id, AckCode.COMMIT_REJECT))

    case.refresh_from_db()
    assert case.submission_status == SubmissionStatus.REJECTED
    assert case.submitted_at is None and case.status == CaseStatus.IN_REVIEW


def test_a_rejection_keeps_the_case_submitted_by_another_file_sent(msl: User, pv: User) -> None:
    case = factories.case(msl, status=CaseStatus.IN_REVIEW)
    earlier, later = exported(case, pv, "B-1"), exported(case, pv, "B-2")
    mark_submission_sent(actor=pv, submission=earlier)
    mark_submission_sent(actor=pv, submission=later)

    acknowledge(pv, "B-1", (earlier.message_id, AckCode.COMMIT_REJECT))

    case.refresh_from_db()
    later.refresh_from_db()
    assert case.submitted_at == later.sent_at and case.status == CaseStatus.SUBMITTED


def _followed_up(case: Case, pv: User) -> Case:
    new_case_version(
        actor=pv,
        case=case,
        kind=CaseVersion.FOLLOW_UP,
        reason="Discharge letter",
        received_on=timezone.localdate(),
    )
    case.refresh_from_db()
    return case


def test_a_file_of_an_earlier_version_sent_late_submits_nothing_of_the_follow_up(
    msl: User, pv: User
) -> None:
    case = factories.case(msl, status=CaseStatus.IN_REVIEW)
    earlier = exported(case, pv, "B-1")
    case = _followed_up(case, pv)

    mark_submission_sent(actor=pv, submission=earlier)

    earlier.refresh_from_db()
    case.refresh_from_db()
    assert earlier.status == SubmissionStatus.SENT and earlier.version_number == 1
    assert case.submission_status == SubmissionStatus.NOT_SUBMITTED
    assert case.submitted_at is None and case.status == CaseStatus.IN_REVIEW


def test_an_acknowledgement_of_an_earlier_version_keeps_its_history_only(
    msl: User, pv: User
) -> None:
    case = factories.case(msl, status=CaseStatus.IN_REVIEW)
    earlier = exported(case, pv, "B-1")
    mark_submission_sent(actor=pv, submission=earlier)
    case = _followed_up(case, pv)

    updated = acknowledge(pv, "B-1", (earlier.message_id, AckCode.COMMIT_ACCEPT))

    assert updated == [(case, SubmissionStatus.ACCEPTED)]
    earlier.refresh_from_db()
    case.refresh_from_db()
    assert earlier.status == SubmissionStatus.ACCEPTED and earlier.sent_at is not None
    assert case.submission_status == SubmissionStatus.NOT_SUBMITTED
    assert case.submitted_at is None


def test_the_follow_ups_own_file_sent_submits_the_case_again(msl: User, pv: User) -> None:
    case = factories.case(msl, status=CaseStatus.IN_REVIEW)
    mark_submission_sent(actor=pv, submission=exported(case, pv, "B-1"))
    case = _followed_up(case, pv)
    follow_up = exported(case, pv, "B-2", version_number=case.version_number)

    mark_submission_sent(actor=pv, submission=follow_up)

    case.refresh_from_db()
    follow_up.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.submitted_at == follow_up.sent_at
    assert case.submission_status == SubmissionStatus.SENT
