"""``liaison audit verify``: recompute the audit chain and name the first broken event."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core.audit import verify_chain
from liaison.core.models import AuditEvent
from liaison.lib.progress import progress_bar

#: Exit status when the chain is broken (1 is a usage error, 2 an unusable database).
EXIT_BROKEN = 3


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Check the tamper-evident audit trail. `audit verify` recomputes every event's hash "
        "and exits 0 with 'N events, chain intact', or non-zero naming the first event that "
        "was altered, removed, reordered or inserted."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("verify", help="recompute the hash chain", description=self.help)

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        with progress_bar(enabled=options["verbosity"] > 0 and total > 10_000) as report:
            checked, problem = verify_chain(
                progress=lambda done: report("audit events", done, total)
            )
        if problem is not None:
            raise CommandError(
                f"audit chain broken at {problem} ({checked} events before it are intact)",
                returncode=EXIT_BROKEN,
            )
        self.stdout.write(f"{checked} events, chain intact")
