"""Background work of the literature app: PubMed files and reference files, run as file jobs.

The upload, the job row and its task are core's (:mod:`liaison.core.uploads`).
The ``start_*`` functions check who may start a job and queue it; the
``run_*`` functions are the runners the app declares in ``apps.py``, each
calling one service with the job's progress. A PubMed load's page shows its
progress in bytes read and the counts of new, updated, unchanged, deleted and
failed records; a reference import's page adds what matched the library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from liaison.core import policy, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.jobs import Progress
from liaison.core.models import Job, User
from liaison.literature import services
from liaison.literature.models import LibraryItem, Publication
from liaison.literature.services import references

LOAD_KIND = "pubmed-load"
REFERENCE_IMPORT_KIND = "reference-import"


def start_pubmed_load(*, actor: User, file: uploads.IncomingFile) -> Job:
    """Keep an uploaded PubMed file and queue its load (administrators only)."""
    if not policy.can(actor, "load", Publication):
        raise PermissionDenied("only administrators may load publications")
    return uploads.start_file_job(actor=actor, kind=LOAD_KIND, file=file)


def run_pubmed_load(job: Job, path: Path, options: dict[str, Any], progress: Progress) -> str:
    """Load the file of ``job``; a file not read to its end fails it."""
    report = services.load_pubmed_file(
        actor=job.owner, path=path, name=path.name, progress=progress
    )
    for message in report.errors:
        progress.error(message)
    progress.counts = dict(report.counts())
    if report.failed_files:
        raise LiaisonError(report.summary())
    return report.summary()


def start_reference_import(*, actor: User, file: uploads.IncomingFile) -> Job:
    """Keep a user's reference file and queue its import into their library."""
    policy.require(actor, "add", LibraryItem)
    return uploads.start_file_job(actor=actor, kind=REFERENCE_IMPORT_KIND, file=file)


def run_reference_import(job: Job, path: Path, options: dict[str, Any], progress: Progress) -> str:
    """Import the file of ``job`` into its owner's library; keeps the report for the job page."""
    report = references.import_references(
        actor=job.owner, path=path, name=path.name, progress=progress
    )
    for message in report.errors:
        progress.error(message)
    progress.counts = report.counts()
    uploads.save_job_report(job, report.as_json(limit=references.REPORTED_ROWS))
    return report.summary()
