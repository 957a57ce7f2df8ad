"""``liaison engagement themes [--as USERNAME] [--queue]``: recompute the insight themes.

Runs here with a progress bar (the stages: reading, vectorizing, clustering,
matching, writing), as the system or as ``--as`` (an insights lead or an
administrator; the audit trail names them); ``--queue`` hands the work to the
worker as a job of the ``--as`` user, which the web shows on its job page.
People's decisions survive (see ``liaison.engagement.services.themes``).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit
from liaison.core.errors import LiaisonError
from liaison.engagement.services.themes import recompute_themes
from liaison.engagement.tasks import start_theme_recompute
from liaison.lib.cli import acting_user
from liaison.lib.progress import BarProgress, progress_bar


class Themes(BaseCommand):
    help = (
        "Recompute the insight themes (TF-IDF and NMF over every insight's statement), "
        "keeping renamed and pinned themes and the insights people placed; `--queue` hands "
        "it to the worker as a job of the `--as` user."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="run as this insights lead or administrator (default: the system)",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue the recomputation for the worker instead (needs --as: the job is theirs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"]) if options.get("as_user") else None
        if options["queue"]:
            if actor is None:
                raise CommandError("--queue needs --as USERNAME: the job belongs to that user")
            try:
                job = start_theme_recompute(actor=actor)
            except LiaisonError as error:
                raise CommandError(error.message) from None
            self.stdout.write(f"Queued the recomputation of the themes as job {job.pk}.")
            return
        try:
            with audit.source("cli"), progress_bar(enabled=options["verbosity"] > 0) as bar:
                report = recompute_themes(actor=actor, progress=BarProgress(bar, "themes"))
        except LiaisonError as error:
            raise CommandError(error.message) from None
        if options["verbosity"] > 1:
            stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.stages)
            self.stdout.write(f"Stages: {stages}.")
        self.stdout.write(report.summary[:1].upper() + report.summary[1:] + ".")
