"""Reading CSV and XLSX files as rows of text (pure code: no ORM, no settings).

>>> import io
>>> rows = read_rows(io.BytesIO(b"First Name;Country\\nAnna;DE\\n"), file_name="x.csv")
>>> list(rows)
[['First Name', 'Country'], ['Anna', 'DE']]

The first row is the header (row 1, as a spreadsheet shows it). Every cell is
text: XLSX numbers come back without a spurious ".0", dates as YYYY-MM-DD.

A file is read within :class:`FileLimits`. An XLSX workbook is a zip of XML
parts, so a 1 MB upload may unpack to gigabytes (a zip bomb) or declare XML
entities; :func:`check_xlsx` looks at the archive's table of contents and
each part's prolog before openpyxl reads anything: the unpacked size, each
part's compression ratio and any ``<!DOCTYPE``/``<!ENTITY``. The sheet's
declared row count (its ``<dimension>``) is checked when it is opened, and
rows are counted as they are read, so a sheet that under-declares stops at
the cap (:class:`TooManyRows`) instead of being read to its end.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

from liaison.core.errors import LiaisonError

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = (",", ";", "\t")
SAMPLE_BYTES = 64 * 1024

# Values a spreadsheet would run as a formula; written with a leading quote
# on export (see exporting.py) and read back without it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MB = 1024 * 1024
#: The most columns a header may have (the mapping page shows one select each).
MAX_COLUMNS = 1_000
#: The most parts an XLSX archive may hold (a workbook has a few dozen).
MAX_PARTS = 10_000
#: Parts smaller than this unpacked are not held to the compression ratio
#: (a tiny part of zeros compresses far, harmlessly), as Apache POI does.
RATIO_GRACE_BYTES = 100 * 1024
#: How much of an XML part's start is read to find its prolog.
PROLOG_BYTES = 64 * 1024
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True, slots=True)
class FileLimits:
    """Caps on a file the import reads (the settings give them; see docs/directory-import.md).

    ``max_rows`` counts data rows (the header is row 1, not counted),
    blank ones included; ``max_unpacked_bytes`` is an XLSX's total unpacked
    size and ``max_ratio`` the most any of its parts may be compressed (to 1);
    ``max_cell_chars`` is Excel's own limit of 32,767 characters per cell."""

    max_rows: int = 1_048_575
    max_unpacked_bytes: int = 500 * MB
    max_ratio: int = 100
    max_cell_chars: int = 32_767


DEFAULT_LIMITS = FileLimits()


class TooManyRows(LiaisonError):
    """The file has more rows than :attr:`FileLimits.max_rows`."""

    def __init__(self, file_name: str, limit: int, *, declared: int | None = None) -> None:
        found = f"declares {declared:,} data rows" if declared else "has more data rows than that"
        super().__init__(
            f"{file_name}: at most {limit:,} data rows are read, and the file {found}",
            field="file",
        )
        self.limit = limit


def _too_many_rows(file_name: str, limits: FileLimits, row_number: int) -> None:
    """Stop reading at the row past the cap (``row_number`` counts the header as 1)."""
    if row_number > limits.max_rows + 1:
        raise TooManyRows(file_name, limits.max_rows)


def _check_cells(file_name: str, limits: FileLimits, row_number: int, row: list[str]) -> None:
    if row_number == 1 and len(row) > MAX_COLUMNS:
        raise LiaisonError(
            f"{file_name}, row 1: the header has {len(row):,} columns; at most {MAX_COLUMNS:,}"
            " are read",
            field="file",
        )
    for index, cell in enumerate(row):
        if len(cell) > limits.max_cell_chars:
            raise LiaisonError(
                f"{file_name}, row {row_number}, column {index + 1}: the cell holds"
                f" {len(cell):,} characters; at most {limits.max_cell_chars:,} fit in a cell",
                field="file",
            )


def file_format(file_name: str) -> str:
    """``"csv"`` or ``"xlsx"`` by the file's suffix, or a :class:`LiaisonError`."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    raise LiaisonError(
        f"{file_name}: unsupported file type {suffix or '(none)'!r}; use .csv or .xlsx",
        field="file",
    )


def cell_text(value: Any) -> str:
    """One cell as the text a user typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def _csv_cell(text: str) -> str:
    text = text.strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS and len(text) > 1:
        return text[1:]
    return text


