"""``liaison import hcps FILE``: import HCPs or organizations from a CSV or XLSX file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.directory.importing import Kind, import_file, parse_mapping_options, preview_file
from liaison.directory.models import HCP
from liaison.directory.tasks import import_limits
from liaison.lib.cli import acting_user
from liaison.lib.progress import BarProgress, progress_bar


class ImportHcps(BaseCommand):
    help = (
        "Import HCPs (or organizations, with --kind organizations) from a CSV or XLSX file. "
        "Every row is validated first; when any row is invalid nothing is written and the "
        "report names file, row, column and reason, unless --skip-invalid is given. "
        "Rows with a known Liaison ID, NPI or ORCID update that HCP; a row with none of them "
        "that matches an HCP on name and country alone is held back (listed, not written; "
        "the command then exits non-zero) unless --match-names is given. Importing the same "
        "file twice changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the CSV (UTF-8; comma, semicolon or tab) or XLSX file")
        parser.add_argument(
            "--kind",
            choices=[kind.value for kind in Kind],
            default=Kind.HCPS.value,
            help="what each row holds (default: hcps)",
        )
        parser.add_argument("--sheet", help="the XLSX sheet to read (default: the first)")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar='"File Column=field"',
            help="map a column to a field (an empty field ignores the column); repeat as "
            "needed. Other headers are matched to fields by name (First Name, Last Name, NPI, "
            "ORCID, Country, ...)",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and list the invalid ones instead of importing nothing",
        )
        parser.add_argument(
            "--match-names",
            action="store_true",
            help="apply the rows that match an existing HCP on name and country alone (no "
            "Liaison ID, NPI or ORCID); without it they are listed and held back",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, but write nothing"
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            required=True,
            metavar="USERNAME",
            help="the administrator the import acts as (recorded in the audit trail)",
        )

    @staticmethod
    def mapping(path: Path, options: dict[str, Any]) -> dict[str, str]:
        """The default mapping of the file's headers, overridden by each --map."""
        chosen = parse_mapping_options(options["map"])
        header_defaults = preview_file(
            path=path, kind=options["kind"], sheet=options["sheet"], rows=0, limits=import_limits()
        ).mapping
        merged = {
            header: name
            for header, name in header_defaults.items()
            if header not in chosen and name not in chosen.values()
        }
        merged.update(chosen)
        return merged

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        if not policy.can(actor, "import", HCP):
            raise CommandError(f"{actor.get_username()} may not import: administrators only")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            mapping = self.mapping(path, options) if options["map"] else None
            with audit.source("cli"), progress_bar(enabled=options["verbosity"] > 0) as bar:
                report = import_file(
                    actor=actor,
                    path=path,
                    kind=options["kind"],
                    mapping=mapping,
                    sheet=options["sheet"],
                    skip_invalid=options["skip_invalid"],
                    dry_run=options["dry_run"],
                    progress=BarProgress(bar, "importing"),
                    limits=import_limits(),
                    match_names=options["match_names"],
                )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        for problem in report.problems:
            self.stdout.write(str(problem))
        for match in report.held_back:
            self.stdout.write(match.describe(report.file_name))
        if report.rejected:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
        if report.held_back:
            raise CommandError(held_back_sentence(len(report.held_back), dry_run=report.dry_run))


def held_back_sentence(count: int, *, dry_run: bool) -> str:
    """Why the command exits non-zero after holding rows back, and how to apply them."""
    rows = "1 row was" if count == 1 else f"{count:,} rows were"
    if dry_run:
        rows = "1 row would be" if count == 1 else f"{count:,} rows would be"
    them = "it" if count == 1 else "them"
    return (
        f"{rows} held back: matching an existing HCP on name and country alone, with no"
        f" Liaison ID, NPI or ORCID to confirm it is the same person. Check {them} (listed"
        f" above), then run the same command with --match-names to apply {them}; rows"
        " already imported are left unchanged. To import a namesake as a new HCP instead,"
        " add its NPI or ORCID to the file."
    )
