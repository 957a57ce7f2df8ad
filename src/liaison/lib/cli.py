"""What the command line shares: the acting user of ``--as``, and one command per app
with subcommands (:class:`CommandGroup`).

The progress bar of commands is :mod:`liaison.lib.progress`'s.
"""

from __future__ import annotations

import argparse
from argparse import ArgumentParser
from typing import Any, ClassVar, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.core.models import User


def acting_user(username: str | None) -> User:
    """The user named by ``--as``; the command acts with their rights."""
    if not username:
        raise CommandError("--as USERNAME is required: the command acts as that user")
    user = User.objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"--as: no active user named {username!r}")
    return user


class CommandGroup(BaseCommand):
    """One noun-first command (``liaison directory import FILE``) whose subcommands are
    command classes of their own (``subcommands``): each adds its arguments to its
    subparser and handles the options as if it ran alone, writing to the group's
    streams."""

    subcommands: ClassVar[dict[str, type[BaseCommand]]] = {}

    def add_arguments(self, parser: ArgumentParser) -> None:
        choices = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        for name, command_class in self.subcommands.items():
            command = command_class()
            summary = command.help.split(". ")[0].rstrip(".")
            subparser = choices.add_parser(name, help=summary, description=command.help)
            command.add_arguments(cast(CommandParser, subparser))
            _repeat_common_options(subparser)

    def handle(self, *args: Any, **options: Any) -> Any:
        command = self.subcommands[options.pop("subcommand")]()
        command.stdout, command.stderr, command.style = self.stdout, self.stderr, self.style
        return command.handle(*args, **options)


def _repeat_common_options(parser: ArgumentParser) -> None:
    """``-v`` and ``--traceback`` accepted after the subcommand too (``directory import
    FILE -v 0``); SUPPRESS keeps a value given before it."""
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=[0, 1, 2, 3],
        default=argparse.SUPPRESS,
        help="0 hides the progress bar",
    )
    parser.add_argument(
        "--traceback",
        action="store_true",
        default=argparse.SUPPRESS,
        help="raise on an unexpected error",
    )
