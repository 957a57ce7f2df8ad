"""Importing HCPs and organizations: validate every row, write everything or nothing.

:func:`validate_file` checks every row (pure, no database lookups) for the web
report. :func:`import_file` reads the file once: each row is checked before it
joins a batch, and batches are written in one transaction; existing records
are prefetched per batch (by Liaison ID, NPI, ORCID or name), new ones
bulk-inserted, and every created or updated record gets its audit event
(:func:`liaison.core.audit.record_events`, the same hash chain as
:func:`~liaison.core.audit.record_event`) in that transaction. After the
first problem the remaining rows are still checked, so the report is
complete, and the transaction is rolled back unless invalid rows are to be
skipped. :func:`check_file` is a dry run: everything, then rolled back.

Matching: an HCP row updates the HCP with its Liaison ID, else its NPI, else
its ORCID; a row with none of them updates the HCP with the same name and
country (the oldest, if several). An organization row updates the
organization with the same name and country (and city, when the file has a
city column). Only mapped columns are written; an empty NPI or ORCID cell
never clears one. A record already equal to its row is not touched, so
importing the same file twice changes nothing and writes no event.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, connection, transaction

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Territory, User
from liaison.directory.importing.fields import Kind, check_mapping, default_mapping
from liaison.directory.importing.reading import estimate_rows, read_rows, sheet_names
from liaison.directory.importing.report import ImportReport
from liaison.directory.importing.validation import CheckedRow, Problem, Reference, Validator
from liaison.directory.importing.writing import BATCH_SIZE, HCPWriter, OrganizationWriter
from liaison.directory.models import HCP, TherapeuticArea
from liaison.lib.progress import ProgressSink


@dataclass(frozen=True)
class Preview:
    """The columns of a file, the default mapping and its first rows."""

    header: list[str]
    mapping: dict[str, str]
    rows: list[list[str]]
    sheets: list[str]


def _require_importer(actor: User) -> None:
    if not policy.can(actor, "import", HCP):
        raise PermissionDenied("only administrators may import into the directory")


def load_reference() -> Reference:
    """The therapeutic-area and territory codes a file may name."""
    pairs = list(TherapeuticArea.objects.values_list("code", "name"))
    # A code wins over another area's identical name.
    areas = {name.casefold(): code for code, name in pairs}
    areas.update({code.casefold(): code for code, _ in pairs})
    territories = {
        code.casefold(): code for code in Territory.objects.values_list("code", flat=True)
    }
    return Reference(therapeutic_areas=areas, territories=territories)


@contextmanager
def _open_rows(path: Path, file_name: str, sheet: str | None) -> Iterator[Iterator[list[str]]]:
    try:
        stream = path.open("rb")
    except OSError as error:
        raise LiaisonError(f"{file_name}: cannot open the file ({error.strerror})") from None
    with stream:
        rows = read_rows(stream, file_name=file_name, sheet=sheet or None)
        try:
            yield rows
        finally:
            # Close the reader while its file is still open.
            close = getattr(rows, "close", None)
            if close is not None:
                close()


def preview_file(
    *,
    path: Path,
    kind: Kind | str,
    sheet: str | None = None,
    file_name: str | None = None,
    rows: int = 5,
) -> Preview:
    """The header, the default mapping and the first ``rows`` rows of a file."""
    name = file_name or path.name
    with _open_rows(path, name, sheet) as reader:
        header = next(reader, [])
        first = [row for _, row in zip(range(rows), reader, strict=False)]
    if not any(header):
        raise LiaisonError(f"{name}: the file is empty (row 1 must hold the column headers)")
    with path.open("rb") as stream:
        sheets = sheet_names(stream, file_name=name)
    return Preview(header, default_mapping(kind, header), first, sheets)


def _checked_rows(
    *,
    path: Path,
    file_name: str,
    kind: Kind,
    mapping: Mapping[str, str] | None,
    sheet: str | None,
    reference: Reference,
    report: ImportReport,
    columns: dict[str, str] | None = None,
) -> Iterator[CheckedRow]:
    """Every non-blank data row, checked; header problems go into ``report``;
    ``columns`` receives the header of each mapped field."""
    with _open_rows(path, file_name, sheet) as reader:
        header = next(reader, None)
        if header is None or not any(header):
            report.add(
                Problem(file_name, 1, "", "", "", "the file is empty (row 1 must hold the headers)")
            )
            return
        chosen = dict(mapping) if mapping is not None else default_mapping(kind, header)
        check_mapping(kind, chosen)
        validator = Validator(
            kind=kind, file_name=file_name, header=header, mapping=chosen, reference=reference
        )
        for problem in validator.header_problems:
            report.add(problem)
        if columns is not None:
            columns.update({name: header for name, (_, header) in validator.columns.items()})
        if validator.header_problems:
            return
        for row_number, cells in enumerate(reader, start=2):
            if not any(cells):
                continue
            yield validator.check_row(row_number, cells)


def validate_file(
    *,
    actor: User,
    path: Path,
    kind: Kind | str,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """The pure validation of every row (no writes, no lookups of existing
    records): what the web shows before the import is queued. Clashes with
    the database (an NPI and an ORCID of two different HCPs) surface when the
    import runs, or in :func:`check_file`."""
    _require_importer(actor)
    kind = Kind(kind)
    name = file_name or path.name
    report = ImportReport(file_name=name, kind=kind.value, dry_run=True)
    for checked in _checked_rows(
        path=path,
        file_name=name,
        kind=kind,
        mapping=mapping,
        sheet=sheet,
        reference=load_reference(),
        report=report,
    ):
        report.rows += 1
        for problem in checked.problems:
            report.add(problem)
    report.skipped = len(report.invalid_rows - {1})
    return report


def check_file(
    *,
    actor: User,
    path: Path,
    kind: Kind | str,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Every problem of the file, found without writing anything (a dry run
    that also looks up the records each row would update)."""
    return import_file(
        actor=actor,
        path=path,
        kind=kind,
        mapping=mapping,
        sheet=sheet,
        file_name=file_name,
        dry_run=True,
        skip_invalid=True,
    )


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, a bigger page cache for the import's one long transaction,
    so index pages are not spilled and re-read again and again."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -131072")  # 128 MiB, taken only as needed
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


