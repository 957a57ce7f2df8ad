"""Background work of adverse events: E2B(R3) files read as file jobs, and the
escalation of flags nobody handled.

An uploaded ICSR file or acknowledgement, from the web or the API, passes
:func:`check_upload` (the one place of the ``LIAISON_E2B_UPLOAD_MAX_MB`` cap, and
of telling a case file from an acknowledgement by its root element), then
:func:`start_import` keeps every file (under that cap), then queues a file job per
file (:mod:`liaison.core.uploads`): all the files or none. Its runner,
:func:`run_e2b_import` or :func:`run_ack_import` (declared in ``apps.py``), calls
the service, all of the file or nothing, and keeps what it did on the job:
the summary, the counts and a report the job page lists with links. A file the
service refuses (a truncated file, a MedDRA code of 7 digits) fails the job with
the service's sentence, which names the file, the line and the E2B element.

The outcome is written on the job in the same transaction as the cases, so a job
run again after its work committed (its worker died before saying so) reports
that work and imports nothing twice: an ICSR read twice would be a new version.
Once the outcome is final (the work committed, or the service refused the file)
the runner deletes the file, full of patient data (``uploads.discard_job_file``);
run again, the job returns the outcome it kept without the file.

:func:`escalate_flags_task` escalates flags left unhandled past their business
day; the app declares it in ``periodic_tasks``, so the longest-running live
worker queues it at its first beat and every hour after (``liaison.core.workers``);
where no long-running worker runs, ``liaison safety escalate-flags`` from cron.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django_tasks import task

from liaison.core import audit, policy, uploads
from liaison.core.errors import LiaisonError
from liaison.core.jobs import Progress
from liaison.core.models import Job, User
from liaison.safety.e2b import reader
from liaison.safety.e2b.errors import E2BError
from liaison.safety.models import Case, CaseVersion, SubmissionStatus
from liaison.safety.services import e2b as services

E2B_IMPORT_KIND = "e2b-import"
ACK_IMPORT_KIND = "ack-import"
#: The key of a job's params that holds what its runner did (see the module's docstring).
OUTCOME = "outcome"
#: Cases named in a job's closing message; the report lists them all.
NAMED_IN_SUMMARY = 10

#: What a kind of job reads, and what to say of a file of the other kind.
_EXPECTED: dict[str, tuple[reader.Kind, str]] = {
    E2B_IMPORT_KIND: (
        "icsr",
        "this is an acknowledgement file, not a case: upload it as an acknowledgement "
        "(or import it with “liaison safety import-ack”)",
    ),
    ACK_IMPORT_KIND: (
        "ack",
        "this is an ICSR file, not an acknowledgement: import its cases with the E2B "
        "import (or “liaison safety import-e2b”)",
    ),
}


class WrongKindOfFile(E2BError):
    """An acknowledgement given as cases, or a case file given as an acknowledgement."""


def upload_limit_mb() -> int:
    """The size cap of an uploaded E2B file or acknowledgement (``LIAISON_E2B_UPLOAD_MAX_MB``)."""
    return int(settings.LIAISON_E2B_UPLOAD_MAX_MB)


def upload_name(file: UploadedFile) -> str:
    """The name the upload is known by (the stored file's: made safe)."""
    return uploads.safe_file_name(file.name, "upload.xml")


def check_upload(file: UploadedFile, *, kind: str) -> str:
    """Refuse ``file`` at the door, before any job, for the job ``kind``: larger than
    ``LIAISON_E2B_UPLOAD_MAX_MB`` (naming the file and the limit), not an E2B(R3) file
    (not XML, E2B(R2), another HL7 message: its root element says), or of the other
    kind (:class:`WrongKindOfFile`). Returns the file's name. Only the file's head is
    read; what lies beyond is the job's to judge."""
    expected, wrong = _EXPECTED[kind]
    name = upload_name(file)
    uploads.check_upload_size(file, upload_limit_mb())
    if reader.sniff(file, name=name) != expected:
        raise WrongKindOfFile(wrong, file=name)
    return name


def start_import(*, actor: User, kind: str, files: Sequence[UploadedFile]) -> list[Job]:
    """Queue a job of ``kind`` (:data:`E2B_IMPORT_KIND`, :data:`ACK_IMPORT_KIND`) over
    each of ``files``, owned by ``actor`` (pharmacovigilance). Every file is checked,
    then kept, before any job is queued: when one is refused, none is queued and
    nothing is kept."""
    policy.require(actor, "import", Case)
    for file in files:
        check_upload(file, kind=kind)
    kept: list[uploads.Upload] = []
    try:
        for file in files:
            kept.append(
                uploads.store_upload(
                    owner=actor, file=file, default_name="upload.xml", max_mb=upload_limit_mb()
                )
            )
        with transaction.atomic():
            return [uploads.start_file_job(actor=actor, kind=kind, file=upload) for upload in kept]
    except BaseException:
        for upload in kept:
            uploads.delete_upload(upload)
        raise


def _once(job: Job, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The outcome of ``work``, run in one transaction with its outcome written on the
    job; a job whose outcome is there already gets it back and runs nothing."""
    with transaction.atomic():
        params = Job.objects.select_for_update().values_list("params", flat=True).get(pk=job.pk)
        if OUTCOME in params:
            return dict(params[OUTCOME])
        outcome = work()
        Job.objects.filter(pk=job.pk).update(params={**params, OUTCOME: outcome})
    return outcome


def _reading(path: Path, progress: Progress) -> None:
    progress.total = 1  # one file, read whole: the service reads it at once
    progress.flush(message=f"Reading {path.name}…")


def _final(job: Job, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The outcome of ``work`` run once (:func:`_once`); the file is deleted when the
    service refuses it (the job fails with its reason)."""
    try:
        return _once(job, work)
    except LiaisonError:
        uploads.discard_job_file(job)
        raise


def _open(path: Path) -> BinaryIO:
    """The job's file; one deleted when the service refused it cannot be read again."""
    if not path.is_file():
        raise LiaisonError(
            f"{path.name}: the file was deleted when it was refused; upload it again"
        )
    return path.open("rb")


def _done(job: Job, outcome: dict[str, Any], progress: Progress, **counts: int) -> None:
    """Set the job's counts (set, not added: a runner may run twice), keep its report,
    then delete its file: the outcome is final."""
    progress.done = progress.total
    progress.counts.update(counts)
    uploads.save_job_report(job, outcome)
    uploads.discard_job_file(job)


def _named(rows: list[dict[str, Any]]) -> str:
    shown = [f"{row['reference']} ({row['report_id']})" for row in rows[:NAMED_IN_SUMMARY]]
    more = len(rows) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def e2b_summary(outcome: dict[str, Any]) -> str:
    """The closing message of an E2B import: the cases created, then the new versions."""
    created = [row for row in outcome["cases"] if row["created"]]
    versions = [row for row in outcome["cases"] if not row["created"]]
    parts = []
    if created:
        parts.append(f"{_plural(len(created), 'case')} created: {_named(created)}")
    if versions:
        parts.append(
            f"{_plural(len(versions), 'new version')} of cases already in Liaison: "
            f"{_named(versions)}"
        )
    return f"{outcome['file']}: " + "; ".join(parts) + "."


def run_e2b_import(job: Job, path: Path, options: dict[str, Any], progress: Progress) -> str:
    """Import every ICSR of the file of ``job`` as its owner, all or none; the job
    keeps each case created or updated (a new version) for its report."""
    _reading(path, progress)

    def work() -> dict[str, Any]:
        with audit.source("task"), _open(path) as stream:
            cases = services.import_e2b(actor=job.owner, stream=stream, name=path.name)
        return {"file": path.name, "cases": [_case_row(case) for case in cases]}

    outcome = _final(job, work)
    created = sum(1 for row in outcome["cases"] if row["created"])
    _done(job, outcome, progress, created=created, new_versions=len(outcome["cases"]) - created)
    return e2b_summary(outcome)


def _case_row(case: Case) -> dict[str, Any]:
    """One ICSR of an import: its case, and whether it created it or versioned it."""
    return {
        "case": case.pk,
        "reference": case.reference,
        "report_id": case.safety_report_id,
        # A new case starts at its initial version; a report id already in Liaison
        # makes the ICSR a follow-up, an amendment or a nullification of its case.
        "created": case.version_kind == CaseVersion.INITIAL,
        "version": case.version_number,
        "version_kind": CaseVersion(case.version_kind).label,
    }


def ack_summary(outcome: dict[str, Any]) -> str:
    """The closing message of an acknowledgement: the batch, then each file's answer."""
    answer = "accepted" if outcome["accepted"] else "rejected"
    updated = ", ".join(
        f"{row['reference']} {row['status']}" for row in outcome["updated"][:NAMED_IN_SUMMARY]
    )
    more = len(outcome["updated"]) - NAMED_IN_SUMMARY
    text = (
        f"{outcome['file']}: batch {outcome['batch_id']} {answer}; "
        f"{_plural(len(outcome['updated']), 'submission')} updated: {updated}"
        + (f" and {more} more" if more > 0 else "")
    )
    if outcome["unknown"]:
        text += f"; not sent from Liaison, left alone: {', '.join(outcome['unknown'])}"
    return text + "."


def run_ack_import(job: Job, path: Path, options: dict[str, Any], progress: Progress) -> str:
    """Apply the acknowledgement of ``job`` as its owner to the submissions of the batch
    it names; the job keeps each one's new status for its report."""
    _reading(path, progress)

    def work() -> dict[str, Any]:
        with audit.source("task"), _open(path) as stream:
            result = services.import_ack(actor=job.owner, stream=stream, name=path.name)
        return {
            "file": path.name,
            "batch_id": result.batch_id,
            "accepted": result.accepted,
            "updated": [
                {
                    "case": case.pk,
                    "reference": case.reference,
                    "report_id": case.safety_report_id,
                    "status": status,
                }
                for case, status in result.updated
            ],
            "unknown": list(result.unknown),
        }

    outcome = _final(job, work)
    statuses = [row["status"] for row in outcome["updated"]]
    _done(
        job,
        outcome,
        progress,
        accepted=statuses.count(SubmissionStatus.ACCEPTED),
        rejected=statuses.count(SubmissionStatus.REJECTED),
        not_from_liaison=len(outcome["unknown"]),
    )
    return ack_summary(outcome)


@task()
def escalate_flags_task() -> int:
    """Escalate to pharmacovigilance every flag left unhandled past its business day,
    as the system; the number escalated."""
    from liaison.safety.services.flags import escalate_due_flags

    with audit.source("task"):
        return len(escalate_due_flags())
