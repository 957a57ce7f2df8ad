"""``liaison trials parse|load FILE...``: ClinicalTrials.gov API v2 files at the command line.

``parse`` writes one JSON object per study to stdout (the layout of
``docs/ctgov-jsonl.md``); ``load`` stores the studies (idempotent upserts keyed
on NCT ID, status history kept) with a progress bar, counts and the errors
naming file, position and NCT ID. Both exit non-zero when a study failed.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import policy
from liaison.lib.cli import acting_user
from liaison.lib.progress import BarProgress, progress_bar
from liaison.trials.ctgov import CtgovParseError, parse_ctgov, to_json
from liaison.trials.models import Trial
from liaison.trials.services import DEFAULT_BATCH_SIZE, load_files


def _existing(paths: list[str]) -> list[Path]:
    files = [Path(name) for name in paths]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise CommandError(f"{missing[0]}: no such file")
    return files


class Command(BaseCommand):
    help = (
        "ClinicalTrials.gov API v2 files (one study, a /api/v2/studies page, or JSONL with "
        "one study or page per line; plain or gzip). `trials parse FILE...` writes one JSON "
        "object per study to stdout; `trials load FILE...` stores the studies, keyed on NCT ID."
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
        load.add_argument(
            "--as",
            dest="as_user",
            required=True,
            metavar="USERNAME",
            help="the administrator the load acts as",
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        actor = acting_user(options["as_user"])
        if not policy.can(actor, "load", Trial):
            raise CommandError(f"{actor.get_username()} may not load trials: administrators only")
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
