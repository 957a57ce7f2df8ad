"""``liaison worker``: run background tasks on the configured backend."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.module_loading import import_string

from liaison.core.registry import liaison_apps


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
        "`liaison serve` starts one; run more for more throughput."
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
        if not options["burst"]:
            enqueue_startup_tasks()
        if uses_rq():
            if options["verbosity"] > 0:
                self.stdout.write(f"RQ worker on Redis, queues: {', '.join(queues)}")
            run_rq_worker(queues, burst=options["burst"])
            return
        call_command(
            "db_worker",
            queue_name=",".join(queues),
            batch=options["burst"],
            startup_delay=False,
            reload=False,
            verbosity=options["verbosity"],
        )
