"""Background work of the trials app: loading an uploaded ClinicalTrials.gov file as a file job.

The upload, the job row and its task are core's (:mod:`liaison.core.uploads`).
:func:`start_load` checks who may load and queues the job; :func:`run_trials_load`
is the runner the app declares in ``apps.py``: it calls the load service with
the job's progress, so the job page shows counts and per-study errors. As for
a PubMed upload, the job succeeds when failed studies were named and the
others stored, and fails when the file could not be read to its end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from liaison.core import policy, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.jobs import Progress
from liaison.core.models import Job, User
from liaison.trials.models import Trial
from liaison.trials.services import load_files

LOAD_KIND = "trials-load"


def start_load(*, actor: User, file: uploads.IncomingFile) -> Job:
    """Keep an uploaded file and queue its load (administrators only)."""
    if not policy.can(actor, "load", Trial):
        raise PermissionDenied("only administrators may load trials")
    return uploads.start_file_job(actor=actor, kind=LOAD_KIND, file=file)


def run_trials_load(job: Job, path: Path, options: dict[str, Any], progress: Progress) -> str:
    """Load the file of ``job``; a file not read to its end fails it."""
    report = load_files(actor=job.owner, paths=[path], names=[path.name], progress=progress)
    for message in report.errors:
        progress.error(message)
    progress.counts = dict(report.counts())
    progress.total = progress.done
    if report.failed_files:
        raise LiaisonError(report.summary())
    return report.summary()
