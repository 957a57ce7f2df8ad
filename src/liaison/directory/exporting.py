"""Export of the filtered HCP list to CSV and XLSX.

The columns are the import's fields under their labels, so an exported file
re-imports with the default mapping and changes nothing. Rows are read with
``QuerySet.iterator(chunk_size=2000)``, the relations read per chunk as plain values;
CSV is produced line by line, XLSX written by openpyxl's write-only mode, so
100,000 rows never sit in memory.

:func:`write_export` writes a whole export to a binary stream. The web and
the API call it through :func:`export_file` for selections up to
``LIAISON_EXPORT_SYNC_MAX_ROWS`` (the file is complete before the first byte
is sent, with its length, so it cannot end early unnoticed); larger ones run
as a download job (``tasks.export_hcps``) that calls it with a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.db.models import QuerySet

from liaison.core import policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.policy import AnyUser
from liaison.directory.importing.fields import HCP_FIELDS
from liaison.directory.importing.reading import FORMULA_STARTS
from liaison.directory.models import HCP, Affiliation
from liaison.directory.selectors import HCPFilters, hcp_queryset
from liaison.lib.progress import ProgressSink

CHUNK_SIZE = 2000
HEADER: tuple[str, ...] = tuple(spec.label for spec in HCP_FIELDS)
FORMATS = ("csv", "xlsx")
#: Bytes of an export kept in memory before it spills to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    label: str
    content_type: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "CSV", "text/csv; charset=utf-8"),
    "xlsx": ExportFormat(
        "xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}


def export_format(name: str) -> ExportFormat:
    """The format ``name`` (csv or xlsx), or a 400 naming the field."""
    spec = EXPORT_FORMATS.get(name)
    if spec is None:
        raise LiaisonError(f"format: {name!r} is not csv or xlsx", field="format")
    return spec


def require_exporter(user: AnyUser) -> None:
    """Only roles the policy lets export HCPs (every medical-affairs role) export."""
    if not policy.grants_any(user, "export", HCP):
        raise PermissionDenied("only medical-affairs roles may export the directory")


def export_queryset(user: AnyUser, filters: HCPFilters) -> QuerySet[HCP]:
    """The HCPs ``user`` may export, filtered and sorted as the list is (the rows'
    relations are read per chunk by :func:`export_rows`)."""
    return hcp_queryset(user, filters, verb="export")


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values)


@dataclass(frozen=True, slots=True)
class Related:
    """What a chunk of rows shows of its HCPs' relations, by HCP id: specialty
    names, therapeutic area and territory codes (sorted) and the first
    affiliation (primary first, then oldest) with its organization."""

    specialties: dict[int, list[str]]
    therapeutic_areas: dict[int, list[str]]
    territories: dict[int, list[str]]
    affiliations: dict[int, tuple[Any, ...]]


def related_of(ids: Sequence[int]) -> Related:
    """The relations of the HCPs ``ids`` in four queries of plain values.

    Django's ``prefetch_related`` builds a queryset per HCP and relation (0.8 ms
    a row, 80% of an export's time); reading the values straight is ten times
    faster and keeps a 5,000-row export within a second."""

    def names(through: Any, value: str) -> dict[int, list[str]]:
        found: dict[int, list[str]] = defaultdict(list)
        for hcp_id, name in through.objects.filter(hcp_id__in=ids).values_list("hcp_id", value):
            found[hcp_id].append(name)
        return {hcp_id: sorted(values) for hcp_id, values in found.items()}

    affiliations: dict[int, tuple[Any, ...]] = {}
    rows = (
        Affiliation.objects.filter(hcp_id__in=ids)
        .order_by("hcp_id", "-is_primary", "id")
        .values_list(
            "hcp_id",
            "organization__name",
            "organization__country",
            "organization__city",
            "organization__type",
            "role",
            "start_date",
            "end_date",
        )
    )
    for hcp_id, *values in rows:
        affiliations.setdefault(hcp_id, tuple(values))
    return Related(
        specialties=names(HCP.specialties.through, "specialty__name"),
        therapeutic_areas=names(HCP.therapeutic_areas.through, "therapeuticarea__code"),
        territories=names(HCP.territories.through, "territory__code"),
        affiliations=affiliations,
    )


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def hcp_row(hcp: HCP, related: Related) -> list[str]:
    """One HCP as export cells, in :data:`HEADER` order, its relations from ``related``."""
    organization, country, city, type_, role, start, end = related.affiliations.get(
        hcp.pk, ("", "", "", "", "", None, None)
    )
    values: dict[str, str] = {
        "id": str(hcp.pk),
        "given_name": hcp.given_name,
        "family_name": hcp.family_name,
        "suffix": hcp.suffix,
        "credentials": _joined(hcp.credentials),
        "specialties": _joined(related.specialties.get(hcp.pk, [])),
        "npi": hcp.npi or "",
        "orcid": hcp.orcid or "",
        "emails": _joined(hcp.emails),
        "country": hcp.country,
        "region": hcp.region,
        "city": hcp.city,
        "languages": _joined(hcp.languages),
        "therapeutic_areas": _joined(related.therapeutic_areas.get(hcp.pk, [])),
        "territories": _joined(related.territories.get(hcp.pk, [])),
        "contact_channels": _joined(hcp.contact_channels),
        "consent_date": _date(hcp.consent_date),
        "consent_source": hcp.consent_source,
        "organization": organization,
        "organization_country": country,
        "organization_city": city,
        "organization_type": type_,
        "affiliation_role": role,
        "affiliation_start": _date(start),
        "affiliation_end": _date(end),
    }
    return [safe_cell(values[spec.name]) for spec in HCP_FIELDS]


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (the import strips the quote)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_rows(user: AnyUser, filters: HCPFilters) -> Iterator[list[str]]:
    """Every row of the export, the header first: HCPs read :data:`CHUNK_SIZE` at a
    time, each chunk's relations in four more queries."""
    yield list(HEADER)
    hcps = export_queryset(user, filters).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(itertools.islice(hcps, CHUNK_SIZE)):
        related = related_of([hcp.pk for hcp in chunk])
        for hcp in chunk:
            yield hcp_row(hcp, related)


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


