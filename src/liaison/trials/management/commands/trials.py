"""``liaison trials parse|load|fetch ...``: ClinicalTrials.gov API v2 at the command line.

``parse FILE...`` writes one JSON object per study to stdout (the layout of
``docs/ctgov-jsonl.md``); ``load FILE...`` stores the studies (idempotent
upserts keyed on NCT ID, status history kept) with a progress bar, counts and
the errors naming file, position and NCT ID. ``fetch --condition ...`` asks the
API (``LIAISON_CTGOV_URL``) page by page and stores the studies as ``load``
does: a study the API returns malformed is named and skipped; a service that
cannot be reached ends the run with the reason, what was stored stays, and
running the same command again completes it. Each exits non-zero when a study
failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.trials.clients.ctgov import MAX_PAGE_SIZE, fetch_studies
from liaison.trials.ctgov import CtgovParseError, Study, parse_ctgov, to_json
from liaison.trials.loading import DEFAULT_BATCH_SIZE

if TYPE_CHECKING:
    from liaison.core.models import User

# `parse` and the help need no database and no Django apps (the command line
# starts without them): what loads need is imported where it runs.


def _existing(paths: list[str]) -> list[Path]:
    files = [Path(name) for name in paths]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise CommandError(f"{missing[0]}: no such file")
    return files


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _common_options(parser: ArgumentParser) -> None:
    """``-v`` and ``--traceback`` after the action too (``trials fetch ... -v 0``), as
    before ``fetch`` became an action; SUPPRESS keeps the value given before it."""
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=[0, 1, 2, 3],
        default=argparse.SUPPRESS,
        help="as before the action: 0 hides the progress bar",
    )
    parser.add_argument(
        "--traceback",
        action="store_true",
        default=argparse.SUPPRESS,
        help="as before the action: raise on an unexpected error",
    )


def _as_user(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        required=True,
        metavar="USERNAME",
        help="the administrator the load acts as",
    )


def _loader(options: dict[str, Any]) -> User:
    from liaison.core import policy
    from liaison.trials.models import Trial

    actor = acting_user(options["as_user"])
    if not policy.can(actor, "load", Trial):
        raise CommandError(f"{actor.get_username()} may not load trials: administrators only")
    return actor


class Command(BaseCommand):
    help = (
        "ClinicalTrials.gov API v2 files (one study, a /api/v2/studies page, or JSONL with "
        "one study or page per line; plain or gzip). `trials parse FILE...` writes one JSON "
        "object per study to stdout; `trials load FILE...` stores the studies, keyed on NCT ID. "
        "`trials fetch --condition TEXT ... --as USERNAME` fetches studies from the API v2 and "
        "stores them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        parse = actions.add_parser(
            "parse",
            help="write one JSON object per study to stdout (docs/ctgov-jsonl.md)",
            description=(
                "Parse ClinicalTrials.gov API v2 files and write one JSON object per study "
                "to stdout. A study that cannot be read is named on stderr (file, position, "
                "NCT ID) and skipped; the exit status is then 1."
            ),
        )
        parse.add_argument("files", nargs="+", metavar="FILE")
        parse.add_argument(
            "--format", choices=["jsonl"], default="jsonl", help="output format (default: jsonl)"
        )
        load = actions.add_parser(
            "load",
            help="store the studies of files (new, updated, unchanged, failed)",
            description=(
                "Store the studies of ClinicalTrials.gov API v2 files in batches, each in its "
                "own transaction: a re-run changes nothing, an interrupted run re-runs to "
                "completion. A study whose overall status changed is kept in its status "
                "history. A study that cannot be read or stored is named (file, position, "
                "NCT ID) and counted as failed, and the other studies are stored; a file that "
                "is not valid JSON stops where it breaks, without the batch it interrupted, "
                "and the next files load. The exit status is then 1."
            ),
        )
        load.add_argument("files", nargs="+", metavar="FILE")
        load.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"studies per transaction (default: {DEFAULT_BATCH_SIZE})",
        )
        _as_user(load)
        fetch = actions.add_parser(
            "fetch",
            help="fetch studies from the ClinicalTrials.gov API v2 and store them",
            description=(
                "Fetch studies from the ClinicalTrials.gov API v2 (LIAISON_CTGOV_URL) page "
                "by page and store them as `trials load` does (keyed on NCT ID): "
                "`trials fetch --condition TEXT [--intervention TEXT] [--sponsor TEXT] "
                "[--status RECRUITING ...] [--updated-since YYYY-MM-DD] --as USERNAME`. "
                "A malformed study is named and skipped; a service that cannot be reached "
                "ends the run with the reason, and running the same command again completes it."
            ),
        )
        fetch.add_argument("--condition", help="condition or disease (query.cond)")
        fetch.add_argument("--intervention", help="intervention, e.g. a drug (query.intr)")
        fetch.add_argument("--sponsor", help="sponsor or collaborator (query.spons)")
        fetch.add_argument(
            "--lead-sponsor-only", action="store_true", help="the lead sponsor only (query.lead)"
        )
        fetch.add_argument(
            "--status",
            action="append",
            default=[],
            help="overall status, e.g. RECRUITING (repeat for several)",
        )
        fetch.add_argument(
            "--updated-since", type=_date, help="last update posted on or after (YYYY-MM-DD)"
        )
        fetch.add_argument(
            "--page-size",
            type=int,
            default=MAX_PAGE_SIZE,
            help=f"studies per request (1..{MAX_PAGE_SIZE}, default {MAX_PAGE_SIZE})",
        )
        _as_user(fetch)
        for action in (parse, load, fetch):
            _common_options(action)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "fetch":
            self.fetch(options)
            return
        files = _existing(options["files"])
        if options["action"] == "parse":
            self.parse(files)
        else:
            self.load(files, options)

    def parse(self, files: list[Path]) -> None:
        failed = 0

        def bad_study(error: CtgovParseError) -> None:
            nonlocal failed
            failed += 1
            self.stderr.write(error.message)

        written = 0
        for path in files:
            try:
                for study in parse_ctgov(path, on_error=bad_study):
                    self.stdout.write(json.dumps(to_json(study), ensure_ascii=False))
                    written += 1
            except CtgovParseError as error:
                failed += 1
                self.stderr.write(error.message)
        if failed:
            raise CommandError(
                f"{failed} stud{'ies' if failed != 1 else 'y'} or file{'s' if failed != 1 else ''} "
                f"could not be read ({written} written)"
            )

    def load(self, files: list[Path], options: dict[str, Any]) -> None:
        from liaison.lib.progress import BarProgress, progress_bar
        from liaison.trials.services import load_files

        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        actor = _loader(options)
        with progress_bar(enabled=options["verbosity"] > 0) as bar:
            report = load_files(
                actor=actor,
                paths=files,
                batch_size=options["batch_size"],
                progress=BarProgress(bar, "reading (KB)", unit=1024),
            )
        for message in report.errors:
            self.stderr.write(message)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())

    def fetch(self, options: dict[str, Any]) -> None:
        from liaison.lib.progress import BarProgress, progress_bar
        from liaison.trials.services import LoadReport, load_studies

        actor = _loader(options)
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
