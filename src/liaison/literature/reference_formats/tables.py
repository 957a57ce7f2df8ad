"""A selection of references as a table: CSV (UTF-8) and XLSX (openpyxl, write-only)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from liaison.literature.reference_formats.model import Reference

COLUMNS = (
    "type",
    "title",
    "authors",
    "journal",
    "abbreviation",
    "year",
    "month",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "issn",
    "abstract",
    "keywords",
    "url",
    "language",
    "publisher",
    "notes",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def row(reference: Reference) -> list[str]:
    """The cells of one reference, in ``COLUMNS`` order; authors ``Family, Given; ...``."""
    values = {
        "type": reference.type.value,
        "authors": "; ".join(author.display() for author in reference.authors),
        "keywords": "; ".join(reference.keywords),
        "year": str(reference.year or ""),
        "month": str(reference.month or ""),
    }
    cells = []
    for column in COLUMNS:
        value = values[column] if column in values else getattr(reference, column) or ""
        # A cell starting like a formula would run in a spreadsheet program.
        cells.append(f"'{value}" if value.startswith(_FORMULA_STARTS) else value)
    return cells


def write_csv(references: Iterable[Reference], stream: IO[str]) -> None:
    """Write a header and one row per reference (open ``stream`` with ``newline=""``)."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for reference in references:
        writer.writerow(row(reference))


def write_xlsx(references: Iterable[Reference], stream: IO[bytes]) -> None:
    """Write one sheet, ``References``, with a header and one row per reference."""
    from openpyxl import Workbook  # here: half a second the command line need not pay

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("References")
    sheet.append(list(COLUMNS))
    for reference in references:
        sheet.append(row(reference))
    workbook.save(stream)
