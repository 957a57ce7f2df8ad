"""``liaison export publications``: library publications to RIS, BibTeX, CSV or XLSX."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.literature.selectors import PUBLICATION_SORTS, PublicationFilters
from liaison.literature.services.references import EXPORT_FORMATS, export_selection


class ExportPublications(BaseCommand):
    help = (
        "Export the publications of the library, selected by --pmid or by the web list's "
        "filters, to RIS, BibTeX, CSV or XLSX for EndNote, Zotero, Mendeley or a spreadsheet "
        "(to stdout unless --output is given; XLSX needs --output)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="ris")
        parser.add_argument("--output", metavar="PATH", help="the file to write")
        parser.add_argument("--pmid", type=int, action="append", help="a PMID (repeatable)")
        parser.add_argument(
            "--q",
            default="",
            help="a search (docs/query-language.md): words of the title or abstract, "
            "AND, OR, NOT, phrases, prefix*, tags [ti] [tiab] [au] [mh] [pt] [dp]",
        )
        parser.add_argument("--journal", default="", help="part of the journal title, or ISSN")
        parser.add_argument("--author", default="", help="part of an author's name")
        parser.add_argument("--mesh", default="", help="a MeSH descriptor name or UI")
        parser.add_argument("--since", type=dt.date.fromisoformat, help="published on or after")
        parser.add_argument("--sort", choices=PUBLICATION_SORTS, default="date")
        parser.add_argument(
            "--as", dest="as_user", required=True, metavar="USERNAME", help="the acting user"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        output = Path(options["output"]) if options["output"] else None
        if options["format"] == "xlsx" and output is None:
            raise CommandError("--output PATH is required for XLSX")
        filters = PublicationFilters(
            q=options["q"],
            journal=options["journal"],
            author=options["author"],
            mesh=options["mesh"],
            date_from=options["since"],
            sort=options["sort"],
        )
        try:
            export = export_selection(
                actor=actor, format=options["format"], filters=filters, pmids=options["pmid"]
            )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        if output is None:
            self.stdout.write(export.content.decode("utf-8-sig"), ending="")
            return
        try:
            output.write_bytes(export.content)
        except OSError as error:
            raise CommandError(f"{output}: cannot write ({error.strerror})") from None
