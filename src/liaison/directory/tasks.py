"""Background work of the directory: imports of uploaded CSV/XLSX files.

:func:`start_import` records a :class:`~liaison.core.models.Job` whose params
hold the upload's path (relative to ``MEDIA_ROOT``), the kind, the mapping and
the skip flag, and queues :func:`import_directory_file` after commit. The task
takes the job id and calls the import service with the job's progress.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task

from liaison.core import jobs, policy
from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import Job, User
from liaison.directory.importing import Kind, import_file
from liaison.directory.models import HCP

IMPORT_KIND = "directory-import"


def upload_path(relative: str) -> Path:
    """An upload's absolute path; anything pointing outside MEDIA_ROOT is refused."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root / "imports"):
        raise NotFound("no such upload")
    return path


def start_import(
    *,
    actor: User,
    relative_path: str,
    file_name: str,
    kind: Kind | str,
    mapping: Mapping[str, str] | None,
    sheet: str = "",
    skip_invalid: bool = False,
) -> Job:
    """Queue the import of an uploaded file (administrators only)."""
    if not policy.can(actor, "import", HCP):
        raise PermissionDenied("only administrators may import into the directory")
    kind = Kind(kind)
    params: dict[str, Any] = {
        "path": relative_path,
        "file_name": file_name,
        "kind": kind.value,
        "mapping": dict(mapping) if mapping is not None else None,
        "sheet": sheet,
        "skip_invalid": skip_invalid,
    }
    with transaction.atomic():
        job = jobs.create_job(
            owner=actor,
            kind=IMPORT_KIND,
            title=f"Import {kind.value} from {file_name}",
            params=params,
        )
        jobs.enqueue_after_commit(job, import_directory_file.enqueue)
    return job


@task()
def import_directory_file(job_id: int) -> dict[str, int]:
    """Run the import recorded in job ``job_id``; returns its counts."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    params = job.params
    counts: dict[str, int] = {}
    with jobs.running(job_id) as progress:
        report = import_file(
            actor=job.owner,
            path=upload_path(params["path"]),
            kind=params["kind"],
            mapping=params.get("mapping"),
            sheet=params.get("sheet") or None,
            skip_invalid=bool(params.get("skip_invalid")),
            file_name=params.get("file_name"),
            progress=progress,
        )
        for problem in report.problems:
            progress.error(str(problem))
        counts = report.counts()
        progress.counts = dict(counts)
        progress.done = report.rows
        progress.total = max(progress.total, report.rows)
        if not report.written:
            raise LiaisonError(report.summary())
        progress.flush(message=report.summary())
    return counts
