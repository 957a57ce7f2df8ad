"""Progress records of long operations run as background tasks.

A service creates a :class:`Job` with :func:`create_job`, and after commit
enqueues a django-tasks task that receives the job id. The task wraps its work
in :func:`running`, which marks the job running, hands out a
:class:`Progress` and records success or failure. Because progress lives in the
database, the job page survives restarts of the web process and of the worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core.errors import LiaisonError
from liaison.core.models import Job, JobStatus, User

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 500


def create_job(*, owner: User, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    return Job.objects.create(owner=owner, kind=kind, title=title, params=params or {})


def enqueue_after_commit(job: Job, enqueue: Callable[[int], Any]) -> None:
    """Enqueue ``enqueue(job.pk)`` once the job row is committed, remembering the task id."""

    def _go() -> None:
        result = enqueue(job.pk)
        task_id = str(getattr(result, "id", ""))
        if task_id:
            Job.objects.filter(pk=job.pk).update(task_id=task_id)

    transaction.on_commit(_go)


class Progress:
    """Counts and errors of a running job, written at most every ``interval`` seconds."""

    def __init__(self, job_id: int, *, interval: float = 0.5) -> None:
        self.job_id = job_id
        self.interval = interval
        self.total = 0
        self.done = 0
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []
        self._last_write = 0.0

    def set_total(self, total: int) -> None:
        self.total = total
        self.flush()

    def advance(self, step: int = 1, **counts: int) -> None:
        self.done += step
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        if time.monotonic() - self._last_write >= self.interval:
            self.flush()

    def error(self, message: str) -> None:
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(message)

    def flush(self, **extra: Any) -> None:
        self._last_write = time.monotonic()
        Job.objects.filter(pk=self.job_id).update(
            total=self.total, done=self.done, counts=self.counts, errors=self.errors, **extra
        )


@contextmanager
def running(job_id: int) -> Iterator[Progress]:
    """Run a job's work: marks it running, then succeeded, or failed with the reason."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    progress = Progress(job_id)
    try:
        yield progress
    except LiaisonError as error:
        progress.flush(status=JobStatus.FAILED, message=error.message, finished_at=timezone.now())
        return
    except Exception as error:
        logger.exception("job %s failed", job_id)
        progress.flush(
            status=JobStatus.FAILED,
            message=f"unexpected error: {type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise
    progress.flush(status=JobStatus.SUCCEEDED, finished_at=timezone.now())
