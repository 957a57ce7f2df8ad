"""``liaison token create NAME``: personal API tokens from the command line."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit, services
from liaison.core.errors import LiaisonError
from liaison.core.models import ApiToken, User


def get_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user named {username!r}")
    return user


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Manage personal API tokens. `token create NAME` prints a new token for that user "
        "once (only its hash is stored); `token list NAME` shows their tokens; "
        "`token revoke NAME PREFIX` revokes one."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create", help="print a new API token for a user, once", description=self.help
        )
        create.add_argument("username", help="the user the token acts as")
        create.add_argument("--name", default="cli", help="a label for the token (default: cli)")
        listing = actions.add_parser("list", help="list a user's tokens")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("username")
        revoke.add_argument("prefix", help="the token's first characters, as `token list` shows")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user(options["username"])
        action = options["action"]
        try:
            with audit.source("cli"):
                if action == "create":
                    token, secret = services.create_api_token(
                        actor=None, user=user, name=options["name"]
                    )
                    self.stderr.write(
                        f"API token {token.name!r} for {user.get_username()}; "
                        "it is shown only now, keep it safe:"
                    )
                    self.stdout.write(secret)
                elif action == "list":
                    for token in ApiToken.objects.filter(user=user):
                        state = "revoked" if token.revoked_at else "active"
                        self.stdout.write(
                            f"{token.key_prefix}  {token.name}  {state}  "
                            f"created {token.created_at:%Y-%m-%d %H:%M} UTC"
                        )
                else:
                    self.revoke(user, options["prefix"])
        except LiaisonError as error:
            raise CommandError(error.message) from None

    def revoke(self, user: User, prefix: str) -> None:
        matches = list(ApiToken.objects.active().filter(user=user, key_prefix__startswith=prefix))
        if len(matches) != 1:
            found = "no" if not matches else "more than one"
            raise CommandError(f"{found} active token of {user.get_username()} starts {prefix!r}")
        services.revoke_api_token(actor=None, token=matches[0])
        self.stdout.write(f"revoked {matches[0].key_prefix}")
