"""Which background workers are alive, and what administrators are told when none is.

``liaison worker`` calls :func:`start_heartbeat`: its row in
:class:`~liaison.core.models.WorkerHeartbeat` is written when it starts and every
``HEARTBEAT_SECONDS`` after, from a thread that survives a locked or briefly
unavailable database (a beat that fails is retried at the next one). Each beat
also marks interrupted the jobs whose worker died (:func:`liaison.core.jobs.sweep_interrupted`)
and queues the apps' periodic tasks that are due (:class:`PeriodicTasks`).
:func:`worker_alert` is the warning every page shows administrators when no
worker is alive while work waits, or when the workers that reported stopped.

Periodic tasks (``AppConfig.periodic_tasks``) are queued by one worker only, the
live one running longest (:func:`leading_worker`), so that ten workers do not
escalate the same flags ten times; each worker can tell from the heartbeat rows
it already writes, and when the leader stops the next one takes over within
``STALE_AFTER``. A task re-queuing itself with ``run_after`` would need no
leader, but every worker start would add a chain of it, and a run that failed
would end its chain.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from liaison.core import registry
from liaison.core.models import Job, JobStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
#: A worker unseen this long is taken for dead.
STALE_AFTER = dt.timedelta(seconds=60)
#: A job queued this long with no live worker is worth an administrator's look.
WAITING_AFTER = dt.timedelta(seconds=60)


def this_worker() -> str:
    """The name a worker process reports under (and stamps on the jobs it runs)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str | None = None, *, stopped: bool = False) -> None:
    """Write this worker's row: alive now (or stopped, on a clean exit)."""
    name = name or this_worker()
    host, _, pid = name.rpartition(":")
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name=name,
        defaults={
            "host": host,
            "pid": int(pid),
            "seen_at": now,
            "stopped_at": now if stopped else None,
        },
        create_defaults={"host": host, "pid": int(pid), "started_at": now, "seen_at": now},
    )


def leading_worker(now: dt.datetime | None = None) -> str | None:
    """The live worker that queues the periodic tasks: the one running longest."""
    now = now or timezone.now()
    live = WorkerHeartbeat.objects.filter(stopped_at=None, seen_at__gte=now - STALE_AFTER)
    return live.order_by("started_at", "name").values_list("name", flat=True).first()


class PeriodicTasks:
    """The apps' periodic tasks (``registry.periodic_tasks()``), queued when due.

    When each was last queued is kept in this process, on ``clock`` (monotonic
    seconds): a worker that takes the lead queues every task at once."""

    def __init__(
        self,
        declared: Sequence[registry.PeriodicTask] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.declared = tuple(registry.periodic_tasks() if declared is None else declared)
        self.clock = clock
        self._queued_at: dict[str, float] = {}

    def due(self) -> list[registry.PeriodicTask]:
        now = self.clock()
        return [
            periodic
            for periodic in self.declared
            if periodic.task not in self._queued_at
            or now - self._queued_at[periodic.task] >= periodic.every.total_seconds()
        ]

    def queue_due(self, worker: str) -> list[str]:
        """Queue the tasks due, when ``worker`` leads; the dotted paths queued. A task
        that cannot be queued (the broker down) is tried again at the next beat."""
        if not self.declared or leading_worker() != worker:
            return []
        queued = []
        for periodic in self.due():
            try:
                import_string(periodic.task).enqueue()
            except Exception as error:  # a broker's error, whatever its kind: the beat goes on
                logger.warning("could not queue the periodic task %s: %s", periodic.task, error)
                continue
            self._queued_at[periodic.task] = self.clock()
            queued.append(periodic.task)
        return queued


class Heartbeat:
    """A daemon thread beating every ``interval`` seconds until :meth:`stop`."""

    def __init__(
        self, interval: float = HEARTBEAT_SECONDS, periodic: PeriodicTasks | None = None
    ) -> None:
        self.name = this_worker()
        self.interval = interval
        self.periodic = periodic or PeriodicTasks()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="liaison-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def beat_once(self) -> None:
        """One beat: alive now, dead workers' jobs interrupted, periodic tasks due queued."""
        from liaison.core.jobs import sweep_interrupted

        try:
            close_old_connections()
            beat(self.name)
            sweep_interrupted()
            self.periodic.queue_due(self.name)
        except DatabaseError as error:
            logger.warning("worker heartbeat failed (retried in %ss): %s", self.interval, error)
        finally:
            connection.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.beat_once()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)
        try:
            beat(self.name, stopped=True)
        except DatabaseError as error:
            logger.warning("could not record the worker's stop: %s", error)


def start_heartbeat(interval: float = HEARTBEAT_SECONDS) -> Heartbeat:
    return Heartbeat(interval).start()


def alive_workers(now: dt.datetime | None = None) -> list[WorkerHeartbeat]:
    now = now or timezone.now()
    return list(WorkerHeartbeat.objects.filter(stopped_at=None, seen_at__gte=now - STALE_AFTER))


@dataclass(frozen=True, slots=True)
class WorkerAlert:
    message: str
    since: dt.datetime | None


def worker_alert(now: dt.datetime | None = None) -> WorkerAlert | None:
    """What to tell administrators: no live worker while jobs wait, or the workers
    that reported are gone. ``None`` when all is well (or nothing was ever queued)."""
    now = now or timezone.now()
    if alive_workers(now):
        return None
    last = WorkerHeartbeat.objects.order_by("-seen_at").first()
    waiting = Job.objects.filter(
        status=JobStatus.QUEUED, created_at__lt=now - WAITING_AFTER
    ).count()
    if last is None and not waiting:
        return None
    parts = []
    if last is not None:
        how = "stopped" if last.stopped_at else "stopped reporting"
        parts.append(f"The background worker ({last.name}) {how}")
    else:
        parts.append("No background worker has run")
    if waiting:
        parts.append(
            f"{waiting} job{'s' if waiting != 1 else ''} wait{'' if waiting != 1 else 's'}"
        )
    text = "; ".join(parts) + (
        ". The liaison serve command restarts its worker by itself; otherwise start one with liaison worker."
    )
    return WorkerAlert(text, last.seen_at if last is not None else None)
