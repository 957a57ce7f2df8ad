"""``liaison surveillance run-due|run|digest``: the scheduler's entry points.

The background worker runs tasks, not a calendar: run these from cron or a
systemd timer (docs/surveillance.md), e.g. ``*/15 * * * * liaison surveillance
run-due`` and ``0 7 * * * liaison surveillance digest --base-url https://...``.

* ``run-due``: run every active watch whose schedule says it is due (``--queue``
  hands the work to the worker instead of doing it here).
* ``run WATCH_ID``: run one watch now, whatever its schedule.
* ``digest``: mail each user their unread alerts (at most once a day).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.core.errors import LiaisonError
from liaison.lib.progress import progress_bar
from liaison.surveillance import selectors, services, summaries, tasks
from liaison.surveillance.models import Watch


class Command(BaseCommand):
    help = (
        "Surveillance: `run-due` runs every watch whose schedule is due (from cron or a "
        "systemd timer), `run WATCH_ID` runs one now, `digest` mails the daily digests."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        due = actions.add_parser("run-due", help="run every watch whose schedule is due")
        due.add_argument(
            "--queue", action="store_true", help="queue the run for the worker instead"
        )
        one = actions.add_parser("run", help="run one watch now, whatever its schedule")
        one.add_argument("watch_id", type=int, metavar="WATCH_ID", help="the watch's id")
        digest = actions.add_parser("digest", help="mail each user their unread alerts (daily)")
        digest.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="where users open Liaison, for the links (default http://127.0.0.1:8000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run-due":
            self.run_due(queue=options["queue"], verbosity=options["verbosity"])
        elif action == "run":
            self.run_one(options["watch_id"])
        else:
            sent = services.send_digests(
                base_url=options["base_url"], from_email=settings.DEFAULT_FROM_EMAIL
            )
            self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent")

    def run_due(self, *, queue: bool, verbosity: int) -> None:
        if queue:
            tasks.run_due_watches_task.enqueue()
            self.stdout.write("queued a run of the due watches")
            return
        due = selectors.due_watches()
        errors: list[str] = []
        created = 0
        with progress_bar(enabled=verbosity > 0 and bool(due)) as report:
            for number, watch in enumerate(due, start=1):
                try:
                    run = services.run_watch(watch.pk, sources=tasks.live_sources())
                    created += run.alerts_created
                except LiaisonError as error:
                    errors.append(f"watch {watch.pk} ({watch.name}): {error.message}")
                report("watches", number, len(due))
        self.stdout.write(
            f"{len(due) - len(errors)} of {len(due)} due watch{'es' if len(due) != 1 else ''} "
            f"ran, {created} new alert{'s' if created != 1 else ''}"
        )
        if errors:
            raise CommandError("; ".join(errors))

    def run_one(self, watch_id: int) -> None:
        watch = Watch.objects.filter(pk=watch_id).first()
        if watch is None:
            raise CommandError(f"no watch with id {watch_id}")
        try:
            run = services.run_watch(watch_id, sources=tasks.live_sources())
        except LiaisonError as error:
            raise CommandError(error.message) from None
        first = watch.last_run_at is None
        recipients = len(selectors.recipients(watch))
        self.stdout.write(summaries.run_message(run, first=first, recipients=recipients))
