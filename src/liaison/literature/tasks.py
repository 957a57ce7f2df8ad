"""Background work of the literature app: PubMed files and reference files, run as file jobs.

The upload, the job row and its task are core's (:mod:`liaison.core.uploads`).
The ``start_*`` functions check who may start a job and queue it; the
``run_*`` functions are the runners the app declares in ``apps.py``, each
calling one service with the job's progress. A PubMed load's page shows its
progress in bytes read and the counts of new, updated, unchanged, deleted and
failed records; a reference import's page adds what matched the library.

An export of more publications than a request writes runs as a download job
(:mod:`liaison.core.downloads`): :func:`start_publication_export` queues
:func:`export_publications`, which writes the file with the owner's policy;
:func:`start_reference_export` queues :func:`export_references` for the basket
and "My references" (``services.library``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django_tasks import task

from liaison.core import downloads, policy, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.jobs import Progress
from liaison.core.models import Job, User
from liaison.literature import services
from liaison.literature.models import LibraryItem, Publication
from liaison.literature.selectors import PublicationFilters
from liaison.literature.services import library, references

LOAD_KIND = "pubmed-load"
REFERENCE_IMPORT_KIND = "reference-import"
EXPORT_KIND = "publication-export"
REFERENCE_EXPORT_KIND = "reference-export"


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


# --- export ---------------------------------------------------------------------------


def _filters_json(filters: PublicationFilters) -> dict[str, Any]:
    values = dataclasses.asdict(filters)
    for name in ("date_from", "date_to"):
        if values[name] is not None:
            values[name] = values[name].isoformat()
    return values


def _filters_of(values: dict[str, Any]) -> PublicationFilters:
    dates = {
        name: dt.date.fromisoformat(values[name]) if values.get(name) else None
        for name in ("date_from", "date_to")
    }
    return PublicationFilters(**{**values, **dates})


def start_publication_export(
    *,
    actor: User,
    format: str,
    filters: PublicationFilters | None = None,
    pmids: Iterable[int] | None = None,
) -> Job:
    """Queue the export of the publications ``actor`` may see (by ``pmids``, else
    ``filters``) as a download job; a selection past the export's limits is refused now."""
    spec = references.export_format(format)
    count = references.count_selection(actor=actor, filters=filters, pmids=pmids)
    params: dict[str, Any] = {
        "format": spec.name,
        "filters": _filters_json(filters or PublicationFilters(sort="date")),
        "pmids": list(dict.fromkeys(pmids)) if pmids is not None else None,
    }
    return downloads.start_download_job(
        actor=actor,
        kind=EXPORT_KIND,
        title=f"Export {count:,} publications to {spec.label}",
        file_name=f"publications.{spec.extension}",
        task=export_publications,
        params=params,
    )


def _write_publication_export(job: Job, stream: IO[bytes], progress: Progress) -> str:
    count = references.write_selection(
        actor=job.owner,
        format=job.params["format"],
        stream=stream,
        filters=_filters_of(job.params.get("filters") or {}),
        pmids=job.params.get("pmids"),
        progress=progress,
    )
    return f"{count:,} publication{'s' if count != 1 else ''} exported."


@task()
def export_publications(job_id: int) -> dict[str, int]:
    """Write the publication export of job ``job_id`` (its owner's policy, its selection)."""
    return downloads.write_job_file(job_id, _write_publication_export)


def start_reference_export(
    *, actor: User, format: str, selection: library.ReferenceSelection, file_stem: str
) -> Job:
    """Queue the export of ``selection`` (the basket, or the actor's references) as a
    download job; a selection past the export's limits is refused now."""
    spec = references.export_format(format)
    count = library.count_references(actor=actor, selection=selection)
    return downloads.start_download_job(
        actor=actor,
        kind=REFERENCE_EXPORT_KIND,
        title=f"Export {count:,} references to {spec.label}",
        file_name=f"{file_stem}.{spec.extension}",
        task=export_references,
        params={"format": spec.name, **selection.as_json()},
    )


def _write_reference_export(job: Job, stream: IO[bytes], progress: Progress) -> str:
    count = library.write_selected_references(
        actor=job.owner,
        selection=library.ReferenceSelection.from_json(job.params),
        format=job.params["format"],
        stream=stream,
        progress=progress,
    )
    return f"{count:,} reference{'s' if count != 1 else ''} exported."


@task()
def export_references(job_id: int) -> dict[str, int]:
    """Write the reference export of job ``job_id`` (its owner's policy, its selection)."""
    return downloads.write_job_file(job_id, _write_reference_export)
