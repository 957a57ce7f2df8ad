"""``liaison audit``: verify the audit chain, rotate its key, or erase a person's data.

``audit verify`` recomputes the chain and names the first broken event.
``audit rotate-key`` replaces the generated audit key and starts a new segment.
``audit erase RECORD_TYPE ID --reason ... --as USER`` erases the personal values
of one record from every event (see :mod:`liaison.core.audit_erasure`).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from liaison.core.audit import check_chain, source
from liaison.core.audit_anchors import write_anchor
from liaison.core.audit_chain import signing_key
from liaison.core.audit_erasure import erase_subject
from liaison.core.audit_keys import rotate_generated_key
from liaison.core.errors import LiaisonError
from liaison.core.models import AuditChainHead, AuditEvent
from liaison.lib.cli import acting_user
from liaison.lib.progress import progress_bar

#: Exit status when the chain is broken (1 is a usage error, 2 an unusable database).
EXIT_BROKEN = 3


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Check the tamper-evident audit trail, rotate its key, or erase a person's data from it. "
        "`audit verify` recomputes every event's keyed hash up to the newest anchor and exits 0 "
        "with 'N events, chain intact', or non-zero naming the first event that was altered, "
        "removed, reordered or inserted, or the missing tail. `audit rotate-key` replaces the "
        "generated audit key (the old one is kept to verify earlier events). `audit erase RECORD_TYPE ID --reason TEXT --as USERNAME` removes the "
        "personal values of one record (e.g. directory.hcp 42) from every event; the chain "
        "still verifies."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("verify", help="recompute the hash chain", description=self.help)
        actions.add_parser(
            "rotate-key",
            help="replace the generated audit key and start a new chain segment",
            description=(
                "Replace the audit key generated in the data directory with a new one: later "
                "events are signed with it, in a segment signed by the old key, which is kept "
                "(audit_keys/ in the data directory) so that earlier events still verify."
            ),
        )
        erase = actions.add_parser(
            "erase",
            help="erase one record's personal values from the trail",
            description="Erase the personal values of one record from every audit event.",
        )
        erase.add_argument("record_type", metavar="RECORD_TYPE", help="e.g. directory.hcp")
        erase.add_argument("record_id", metavar="ID", help="the record's id")
        erase.add_argument("--reason", required=True, help="why (e.g. the privacy request)")
        erase.add_argument(
            "--as", dest="as_user", required=True, metavar="USERNAME", help="the acting user"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "erase":
            self.erase(options)
        elif options["action"] == "rotate-key":
            self.rotate_key()
        else:
            self.verify(options)

    def verify(self, options: dict[str, Any]) -> None:
        total = AuditEvent.objects.count()
        with progress_bar(enabled=options["verbosity"] > 0 and total > 10_000) as report:
            result = check_chain(progress=lambda done: report("audit events", done, total))
        if result.problem is not None:
            raise CommandError(
                f"audit chain broken at {result.problem}"
                f" ({result.checked} events before it are intact)",
                returncode=EXIT_BROKEN,
            )
        erased = f", {result.erased} with erased personal values" if result.erased else ""
        anchored = (
            f", reaches the newest anchor (#{result.anchored})"
            if result.anchored is not None
            else ", no anchor log to compare"
            if not settings.LIAISON_AUDIT_ANCHOR_FILE
            else ""
        )
        self.stdout.write(f"{result.checked} events, chain intact{erased}{anchored}")

    def rotate_key(self) -> None:
        try:
            old, new = rotate_generated_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
            signing_key(head)
            head.save(update_fields=["key_id"])
        write_anchor(force=True)
        self.stdout.write(
            f"audit key {old.key_id} replaced by {new.key_id}: events from #{head.sequence + 1} "
            f"are signed with the new key; the old key is kept in "
            f"{settings.LIAISON_AUDIT_KEYS_DIR} to verify the events before"
        )

    def erase(self, options: dict[str, Any]) -> None:
        actor = acting_user(options["as_user"])
        try:
            with source("cli"):
                erasure = erase_subject(
                    actor=actor,
                    record_type=options["record_type"].lower(),
                    record_id=options["record_id"],
                    reason=options["reason"],
                )
        except LiaisonError as error:
            raise CommandError(str(error)) from None
        kept = (
            f"; {erasure.kept_old} older events keep their values (written before erasure existed)"
            if erasure.kept_old
            else ""
        )
        self.stdout.write(
            f"erased the personal values of {options['record_type']} {options['record_id']}"
            f" from {erasure.erased} events (event #{erasure.event.sequence}){kept}"
        )
