"""``liaison pubmed parse|load|fetch|reindex``: PubMed XML to JSON lines, into the library, live.

* ``parse FILE... --format jsonl``: one JSON object per record on stdout
  (docs/pubmed-jsonl.md); nothing is stored.
* ``load FILE... --as USERNAME``: store the records (new, updated, unchanged,
  deleted, failed); a malformed file is named with its line, the files after
  it still load, and the exit status is non-zero.
* ``fetch --query "..." [--since DATE] --as USERNAME``: search PubMed through
  E-utilities and store what it returns (LIAISON_NCBI_* settings).
* ``reindex``: rebuild the SQLite full-text index from the stored publications.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.lib.cli import acting_user
from liaison.literature.loading import BATCH_SIZE
from liaison.literature.pubmed import PubmedParseError, parse_pubmed, to_json

if TYPE_CHECKING:
    from liaison.literature.services import LoadReport

# `parse` and the help need no database and no Django apps (the command line
# starts without them): what loads and fetches needs is imported where it runs.


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


class Pubmed(BaseCommand):
    help = (
        "PubMed/MEDLINE XML (plain or .gz): `parse` writes JSON lines, `load` stores the "
        "records in the library (idempotent: a re-run changes nothing), `fetch` searches "
        "PubMed live and stores the hits, `reindex` rebuilds the full-text index."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        parse = actions.add_parser(
            "parse", help="write one JSON object per record to stdout (docs/pubmed-jsonl.md)"
        )
        parse.add_argument("files", nargs="+", metavar="FILE", help="PubMed XML files")
        parse.add_argument(
            "--format", choices=["jsonl"], default="jsonl", help="output format (jsonl)"
        )
        load = actions.add_parser("load", help="store the records of PubMed XML files")
        load.add_argument("files", nargs="+", metavar="FILE", help="PubMed XML files")
        load.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"records per transaction (default {BATCH_SIZE})",
        )
        fetch = actions.add_parser("fetch", help="search PubMed (E-utilities) and store the hits")
        fetch.add_argument("--query", required=True, help='a PubMed query, e.g. "nivolumab[tiab]"')
        fetch.add_argument("--since", type=_date, help="publication date from (YYYY-MM-DD)")
        fetch.add_argument("--until", type=_date, help="publication date up to (YYYY-MM-DD)")
        for sub in (load, fetch):
            sub.add_argument(
                "--as",
                dest="as_user",
                required=True,
                metavar="USERNAME",
                help="the administrator the load acts as",
            )
        actions.add_parser("reindex", help="rebuild the full-text index of titles and abstracts")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "parse":
            self.parse([Path(name) for name in options["files"]])
        elif action == "load":
            self.load(options)
        elif action == "fetch":
            self.fetch(options)
        else:
            from liaison.literature import search

            count = search.rebuild_index()
            self.stdout.write(f"{count} publications indexed")

    def parse(self, files: list[Path]) -> None:
        problems: list[str] = []

        def on_error(error: PubmedParseError) -> None:
            problems.append(error.message)
            self.stderr.write(error.message)

        for path in files:
            try:
                for record in parse_pubmed(path, on_error=on_error):
                    self.stdout.write(json.dumps(to_json(record), ensure_ascii=False))
            except PubmedParseError as error:
                problems.append(error.message)
                self.stderr.write(error.message)
            except OSError as error:
                problems.append(f"{path}: {error.strerror or error}")
                self.stderr.write(problems[-1])
        if problems:
            raise CommandError(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")

    def _actor(self, options: dict[str, Any]) -> Any:
        from liaison.core import policy
        from liaison.literature.models import Publication

        actor = acting_user(options["as_user"])
        if not policy.can(actor, "load", Publication):
            raise CommandError(f"{actor.get_username()} may not load: administrators only")
        return actor

    def load(self, options: dict[str, Any]) -> None:
        from liaison.lib.progress import BarProgress, progress_bar
        from liaison.literature import services

        actor = self._actor(options)
        files = [Path(name) for name in options["files"]]
        total = services.LoadReport()
        with progress_bar(enabled=options["verbosity"] > 0) as bar:
            for path in files:
                if not path.is_file():
                    total.failed_files.append(str(path))
                    total.error(f"{path}: no such file")
                    continue
                report = services.load_pubmed_file(
                    actor=actor,
                    path=path,
                    progress=BarProgress(bar, path.name[:16]),
                    batch_size=options["batch_size"],
                )
                total.add(report)
        self.report(total, options["verbosity"])

    def fetch(self, options: dict[str, Any]) -> None:
        from liaison.lib.progress import BarProgress, progress_bar
        from liaison.literature import services
        from liaison.literature.clients.eutils import fetch_pubmed

        actor = self._actor(options)
        name = f"PubMed search {options['query']!r}"
        with progress_bar(enabled=options["verbosity"] > 0) as bar:
            sink = BarProgress(bar, "fetching")
            batches = fetch_pubmed(
                options["query"],
                options["since"],
                until=options["until"],
                api_key=settings.LIAISON_NCBI_API_KEY,
                email=settings.LIAISON_NCBI_EMAIL,
                tool=settings.LIAISON_NCBI_TOOL,
                base_url=settings.LIAISON_EUTILS_URL,
                on_total=sink.set_total,
            )
            report = services.load_pubmed_batches(
                actor=actor, batches=batches, name=name, progress=sink
            )
        self.report(report, options["verbosity"])

    def report(self, report: LoadReport, verbosity: int) -> None:
        for message in report.errors:
            self.stderr.write(message)
        if report.failed_files or report.failed:
            raise CommandError(report.summary())
        if verbosity > 0:
            self.stdout.write(report.summary())
