"""Export of the filtered HCP list to CSV and XLSX, streamed.

The columns are the import's fields under their labels, so an exported file
re-imports with the default mapping and changes nothing. Rows are read with
``QuerySet.iterator(chunk_size=2000)``, the relations prefetched per chunk;
CSV is produced line by line, XLSX written by openpyxl's write-only mode to a
temporary file, so 100,000 rows never sit in memory.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, Protocol

from django.db.models import Prefetch, QuerySet

from liaison.core.policy import AnyUser
from liaison.directory.importing.fields import HCP_FIELDS
from liaison.directory.importing.reading import FORMULA_STARTS
from liaison.directory.models import HCP, Affiliation
from liaison.directory.selectors import HCPFilters, hcp_queryset

CHUNK_SIZE = 2000
HEADER: tuple[str, ...] = tuple(spec.label for spec in HCP_FIELDS)
FORMATS = ("csv", "xlsx")


def export_queryset(user: AnyUser, filters: HCPFilters) -> QuerySet[HCP]:
    """The HCPs ``user`` may export, filtered as the list is, with what a row shows."""
    return hcp_queryset(user, filters, verb="export").prefetch_related(
        "specialties",
        "therapeutic_areas",
        "territories",
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("organization").order_by(
                "-is_primary", "id"
            ),
        ),
    )


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values)


def hcp_row(hcp: HCP) -> list[str]:
    """One HCP as export cells, in :data:`HEADER` order (relations prefetched)."""
    affiliations = list(hcp.affiliations.all())
    first = affiliations[0] if affiliations else None
    organization = first.organization if first is not None else None
    values: dict[str, str] = {
        "id": str(hcp.pk),
        "given_name": hcp.given_name,
        "family_name": hcp.family_name,
        "suffix": hcp.suffix,
        "credentials": _joined(hcp.credentials),
        "specialties": _joined(sorted(item.name for item in hcp.specialties.all())),
        "npi": hcp.npi or "",
        "orcid": hcp.orcid or "",
        "emails": _joined(hcp.emails),
        "country": hcp.country,
        "region": hcp.region,
        "city": hcp.city,
        "languages": _joined(hcp.languages),
        "therapeutic_areas": _joined(sorted(item.code for item in hcp.therapeutic_areas.all())),
        "territories": _joined(sorted(item.code for item in hcp.territories.all())),
        "contact_channels": _joined(hcp.contact_channels),
        "consent_date": hcp.consent_date.isoformat() if hcp.consent_date else "",
        "consent_source": hcp.consent_source,
        "organization": organization.name if organization else "",
        "organization_country": organization.country if organization else "",
        "organization_city": organization.city if organization else "",
        "organization_type": organization.type if organization else "",
        "affiliation_role": first.role if first else "",
        "affiliation_start": first.start_date.isoformat() if first and first.start_date else "",
        "affiliation_end": first.end_date.isoformat() if first and first.end_date else "",
    }
    return [safe_cell(values[spec.name]) for spec in HCP_FIELDS]


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (the import strips the quote)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_rows(user: AnyUser, filters: HCPFilters) -> Iterator[list[str]]:
    """Every row of the export, the header first."""
    yield list(HEADER)
    for hcp in export_queryset(user, filters).iterator(chunk_size=CHUNK_SIZE):
        yield hcp_row(hcp)


class _Line:
    """A file-like sink that hands back what csv.writer writes."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterator[str]:
    """CSV text, one line per row (with a BOM first, so spreadsheets read UTF-8)."""
    writer = csv.writer(_Line())
    if bom:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


class TextSink(Protocol):
    def write(self, text: str, /) -> Any: ...


def write_csv(rows: Iterable[Sequence[Any]], stream: TextSink) -> int:
    """Write ``rows`` to a text stream; returns the number of data rows."""
    count = -1
    for count, line in enumerate(csv_lines(rows, bom=False)):  # noqa: B007
        stream.write(line)
    return max(count, 0)


def write_xlsx(rows: Iterable[Sequence[Any]], stream: IO[bytes], *, title: str = "HCPs") -> int:
    """Write ``rows`` as a one-sheet workbook in write-only mode; returns the data rows."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    count = -1
    for count, row in enumerate(rows):  # noqa: B007
        sheet.append(list(row))
    workbook.save(stream)
    return max(count, 0)


def xlsx_tempfile(rows: Iterable[Sequence[Any]]) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound for streaming."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    write_xlsx(rows, handle)
    handle.seek(0)
    return handle