def detect_delimiter(sample: str) -> str:
    """The delimiter among comma, semicolon and tab that the header line uses most."""
    first_line = sample.splitlines()[0] if sample else ""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def read_csv(
    stream: IO[bytes], *, file_name: str, limits: FileLimits = DEFAULT_LIMITS
) -> Generator[list[str]]:
    """Rows of a UTF-8 CSV (with or without BOM); the delimiter is detected.

    Past ``limits.max_rows`` data rows, :class:`TooManyRows`; a cell longer
    than ``limits.max_cell_chars`` (or than the csv module's 131,072) names
    its row and column."""
    sample_bytes = stream.read(SAMPLE_BYTES)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        sample = decoder.decode(sample_bytes, final=False)
    except UnicodeDecodeError:
        raise LiaisonError(
            f'{file_name}: the file is not UTF-8 text (save it as "CSV UTF-8")', field="file"
        ) from None
    delimiter = detect_delimiter(sample)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    row_number = 0
    try:
        for row_number, row in enumerate(reader, start=1):
            _too_many_rows(file_name, limits, row_number)
            cells = [_csv_cell(cell) for cell in row]
            _check_cells(file_name, limits, row_number, cells)
            yield cells
    except UnicodeDecodeError:
        raise LiaisonError(
            f"{file_name}, row {row_number + 1}: the file is not UTF-8 text"
            ' (save it as "CSV UTF-8")',
            field="file",
        ) from None
    except csv.Error as error:
        reason = str(error)
        if "field larger than field limit" in reason:
            reason = f"a cell is longer than {csv.field_size_limit():,} characters"
        raise LiaisonError(f"{file_name}, row {row_number + 1}: {reason}", field="file") from None
    finally:
        if not stream.closed:
            text.detach()  # leave the caller's stream open


def _xml_prolog_declares_entities(head: bytes) -> bool:
    """Whether an XML part's prolog (what comes before its root element) holds a
    ``<!DOCTYPE`` or ``<!ENTITY``; a prolog longer than :data:`PROLOG_BYTES` counts."""
    root = _ROOT_START.search(head)
    prolog = head[: root.start()] if root is not None else head
    return (root is None and len(head) >= PROLOG_BYTES) or any(d in prolog for d in _DECLARATIONS)


