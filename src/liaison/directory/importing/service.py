"""Importing HCPs and organizations: check every row, then write valid files in batches.

:func:`validate_file` checks every row (pure, no database lookups) for the web
report. :func:`import_file` reads the file once, in a check pass that writes
nothing: each row is checked alone, then the valid rows are matched in
batches with the records they would update (by Liaison ID, NPI, ORCID or
name), which finds the clashes with the database and between rows; the
report then lists every problem of the file. Only a valid file (or its valid
rows, when invalid rows are to be skipped) goes on to the write pass, which
writes :data:`COMMIT_ROWS` rows per transaction: new records bulk-inserted,
changed ones updated, and every created or updated record audited
(:func:`liaison.core.audit.record_events`, the same hash chain as
:func:`~liaison.core.audit.record_event`) in its batch's transaction. The
chain's head is locked for one batch at a time, so an interactive audited
write waits at most one batch. :func:`check_file` is a dry run: everything,
each batch rolled back.

Matching (:mod:`.hcp_writer`): an HCP row updates the HCP with its Liaison
ID, NPI or ORCID, and is an error when they name two HCPs or differ from
the HCP's own; a row with an NPI or ORCID the directory does not know is a
new HCP. A row with none of them matches the one HCP of the same name and
country (several are an error), and such a match is applied only when the
user confirmed it (``match_names``: all of them; ``confirmed``: the (row,
HCP id) pairs the web's review showed) or when it would change nothing;
otherwise the row is held back, listed in the report and not written.
:func:`review_file` shows what each row would do before anything is queued.
An organization row updates the organization with the same name and country
(and city, when the file has a city column). Only mapped columns are
written; an empty NPI or ORCID cell never clears one. A record already
equal to its row is not touched, so importing the same file twice changes
nothing and writes no event, and an import interrupted between batches is
completed by importing the file again.
"""

from __future__ import annotations

import logging
import pickle
import time
import zlib
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import IntegrityError, connection, transaction

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Territory, User
from liaison.directory.importing.fields import Kind, check_mapping, default_mapping
from liaison.directory.importing.hcp_writer import HCPWriter
from liaison.directory.importing.organization_writer import OrganizationWriter
from liaison.directory.importing.reading import (
    DEFAULT_LIMITS,
    FileLimits,
    estimate_rows,
    read_preview,
    read_rows,
)
from liaison.directory.importing.report import ImportReport
from liaison.directory.importing.validation import CheckedRow, Problem, Reference, Validator
from liaison.directory.importing.writing import BATCH_SIZE, RowWriter, WriteClash
from liaison.directory.models import HCP, TherapeuticArea
from liaison.lib.progress import ProgressSink

logger = logging.getLogger(__name__)

#: Rows written per transaction: a batch takes well under a second, so an
#: audited write elsewhere waits at most that long for the chain's head.
COMMIT_ROWS = 500
#: Seconds the write pass leaves SQLite's write lock free between batches.
SQLITE_PAUSE = 0.01


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


#: The most characters of a cell the mapping page's preview shows.
PREVIEW_CELL_CHARS = 80


