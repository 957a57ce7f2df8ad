"""Background work of the trials app: loading an uploaded ClinicalTrials.gov file.

:func:`start_load` saves the upload under ``MEDIA_ROOT/trial-uploads/<uuid>/``,
records a :class:`~liaison.core.models.Job` and queues :func:`load_trials_file`
after commit. The task takes the job id and calls the load service with the
job's progress; the job page shows counts and per-study errors. As for a PubMed
upload, the job succeeds when failed studies were named and the others stored,
and fails when the file could not be read to its end.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import get_valid_filename
from django_tasks import task

from liaison.core import jobs, policy
from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import Job, User
from liaison.trials.models import Trial
from liaison.trials.services import load_files

LOAD_KIND = "trials-load"
UPLOADS = "trial-uploads"


def upload_path(relative: str) -> Path:
    """An upload's absolute path; anything pointing outside the uploads folder is refused."""
    root = (Path(settings.MEDIA_ROOT) / UPLOADS).resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if not path.is_relative_to(root):
        raise NotFound("no such upload")
    return path


def start_load(*, actor: User, file_name: str, chunks: Iterable[bytes]) -> Job:
    """Save an uploaded file and queue its load (administrators only)."""
    if not policy.can(actor, "load", Trial):
        raise PermissionDenied("only administrators may load trials")
    name = get_valid_filename(Path(file_name).name) or "studies.json"
    relative = f"{UPLOADS}/{uuid.uuid4()}/{name}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as stream:
        for chunk in chunks:
            stream.write(chunk)
    with transaction.atomic():
        job = jobs.create_job(
            owner=actor,
            kind=LOAD_KIND,
            title=f"Load trials from {name}",
            params={"path": relative, "file_name": name},
        )
        jobs.enqueue_after_commit(job, load_trials_file.enqueue)
    return job


@task()
def load_trials_file(job_id: int) -> dict[str, int]:
    """Run the load recorded in job ``job_id``; returns its counts."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    params = job.params
    counts: dict[str, int] = {}
    with jobs.running(job_id) as progress:
        report = load_files(
            actor=job.owner,
            paths=[upload_path(params["path"])],
            names=[params["file_name"]],
            progress=progress,
        )
        for message in report.errors:
            progress.error(message)
        counts = report.counts()
        progress.counts = dict(counts)
        progress.total = progress.done
        if report.failed_files:
            raise LiaisonError(report.summary())
        progress.flush(message=report.summary())
    return counts
