"""``liaison experts resolve --as USERNAME [--format json] [--queue]``: identity resolution.

Reads every author, investigator and trial official, resolves them to people,
links them to HCPs, discovers new HCPs and fills the resolution queue, with a
progress bar per stage; prints the run's counts (``--format json`` for
scripts). ``--queue`` hands the run to the worker as a job of the ``--as`` user.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit
from liaison.core.errors import LiaisonError
from liaison.experts.services.resolution import resolve_library
from liaison.experts.tasks import start_resolution_run, summary
from liaison.lib.cli import acting_user
from liaison.lib.progress import progress_bar


class Resolve(BaseCommand):
    help = (
        "Resolve the library's authors and investigators and the registry's trial officials "
        "to HCPs (links, discovered HCPs, proposals for the queue), as an administrator; "
        "people's decisions are kept. `--queue` hands it to the worker."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="the administrator running it"
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="how to print the counts"
        )
        parser.add_argument(
            "--queue", action="store_true", help="queue the run for the worker as a job instead"
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
