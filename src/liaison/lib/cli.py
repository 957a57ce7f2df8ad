"""What the command line shares: the acting user of ``--as``, and one command per app
with subcommands (:class:`CommandGroup`).

The progress bar of commands is :mod:`liaison.lib.progress`'s. This module imports
nothing that needs Django's apps, so that a command's help and its pure format
actions (``liaison pubmed parse``) start without setting the project up.
"""

from __future__ import annotations

import argparse
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from liaison.core.models import User


def acting_user(username: str | None) -> User:
    """The user named by ``--as``; the command acts with their rights."""
    from liaison.core.models import User

    if not username:
        raise CommandError("--as USERNAME is required: the command acts as that user")
    user = User.objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"--as: no active user named {username!r}")
    return user


@dataclass(frozen=True, slots=True)
class Subcommand:
    """A subcommand of a :class:`CommandGroup`: the dotted path of its command class
    (imported only when the subcommand is chosen) and its line in the group's help."""

    path: str
    summary: str

    def load(self) -> type[BaseCommand]:
        return cast(type[BaseCommand], import_string(self.path))


class _Filled(dict[str, ArgumentParser]):
    """Subparsers whose arguments are added when one is looked up (chosen)."""

    def __init__(self) -> None:
        super().__init__()
        self.fill: Callable[[str, ArgumentParser], None] | None = None
        self.filled: set[str] = set()

    def __getitem__(self, name: str) -> ArgumentParser:
        parser = super().__getitem__(name)
        if name not in self.filled and self.fill is not None:
            self.filled.add(name)
            self.fill(name, parser)
        return parser


class _LazySubParsersAction(argparse._SubParsersAction):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_parser_map = self.choices = _Filled()


class CommandGroup(BaseCommand):
    """One noun-first command (``liaison directory import FILE``) whose subcommands are
    command classes of their own (``subcommands``): each adds its arguments to its
    subparser and handles the options as if it ran alone, writing to the group's
    streams. A subcommand's module is imported only when it is chosen."""

    subcommands: ClassVar[dict[str, Subcommand]] = {}

    def add_arguments(self, parser: ArgumentParser) -> None:
        choices = parser.add_subparsers(
            dest="subcommand",
            required=True,
            metavar="SUBCOMMAND",
            action=_LazySubParsersAction,
        )
        cast(_Filled, choices.choices).fill = self._fill
        for name, subcommand in self.subcommands.items():
            choices.add_parser(name, help=subcommand.summary)

    def _fill(self, name: str, subparser: ArgumentParser) -> None:
        command = self.subcommands[name].load()()
        subparser.description = command.help
        command.add_arguments(cast(CommandParser, subparser))
        _repeat_common_options(subparser)

    def handle(self, *args: Any, **options: Any) -> Any:
        command = self.subcommands[options.pop("subcommand")].load()()
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
