"""``liaison unlock USERNAME [--ip ADDRESS]``: clear a username's sign-in lock-outs."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import lockouts
from liaison.core.errors import LiaisonError


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Clear the failed sign-ins that lock a username out (from every address, or only "
        "from --ip ADDRESS) and say what was cleared; `unlock --list` shows who is locked out. "
        "Five failures lock a username from one address for 30 minutes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", nargs="?", help="the username to unlock (any letter case)")
        parser.add_argument(
            "--ip", metavar="ADDRESS", help="clear only the failures from this client address"
        )
        parser.add_argument(
            "--list",
            action="store_true",
            help="list the usernames and addresses with failed sign-ins in the last 30 minutes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self.show_current()
            return
        if not options["username"]:
            raise CommandError("say which username to unlock (liaison unlock USERNAME), or --list")
        try:
            cleared = lockouts.clear(
                actor=None, username=options["username"], ip_address=options["ip"]
            )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        where = f" from {options['ip']}" if options["ip"] else ""
        if not cleared:
            self.stdout.write(
                f"no failed sign-ins of {options['username']}{where}: nothing to clear"
            )
            return
        for lockout in cleared:
            self.stdout.write(f"cleared {lockout.describe()}")

    def show_current(self) -> None:
        found = lockouts.current(actor=None)
        if not found:
            self.stdout.write("no failed sign-ins in the cool-off period")
        for lockout in found:
            self.stdout.write(lockout.describe())
