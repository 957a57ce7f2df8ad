"""Background work of the directory: imports of uploaded CSV/XLSX files, and exports.

Imports run as file jobs: the upload, the job row and its task are core's
(:mod:`liaison.core.uploads`). :func:`start_import` checks who may import and
queues the job over an upload kept at the flow's first step; :func:`run_import`
is the runner the app declares in ``apps.py``: it calls the import service (or,
for a check, its dry run) with the job's options, progress and the file caps
of the settings (:func:`import_limits`). The options carry the user's
confirmation of matches on name alone (``match_names``: all of them;
``confirmed``: the (row, HCP id) pairs ticked in the review); the rows held
back without it are kept as the job's report, which its page lists
(``directory/import_job_report.html``).

An export too large for a request runs as a download job
(:mod:`liaison.core.downloads`): :func:`start_hcp_export` queues
:func:`export_hcps`, which writes the file with the owner's policy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django_tasks import task

from liaison.core import downloads, policy, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.jobs import Progress
from liaison.core.models import Job, User
from liaison.directory import exporting
from liaison.directory.importing import ImportReport, Kind, check_file, import_file
from liaison.directory.importing.reading import MB, FileLimits
from liaison.directory.models import HCP
from liaison.directory.selectors import HCPFilters

IMPORT_KIND = "directory-import"
EXPORT_KIND = "hcp-export"


def import_limits() -> FileLimits:
    """The caps on an imported file, from the settings (stated on the upload form)."""
    return FileLimits(
        max_rows=int(settings.LIAISON_IMPORT_MAX_ROWS),
        max_unpacked_bytes=int(settings.LIAISON_XLSX_MAX_UNPACKED_MB) * MB,
        max_ratio=int(settings.LIAISON_XLSX_MAX_RATIO),
    )


def start_import(
    *,
    actor: User,
    upload: uploads.Upload,
    kind: Kind | str,
    mapping: Mapping[str, str] | None,
    sheet: str = "",
    skip_invalid: bool = False,
    check_only: bool = False,
    match_names: bool = False,
    confirmed: Collection[tuple[int, int]] = (),
) -> Job:
    """Queue the import of ``actor``'s upload (administrators only); ``check_only``
    checks every row in the background and writes nothing (the report of a file
    too large to check while the page waits). ``match_names`` applies every
    row that matches an HCP on name alone, ``confirmed`` those of the (row,
    HCP id) pairs the user ticked; the others are held back."""
    if not policy.can(actor, "import", HCP):
        raise PermissionDenied("only administrators may import into the directory")
    options: dict[str, Any] = {
        "kind": Kind(kind).value,
        "mapping": dict(mapping) if mapping is not None else None,
        "sheet": sheet,
        "skip_invalid": skip_invalid,
        "check_only": check_only,
        "match_names": match_names,
        "confirmed": sorted([int(row), int(pk)] for row, pk in confirmed),
    }
    return uploads.start_file_job(actor=actor, kind=IMPORT_KIND, file=upload, options=options)


def run_import(job: Job, path: Path, options: dict[str, Any], progress: Progress) -> str:
    """Import the file of ``job``; a file with invalid rows (unless skipped) fails it,
    and so does an import stopped part way, with a message saying how many rows
    were written (importing the same file again completes it). With the option
    ``check_only`` the file is checked as a dry run: nothing is written, and the
    job lists every problem. Rows held back (matches on name alone that were
    not confirmed) do not fail the job: its report lists them, with a way to
    apply them."""
    common: dict[str, Any] = {
        "actor": job.owner,
        "path": path,
        "kind": options["kind"],
        "mapping": options.get("mapping"),
        "sheet": options.get("sheet") or None,
        "file_name": path.name,
        "progress": progress,
        "limits": import_limits(),
        "match_names": bool(options.get("match_names")),
        "confirmed": [(int(row), int(pk)) for row, pk in options.get("confirmed") or ()],
    }
    if options.get("check_only"):
        report = check_file(**common)
    else:
        report = import_file(**common, skip_invalid=bool(options.get("skip_invalid")))
    for problem in report.problems:
        progress.error(str(problem))
    progress.counts = dict(report.counts())
    uploads.save_job_report(job, _job_report(job, report))
    # The import advanced twice per row (checked, then written): show rows.
    progress.done = progress.total = report.rows
    if not report.written and not report.dry_run:
        raise LiaisonError(report.summary())
    return report.summary()


#: The most held back rows a job's report keeps (its counts give them all).
REPORTED_HELD_BACK = 1_000


def _job_report(job: Job, report: ImportReport) -> dict[str, Any]:
    """What the job page lists beyond counts and errors: the rows held back."""
    return {
        "upload": job.params.get("upload"),
        "file_name": report.file_name,
        "dry_run": report.dry_run,
        "held_back_count": len(report.held_back),
        "held_back": [match.as_dict() for match in report.held_back[:REPORTED_HELD_BACK]],
        "limit": REPORTED_HELD_BACK,
    }


# --- export ---------------------------------------------------------------------------


def start_hcp_export(*, actor: User, filters: HCPFilters, format: str) -> Job:
    """Queue the export of the HCPs ``actor`` may export, filtered, as a download job."""
    exporting.require_exporter(actor)
    spec = exporting.export_format(format)
    return downloads.start_download_job(
        actor=actor,
        kind=EXPORT_KIND,
        title=f"Export HCPs to {spec.label}",
        file_name=f"hcps.{spec.name}",
        task=export_hcps,
        params={"format": spec.name, "filters": dataclasses.asdict(filters)},
    )


def _write_hcp_export(job: Job, stream: IO[bytes], progress: Progress) -> str:
    filters = HCPFilters(**job.params.get("filters", {}))
    count = exporting.write_export(
        job.owner, filters, format=job.params["format"], stream=stream, progress=progress
    )
    return f"{count:,} HCP{'s' if count != 1 else ''} exported."


@task()
def export_hcps(job_id: int) -> dict[str, int]:
    """Write the HCP export of job ``job_id`` (its owner's policy, its filters and format)."""
    return downloads.write_job_file(job_id, _write_hcp_export)
