"""``liaison worker``: run background tasks on the configured backend.

The worker queues the apps' ``startup_tasks`` when it starts, reports a
heartbeat (``liaison.core.workers``) from which the longest-running live worker
queues the apps' ``periodic_tasks`` when due, and outlives a locked or briefly
unavailable database: when the task loop stops on a database error, it starts
again after a pause that doubles up to a minute. ``--burst`` does none of this:
it runs what is queued and exits.
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections
from django.utils.module_loading import import_string

from liaison.core import jobs, workers
from liaison.core.registry import liaison_apps

logger = logging.getLogger(__name__)

#: The pause after the task loop stopped on a database error, doubling to the maximum.
RESTART_FIRST_DELAY = 1.0
RESTART_MAX_DELAY = 60.0


def enqueue_startup_tasks() -> None:
    """Queue the catch-up tasks the apps declare (``startup_tasks``)."""
    for app in liaison_apps():
        for path in app.startup_tasks:
            import_string(path).enqueue()


def uses_rq() -> bool:
    """Whether the default task backend is RQ (``LIAISON_REDIS_URL`` is set)."""
    return str(settings.TASKS["default"]["BACKEND"]).endswith("RQBackend")


def run_rq_worker(queues: list[str], *, burst: bool) -> None:
    import django_rq
    from django_tasks_rq.backend import Job as TaskJob

    # A burst runs in this process; a long-lived worker forks a child per task,
    # which must not inherit this process's database connections.
    worker_class = "rq.worker.SimpleWorker" if burst else "rq.worker.Worker"
    worker = django_rq.get_worker(*queues, job_class=TaskJob, worker_class=worker_class)
    connections.close_all()
    worker.work(burst=burst, with_scheduler=not burst, logging_level="WARNING")


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Run background tasks (imports, exports, audit checks...). Uses the database backend "
        "(django-tasks-db) by default, or RQ workers on Redis when LIAISON_REDIS_URL is set. "
        "`liaison serve` starts one; run more for more throughput. A long-lived worker also "
        "queues the apps' periodic tasks when due, one worker at a time."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--burst",
            action="store_true",
            help="run the tasks already queued, then exit (instead of waiting for more)",
        )
        parser.add_argument(
            "--queue", action="append", default=[], help="queue to work on (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = options["queue"] or ["default"]
        burst = options["burst"]
        if burst:
            self.work(queues, burst=True, verbosity=options["verbosity"])
            return
        heartbeat = self.start_heartbeat()
        try:
            self.work_on(queues, verbosity=options["verbosity"])
        finally:
            heartbeat.stop()

    def start_heartbeat(self) -> workers.Heartbeat:
        delay = RESTART_FIRST_DELAY
        while True:
            try:
                # Jobs a dead worker of this host left running are interrupted.
                jobs.sweep_interrupted()
                enqueue_startup_tasks()
                return workers.start_heartbeat()
            except DatabaseError as error:
                delay = self.pause(error, delay)

    def work_on(self, queues: list[str], *, verbosity: int) -> None:
        """The task loop, started again after a database error (never on Ctrl-C)."""
        delay = RESTART_FIRST_DELAY
        while True:
            started = time.monotonic()
            try:
                self.work(queues, burst=False, verbosity=verbosity)
                return
            except DatabaseError as error:
                if time.monotonic() - started > RESTART_MAX_DELAY:
                    delay = RESTART_FIRST_DELAY  # it ran a while: a new spell of trouble
                delay = self.pause(error, delay)

    def pause(self, error: DatabaseError, delay: float) -> float:
        reason = " ".join(str(error).split()) or type(error).__name__
        self.stderr.write(
            f"liaison worker: database unavailable ({reason}); again in {delay:.0f} s"
        )
        logger.warning("worker: database unavailable (%s); again in %ss", reason, delay)
        connections.close_all()
        time.sleep(delay)
        return min(delay * 2, RESTART_MAX_DELAY)

    def work(self, queues: list[str], *, burst: bool, verbosity: int) -> None:
        if uses_rq():
            if verbosity > 0 and not burst:
                self.stdout.write(f"RQ worker on Redis, queues: {', '.join(queues)}")
            run_rq_worker(queues, burst=burst)
            return
        call_command(
            "db_worker",
            queue_name=",".join(queues),
            batch=burst,
            startup_delay=False,
            reload=False,
            verbosity=verbosity,
        )
