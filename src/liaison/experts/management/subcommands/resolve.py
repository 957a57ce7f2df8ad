"""``liaison experts resolve --as USERNAME [--format json] [--queue] [--no-score]``:
identity resolution.

Reads every author, investigator and trial official, resolves them to people,
links them to HCPs, discovers new HCPs and fills the resolution queue, with a
progress bar per stage; then recomputes the scores of the therapeutic areas the
run made stale (``scoring_tasks.stale_areas``), with its own bar, so ranks and
tiers follow the new links (``--no-score`` leaves that to the worker, which
recomputes stale areas when it starts). Prints the run's counts and each area
scored (``--format json`` for scripts: the run's counts and ``scored``, one
``{"area", "experts"}`` per area). ``--queue`` hands the run to the worker as a
job of the ``--as`` user; the job queues the recompute when it ends.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit
from liaison.core.errors import LiaisonError
from liaison.experts import scoring_tasks
from liaison.experts.services import scoring
from liaison.experts.services.resolution import resolve_library
from liaison.experts.tasks import start_resolution_run, summary
from liaison.lib.cli import acting_user
from liaison.lib.progress import BarProgress, progress_bar


class Resolve(BaseCommand):
    help = (
        "Resolve the library's authors and investigators and the registry's trial officials "
        "to HCPs (links, discovered HCPs, proposals for the queue), as an administrator; "
        "people's decisions are kept. Then recomputes the scores of the therapeutic areas "
        "the run made stale, so ranks and tiers follow the new links (`--no-score`: the "
        "worker does it when it next starts). `--queue` hands it all to the worker."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="the administrator running it"
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="how to print the counts"
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue the run for the worker as a job instead (it recomputes the scores after)",
        )
        parser.add_argument(
            "--no-score",
            dest="no_score",
            action="store_true",
            help="do not recompute the scores of the areas the run made stale; the worker "
            "recomputes them when it next starts (or run `liaison experts score`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options.get("as_user"))
        try:
            if options["queue"]:
                job = start_resolution_run(actor=actor)
                self.stdout.write(f"Queued the resolution run as job {job.pk}.")
                return
            show = options["verbosity"] > 0 and options["format"] == "text"
            with audit.source("cli"), progress_bar(enabled=show) as bar:
                run = resolve_library(actor=actor, report=bar)
                reports = []
                if not options["no_score"]:
                    # The run's links are committed: the administrator who ran it
                    # (who may recompute) scores the areas they changed, audited so.
                    reports = scoring.score_all(
                        actor=actor,
                        areas_to_score=scoring_tasks.stale_areas(),
                        progress=BarProgress(bar, "scores"),
                    )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        counts = {
            "run": run.pk,
            "mentions": run.mentions,
            "people": run.people,
            "linked": run.linked,
            "discovered": run.discovered,
            "proposals": run.proposals,
            "stats": run.stats,
            "scored": [{"area": report.area, "experts": report.experts} for report in reports],
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(counts, indent=2, sort_keys=True))
            return
        self.stdout.write(summary(run.mentions, run.linked, run.discovered, run.proposals))
        self.stdout.write(
            f"{run.people:,} people; {run.stats.get('newly_linked', 0):,} mentions newly linked; "
            f"{run.stats.get('unlinked_single_mentions', 0):,} single mentions left unlinked; "
            f"{run.stats.get('superseded', 0):,} proposals superseded."
        )
        if options["no_score"]:
            self.stdout.write(
                "Scores not recomputed (--no-score): the worker recomputes the areas this "
                "run changed when it next starts, or run `liaison experts score`."
            )
        for report in reports:
            self.stdout.write(report.summary + ".")
