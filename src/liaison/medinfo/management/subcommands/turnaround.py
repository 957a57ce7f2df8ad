"""``liaison medinfo turnaround``: answer times of a period, by priority."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.medinfo import selectors
from liaison.medinfo.management.subcommands.common import add_acting_user, add_format, day
from liaison.medinfo.selectors import Turnaround as Row


def row_data(row: Row) -> dict[str, Any]:
    return {
        "priority": row.priority,
        "answered": row.answered,
        "on_time": row.on_time,
        "late": row.late,
        "median_business_days": row.median_business_days,
        "open_breaches": row.open_breaches,
    }


def row_line(row: Row) -> str:
    median = f"{row.median_business_days:g}" if row.median_business_days is not None else "-"
    return (
        f"{row.label:<15} {row.answered:>8} {row.on_time:>8} {row.late:>5} "
        f"{median:>14} {row.open_breaches:>14}"
    )


class Turnaround(BaseCommand):
    help = (
        "By priority and in total: the inquiries answered from --start to --end "
        "(inclusive), on time and late, the median business days from receipt to answer, "
        "and the open inquiries overdue today; each inquiry's days are those where it was "
        "taken (its time zone). Medical information, compliance, field "
        "managers and administrators."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--start", required=True, metavar="DAY", help="YYYY-MM-DD")
        parser.add_argument("--end", required=True, metavar="DAY", help="YYYY-MM-DD, inclusive")
        add_format(parser, "one object: start, end, rows by priority and the total")
        add_acting_user(parser, "reported")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        start, end = day(options["start"], "--start"), day(options["end"], "--end")
        if end < start:
            raise CommandError(f"--end: {end.isoformat()} is before --start {start.isoformat()}")
        try:
            report = selectors.turnaround_report(actor, start, end)
        except LiaisonError as error:
            raise CommandError(f"{actor.get_username()}: {error.message}") from None
        if options["format"] == "json":
            data = {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "today": report.today.isoformat(),
                "rows": [row_data(row) for row in report.rows],
                "total": row_data(report.total),
            }
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(f"Turnaround from {start.isoformat()} to {end.isoformat()}")
        header = f"{'priority':<15} {'answered':>8} {'on time':>8} {'late':>5}"
        self.stdout.write(f"{header} {'median (days)':>14} {'open breaches':>14}")
        for row in (*report.rows, report.total):
            self.stdout.write(row_line(row))
