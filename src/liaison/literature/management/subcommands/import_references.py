"""``liaison import references``: a user's RIS, BibTeX or .nbib file into their library.

Each file's counts go to standard output; the records that could not be read
and the warnings (file, entry, field, reason) to standard error. The command
exits non-zero when a file could not be imported or a record could not be
read, saying how many: ``2 of 50 records could not be read; 48 imported``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core.audit import source
from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.literature.services.references import import_references, unreadable_sentence


class ImportReferences(BaseCommand):
    help = (
        "Import reference files (RIS, BibTeX or PubMed .nbib) into the acting user's own "
        "library, matching each reference to the library's PubMed records by PMID, then DOI. "
        "Exits non-zero when a record could not be read."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--as", dest="as_user", required=True, metavar="USERNAME", help="whose library"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        files = options["files"]
        failed_files = 0
        records = unreadable = 0
        for path in files:
            try:
                with source("cli"):
                    report = import_references(actor=actor, path=path)
            except (LiaisonError, OSError) as error:
                self.stderr.write(getattr(error, "message", None) or f"{path}: {error}")
                failed_files += 1
                continue
            self.stdout.write(
                f"{report.name}: {report.read} read, {len(report.matched)} matched, "
                f"{len(report.unmatched)} not in the library, {len(report.errors)} unreadable, "
                f"{len(report.warnings)} warnings; "
                f"{report.added} added, {report.already} already in the library"
            )
            for problem in report.errors:
                self.stderr.write(f"could not be read: {problem}")
            for warning in report.warnings:
                self.stderr.write(f"warning: {warning}")
            if sentence := report.unreadable():
                self.stderr.write(f"{report.name}: {sentence}")
            records += report.records
            unreadable += len(report.errors)
        problems = []
        if failed_files:
            problems.append(
                f"{failed_files} of {len(files)} file{'s' if len(files) != 1 else ''} "
                "could not be imported"
            )
        if unreadable:
            problems.append(unreadable_sentence(unreadable, records))
        if problems:
            raise CommandError("; ".join(problems))
