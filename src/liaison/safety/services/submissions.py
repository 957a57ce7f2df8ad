"""A case's E2B files after export: sent, then acknowledged.

Exporting a file is not submitting it (a file may be exported to be checked, or
never sent). A submission is exported first; pharmacovigilance marks it sent
(:func:`mark_submission_sent`) once the file has gone to the regulator, which
submits the case and, the first time, stops its regulatory clock on the day it
was sent. A file that failed validation against the ICH schema set is not sent: a
gateway would refuse it.

An acknowledgement (:func:`acknowledge_submission`, from
:func:`liaison.safety.services.e2b.import_ack`) says what the regulator made of a
file. A positive one marks a file nobody marked sent as sent when it was exported
(the regulator has it) and accepted. A negative one marks it rejected: the report
was not taken, so unless another file of the case was sent and not rejected the
regulatory clock runs again and a submitted case goes back to review.

A file reports one version of its case (``Submission.version_number``). A follow-up
or an amendment leaves the case to be submitted again; a file of an earlier version,
sent or acknowledged after that, keeps its own history but submits nothing of the
version now being worked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import Conflict, LiaisonError
from liaison.core.models import User
from liaison.safety.models import Case, CaseStatus, Submission, SubmissionStatus

#: The case steps a sent report moves to submitted (a closed or nullified case stays so).
SUBMITTABLE = (CaseStatus.INTAKE, CaseStatus.FORWARDED, CaseStatus.IN_REVIEW)


def _current(submission: Submission) -> bool:
    """Whether ``submission`` reports the version of its case now worked."""
    return submission.version_number == submission.case.version_number


def _submitted(case: Case, sent_at: dt.datetime) -> dict[str, Any]:
    """What a sent report changes on its case: submitted, the clock stopped the first time."""
    values: dict[str, Any] = {}
    if case.submitted_at is None:
        values["submitted_at"] = sent_at
    if case.status in SUBMITTABLE:
        values["status"] = CaseStatus.SUBMITTED
    return values


def mark_submission_sent(
    *, actor: User, submission: Submission, sent_at: dt.datetime | None = None
) -> Submission:
    """Record that ``submission``'s file went to the regulator at ``sent_at`` (now by
    default): the submission is sent and, for a file of the case's current version, the
    case submitted and, the first time, its regulatory clock stopped. Pharmacovigilance
    only; refused for a file that failed validation or was marked sent already."""
    case = submission.case
    policy.require(actor, "export", case)
    if submission.valid is False:
        raise LiaisonError(
            "this file does not validate against the ICH E2B(R3) schema set, so a "
            "regulator's gateway would refuse it: correct the case and export it again",
            field="submission",
        )
    now = timezone.now()
    when = sent_at or now
    if when > now:
        raise LiaisonError("the time it was sent is in the future", field="sent_at")
    if when < submission.exported_at:
        raise LiaisonError(
            "the file cannot have been sent before it was exported "
            f"({timezone.localtime(submission.exported_at):%d %b %Y %H:%M})",
            field="sent_at",
        )
    with transaction.atomic():
        # Locked: two clicks on "Mark as sent" record one sending.
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if current.status != SubmissionStatus.EXPORTED:
            raise Conflict(
                f"this file is {SubmissionStatus(current.status).label.lower()} already",
                field="submission",
            )
        audit.update_record(
            actor=actor,
            instance=submission,
            values={"status": SubmissionStatus.SENT, "sent_at": when, "sent_by": actor},
        )
        if _current(submission):
            values = {"submission_status": SubmissionStatus.SENT, **_submitted(case, when)}
            audit.update_record(
                actor=actor,
                instance=case,
                values=values,
                reason=f"E2B file {submission.batch_id} sent",
            )
    return submission


def acknowledge_submission(
    *,
    actor: User,
    submission: Submission,
    accepted: bool,
    text: str,
    reason: str,
    at: dt.datetime | None = None,
) -> str:
    """Apply a regulator's answer to ``submission`` (the caller holds the transaction
    and has asked the policy). Returns the submission's new status."""
    case = submission.case
    status = SubmissionStatus.ACCEPTED if accepted else SubmissionStatus.REJECTED
    values: dict[str, Any] = {
        "status": status,
        "acknowledged_at": at or timezone.now(),
        "ack_text": text,
    }
    case_values: dict[str, Any] = {"submission_status": status}
    if accepted:
        # Never marked sent: the regulator has it, so it went when it was exported.
        sent_at = submission.sent_at or submission.exported_at
        values["sent_at"] = sent_at
        case_values.update(_submitted(case, sent_at))
    else:
        case_values.update(_unsubmitted(case, submission))
    audit.update_record(actor=actor, instance=submission, values=values, reason=reason)
    if _current(submission):
        audit.update_record(actor=actor, instance=case, values=case_values, reason=reason)
    return str(status)


def _unsubmitted(case: Case, rejected: Submission) -> dict[str, Any]:
    """A rejected file submitted nothing: the case stays submitted (since its earliest
    such sending) only through another file sent and not rejected."""
    others = (
        Submission.objects.filter(
            case=case,
            version_number=case.version_number,
            status__in=(SubmissionStatus.SENT, SubmissionStatus.ACCEPTED),
            sent_at__isnull=False,
        )
        .exclude(pk=rejected.pk)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if rejected.sent_at is None or case.submitted_at is None:
        return {}
    values: dict[str, Any] = {"submitted_at": others}
    if others is None and case.status == CaseStatus.SUBMITTED:
        values["status"] = CaseStatus.IN_REVIEW
    return values
