"""``liaison trials_fetch --condition ... [--intervention ...] [--sponsor ...] [--updated-since DATE] --as USERNAME``.

Asks the ClinicalTrials.gov API v2 (``LIAISON_CTGOV_URL``) page by page and
stores the studies as ``trials load`` does (idempotent upserts keyed on NCT
ID, status history kept). A study the API returns malformed is named and
skipped; a service that cannot be reached ends the run with the reason, what
was stored stays, and running the same command again completes it.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.lib.progress import BarProgress, progress_bar
from liaison.trials.clients.ctgov import MAX_PAGE_SIZE, fetch_studies
from liaison.trials.ctgov import CtgovParseError, Study
from liaison.trials.models import Trial
from liaison.trials.services import LoadReport, load_studies


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Fetch studies from the ClinicalTrials.gov API v2 and store them (keyed on NCT ID): "
        "`trials_fetch --condition TEXT [--intervention TEXT] [--sponsor TEXT] "
        "[--status RECRUITING ...] [--updated-since YYYY-MM-DD] --as USERNAME`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--condition", help="condition or disease (query.cond)")
        parser.add_argument("--intervention", help="intervention, e.g. a drug (query.intr)")
        parser.add_argument("--sponsor", help="sponsor or collaborator (query.spons)")
        parser.add_argument(
            "--lead-sponsor-only", action="store_true", help="the lead sponsor only (query.lead)"
        )
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            help="overall status, e.g. RECRUITING (repeat for several)",
        )
        parser.add_argument(
            "--updated-since", type=_date, help="last update posted on or after (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--page-size",
            type=int,
            default=MAX_PAGE_SIZE,
            help=f"studies per request (1..{MAX_PAGE_SIZE}, default {MAX_PAGE_SIZE})",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            required=True,
            metavar="USERNAME",
            help="the administrator the load acts as",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        if not policy.can(actor, "load", Trial):
            raise CommandError(f"{actor.get_username()} may not load trials: administrators only")
        report = LoadReport()

        def bad_study(error: CtgovParseError) -> None:
            report.failed += 1
            report.error(error.message)

        with progress_bar(enabled=options["verbosity"] > 0) as bar:
            sink = BarProgress(bar, "studies")

            def studies() -> Iterator[Study]:
                for page in fetch_studies(
                    options["condition"],
                    options["intervention"],
                    options["sponsor"],
                    options["updated_since"],
                    statuses=options["status"],
                    lead_sponsor_only=options["lead_sponsor_only"],
                    page_size=options["page_size"],
                    base_url=settings.LIAISON_CTGOV_URL,
                    on_total=sink.set_total,
                    on_error=bad_study,
                ):
                    yield from page.studies

            try:
                load_studies(actor=actor, studies=studies(), progress=sink, report=report)
            except LiaisonError as error:
                for message in report.errors:
                    self.stderr.write(message)
                raise CommandError(
                    f"{error.message} ({report.summary()} before it; run the command again "
                    "to complete the fetch)"
                ) from None
        for message in report.errors:
            self.stderr.write(message)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
