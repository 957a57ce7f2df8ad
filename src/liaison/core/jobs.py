"""Progress records of long operations run as background tasks.

A service creates a :class:`Job` with :func:`create_job`, and after commit
enqueues a django-tasks task that receives the job id. The task wraps its work
in :func:`running`, which marks the job running, hands out a
:class:`Progress` and records success or failure. Because progress lives in the
database, the job page survives restarts of the web process and of the worker.

A worker that dies leaves its job running: :func:`sweep_interrupted` (each
worker's heartbeat runs it) marks such jobs interrupted, and their owner may run
them again (:func:`run_again`): the jobs' work is idempotent, so a second run
completes what the first left and writes nothing twice. Work that meets a locked
or briefly unavailable database is tried again with back-off (:func:`retrying`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from liaison.core import policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Job, JobStatus, User, WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 500


def create_job(*, owner: User, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    return Job.objects.create(owner=owner, kind=kind, title=title, params=params or {})


def enqueue_after_commit(job: Job, enqueue: Callable[[int], Any]) -> None:
    """Enqueue ``enqueue(job.pk)`` once the job row is committed, remembering the task id."""

    task = getattr(enqueue, "__self__", None)
    task_path = str(getattr(task, "module_path", ""))

    def _go() -> None:
        result = enqueue(job.pk)
        task_id = str(getattr(result, "id", ""))
        Job.objects.filter(pk=job.pk).update(task_id=task_id, task_path=task_path)

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
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        runner=f"{socket.gethostname()}:{os.getpid()}",
    )
    progress = Progress(job_id)
    try:
        yield progress
    except LiaisonError as error:
        detail = getattr(error, "detail", "")
        if detail:  # the technical account (a service's URL, its error), under Errors
            progress.error(f"Details: {detail}")
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


T = TypeVar("T")

#: Attempts of work that meets a locked or unavailable database, and the first pause.
RETRY_ATTEMPTS = 5
RETRY_FIRST_DELAY = 2.0


def retrying(
    work: Callable[[], T],
    progress: Progress,
    *,
    attempts: int = RETRY_ATTEMPTS,
    first_delay: float = RETRY_FIRST_DELAY,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``work`` (idempotent: a second run completes the first), again after a
    pause that doubles each time when the database is locked or unreachable; after
    ``attempts`` the job fails with the reason and may be run again."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except (OperationalError, InterfaceError) as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            if attempt == attempts:
                raise LiaisonError(
                    f"the database stayed unavailable ({reason}) after {attempts} attempts; "
                    "what was written is kept: run the job again to complete it"
                ) from error
            logger.warning(
                "job %s: %s; attempt %s in %ss", progress.job_id, reason, attempt + 1, delay
            )
            if not connection.in_atomic_block:
                connection.close()  # a broken connection is reopened by the next query
            progress.done, progress.counts, progress.errors = 0, {}, []
            with suppress(OperationalError, InterfaceError):
                progress.flush(
                    message=f"database busy ({reason}); trying again in {delay:.0f} s "
                    f"(attempt {attempt + 1} of {attempts})"
                )
            sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


#: A running job whose worker has not been seen for this long was interrupted.
WORKER_GONE_AFTER = dt.timedelta(seconds=90)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_interrupted(now: dt.datetime | None = None) -> int:
    """Mark interrupted the running jobs whose worker is gone: a process of this
    host that no longer exists, or a worker whose heartbeat stopped. Returns how many."""
    now = now or timezone.now()
    host = socket.gethostname()
    beats = {
        beat.name: beat
        for beat in WorkerHeartbeat.objects.filter(
            name__in=Job.objects.filter(status=JobStatus.RUNNING).values("runner")
        )
    }
    gone = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).exclude(runner=""):
        runner_host, _, pid = job.runner.rpartition(":")
        heartbeat = beats.get(job.runner)
        if runner_host == host and pid.isdigit():
            dead = not _process_alive(int(pid))
        else:
            dead = heartbeat is not None and (
                heartbeat.stopped_at is not None or heartbeat.seen_at < now - WORKER_GONE_AFTER
            )
        if dead:
            gone.append(job.pk)
    if gone:
        Job.objects.filter(pk__in=gone, status=JobStatus.RUNNING).update(
            status=JobStatus.INTERRUPTED,
            finished_at=now,
            message="The worker running this job stopped before it ended. What it wrote is "
            "kept; run the job again to complete it (nothing is written twice).",
        )
    return len(gone)


def run_again(*, actor: User, job: Job) -> Job:
    """Queue a failed or interrupted job again (its owner, or an administrator)."""
    if job.owner_id != actor.pk and not policy.is_admin(actor):
        raise PermissionDenied("only the job's owner or an administrator may run it again")
    if not job.can_run_again:
        raise LiaisonError(f"this job is {job.get_status_display().lower()}: it cannot run again")
    task = import_string(job.task_path)
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED, done=0, counts={}, errors=[], message="", finished_at=None
        )
        enqueue_after_commit(job, task.enqueue)
    job.refresh_from_db()
    return job
