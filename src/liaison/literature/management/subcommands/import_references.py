"""``liaison import references``: a user's RIS, BibTeX or .nbib file into their library."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core.audit import source
from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.literature.services.references import import_references


class ImportReferences(BaseCommand):
    help = (
        "Import reference files (RIS, BibTeX or PubMed .nbib) into the acting user's own "
        "library, matching each reference to the library's PubMed records by PMID, then DOI."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--as", dest="as_user", required=True, metavar="USERNAME", help="whose library"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        failed = False
        for path in options["files"]:
            try:
                with source("cli"):
                    report = import_references(actor=actor, path=path)
            except (LiaisonError, OSError) as error:
                self.stderr.write(getattr(error, "message", None) or f"{path}: {error}")
                failed = True
                continue
            self.stdout.write(
                f"{report.name}: {report.read} read, {len(report.matched)} matched, "
                f"{len(report.unmatched)} not in the library, {len(report.errors)} unreadable; "
                f"{report.added} added, {report.already} already in the library"
            )
            for problem in report.errors:
                self.stderr.write(problem)
        if failed:
            raise CommandError("some files could not be imported")
