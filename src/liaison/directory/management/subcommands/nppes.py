"""``liaison nppes lookup --last-name ... [--first-name ...] [--state ...] [--apply --as USERNAME]``.

Looks providers up in the NPI Registry (``LIAISON_NPPES_URL``) and shows them
("No match: ..." when it finds none; a warning on standard error when the
answer's stated count differs from its results); with ``--apply`` the
individuals found are applied to the directory as that user: matched on NPI
(an existing HCP is updated, never duplicated), every change audited with the
source ``nppes``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from liaison.core.errors import LiaisonError
from liaison.directory.clients.nppes import MAX_LIMIT, lookup
from liaison.directory.nppes import Provider
from liaison.directory.services.nppes import apply_nppes
from liaison.lib.cli import acting_user


def provider_row(provider: Provider) -> tuple[str, str, str, str]:
    taxonomy = provider.primary_taxonomy
    address = provider.practice_address
    return (
        provider.npi,
        provider.display_name,
        f"{taxonomy.description or ''} ({taxonomy.code})" if taxonomy else "",
        address.one_line if address else "",
    )


def searched(options: dict[str, Any]) -> str:
    """``with the last name 'smith' and the first name 'jo*' in NC``: what was asked."""
    text = f"with the last name {options['last_name']!r}"
    if options.get("first_name"):
        text += f" and the first name {options['first_name']!r}"
    if options.get("state"):
        text += f" in {options['state'].upper()}"
    return text


class Nppes(BaseCommand):
    help = (
        "Look HCPs up in the NPI Registry: `nppes lookup --last-name NAME [--first-name NAME] "
        "[--state XX]` lists the matches; add `--apply --as USERNAME` to create or update "
        "(matched on NPI, audited) the HCPs found."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        lookup = actions.add_parser(
            "lookup", help="look providers up in the NPI Registry", description=self.help
        )
        lookup.add_argument("--last-name", required=True, help="last name (trailing * allowed)")
        lookup.add_argument("--first-name", help="first name (trailing * allowed)")
        lookup.add_argument("--state", help="two-letter US state of the practice, e.g. NC")
        lookup.add_argument(
            "--limit", type=int, default=10, help=f"at most this many (1..{MAX_LIMIT}, default 10)"
        )
        lookup.add_argument(
            "--apply",
            action="store_true",
            help="create or update the HCPs found (needs --as)",
        )
        lookup.add_argument("--as", dest="username", help="the user the changes are made as")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["username"]) if options["apply"] else None
        try:
            answer = lookup(
                last_name=options["last_name"],
                first_name=options["first_name"],
                state=options["state"],
                limit=options["limit"],
                base_url=settings.LIAISON_NPPES_URL,
            )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        for warning in answer.warnings:
            self.stderr.write(f"Warning: {warning}.")
        if not answer.providers:
            self.stdout.write(f"No match: the NPI Registry found no provider {searched(options)}.")
            if actor is not None:
                self.stdout.write("Nothing to apply.")
            return
        self.show(answer.providers)
        if actor is None:
            return
        report = apply_nppes(actor=actor, providers=answer.providers)
        for outcome in report.outcomes:
            if outcome.action == "skipped":
                self.stderr.write(f"NPI {outcome.npi} ({outcome.name}): skipped: {outcome.reason}")
            else:
                note = f" ({outcome.note})" if outcome.note else ""
                self.stdout.write(f"NPI {outcome.npi} ({outcome.name}): {outcome.action}{note}")
        self.stdout.write(f"Applied as {actor.get_username()}: {report.summary}.")

    def show(self, providers: tuple[Provider, ...]) -> None:
        table = Table("NPI", "Name", "Primary taxonomy", "Practice address", title="NPI Registry")
        for provider in providers:
            table.add_row(*provider_row(provider))
        Console(file=self.stdout, width=160).print(table)  # type: ignore[arg-type]
