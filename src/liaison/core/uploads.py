"""Uploaded files and the jobs that run over them, written once for every app.

A user's upload is kept in its own folder of the data directory's uploads
folder, ``MEDIA_ROOT/uploads/<uuid>/``::

    meta.json       the owner's id, the file's name, the choices made so far
    file/<name>     the file as uploaded (its name made safe)
    report.json     what the job's runner reported, when it keeps a report

A runner whose files must not outlive their job (patient data) deletes the
file once the job's outcome is final (:func:`discard_job_file`): the folder
keeps ``meta.json``, marked discarded, and the report.

:func:`start_file_job` is the one way to run work over an uploaded file: it
keeps the file (or takes an upload kept earlier by the same user), creates the
:class:`~liaison.core.models.Job` owned by the actor and, after commit, queues
``liaison.core.tasks.run_file_job`` with the job's id. That task opens the
job's file with :func:`job_file` (path and owner checked) and calls the runner
the job's kind declares in its app's ``AppConfig.file_jobs``
(:class:`~liaison.core.registry.FileJob`), so core imports no app.

Every path into the uploads folder goes through one check (:func:`_inside`):
the resolved path, symlinks followed, must lie in the upload's own folder,
which must be a direct child of the uploads folder. An upload belongs to its
uploader alone: another user, administrators included, gets "not found". A
job's file and report are read through the job, which the policy shows only
to its owner and administrators.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.text import get_valid_filename

from liaison.core import jobs, policy, registry
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.models import Job, User
from liaison.lib.private_files import open_private, private_directory, write_private_text

UPLOADS = "uploads"
META_FILE = "meta.json"
REPORT_FILE = "report.json"
FILE_FOLDER = "file"
#: File names longer than this are shortened (keeping the extension).
MAX_NAME = 150

NO_UPLOAD = "no such upload"


class IncomingFile(Protocol):
    """What an upload is read from: Django's ``UploadedFile``, or :class:`FileChunks`."""

    @property
    def name(self) -> str | None: ...

    def chunks(self) -> Iterable[bytes]: ...


@dataclass(frozen=True)
class FileChunks:
    """A file given as its name and its bytes in pieces (commands, tests)."""

    name: str
    parts: Iterable[bytes]

    def chunks(self) -> Iterable[bytes]:
        return self.parts


class FileRunner(Protocol):
    """The work of a file job: an app's service called with the job's file and progress.

    Returns the summary shown on the job page; a ``LiaisonError`` fails the job
    with its message. Counts and errors go to ``progress``."""

    def __call__(
        self, job: Job, path: Path, options: dict[str, Any], progress: jobs.Progress
    ) -> str: ...


@dataclass(frozen=True)
class Upload:
    """A kept upload: whose it is, the file's (safe) name, the choices made so far,
    and whether its file was deleted once its job's outcome was final."""

    id: uuid.UUID
    owner_id: int
    file_name: str
    state: dict[str, Any] = field(default_factory=dict)
    discarded: bool = False

    @property
    def path(self) -> Path:
        """The stored file's absolute path (checked to lie in the upload's folder)."""
        return _inside(self.id, Path(FILE_FOLDER) / self.file_name)


# --- paths --------------------------------------------------------------------------


def uploads_root() -> Path:
    """The uploads folder of the data directory, resolved."""
    return (Path(settings.MEDIA_ROOT) / UPLOADS).resolve()


