"""``liaison safety export-e2b --case ID --out FILE [--regional fda] [--sent] --as USERNAME``:
a case as an E2B(R3) file.

The file is written whether or not it validates; the validation against the ICH
schema set (``LIAISON_E2B_SCHEMA_DIR``) is printed, and a file that does not
validate makes the command exit non-zero. Every export is recorded as an exported
submission, which its acknowledgement (``import-ack``) will name, in the same
transaction as the file is written: a file that cannot be written records
nothing. Exporting submits nothing; ``--sent`` says the file is being sent to the
regulator now, which submits the case and stops its regulatory clock (a file that
does not validate is not marked sent). Without it, the command says how to mark
the file sent later (``mark-sent``).
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.lib.cli import acting_user
from liaison.lib.private_files import open_private
from liaison.safety.models import Case, Submission


def find_case(actor: User, given: str) -> Case:
    """The case ``given`` names (its id, reference or safety report id) among those
    ``actor`` sees."""
    value = given.strip()
    match = Q(reference=value) | Q(safety_report_id=value)
    if value.isdigit() and len(value) < 19:
        match |= Q(pk=int(value))
    case = policy.scope(actor, "view", Case).filter(match).first()
    if case is None:
        raise CommandError(f"--case: no case {given!r} that {actor.get_username()} may see")
    return case


class ExportE2B(BaseCommand):
    help = (
        "Write a case as an ICH E2B(R3) file (an MCCI_IN200100UV01 batch), acting as a "
        "pharmacovigilance user; the patient's initials are masked unless --unmask-patient. "
        "Prints whether the file validates against the ICH schema set and exits non-zero "
        "when it does not. The export is recorded on the case but submits nothing: --sent "
        "marks the file sent to the regulator, which submits the case."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--case",
            required=True,
            metavar="ID",
            help="the case: its id, its reference (AE-2026-00012) or its safety report id",
        )
        parser.add_argument("--out", required=True, metavar="FILE", help="the XML file to write")
        parser.add_argument(
            "--regional", choices=["fda"], help="add the FDA regional elements (FDA.x)"
        )
        parser.add_argument(
            "--unmask-patient",
            dest="unmask_patient",
            action="store_true",
            help="write the patient's initials (masked with nullFlavor MSK by default)",
        )
        parser.add_argument(
            "--sent",
            action="store_true",
            help="the file is being sent to the regulator now: mark it sent, which submits the "
            "case and stops its regulatory clock (refused for a file that does not validate)",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the pharmacovigilance user exporting (recorded with the submission)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from liaison.safety.services.e2b import export_case
        from liaison.safety.services.submissions import mark_submission_sent

        actor = acting_user(options["as_user"])
        case = find_case(actor, options["case"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"--out: {out.parent} is not a folder (nothing was exported)")
        if out.is_dir() or not os.access(out.parent, os.W_OK):
            raise CommandError(f"--out: {out} cannot be written (nothing was exported)")
        try:
            with audit.source("cli"), transaction.atomic():
                export = export_case(
                    actor=actor,
                    case=case,
                    regional=options["regional"],
                    unmask_patient=options["unmask_patient"],
                )
                # Written before the export commits: a file that cannot be written leaves
                # no record of an export that never happened.
                with open_private(out) as stream:
                    stream.write(export.content)
                if options["sent"] and export.valid is not False:
                    mark_submission_sent(actor=actor, submission=export.submission)
        except LiaisonError as error:
            raise CommandError(f"{case.reference}: {error.message}") from None
        except OSError as error:
            raise CommandError(
                f"--out: {out} could not be written ({error.strerror or error}); nothing was "
                "exported"
            ) from None
        self.stdout.write(
            f"Wrote {out} ({len(export.content):,} bytes): case {case.reference}, safety report "
            f"id {case.safety_report_id}, message {export.submission.message_id}."
        )
        if export.valid is None:
            self.stdout.write(
                "Not validated: no ICH schema set is configured (LIAISON_E2B_SCHEMA_DIR)."
            )
        elif export.valid:
            self.stdout.write("Valid against the ICH E2B(R3) schema set.")
        else:
            for problem in export.errors:
                self.stdout.write(f"{out.name}, {problem}")
            raise CommandError(
                f"{out} was written but does not validate against the ICH E2B(R3) schema set "
                f"({len(export.errors)} error{'s' if len(export.errors) != 1 else ''}, listed "
                "above); it is not to be sent"
                + (", so it was not marked sent" if options["sent"] else "")
            )
        self.stdout.write(_sent_text(export.submission, case, sent=options["sent"]))


def _sent_text(submission: Submission, case: Case, *, sent: bool) -> str:
    if sent:
        return f"Marked sent: {case.reference} is submitted."
    return (
        f"Not marked sent (submission {submission.pk}): exporting submits nothing. Once the "
        f"file is sent, run `liaison safety mark-sent {submission.pk} --as USERNAME`, or mark "
        "it sent on the case's page."
    )
