"""What the ``liaison medinfo`` subcommands share: the ``--as`` and ``--format``
options and days read from the command line."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser

from django.core.management.base import CommandError


def add_acting_user(parser: ArgumentParser, who: str) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        required=True,
        metavar="USERNAME",
        help=f"the user whose view is {who} (reads go through their access)",
    )


def add_format(parser: ArgumentParser, json_help: str) -> None:
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help=f"json: {json_help}"
    )


def day(value: str, option: str) -> dt.date:
    """``value`` as a day (YYYY-MM-DD), or an error naming ``option``."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option}: {value!r} is not a day (use YYYY-MM-DD, e.g. 2026-12-01)"
        ) from None