def _open(path: Path, file_name: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise LiaisonError(f"{file_name}: cannot open the file ({error.strerror})") from None


@contextmanager
def _open_rows(
    path: Path, file_name: str, sheet: str | None, limits: FileLimits
) -> Iterator[Iterator[list[str]]]:
    with _open(path, file_name) as stream:
        rows = read_rows(stream, file_name=file_name, sheet=sheet or None, limits=limits)
        try:
            yield rows
        finally:
            # Close the reader while its file is still open.
            close = getattr(rows, "close", None)
            if close is not None:
                close()


def _shown(cell: str) -> str:
    return cell if len(cell) <= PREVIEW_CELL_CHARS else cell[: PREVIEW_CELL_CHARS - 1] + "…"


def preview_file(
    *,
    path: Path,
    kind: Kind | str,
    sheet: str | None = None,
    file_name: str | None = None,
    rows: int = 5,
    limits: FileLimits = DEFAULT_LIMITS,
) -> Preview:
    """The header, the default mapping and the first ``rows`` rows of a file
    (cells cut to :data:`PREVIEW_CELL_CHARS` for the page); nothing past them
    is read, and an XLSX's caps are checked before anything is."""
    name = file_name or path.name
    with _open(path, name) as stream:
        found = read_preview(stream, file_name=name, sheet=sheet, rows=rows, limits=limits)
    if not any(found.header):
        raise LiaisonError(f"{name}: the file is empty (row 1 must hold the column headers)")
    shown = [[_shown(cell) for cell in row] for row in found.rows]
    return Preview(found.header, default_mapping(kind, found.header), shown, found.sheets)


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
    limits: FileLimits = DEFAULT_LIMITS,
    names: dict[int, str] | None = None,
) -> Iterator[CheckedRow]:
    """Every non-blank data row, checked; header problems go into ``report``;
    ``columns`` receives the header of each mapped field, ``names`` the person
    or organization each row names, as the file spells it."""
    with _open_rows(path, file_name, sheet, limits) as reader:
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
        named = [
            validator.columns[name][0]
            for name in ("given_name", "family_name", "name")
            if name in validator.columns
        ]
        for row_number, cells in enumerate(reader, start=2):
            if not any(cells):
                continue
            if names is not None:
                names[row_number] = " ".join(
                    cells[index].strip() for index in named if index < len(cells)
                ).strip()
            yield validator.check_row(row_number, cells)


def validate_file(
    *,
    actor: User,
    path: Path,
    kind: Kind | str,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
    limits: FileLimits = DEFAULT_LIMITS,
) -> ImportReport:
    """The pure validation of every row (no writes, no lookups of existing
    records). Clashes with the database (an NPI and an ORCID of two different
    HCPs) and what each row would update surface in :func:`review_file` (what
    the web shows before the import is queued), :func:`check_file` and the import. A file past ``limits.max_rows``
    raises :class:`~liaison.directory.importing.reading.TooManyRows` (the
    web passes a small cap, and checks larger files in a job)."""
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
        limits=limits,
    ):
        report.rows += 1
        for problem in checked.problems:
            report.add(problem)
    report.skipped = len(report.invalid_rows - {1})
    return report


def review_file(
    *,
    actor: User,
    path: Path,
    kind: Kind | str,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
    limits: FileLimits = DEFAULT_LIMITS,
) -> ImportReport:
    """What importing the file would do, row by row, writing nothing: every
    row is checked and matched with the record it would update, and the
    report's ``row_matches`` says for each valid row whether it creates a
    record, updates (or leaves unchanged) which one, found by which key, with
    the fields it would change; rows matching an HCP on name alone are held
    back (``held_back``) until the user confirms them. Clashes with the
    directory are problems, as in the import. The web's report page calls it
    for files of up to ``LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS`` rows (``limits``)."""
    _require_importer(actor)
    kind = Kind(kind)
    name = file_name or path.name
    report = ImportReport(file_name=name, kind=kind.value, dry_run=True, row_matches={})
    columns: dict[str, str] = {}
    rows = _checked_rows(
        path=path,
        file_name=name,
        kind=kind,
        mapping=mapping,
        sheet=sheet,
        reference=load_reference(),
        report=report,
        columns=columns,
        limits=limits,
        names=report.row_names,
    )
    writer_class = HCPWriter if kind == Kind.HCPS else OrganizationWriter
    writer = writer_class(actor=actor, file_name=name, report=report, columns=columns)
    _check_pass(rows, writer, report, None)
    return report


def check_file(
    *,
    actor: User,
    path: Path,
    kind: Kind | str,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
    limits: FileLimits = DEFAULT_LIMITS,
    progress: ProgressSink | None = None,
    match_names: bool = False,
    confirmed: Collection[tuple[int, int]] = (),
) -> ImportReport:
    """Every problem of the file, found without writing anything (a dry run
    that also looks up the records each row would update, and lists the rows
    it would hold back)."""
    return import_file(
        actor=actor,
        path=path,
        kind=kind,
        mapping=mapping,
        sheet=sheet,
        file_name=file_name,
        dry_run=True,
        skip_invalid=True,
        limits=limits,
        progress=progress,
        match_names=match_names,
        confirmed=confirmed,
    )


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, a bigger page cache for the import's connection, so index
    pages are not spilled and re-read from one batch to the next, and fewer
    checkpoints of the write-ahead log over the write pass's many commits."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -131072")  # 128 MiB, taken only as needed
        # A checkpoint every 40 MB of log rather than 4: fewer syncs over many commits.
        cursor.execute("PRAGMA wal_autocheckpoint = 10000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")