def _upload_id(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(NO_UPLOAD) from None


def _inside(upload_id: object, relative: str | Path) -> Path:
    """``relative`` inside the folder of upload ``upload_id``, or :class:`NotFound`.

    The one path check of uploads: the folder must be a direct child of the
    uploads folder and the path, once resolved (``..`` and symlinks followed),
    must stay in that folder, so an absolute path, a traversal or a link
    pointing elsewhere (even into another upload) is refused.
    """
    root = uploads_root()
    folder = (root / str(_upload_id(upload_id))).resolve()
    path = (folder / relative).resolve()
    if folder.parent != root or path == folder or not path.is_relative_to(folder):
        raise NotFound(NO_UPLOAD)
    return path


def safe_file_name(name: str | None, default: str = "upload") -> str:
    """The last part of ``name`` made safe for the file system (``default`` if none is left).

    Browsers send a bare name, but any client may send ``../../x`` or a
    Windows path; both separators are cut."""
    base = re.split(r"[\\/]", name or "")[-1]
    try:
        cleaned = get_valid_filename(base)
    except SuspiciousFileOperation:  # "", "." and ".."
        return default
    if len(cleaned) > MAX_NAME:
        stem, dot, extension = cleaned.rpartition(".")
        extension = extension[:20] if dot else ""
        cleaned = (stem if dot else cleaned)[: MAX_NAME - len(extension) - 1] + dot + extension
    return cleaned or default


# --- uploads --------------------------------------------------------------------------


def _write_meta(upload: Upload) -> None:
    meta = {
        "owner": upload.owner_id,
        "file_name": upload.file_name,
        "state": upload.state,
        "discarded": upload.discarded,
    }
    write_private_text(_inside(upload.id, META_FILE), json.dumps(meta))


def _read(upload_id: object) -> Upload:
    """The upload ``upload_id`` as kept, whoever owns it (callers check the owner)."""
    identifier = _upload_id(upload_id)
    try:
        meta = json.loads(_inside(identifier, META_FILE).read_text(encoding="utf-8"))
        return Upload(
            id=identifier,
            owner_id=int(meta["owner"]),
            file_name=safe_file_name(str(meta["file_name"])),
            state=dict(meta.get("state") or {}),
            discarded=bool(meta.get("discarded")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        raise NotFound(NO_UPLOAD) from None


def check_upload_size(file: IncomingFile, limit_mb: int | None = None) -> None:
    """Refuse a file over ``limit_mb`` (default ``LIAISON_UPLOAD_MAX_MB``), naming it."""
    limit_mb = int(settings.LIAISON_UPLOAD_MAX_MB) if limit_mb is None else limit_mb
    size = getattr(file, "size", None)
    if size is not None and size > limit_mb * 1024 * 1024:
        raise LiaisonError(
            f"{file.name or 'the file'}: {size / (1024 * 1024):,.1f} MB, more than the {limit_mb:,} MB an "
            "uploaded file may be",
            field="file",
        )


def store_upload(
    *,
    owner: User,
    file: IncomingFile,
    state: Mapping[str, Any] | None = None,
    default_name: str = "upload",
    max_mb: int | None = None,
) -> Upload:
    """Keep ``file`` in a new upload folder of ``owner``'s, with the choices in ``state``.
    A file larger than ``max_mb`` (default ``LIAISON_UPLOAD_MAX_MB``: an app with a
    cap of its own passes it) is refused before anything is kept."""
    check_upload_size(file, max_mb)
    upload = Upload(
        id=uuid.uuid4(),
        owner_id=owner.pk,
        file_name=safe_file_name(file.name, default_name),
        state=dict(state or {}),
    )
    target = upload.path
    private_directory(target.parent)  # the uploader's files: 0700 folders, 0600 files
    with open_private(target) as stream:
        for chunk in file.chunks():
            stream.write(chunk)
    _write_meta(upload)
    return upload


def get_upload(*, actor: User, upload_id: object) -> Upload:
    """``actor``'s own upload ``upload_id``; anyone else's, a discarded one, or none,
    is :class:`NotFound`."""
    upload = _read(upload_id)
    if upload.owner_id != actor.pk or upload.discarded:
        raise NotFound(NO_UPLOAD)
    return upload


def save_upload_state(upload: Upload, state: Mapping[str, Any]) -> Upload:
    """Keep the choices made so far on an upload (a column mapping, a sheet)."""
    updated = replace(upload, state=dict(state))
    _write_meta(updated)
    return updated


# --- file jobs ----------------------------------------------------------------------


def file_job_kind(kind: str) -> registry.FileJob:
    """The declaration of the file job ``kind`` (an app's ``AppConfig.file_jobs``)."""
    for config in registry.liaison_apps():
        for declared in config.file_jobs:
            if declared.kind == kind:
                return declared
    raise LookupError(f"no installed app declares the file job kind {kind!r}")


def runner_for(kind: str) -> FileRunner:
    """The function that does the work of jobs of ``kind``."""
    return cast(FileRunner, import_string(file_job_kind(kind).runner))


def start_file_job(
    *,
    actor: User,
    kind: str,
    file: IncomingFile | Upload,
    options: Mapping[str, Any] | None = None,
) -> Job:
    """Keep ``file`` and queue the job ``kind`` over it; returns the job (owned by ``actor``).

    ``file`` is an incoming file, kept now, or an :class:`Upload` the actor kept
    earlier (another user's is not found). ``options`` (JSON values) reach the
    runner unchanged. Whether the actor may run this kind of job is the
    caller's check (the app's verb), made before the file is kept; the runner's
    service checks it again when the job runs.
    """
    from liaison.core import tasks  # tasks imports this module

    declared = file_job_kind(kind)
    policy.require(actor, "add", Job)
    if isinstance(file, Upload):
        upload = get_upload(actor=actor, upload_id=file.id)
    else:
        upload = store_upload(owner=actor, file=file)
    values = dict(options or {})
    title = declared.title.format_map({**values, "file_name": upload.file_name})
    params = {"upload": str(upload.id), "file_name": upload.file_name, "options": values}
    with transaction.atomic():
        job = jobs.create_job(owner=actor, kind=kind, title=title[:200], params=params)
        jobs.enqueue_after_commit(job, tasks.run_file_job.enqueue)
    return job


def _job_upload(job: Job) -> Upload:
    """The upload of ``job``, which must be its owner's and hold the file it names."""
    upload = _read(job.params.get("upload"))
    if upload.owner_id != job.owner_id or upload.file_name != job.params.get("file_name"):
        raise NotFound(NO_UPLOAD)
    return upload


def job_file(job: Job) -> Path:
    """The stored file of ``job`` (what its task opens), path and owner checked.

    A file its runner discarded (:func:`discard_job_file`) gives the path it had:
    run again, that runner returns the outcome it kept without reading the file."""
    upload = _job_upload(job)
    path = upload.path
    if not path.is_file() and not upload.discarded:
        raise NotFound(f"{job.params.get('file_name')}: the uploaded file is gone")
    return path


def delete_upload(upload: Upload) -> None:
    """Delete ``upload``'s folder and what it holds (a file kept for a job never started)."""
    # meta.json, checked to lie in the folder, gives the folder itself.
    shutil.rmtree(_inside(upload.id, META_FILE).parent, ignore_errors=True)


def discard_job_file(job: Job) -> None:
    """Delete the file of ``job`` once its outcome is final (done, or refused), keeping
    the upload's record, marked discarded, and the job's report for its page.
    Deleting it again does nothing."""
    upload = _job_upload(job)
    if not upload.discarded:  # marked first: a job run again then expects no file
        _write_meta(replace(upload, discarded=True))
    shutil.rmtree(_inside(upload.id, FILE_FOLDER), ignore_errors=True)


def job_options(job: Job) -> dict[str, Any]:
    """The options ``job`` was started with."""
    return dict(job.params.get("options") or {})


def save_job_report(job: Job, report: Mapping[str, Any]) -> None:
    """Keep what a runner reports beyond counts and errors (the job page shows it)."""
    target = _inside(_job_upload(job).id, REPORT_FILE)
    write_private_text(target, json.dumps(report))


def job_report(job: Job) -> dict[str, Any]:
    """What the job page adds for ``job``: ``report_template`` and ``report``, or nothing.

    The caller has loaded ``job`` through the policy (its owner, administrators)."""
    try:
        declared = file_job_kind(job.kind)
    except LookupError:
        return {}
    if declared.report_template is None:
        return {}
    try:
        path = _inside(_job_upload(job).id, REPORT_FILE)
        report = json.loads(path.read_text(encoding="utf-8"))
    except (NotFound, OSError, ValueError):
        return {}
    return {"report_template": declared.report_template, "report": report}