def count_rows(user: AnyUser, filters: HCPFilters) -> int:
    """How many HCPs the export of ``filters`` would write for ``user``."""
    return hcp_queryset(user, filters, verb="export").count()


def _counted(
    rows: Iterator[list[str]], progress: ProgressSink | None, every: int = CHUNK_SIZE
) -> Iterator[list[str]]:
    """``rows`` passed on, advancing ``progress`` by each ``every`` data rows."""
    pending = 0
    for index, row in enumerate(rows):
        yield row
        if index and progress is not None:
            pending += 1
            if pending >= every:
                progress.advance(pending, rows=pending)
                pending = 0
    if progress is not None and pending:
        progress.advance(pending, rows=pending)


def write_export(
    user: AnyUser,
    filters: HCPFilters,
    *,
    format: str,
    stream: IO[bytes],
    progress: ProgressSink | None = None,
) -> int:
    """Write the HCPs ``user`` may export, filtered, as ``format`` to ``stream``;
    returns the rows written. CSV is UTF-8 with a BOM (spreadsheets then read
    it as UTF-8). ``progress`` counts rows (its total set first)."""
    require_exporter(user)
    spec = export_format(format)
    if progress is not None:
        progress.set_total(count_rows(user, filters))
    rows = _counted(export_rows(user, filters), progress)
    if spec.name == "xlsx":
        return write_xlsx(rows, stream)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        count = write_csv(rows, text)
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
    return count


def export_file(user: AnyUser, filters: HCPFilters, *, format: str) -> IO[bytes]:
    """The whole export in a (spooled) temporary file, rewound: written before a
    response starts, so an error is an error page, never a file cut short."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    try:
        write_export(user, filters, format=format, stream=handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def xlsx_tempfile(rows: Iterable[Sequence[Any]]) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound for streaming."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    write_xlsx(rows, handle)
    handle.seek(0)
    return handle
