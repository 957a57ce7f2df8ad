"""``liaison export hcps``: the HCP list, filtered as on the web, to CSV or XLSX."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import policy
from liaison.directory import exporting
from liaison.directory.models import HCP
from liaison.directory.selectors import HCP_SORTS, HCPFilters
from liaison.lib.cli import acting_user
from liaison.lib.progress import progress_bar


class ExportHcps(BaseCommand):
    help = (
        "Export the HCPs the acting user may see, filtered like the web list, to CSV "
        "(to stdout unless --output is given) or XLSX (--output required). The columns "
        "re-import with `liaison import hcps` unchanged."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=exporting.FORMATS, default="csv")
        parser.add_argument(
            "--output", metavar="PATH", help="the file to write (CSV: default stdout)"
        )
        parser.add_argument("--q", default="", help="a name, NPI or ORCID iD to search for")
        parser.add_argument("--country", default="", help="an ISO 3166-1 alpha-2 code")
        parser.add_argument("--therapeutic-area", default="", help="a therapeutic area code")
        parser.add_argument("--territory", default="", help="a territory code")
        parser.add_argument("--specialty", default="", help="a specialty name")
        parser.add_argument("--sort", choices=sorted(HCP_SORTS), default="name")
        parser.add_argument(
            "--as",
            dest="as_user",
            required=True,
            metavar="USERNAME",
            help="the user whose view of the directory is exported",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        if not policy.grants_any(actor, "export", HCP):
            raise CommandError(f"{actor.get_username()} holds no role and may not export")
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("--output PATH is required for XLSX")
        filters = HCPFilters(
            q=options["q"],
            country=options["country"],
            therapeutic_area=options["therapeutic_area"],
            territory=options["territory"],
            specialty=options["specialty"],
            sort=options["sort"],
        )
        total = exporting.export_queryset(actor, filters).count()
        output = Path(options["output"]) if options["output"] else None
        with progress_bar(enabled=options["verbosity"] > 0 and output is not None) as bar:

            def counted() -> Iterator[list[str]]:
                for index, row in enumerate(exporting.export_rows(actor, filters)):
                    if index and (index % 1000 == 0 or index == total):
                        bar("exporting", index, total)
                    yield row

            try:
                if options["format"] == "xlsx":
                    assert output is not None
                    with output.open("wb") as stream:
                        exporting.write_xlsx(counted(), stream)
                elif output is not None:
                    with output.open("w", encoding="utf-8-sig", newline="") as text:
                        exporting.write_csv(counted(), text)
                else:
                    exporting.write_csv(counted(), self.stdout)
            except OSError as error:
                raise CommandError(f"{output}: cannot write ({error.strerror})") from None
        if output is not None:
            self.stderr.write(f"exported {total} HCP(s) to {output}")