class _DryRun(Exception):
    """Rolls back a dry run's batch."""


class ImportInterrupted(LiaisonError):
    """The write pass stopped part way: the batches before it are written, the
    rest is not. Running the same file again completes the import."""


class _Checked:
    """The valid rows of the check pass, kept for the write pass in chunks of
    :data:`COMMIT_ROWS`, each pickled and compressed (about half the CSV's
    size: 38 bytes a row for the benchmark's six columns), so the file is
    neither read nor validated twice."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.pending: list[CheckedRow] = []

    def add(self, checked: CheckedRow) -> None:
        self.pending.append(checked)
        if len(self.pending) >= COMMIT_ROWS:
            self.close()

    def close(self) -> None:
        if self.pending:
            self.chunks.append(zlib.compress(pickle.dumps(self.pending, protocol=5), 1))
            self.pending = []

    def batches(self, report: ImportReport) -> Iterator[list[CheckedRow]]:
        """Each chunk without the rows the check pass found to clash or held
        back; emptied as it goes."""
        self.chunks.reverse()
        left_out = report.invalid_rows | report.held_back_rows
        while self.chunks:
            # Bytes this object pickled itself, never read from outside.
            rows: list[CheckedRow] = pickle.loads(zlib.decompress(self.chunks.pop()))  # noqa: S301
            batch = [row for row in rows if row.row not in left_out]
            if batch:
                yield batch


def _check_pass(
    rows: Iterator[CheckedRow],
    writer: RowWriter,
    report: ImportReport,
    progress: ProgressSink | None,
) -> _Checked:
    """Every row's problems into ``report``, writing nothing: each row is
    checked alone (pure), then the valid ones are matched in batches with the
    records they would update, which finds the clashes with the database and
    between rows (one query per batch, read only). Returns the valid rows."""
    kept = _Checked()
    batch: list[CheckedRow] = []
    for checked in rows:
        report.rows += 1
        if progress is not None:
            progress.advance(1)
        if not checked.is_valid:
            for problem in checked.problems:
                report.add(problem)
            report.skipped += 1
            continue
        kept.add(checked)
        batch.append(checked)
        if len(batch) >= BATCH_SIZE:
            writer.check(batch)
            batch = []
    if batch:
        writer.check(batch)
    kept.close()
    # Clashes are found a batch after the rows checked alone: list by row.
    report.problems.sort(key=lambda problem: problem.row)
    return kept


def _write_pass(
    checked: _Checked,
    writer: RowWriter,
    report: ImportReport,
    *,
    dry_run: bool,
    progress: ProgressSink | None,
) -> None:
    """Write the valid rows, :data:`COMMIT_ROWS` per transaction, each with its
    own audit events: the audit chain's head (and SQLite's write lock) is held
    for one batch at a time, so other users' audited writes wait at most one
    batch. A dry run rolls each batch back. A batch that fails is rolled back
    and stops the import with :class:`ImportInterrupted`, which says how many
    rows the earlier batches wrote."""
    writer.writing = True
    first_row = 0
    try:
        for chunk in checked.batches(report):
            first_row = chunk[0].row
            created, updated = report.created, report.updated
            try:
                with transaction.atomic(), audit.source("import"):
                    for start in range(0, len(chunk), BATCH_SIZE):
                        writer.write(chunk[start : start + BATCH_SIZE])
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                writer.forget()
            report.written_rows += len(chunk)
            if connection.vendor == "sqlite":
                # SQLite gives the write lock to whoever asks after a commit, and
                # a waiting writer polls (every 1 to 100 ms): without a pause the
                # next batch would take the lock again at once, before it looks.
                time.sleep(SQLITE_PAUSE)
            if progress is not None:
                # After the commit: a job's counts are what is written.
                progress.advance(
                    len(chunk), created=report.created - created, updated=report.updated - updated
                )
    except WriteClash as clash:
        report.add(clash.problem)
        raise ImportInterrupted(
            f"{report.file_name}: stopped at row {clash.problem.row}, which clashes with a"
            f" change made since the file was checked: {clash.problem}. {_so_far(report)}"
        ) from None
    except IntegrityError as error:
        raise ImportInterrupted(
            f"{report.file_name}: the database refused the rows from row {first_row} on"
            f" ({error}). {_so_far(report)}"
        ) from None
    except LiaisonError as error:
        raise ImportInterrupted(f"{error.message} {_so_far(report)}") from error
    except Exception as error:
        logger.exception("import of %s stopped", report.file_name)
        raise ImportInterrupted(
            f"{report.file_name}: the import stopped at row {first_row} ({type(error).__name__}:"
            f" {error}). {_so_far(report)}"
        ) from error


def _so_far(report: ImportReport) -> str:
    if not report.written_rows:
        return "Nothing was written."
    return (
        f"The {report.written_rows} row(s) before it were written; run the same file"
        " again to complete the import (rows already written are matched and left unchanged)."
    )


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
    limits: FileLimits = DEFAULT_LIMITS,
    match_names: bool = False,
    confirmed: Collection[tuple[int, int]] = (),
) -> ImportReport:
    """Check the whole file, writing nothing; then write it in batches.

    The check pass reads every row, checks it and matches it with the record
    it would update, so the report lists every problem, including clashes with
    the database (an NPI and an ORCID of two different HCPs, two rows updating
    one record). When any row is invalid and ``skip_invalid`` is false nothing
    is written. Otherwise the write pass writes the valid rows (kept, compressed,
    from the check pass), :data:`COMMIT_ROWS` per transaction (see :func:`_write_pass`).
    Other users see the batches land one by one. An import interrupted part
    way (:class:`ImportInterrupted`, a crash, a kill) is completed by importing
    the same file again: the rows already written match their records and
    are left unchanged, so nothing is doubled.

    ``dry_run`` does everything and rolls each batch back; its counts are
    exact except where a row depends on a record an earlier batch created.
    ``progress`` advances twice per row: once when checked, once when written
    (its total is twice the estimated rows). The file is read within
    ``limits`` (its rows, an XLSX's unpacked size and compression): a file past
    them stops the import in the check pass, before anything is written.

    An HCP row that matches on name and country alone is applied only with
    ``match_names`` (all such rows), when its (row, HCP id) pair is in
    ``confirmed`` (what the user ticked in the web's review), or when it would
    change nothing; otherwise it is held back: listed in ``report.held_back``,
    not written, and not a problem (the other rows are imported)."""
    _require_importer(actor)
    kind = Kind(kind)
    name = file_name or path.name
    report = ImportReport(file_name=name, kind=kind.value, dry_run=dry_run, match_names=match_names)
    reference = load_reference()
    if progress is not None:
        progress.set_total(2 * estimate_rows(path, file_name=name, sheet=sheet, limits=limits))
    writer_class = HCPWriter if kind == Kind.HCPS else OrganizationWriter
    columns: dict[str, str] = {}

    rows = _checked_rows(
        path=path,
        file_name=name,
        kind=kind,
        mapping=mapping,
        sheet=sheet,
        reference=reference,
        report=report,
        columns=columns,
        limits=limits,
    )
    writer = writer_class(
        actor=actor,
        file_name=name,
        report=report,
        columns=columns,
        match_names=match_names,
        confirmed=confirmed,
    )
    checked = _check_pass(rows, writer, report, progress)
    if report.problems and (not skip_invalid or 1 in report.invalid_rows):
        report.rejected = True
        report.skipped = 0
        return report
    with _large_page_cache():
        _write_pass(checked, writer, report, dry_run=dry_run, progress=progress)
    report.written = not dry_run
    return report