class _Rejected(Exception):
    """Rolls back an import that found a problem only while writing."""


class _DryRun(Exception):
    """Rolls back a dry run."""


def import_file(
    *,
    actor: User,
    path: Path,
    kind: Kind | str,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    file_name: str | None = None,
    progress: ProgressSink | None = None,
) -> ImportReport:
    """Validate the whole file, then import it in one transaction.

    When any row is invalid and ``skip_invalid`` is false nothing is written and
    the report lists every problem. With ``skip_invalid`` the valid rows are
    written and the invalid ones counted as skipped. ``dry_run`` does everything
    and rolls it back."""
    _require_importer(actor)
    kind = Kind(kind)
    name = file_name or path.name
    report = ImportReport(file_name=name, kind=kind.value, dry_run=dry_run)
    reference = load_reference()
    if progress is not None:
        progress.set_total(estimate_rows(path, file_name=name, sheet=sheet))
    writer_class = HCPWriter if kind == Kind.HCPS else OrganizationWriter
    # One pass: each row is checked (pure) before it joins a batch to write.
    # After the first problem, rows are still checked, so the report is
    # complete, but nothing more is written and the transaction is rolled back
    # unless invalid rows are to be skipped.
    try:
        with _large_page_cache(), transaction.atomic(), audit.source("import"):
            columns: dict[str, str] = {}
            writer = writer_class(
                actor=actor, file_name=name, report=report, skip=skip_invalid, columns=columns
            )
            batch: list[CheckedRow] = []
            for checked in _checked_rows(
                path=path,
                file_name=name,
                kind=kind,
                mapping=mapping,
                sheet=sheet,
                reference=reference,
                report=report,
                columns=columns,
            ):
                report.rows += 1
                if not checked.is_valid:
                    for problem in checked.problems:
                        report.add(problem)
                    report.skipped += 1
                    if progress is not None:
                        progress.advance(1, skipped=1)
                    continue
                if report.problems and not skip_invalid:
                    if progress is not None:
                        progress.advance(1)
                    continue
                batch.append(checked)
                if len(batch) >= BATCH_SIZE:
                    writer.write(batch, progress)
                    batch = []
            if batch and (skip_invalid or not report.problems):
                writer.write(batch, progress)
            if report.problems and (not skip_invalid or 1 in report.invalid_rows):
                raise _Rejected
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    except _Rejected:
        report.created = report.updated = report.unchanged = report.skipped = 0
        report.rejected = True
        return report
    except IntegrityError as error:
        raise LiaisonError(
            f"{name}: the database refused the import ({error}); nothing was written"
        ) from None
    report.written = True
    return report
