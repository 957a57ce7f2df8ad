"""Which background workers are alive, and what administrators are told when none is.

``liaison worker`` calls :func:`start_heartbeat`: its row in
:class:`~liaison.core.models.WorkerHeartbeat` is written when it starts and every
``HEARTBEAT_SECONDS`` after, from a thread that survives a locked or briefly
unavailable database (a beat that fails is retried at the next one). Each beat
also marks interrupted the jobs whose worker died (:func:`liaison.core.jobs.sweep_interrupted`).
:func:`worker_alert` is the warning every page shows administrators when no
worker is alive while work waits, or when the workers that reported stopped.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

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


class Heartbeat:
    """A daemon thread beating every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, interval: float = HEARTBEAT_SECONDS) -> None:
        self.name = this_worker()
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="liaison-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def _run(self) -> None:
        from liaison.core.jobs import sweep_interrupted

        while not self._stop.is_set():
            try:
                close_old_connections()
                beat(self.name)
                sweep_interrupted()
            except DatabaseError as error:
                logger.warning("worker heartbeat failed (retried in %ss): %s", self.interval, error)
            finally:
                connection.close()
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