def check_xlsx(stream: IO[bytes], *, file_name: str, limits: FileLimits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook before it is read: not a zip, too many parts, more than
    ``limits.max_unpacked_bytes`` unpacked, a part compressed more than
    ``limits.max_ratio`` to 1, or an XML part that declares entities. Reads only
    the archive's table of contents and the first bytes of each XML part (the
    sizes it declares are what :mod:`zipfile` will ever unpack: it stops there)."""
    position = stream.tell()
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise LiaisonError(
            f"{file_name}: not a readable XLSX workbook ({error})", field="file"
        ) from None
    try:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise LiaisonError(
                f"{file_name}: the workbook holds {len(parts):,} parts; at most {MAX_PARTS:,}"
                " are read",
                field="file",
            )
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.max_unpacked_bytes:
            raise LiaisonError(
                f"{file_name}: the workbook unpacks to {unpacked / MB:,.0f} MB; at most"
                f" {limits.max_unpacked_bytes / MB:,.0f} MB are read",
                field="file",
            )
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > RATIO_GRACE_BYTES and ratio > limits.max_ratio:
                raise LiaisonError(
                    f"{file_name}: the part {part.filename} is compressed {ratio:,.0f} to 1"
                    f" ({part.file_size / MB:,.1f} MB from {part.compress_size / MB:,.2f} MB);"
                    f" at most {limits.max_ratio} to 1 is read, as no spreadsheet needs more",
                    field="file",
                )
        for part in parts:
            if not part.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(part) as member:
                head = member.read(PROLOG_BYTES)
            if _xml_prolog_declares_entities(head):
                raise LiaisonError(
                    f"{file_name}: the part {part.filename} declares XML entities"
                    " (a <!DOCTYPE> or <!ENTITY>), which spreadsheet programs never write"
                    " and Liaison refuses; save the workbook again from Excel or LibreOffice",
                    field="file",
                )
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as error:
        # RuntimeError: an encrypted part; EOFError: a truncated archive.
        raise LiaisonError(
            f"{file_name}: not a readable XLSX workbook ({error})", field="file"
        ) from None
    finally:
        archive.close()
        stream.seek(position)


def _open_workbook(stream: IO[bytes], file_name: str, limits: FileLimits) -> Any:
    """The workbook in read-only mode, once :func:`check_xlsx` found it safe."""
    import openpyxl  # deferred: only XLSX imports pay for loading it

    check_xlsx(stream, file_name=file_name, limits=limits)
    try:
        return openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as error:
        # SyntaxError: the XML parsers' errors (xml.etree's ParseError, lxml's).
        raise LiaisonError(
            f"{file_name}: not a readable XLSX workbook ({error})", field="file"
        ) from None


def _worksheet(workbook: Any, file_name: str, sheet: str | None, limits: FileLimits) -> Any:
    """The named sheet (else the first), its declared row count checked against the cap.

    The declared dimensions are then forgotten: openpyxl would pad every row to
    the declared width (16,384 cells for ``A1:XFD1``), and the rows are counted
    as they come anyway."""
    if sheet:
        if sheet not in workbook.sheetnames:
            raise LiaisonError(
                f"{file_name}: there is no sheet {sheet!r}"
                f" (sheets: {', '.join(repr(name) for name in workbook.sheetnames)})",
                field="sheet",
            )
        worksheet = workbook[sheet]
    else:
        worksheet = workbook.worksheets[0]
    try:
        declared = worksheet.max_row
    except (SyntaxError, ValueError, KeyError) as error:
        raise LiaisonError(
            f"{file_name}: the sheet {worksheet.title!r} cannot be read ({error})", field="file"
        ) from None
    if declared is not None and declared - 1 > limits.max_rows:
        raise TooManyRows(file_name, limits.max_rows, declared=declared - 1)
    worksheet.reset_dimensions()
    return worksheet


def _sheet_rows(worksheet: Any, file_name: str, limits: FileLimits) -> Generator[list[str]]:
    pending_blank = 0
    row_number = 0
    try:
        for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            _too_many_rows(file_name, limits, row_number)
            row = [cell_text(value) for value in values]
            while row and row[-1] == "":
                row.pop()
            if not row:
                # Read-only sheets may report trailing empty rows: only blank
                # rows followed by data are yielded, to keep row numbers true.
                pending_blank += 1
                continue
            _check_cells(file_name, limits, row_number, row)
            for _ in range(pending_blank):
                yield []
            pending_blank = 0
            yield row
    except (SyntaxError, zipfile.BadZipFile, EOFError, OSError) as error:
        # An XML error in the sheet (an entity the parser refuses, broken
        # markup) or a damaged archive: a 400 naming the file, not a 500.
        raise LiaisonError(
            f"{file_name}: the sheet {worksheet.title!r} cannot be read after row"
            f" {row_number} ({error})",
            field="file",
        ) from None


def read_xlsx(
    stream: IO[bytes],
    *,
    file_name: str,
    sheet: str | None,
    limits: FileLimits = DEFAULT_LIMITS,
) -> Iterator[list[str]]:
    """Rows of one sheet (the named one, else the first) read in read-only mode,
    within ``limits`` (see :func:`check_xlsx`)."""
    workbook = _open_workbook(stream, file_name, limits)
    try:
        yield from _sheet_rows(_worksheet(workbook, file_name, sheet, limits), file_name, limits)
    finally:
        workbook.close()


def read_rows(
    stream: IO[bytes],
    *,
    file_name: str,
    sheet: str | None = None,
    limits: FileLimits = DEFAULT_LIMITS,
) -> Iterator[list[str]]:
    """Every row of a CSV or XLSX file as text cells, the header first, within ``limits``."""
    if file_format(file_name) == "csv":
        return read_csv(stream, file_name=file_name, limits=limits)
    return read_xlsx(stream, file_name=file_name, sheet=sheet, limits=limits)


def estimate_rows(
    path: Path, *, file_name: str, sheet: str | None = None, limits: FileLimits = DEFAULT_LIMITS
) -> int:
    """About how many data rows a file holds (for a progress bar): CSV line
    count, or the sheet's recorded dimensions (0 when unknown or unreadable)."""
    try:
        if file_format(file_name) == "csv":
            with path.open("rb") as stream:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
            return max(0, lines - 1)
        with path.open("rb") as stream:
            workbook = _open_workbook(stream, file_name, limits)
            try:
                worksheet: Any = workbook[sheet] if sheet else workbook.worksheets[0]
                return max(0, (worksheet.max_row or 1) - 1)
            finally:
                workbook.close()
    except (OSError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile, LiaisonError):
        return 0


@dataclass(frozen=True, slots=True)
class FilePreview:
    """The header, the first rows and (XLSX) the sheet names of a file."""

    header: list[str]
    rows: list[list[str]]
    sheets: list[str]


def read_preview(
    stream: IO[bytes],
    *,
    file_name: str,
    sheet: str | None = None,
    rows: int = 5,
    limits: FileLimits = DEFAULT_LIMITS,
) -> FilePreview:
    """Only what the mapping page shows: the header and the first ``rows`` rows
    (and the sheet names), a workbook opened once in read-only mode, its caps
    checked first. Nothing past those rows is read."""
    if file_format(file_name) == "csv":
        reader = read_csv(stream, file_name=file_name, limits=limits)
        try:
            header = next(reader, [])
            return FilePreview(header, list(itertools.islice(reader, rows)), [])
        finally:
            reader.close()
    workbook = _open_workbook(stream, file_name, limits)
    try:
        sheets = list(workbook.sheetnames)
        sheet_rows = _sheet_rows(_worksheet(workbook, file_name, sheet, limits), file_name, limits)
        try:
            header = next(sheet_rows, [])
            return FilePreview(header, list(itertools.islice(sheet_rows, rows)), sheets)
        finally:
            sheet_rows.close()
    finally:
        workbook.close()
