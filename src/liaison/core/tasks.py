"""Background work of the core app, written against the django-tasks API.

The same task runs on the database backend (``liaison worker`` runs
django-tasks-db's worker) or on RQ when ``LIAISON_REDIS_URL`` is set. Tasks take
ids, not objects, and report through a :class:`~liaison.core.models.Job`.
"""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django_tasks import task

from liaison.core import audit, audit_export, downloads, jobs, policy, selectors, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Job, User

VERIFY_AUDIT_KIND = "audit-verify"


@task()
def verify_audit_chain(job_id: int) -> int:
    """Recompute the audit chain for job ``job_id``; returns the number of events checked.

    The job fails, naming the first broken event, when the chain is not intact.
    """
    with jobs.running(job_id) as progress:
        progress.set_total(AuditEvent.objects.count())
        checked, problem = audit.verify_chain()
        progress.advance(checked, events=checked)
        if problem is not None:
            raise LiaisonError(f"audit chain broken at {problem}")
        progress.flush(message=f"{checked} events, chain intact")
    return checked


def start_audit_verification(*, actor: User) -> Job:
    """Queue a check of the whole audit chain (compliance and administrators)."""
    if not policy.can(actor, "verify", AuditEvent):
        raise PermissionDenied("only compliance and administrators may verify the audit trail")
    with transaction.atomic():
        job = jobs.create_job(owner=actor, kind=VERIFY_AUDIT_KIND, title="Verify the audit trail")
        jobs.enqueue_after_commit(job, verify_audit_chain.enqueue)
    return job


@task()
def run_file_job(job_id: int) -> dict[str, int]:
    """Run job ``job_id`` over its uploaded file (see :mod:`liaison.core.uploads`).

    The runner its kind declares gets the file, checked to be the job owner's,
    the job's options and its progress; returns the job's counts. A file that
    is gone, or a ``LiaisonError`` of the runner, fails the job with the reason;
    a locked or unavailable database is waited out (``jobs.retrying``).
    """
    job = Job.objects.select_related("owner").get(pk=job_id)
    runner = uploads.runner_for(job.kind)
    with jobs.running(job_id) as progress:
        path = uploads.job_file(job)
        # Runners are idempotent (keyed upserts, batches): a retry completes the work.
        message = jobs.retrying(
            lambda: runner(job, path, uploads.job_options(job), progress), progress
        )
        progress.flush(message=message)
    return dict(progress.counts)


AUDIT_EXPORT_KIND = "audit-export"


@task()
def export_audit_events(job_id: int) -> dict[str, int]:
    """Write the audit search of job ``job_id`` (its owner's view, its filters) as CSV."""
    return downloads.write_job_file(job_id, _write_audit_export)


def _write_audit_export(job: Job, stream: IO[bytes], progress: jobs.Progress) -> str:
    filters = audit_export.filters_from_json(job.params.get("filters") or {})
    events = selectors.audit_events(job.owner, filters)
    progress.set_total(events.count())
    written = audit_export.write_csv(
        audit_export.selection(job.owner, filters), stream, progress, reader=job.owner
    )
    return f"{written:,} audit events written"


def start_audit_export(*, actor: User, filters: selectors.AuditFilters) -> Job:
    """Queue the CSV export of the audit search ``filters`` (who may view the trail)."""
    selectors.require_view_any(actor, AuditEvent)
    return downloads.start_download_job(
        actor=actor,
        kind=AUDIT_EXPORT_KIND,
        title="Export the audit trail",
        file_name=audit_export.FILE_NAME,
        task=export_audit_events,
        params={"filters": audit_export.filters_json(filters)},
    )
