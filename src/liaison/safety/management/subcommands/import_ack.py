"""``liaison safety import-ack FILE --as USERNAME``: an E2B(R3) acknowledgement.

A positive or negative acknowledgement (``MCCI_IN200101UV01``) updates the
submission status of the cases it names; it never creates a case, and an ICSR
file is refused, pointing to ``import-e2b``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit
from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.safety.models import SubmissionStatus


class ImportAck(BaseCommand):
    help = (
        "Apply an E2B(R3) acknowledgement file (MCCI_IN200101UV01) to the submissions it "
        "names: each named case's submission becomes accepted or rejected. It never creates "
        "a case; an ICSR file is refused (import it with `liaison safety import-e2b`)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the acknowledgement XML file")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the pharmacovigilance user importing (recorded in the audit trail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from liaison.safety.services.e2b import import_ack

        actor = acting_user(options["as_user"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with audit.source("cli"), path.open("rb") as stream:
                result = import_ack(actor=actor, stream=stream, name=path.name)
        except LiaisonError as error:
            message = error.message
            raise CommandError(
                message if message.startswith(path.name) else f"{path.name}: {message}"
            ) from None
        answer = "accepted" if result.accepted else "rejected"
        self.stdout.write(f"Acknowledgement of batch {result.batch_id}: {answer}.")
        for case, status in result.updated:
            label = SubmissionStatus(status).label
            self.stdout.write(f"{case.reference} ({case.safety_report_id}): {label}")
        if result.unknown:
            self.stdout.write("Not sent by Liaison, left alone: " + ", ".join(result.unknown) + ".")
