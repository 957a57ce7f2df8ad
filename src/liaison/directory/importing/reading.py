"""Reading CSV and XLSX files as rows of text (pure code: no ORM, no settings).

>>> import io
>>> rows = read_rows(io.BytesIO(b"First Name;Country\\nAnna;DE\\n"), file_name="x.csv")
>>> list(rows)
[['First Name', 'Country'], ['Anna', 'DE']]

The first row is the header (row 1, as a spreadsheet shows it). Every cell is
text: XLSX numbers come back without a spurious ".0", dates as YYYY-MM-DD.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
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


def read_csv(stream: IO[bytes], *, file_name: str) -> Iterator[list[str]]:
    """Rows of a UTF-8 CSV (with or without BOM); the delimiter is detected."""
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
        for row_number, row in enumerate(reader, start=1):  # noqa: B007
            yield [_csv_cell(cell) for cell in row]
    except UnicodeDecodeError:
        raise LiaisonError(
            f"{file_name}, row {row_number + 1}: the file is not UTF-8 text"
            ' (save it as "CSV UTF-8")',
            field="file",
        ) from None
    except csv.Error as error:
        raise LiaisonError(f"{file_name}, row {row_number + 1}: {error}", field="file") from None
    finally:
        if not stream.closed:
            text.detach()  # leave the caller's stream open


def read_xlsx(stream: IO[bytes], *, file_name: str, sheet: str | None) -> Iterator[list[str]]:
    """Rows of one sheet (the named one, else the first) read in read-only mode."""
    import openpyxl  # deferred: only XLSX imports pay for loading it

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise LiaisonError(
            f"{file_name}: not a readable XLSX workbook ({error})", field="file"
        ) from None
    try:
        worksheet: Any
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
        pending_blank = 0
        for values in worksheet.iter_rows(values_only=True):
            row = [cell_text(value) for value in values]
            while row and row[-1] == "":
                row.pop()
            if not row:
                # Read-only sheets may report trailing empty rows: only blank
                # rows followed by data are yielded, to keep row numbers true.
                pending_blank += 1
                continue
            for _ in range(pending_blank):
                yield []
            pending_blank = 0
            yield row
    finally:
        workbook.close()


def read_rows(
    stream: IO[bytes], *, file_name: str, sheet: str | None = None
) -> Iterator[list[str]]:
    """Every row of a CSV or XLSX file as text cells, the header first."""
    if file_format(file_name) == "csv":
        return read_csv(stream, file_name=file_name)
    return read_xlsx(stream, file_name=file_name, sheet=sheet)


def estimate_rows(path: Path, *, file_name: str, sheet: str | None = None) -> int:
    """About how many data rows a file holds (for a progress bar): CSV line
    count, or the sheet's recorded dimensions."""
    try:
        if file_format(file_name) == "csv":
            with path.open("rb") as stream:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
            return max(0, lines - 1)
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            worksheet: Any = workbook[sheet] if sheet else workbook.worksheets[0]
            return max(0, (worksheet.max_row or 1) - 1)
        finally:
            workbook.close()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, LiaisonError):
        return 0


def sheet_names(stream: IO[bytes], *, file_name: str) -> list[str]:
    """The sheets of an XLSX workbook (empty for a CSV)."""
    if file_format(file_name) == "csv":
        return []
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise LiaisonError(
            f"{file_name}: not a readable XLSX workbook ({error})", field="file"
        ) from None
    names = list(workbook.sheetnames)
    workbook.close()
    return names
