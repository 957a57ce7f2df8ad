"""``liaison createuser NAME --role ROLE``: create a user from the command line."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit, services
from liaison.core.errors import LiaisonError
from liaison.core.models import Role


def read_password(*, from_stdin: bool) -> str:
    """One line from stdin, or a prompt asked twice that must match."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CommandError("--password-stdin: stdin is empty; give the password on one line")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for a password; use --password-stdin")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    if first != second:
        raise CommandError("the two passwords differ")
    return first


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Create a user with a role. The password is asked twice at a prompt, or read as one "
        "line from stdin with --password-stdin. The creation is audited (source cli)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="the login name")
        parser.add_argument(
            "--role", required=True, choices=Role.values, help="the user's role (decides access)"
        )
        parser.add_argument("--email", default="", help="e-mail address")
        parser.add_argument(
            "--territory",
            action="append",
            default=[],
            metavar="CODE",
            help="code of a territory the user covers (repeat for several)",
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = read_password(from_stdin=options["password_stdin"])
        try:
            with audit.source("cli"):
                user = services.create_user(
                    actor=None,
                    username=options["username"],
                    role=options["role"],
                    password=password,
                    email=options["email"],
                    territories=options["territory"],
                )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"created {user.get_username()} ({user.get_role_display()})")
