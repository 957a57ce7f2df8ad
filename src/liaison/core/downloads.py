"""Files a background job writes for its owner to download: exports too large for a request.

A web request writes a small export at once. A large one would hold a web
worker for minutes (two such exports stopped the web for everyone, and one
killed by the server's timeout left a truncated file looking complete), so it
runs as a job instead:

1. the view or API handler, after the app's own permission check, calls
   :func:`start_download_job` with the app's task, the file's name and the
   job's parameters (the filters, the format);
2. the app's task (in its ``tasks.py``: the job id in) calls
   :func:`write_job_file` with a function that writes the file through the
   app's service; the file is written under a temporary name in a folder of
   its own, ``MEDIA_ROOT/exports/<job id>-<random>/``, readable by the
   server's user only, and renamed when complete, so a job that fails leaves
   no file and a half-written file is never offered;
3. the job page shows "Download the result"; ``core:job-download`` (web) and
   ``GET /api/v1/jobs/{id}/download`` send the file to the job's owner and to
   administrators only (the policy's ``view`` of :class:`Job`).

Files are removed :data:`KEEP_DAYS` (``LIAISON_EXPORT_KEEP_DAYS``) after their
job finished, when the next download job starts: an export of the directory
holds contact data and must not linger.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from liaison.core import jobs, policy
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.models import Job, User
from liaison.core.uploads import safe_file_name

EXPORTS = "exports"


class TooLargeForDownload(LiaisonError):
    """A selection too large to write inside a request: it must run as a job."""

    status_code = 422


class Enqueue(Protocol):
    """A django-tasks task taking a job id (its ``enqueue``)."""

    def enqueue(self, job_id: int, /) -> Any: ...


#: Writes the job's file to the binary stream and returns the job page's message.
FileWriter = Callable[[Job, IO[bytes], jobs.Progress], str]


def sync_max_rows() -> int:
    """The most rows an export writes inside a request (``LIAISON_EXPORT_SYNC_MAX_ROWS``)."""
    return int(settings.LIAISON_EXPORT_SYNC_MAX_ROWS)


def too_large(count: int, noun: str, *, job_hint: str) -> TooLargeForDownload:
    """The error for an export of ``count`` ``noun`` above the synchronous cap."""
    return TooLargeForDownload(
        f"{count:,} {noun} match: a download answers at most {sync_max_rows():,} at once;"
        f" {job_hint}",
        field="export",
    )


def exports_root() -> Path:
    """The folder of the data directory that holds the files of download jobs, resolved."""
    return (Path(settings.MEDIA_ROOT) / EXPORTS).resolve()


def start_download_job(
    *,
    actor: User,
    kind: str,
    title: str,
    file_name: str,
    task: Enqueue,
    params: Mapping[str, Any] | None = None,
) -> Job:
    """Create the job ``kind`` owned by ``actor`` and queue ``task`` with its id after commit.

    ``params`` (JSON values: filters, format) reach the task through the job;
    ``file_name`` is the name the download gets. Whether the actor may export
    what ``params`` select is the caller's check, made before; the task's
    service reads through the actor's policy again when the job runs.
    """
    policy.require(actor, "add", Job)
    remove_expired_files()
    values = {**dict(params or {}), "file_name": safe_file_name(file_name, "export")}
    with transaction.atomic():
        job = jobs.create_job(owner=actor, kind=kind, title=title[:200], params=values)
        jobs.enqueue_after_commit(job, task.enqueue)
    return job


def _private_folder(job: Job) -> Path:
    root = exports_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{job.pk}-{secrets.token_hex(8)}"
    folder.mkdir(mode=0o700)
    return folder


def _remove_folders_of(job: Job) -> None:
    """What an earlier run of ``job`` left (a worker killed half way leaves a ``.part``)."""
    root = exports_root()
    if root.is_dir():
        for folder in root.glob(f"{job.pk}-*"):
            shutil.rmtree(folder, ignore_errors=True)


def _write_once(job: Job, write: FileWriter, progress: jobs.Progress) -> tuple[Path, str]:
    folder = _private_folder(job)
    target = folder / safe_file_name(str(job.params.get("file_name") or ""), "export")
    partial = target.with_name(target.name + ".part")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            message = write(job, stream, progress)
        partial.replace(target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return target, message


def write_job_file(job_id: int, write: FileWriter) -> dict[str, int]:
    """Run the download job ``job_id``: ``write`` fills its file; returns the job's counts.

    The file is written as ``<name>.part`` (created 0600) and renamed once
    ``write`` returns; only then is it the job's ``result_file``. When
    ``write`` raises, the folder is removed and the job fails with the reason
    (a :class:`LiaisonError`'s message, else the error's type and text); a
    locked or unavailable database is waited out and the file written afresh
    (``jobs.retrying``). Running the job again starts from a clean folder.
    """
    job = Job.objects.select_related("owner").get(pk=job_id)
    with jobs.running(job_id) as progress:
        _remove_folders_of(job)
        target, message = jobs.retrying(lambda: _write_once(job, write, progress), progress)
        relative = target.relative_to(Path(settings.MEDIA_ROOT).resolve())
        Job.objects.filter(pk=job_id).update(result_file=str(relative))
        progress.flush(message=message)
    return dict(progress.counts)


def result_path(job: Job) -> Path:
    """The finished file of ``job`` (loaded through the policy by the caller), or NotFound.

    The path must lie inside the media root once resolved; anything else, or a
    file that is gone (removed after :data:`KEEP_DAYS`), is not found."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / job.result_file).resolve()
    if not job.result_file or not path.is_relative_to(root) or not path.is_file():
        raise NotFound("this job has no file to download (any more)")
    return path


def remove_expired_files(*, now: dt.datetime | None = None) -> int:
    """Remove the files of download jobs finished more than ``LIAISON_EXPORT_KEEP_DAYS``
    days ago (their jobs stay, saying the file was removed), and folders as old that
    no job offers (a run killed half way). Returns how many files were removed."""
    days = int(settings.LIAISON_EXPORT_KEEP_DAYS)
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    media = Path(settings.MEDIA_ROOT).resolve()
    root = exports_root()
    removed = 0
    expired = Job.objects.filter(
        finished_at__lt=cutoff, result_file__startswith=f"{EXPORTS}/"
    ).only("pk", "result_file", "message")
    for job in expired:
        folder = (media / job.result_file).resolve().parent
        if folder.parent == root:
            shutil.rmtree(folder, ignore_errors=True)
        note = f" The file was removed {days} days after the export."
        Job.objects.filter(pk=job.pk).update(result_file="", message=job.message + note)
        removed += 1
    if root.is_dir():
        offered = {
            (media / name).resolve().parent
            for name in Job.objects.filter(result_file__startswith=f"{EXPORTS}/").values_list(
                "result_file", flat=True
            )
        }
        for folder in root.iterdir():
            modified = dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC)
            if folder not in offered and modified < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
    return removed


class JobStartedOut(Schema):
    """The API's answer (202) to an export started as a job."""

    job_id: int
    url: str = Field(description="The job's web page (progress, then the download link)")
    api_url: str = Field(
        description="Poll it (GET) until `status` is succeeded, then fetch its `download_url`"
    )


def started(job: Job) -> dict[str, Any]:
    """What the API answers (202) when it started ``job``: its id, its web page (as
    ``POST /api/v1/watches/{id}/run`` answers) and the API URL to poll."""
    return {
        "job_id": job.pk,
        "url": reverse("core:job-detail", args=[job.pk]),
        "api_url": reverse("api:get_job", args=[job.pk]),
    }
