"""Background work of the directory: imports of uploaded CSV/XLSX files, run as file jobs.

The upload, the job row and its task are core's (:mod:`liaison.core.uploads`).
:func:`start_import` checks who may import and queues the job over an upload
kept at the flow's first step; :func:`run_import` is the runner the app
declares in ``apps.py``: it calls the import service with the job's options
and progress.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from liaison.core import policy, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.jobs import Progress
from liaison.core.models import Job, User
from liaison.directory.importing import Kind, import_file
from liaison.directory.models import HCP

IMPORT_KIND = "directory-import"


def start_import(
    *,
    actor: User,
    upload: uploads.Upload,
    kind: Kind | str,
    mapping: Mapping[str, str] | None,
    sheet: str = "",
    skip_invalid: bool = False,
) -> Job:
    """Queue the import of ``actor``'s upload (administrators only)."""
    if not policy.can(actor, "import", HCP):
        raise PermissionDenied("only administrators may import into the directory")
    options: dict[str, Any] = {
        "kind": Kind(kind).value,
        "mapping": dict(mapping) if mapping is not None else None,
        "sheet": sheet,
        "skip_invalid": skip_invalid,
    }
    return uploads.start_file_job(actor=actor, kind=IMPORT_KIND, file=upload, options=options)


def run_import(job: Job, path: Path, options: dict[str, Any], progress: Progress) -> str:
    """Import the file of ``job``; a file with invalid rows (unless skipped) fails it,
    and so does an import stopped part way, with a message saying how many rows
    were written (importing the same file again completes it)."""
    report = import_file(
        actor=job.owner,
        path=path,
        kind=options["kind"],
        mapping=options.get("mapping"),
        sheet=options.get("sheet") or None,
        skip_invalid=bool(options.get("skip_invalid")),
        file_name=path.name,
        progress=progress,
    )
    for problem in report.problems:
        progress.error(str(problem))
    progress.counts = dict(report.counts())
    # The import advanced twice per row (checked, then written): show rows.
    progress.done = progress.total = report.rows
    if not report.written:
        raise LiaisonError(report.summary())
    return report.summary()
