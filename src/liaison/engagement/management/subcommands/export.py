"""``liaison engagement export interactions|insights``: to CSV or XLSX, with their themes."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.exporting import write_csv, write_xlsx
from liaison.engagement.insight_selectors import InsightFilters
from liaison.engagement.models import InsightStatus
from liaison.engagement.services import exporting
from liaison.lib.cli import acting_user
from liaison.lib.progress import progress_bar


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a day (use YYYY-MM-DD, e.g. 2026-12-01)") from None


class Export(BaseCommand):
    help = (
        "Export the interactions or insights the acting user may see to CSV (to stdout "
        "unless --output is given) or XLSX (--output required), with their themes. An "
        "interaction's notes, outcome and insights are written only where that user may "
        "read them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subject", choices=exporting.SUBJECTS, help="what to export")
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument(
            "--output", metavar="FILE", help="the file to write (CSV: default stdout)"
        )
        parser.add_argument("--since", metavar="DAY", help="from this day (YYYY-MM-DD)")
        parser.add_argument("--until", metavar="DAY", help="to this day (YYYY-MM-DD), inclusive")
        parser.add_argument("--msl", metavar="USERNAME", help="only this MSL's records")
        parser.add_argument(
            "--status", choices=InsightStatus.values, help="insights: only of this status"
        )
        parser.add_argument(
            "--category", metavar="CODE", default="", help="insights: a category code"
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            required=True,
            metavar="USERNAME",
            help="the user whose view is exported",
        )

    def _filters(self, options: dict[str, Any]) -> Any:
        since = _day(options["since"]) if options.get("since") else None
        until = _day(options["until"]) if options.get("until") else None
        msl = None
        if options.get("msl"):
            msl = User.objects.filter(username=options["msl"]).values_list("pk", flat=True).first()
            if msl is None:
                raise CommandError(f"--msl: no user named {options['msl']!r}")
        if options["subject"] == "insights":
            return InsightFilters(
                status=options.get("status") or "",
                category=options.get("category") or "",
                msl=msl,
                date_from=since,
                date_to=until,
            )
        return exporting.InteractionFilters(date_from=since, date_to=until, msl=msl)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        subject = options["subject"]
        try:
            exporting.require_exporter(actor, subject)
        except LiaisonError as error:
            raise CommandError(f"{actor.get_username()}: {error.message}") from None
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("--output FILE is required for XLSX")
        filters = self._filters(options)
        total = exporting.count_rows(actor, subject, filters)
        output = Path(options["output"]) if options["output"] else None
        with progress_bar(enabled=options["verbosity"] > 0 and output is not None) as bar:

            def counted() -> Iterator[list[str]]:
                for index, row in enumerate(exporting.export_rows(actor, subject, filters)):
                    if index and (index % 1000 == 0 or index == total):
                        bar("exporting", index, total)
                    yield row

            try:
                if options["format"] == "xlsx":
                    assert output is not None
                    with output.open("wb") as stream:
                        write_xlsx(counted(), stream, title=subject.capitalize())
                elif output is not None:
                    with output.open("w", encoding="utf-8-sig", newline="") as text:
                        write_csv(counted(), text)
                else:
                    write_csv(counted(), self.stdout)
            except OSError as error:
                raise CommandError(f"{output}: cannot write ({error.strerror})") from None
        if output is not None:
            self.stderr.write(f"exported {total:,} {subject} to {output}")
