"""``liaison safety import-e2b FILE... --as USERNAME [--format json]``: cases from
E2B(R3) ICSR files.

Each file is its own transaction: all of its cases or none. With several files
a refused file does not undo or stop the others: its reason is printed, the
cases of the other files stay imported, and the command exits non-zero at the
end. An acknowledgement file is refused, pointing to ``import-ack``.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.lib.cli import acting_user
from liaison.lib.progress import BarProgress, progress_bar
from liaison.safety.models import Case


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


class ImportE2B(BaseCommand):
    help = (
        "Import every ICSR of E2B(R3) files (MCCI_IN200100UV01 batches) as cases in review, "
        "acting as a pharmacovigilance user. Each file is its own transaction: all of its "
        "cases or none. With several files, a refused file is reported and the others are "
        "still imported; the command then exits non-zero. An acknowledgement file is refused: "
        "import it with `liaison safety import-ack`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="E2B(R3) ICSR XML files")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the pharmacovigilance user importing (recorded in the audit trail)",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help='json: one line per case, {"case": <id>, "report_id": "<C.1.1>"}',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        if not policy.can(actor, "import", Case):
            raise CommandError(
                f"{actor.get_username()} may not import cases: pharmacovigilance only"
            )
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file (nothing was imported)")
        as_json = options["format"] == "json"
        refused: list[str] = []
        imported = 0
        show = len(paths) > 1 and options["verbosity"] > 0
        with audit.source("cli"), progress_bar(enabled=show) as bar:
            progress = BarProgress(bar, "files")
            progress.set_total(len(paths))
            for path in paths:
                try:
                    cases = self.import_file(actor, path)
                except (LiaisonError, OSError) as error:
                    refused.append(_reason(path, error))
                    cases = []
                progress.advance()
                imported += len(cases)
                for case in cases:
                    self.stdout.write(_line(path, case, as_json=as_json))
        if not refused:
            if not as_json:
                self.stdout.write(
                    f"Imported {_plural(imported, 'case')} from {_plural(len(paths), 'file')}."
                )
            return
        if len(refused) == 1 and len(paths) == 1:
            raise CommandError(f"{refused[0]} (nothing was imported)")
        for reason in refused:
            self.stderr.write(reason)
        raise CommandError(
            f"{len(refused)} of {_plural(len(paths), 'file')} refused (listed above; a refused "
            f"file imports nothing); {_plural(imported, 'case')} imported from the others"
        )

    @staticmethod
    def import_file(actor: User, path: Path) -> list[Case]:
        from liaison.safety.services.e2b import import_e2b

        with path.open("rb") as stream:
            return import_e2b(actor=actor, stream=stream, name=path.name)


def _reason(path: Path, error: LiaisonError | OSError) -> str:
    """The refusal in one sentence naming the file."""
    if isinstance(error, OSError):
        return f"{path}: {error.strerror or error}"
    message = error.message
    return message if message.startswith(path.name) else f"{path.name}: {message}"


def _line(path: Path, case: Case, *, as_json: bool) -> str:
    if as_json:
        return json.dumps({"case": case.pk, "report_id": case.safety_report_id})
    return (
        f"{path.name}: {case.reference} (case {case.pk}), safety report id {case.safety_report_id}"
    )
