"""Background work of the literature app: loading an uploaded PubMed file.

:func:`start_pubmed_load` keeps the upload under ``MEDIA_ROOT/pubmed/<uuid>/``,
records a :class:`~liaison.core.models.Job` and queues :func:`load_pubmed_upload`
after commit; the job page (core:job-detail) shows its progress in bytes read
and the counts of new, updated, unchanged, deleted and failed records.
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
from liaison.literature import services
from liaison.literature.models import Publication

LOAD_KIND = "pubmed-load"
UPLOAD_FOLDER = "pubmed"


def upload_path(relative: str) -> Path:
    """An upload's absolute path; anything outside ``MEDIA_ROOT/pubmed`` is refused."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root / UPLOAD_FOLDER):
        raise NotFound("no such upload")
    return path


def start_pubmed_load(*, actor: User, file_name: str, chunks: Iterable[bytes]) -> Job:
    """Keep an uploaded PubMed file and queue its load (administrators only)."""
    if not policy.can(actor, "load", Publication):
        raise PermissionDenied("only administrators may load publications")
    name = get_valid_filename(Path(file_name).name) or "pubmed.xml"
    relative = f"{UPLOAD_FOLDER}/{uuid.uuid4()}/{name}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as output:
        for chunk in chunks:
            output.write(chunk)
    with transaction.atomic():
        job = jobs.create_job(
            owner=actor,
            kind=LOAD_KIND,
            title=f"Load PubMed file {name}",
            params={"path": relative, "file_name": name},
        )
        jobs.enqueue_after_commit(job, load_pubmed_upload.enqueue)
    return job


@task()
def load_pubmed_upload(job_id: int) -> dict[str, int]:
    """Load the file of job ``job_id``; returns the counts."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    counts: dict[str, int] = {}
    with jobs.running(job_id) as progress:
        report = services.load_pubmed_file(
            actor=job.owner,
            path=upload_path(job.params["path"]),
            name=job.params.get("file_name"),
            progress=progress,
        )
        for message in report.errors:
            progress.error(message)
        counts = report.counts()
        progress.counts = dict(counts)
        if report.failed_files:
            raise LiaisonError(report.summary())
        progress.flush(message=report.summary())
    return counts
