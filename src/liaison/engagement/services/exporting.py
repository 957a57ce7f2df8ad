"""Interactions and insights to CSV or XLSX, with their themes.

Rows are the records the actor may export: insights they may ``export`` (the
policy's verb), interactions they may ``view`` (every member knows that an
interaction happened: when, who, how). An interaction's content (therapeutic
areas, products, off-label, topics, publications, trials, materials, notes,
outcome, its insights and their themes) is written only when
the actor may ``read`` it; otherwise those cells are empty. Columns are named in
words. Records are read :data:`CHUNK_SIZE` at a time with their relations as plain
values per chunk; CSV goes out line by line and XLSX through openpyxl's write-only
mode, so a large export never sits in memory.

:func:`write_export` writes a whole file to a binary stream; the web, the API and
the command call it (directly up to ``core.downloads.sync_max_rows()`` rows, else
from the download job ``tasks.export_engagement``).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import tempfile
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import IO, Any

from django.db.models import QuerySet

from liaison.core import policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.policy import AnyUser
from liaison.directory.exporting import (
    EXPORT_FORMATS,
    ExportFormat,
    safe_cell,
    write_csv,
    write_xlsx,
)
from liaison.engagement.insight_selectors import InsightFilters, insight_queryset
from liaison.engagement.models import (
    Channel,
    Insight,
    InsightSource,
    InsightStatus,
    Interaction,
    InteractionKind,
)
from liaison.lib.progress import ProgressSink

CHUNK_SIZE = 2000
SPOOL_BYTES = 8 * 1024 * 1024
SUBJECTS = ("interactions", "insights")

INSIGHT_HEADER = (
    "Insight number",
    "Captured on",
    "Statement",
    "Category",
    "Status",
    "Theme",
    "Strategic questions",
    "Therapeutic area",
    "Product",
    "Source",
    "HCP",
    "Country",
    "Publications (PMIDs)",
    "Trials (NCT IDs)",
    "MSL",
    "Tags",
    "Interaction number",
)
INTERACTION_HEADER = (
    "Interaction number",
    "Date and time",
    "Time zone",
    "MSL",
    "HCPs",
    "Channel",
    "Kind",
    "Therapeutic areas",
    "Products",
    "Off-label",
    "Topics",
    "Publications (PMIDs)",
    "Trials (NCT IDs)",
    "Materials",
    "Notes",
    "Outcome",
    "Insights",
    "Themes",
)


def export_format(name: str) -> ExportFormat:
    """The format ``name`` (csv or xlsx), or an error naming ``format``."""
    spec = EXPORT_FORMATS.get(name)
    if spec is None:
        raise LiaisonError(f"format: “{name[:20]}” is not csv or xlsx", field="format")
    return spec


def subject_of(name: str) -> str:
    if name not in SUBJECTS:
        raise LiaisonError(
            f"subject: “{name[:20]}” is not interactions or insights", field="subject"
        )
    return name


@dataclass(frozen=True, slots=True)
class InteractionFilters:
    """Filters of the interactions export (empty: not filtered); dates inclusive."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    msl: int | None = None
    channel: str = ""
    kind: str = ""
    hcp: int | None = None
    product: int | None = None
    q: str = ""

    def as_params(self) -> dict[str, Any]:
        values = asdict(self)
        for key in ("date_from", "date_to"):
            values[key] = values[key].isoformat() if values[key] else None
        return values

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> InteractionFilters:
        values = dict(params)
        for key in ("date_from", "date_to"):
            values[key] = dt.date.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)


def insight_filters_params(filters: InsightFilters) -> dict[str, Any]:
    values = asdict(filters)
    for key in ("date_from", "date_to"):
        values[key] = values[key].isoformat() if values[key] else None
    return values


def insight_filters_from(params: dict[str, Any]) -> InsightFilters:
    values = dict(params)
    for key in ("date_from", "date_to"):
        values[key] = dt.date.fromisoformat(values[key]) if values.get(key) else None
    return InsightFilters(**values)


# --- who may export what ---------------------------------------------------------------


def require_exporter(user: AnyUser, subject: str) -> None:
    """Refuse a user who may export none of ``subject`` (an outsider, a role that sees none)."""
    model = Insight if subject == "insights" else Interaction
    verb = "export" if subject == "insights" else "view"
    if not policy.grants_any(user, verb, model):
        raise PermissionDenied(f"you may not export {subject}")


def interaction_queryset(user: AnyUser, filters: InteractionFilters) -> QuerySet[Interaction]:
    """The interactions ``user`` may view, filtered, newest first."""
    queryset = policy.scope(user, "view", Interaction)
    f = filters
    if f.date_from is not None:
        queryset = queryset.filter(occurred_at__date__gte=f.date_from)
    if f.date_to is not None:
        queryset = queryset.filter(occurred_at__date__lte=f.date_to)
    if f.msl is not None:
        queryset = queryset.filter(msl_id=f.msl)
    if f.channel:
        queryset = queryset.filter(channel=f.channel)
    if f.kind:
        queryset = queryset.filter(kind=f.kind)
    if f.hcp is not None:
        queryset = queryset.filter(hcps__id=f.hcp).distinct()
    if f.product is not None:
        # What was discussed is content: look only where the actor reads it.
        readable = policy.scope(user, "read", Interaction).values("pk")
        queryset = queryset.filter(pk__in=readable, products__id=f.product).distinct()
    if f.q.strip():
        # Words of the notes narrow only what the actor may read.
        readable = policy.scope(user, "read", Interaction).values("pk")
        queryset = queryset.filter(pk__in=readable)
        for word in f.q.split()[:10]:
            queryset = queryset.filter(notes__icontains=word)
    return queryset.select_related("msl").order_by("-occurred_at", "-pk")


def count_rows(user: AnyUser, subject: str, filters: Any) -> int:
    """How many rows the export would write for ``user``."""
    return _queryset(user, subject, filters).count()


def _queryset(user: AnyUser, subject: str, filters: Any) -> QuerySet[Any]:
    if subject == "insights":
        return insight_queryset(user, filters, verb="export")
    return interaction_queryset(user, filters)


# --- rows ------------------------------------------------------------------------------


def _joined(values: Sequence[Any]) -> str:
    return "; ".join(str(value) for value in values)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _by(pairs: Any) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for key, value in pairs:
        found[key].append(value)
    return found


def _hcp_name(given: str, family: str) -> str:
    return f"{given} {family}".strip()


def _cells(values: Sequence[Any]) -> list[str]:
    return [safe_cell(str(value)) if value is not None else "" for value in values]


STATUS = dict(InsightStatus.choices)
SOURCE = dict(InsightSource.choices)
CHANNEL = dict(Channel.choices)
KIND = dict(InteractionKind.choices)


def insight_rows(user: AnyUser, filters: InsightFilters) -> Iterator[list[str]]:
    """The insights export, header first."""
    yield list(INSIGHT_HEADER)
    records = insight_queryset(user, filters, verb="export").iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(itertools.islice(records, CHUNK_SIZE)):
        ids = [insight.pk for insight in chunk]
        questions = _by(
            Insight.strategic_questions.through.objects.filter(insight_id__in=ids)
            .order_by("strategicquestion__code", "strategicquestion_id")
            .values_list("insight_id", "strategicquestion__text")
        )
        pmids = _by(
            Insight.publications.through.objects.filter(insight_id__in=ids)
            .order_by("publication__pmid")
            .values_list("insight_id", "publication__pmid")
        )
        trials = _by(
            Insight.trials.through.objects.filter(insight_id__in=ids)
            .order_by("trial__nct_id")
            .values_list("insight_id", "trial__nct_id")
        )
        for insight in chunk:
            hcp = insight.hcp
            yield _cells(
                [
                    insight.pk,
                    insight.created_at.date().isoformat(),
                    insight.statement,
                    insight.category.name,
                    STATUS.get(insight.status, insight.status),
                    insight.theme.label if insight.theme is not None else "",
                    _joined(questions.get(insight.pk, [])),
                    insight.therapeutic_area.name if insight.therapeutic_area else "",
                    insight.product.name if insight.product else "",
                    SOURCE.get(insight.source, insight.source),
                    _hcp_name(hcp.given_name, hcp.family_name) if hcp is not None else "",
                    insight.country,
                    _joined(pmids.get(insight.pk, [])),
                    _joined(trials.get(insight.pk, [])),
                    _name(insight.msl),
                    _joined(insight.tags or []),
                    insight.interaction_id or "",
                ]
            )


def _local(moment: dt.datetime, zone_name: str) -> str:
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        zone = zoneinfo.ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def interaction_rows(user: AnyUser, filters: InteractionFilters) -> Iterator[list[str]]:
    """The interactions export, header first; content only where ``user`` may read it."""
    yield list(INTERACTION_HEADER)
    records = interaction_queryset(user, filters).iterator(chunk_size=CHUNK_SIZE)
    through = Interaction
    while chunk := list(itertools.islice(records, CHUNK_SIZE)):
        ids = [interaction.pk for interaction in chunk]
        readable = set(
            policy.scope(user, "read", Interaction).filter(pk__in=ids).values_list("pk", flat=True)
        )
        hcps = _by(
            (interaction_id, _hcp_name(first, last))
            for interaction_id, first, last in through.hcps.through.objects.filter(
                interaction_id__in=ids
            )
            .order_by("hcp__family_name", "hcp_id")
            .values_list("interaction_id", "hcp__given_name", "hcp__family_name")
        )
        read_ids = [pk for pk in ids if pk in readable]
        areas = _by(
            through.therapeutic_areas.through.objects.filter(interaction_id__in=read_ids)
            .order_by("therapeuticarea__name")
            .values_list("interaction_id", "therapeuticarea__name")
        )
        products = _by(
            through.products.through.objects.filter(interaction_id__in=read_ids)
            .order_by("product__name")
            .values_list("interaction_id", "product__name")
        )
        pmids = _by(
            through.publications.through.objects.filter(interaction_id__in=read_ids)
            .order_by("publication__pmid")
            .values_list("interaction_id", "publication__pmid")
        )
        trials = _by(
            through.trials.through.objects.filter(interaction_id__in=read_ids)
            .order_by("trial__nct_id")
            .values_list("interaction_id", "trial__nct_id")
        )
        insights: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for interaction_id, statement, theme in (
            Insight.objects.filter(interaction_id__in=read_ids)
            .order_by("pk")
            .values_list("interaction_id", "statement", "theme__label")
        ):
            insights[interaction_id].append((statement, theme or ""))
        for interaction in chunk:
            pk = interaction.pk
            content = pk in readable
            heard = insights.get(pk, [])
            themes = list(dict.fromkeys(theme for _, theme in heard if theme))
            yield _cells(
                [
                    pk,
                    _local(interaction.occurred_at, interaction.time_zone),
                    interaction.time_zone,
                    _name(interaction.msl),
                    _joined(hcps.get(pk, [])),
                    CHANNEL.get(interaction.channel, interaction.channel),
                    KIND.get(interaction.kind, interaction.kind),
                    _joined(areas.get(pk, [])),
                    _joined(products.get(pk, [])),
                    ("yes" if interaction.off_label else "no") if content else "",
                    _joined(interaction.topics or []) if content else "",
                    _joined(pmids.get(pk, [])),
                    _joined(trials.get(pk, [])),
                    interaction.materials if content else "",
                    interaction.notes if content else "",
                    interaction.outcome if content else "",
                    _joined([statement for statement, _ in heard]),
                    _joined(themes),
                ]
            )


def export_rows(user: AnyUser, subject: str, filters: Any) -> Iterator[list[str]]:
    """Every row of the export of ``subject``, the header first."""
    if subject == "insights":
        return insight_rows(user, filters)
    return interaction_rows(user, filters)


def _counted(rows: Iterator[list[str]], progress: ProgressSink | None) -> Iterator[list[str]]:
    pending = 0
    for index, row in enumerate(rows):
        yield row
        if index and progress is not None:
            pending += 1
            if pending >= CHUNK_SIZE:
                progress.advance(pending, rows=pending)
                pending = 0
    if progress is not None and pending:
        progress.advance(pending, rows=pending)


def write_export(
    user: AnyUser,
    subject: str,
    filters: Any,
    *,
    format: str,
    stream: IO[bytes],
    progress: ProgressSink | None = None,
) -> int:
    """Write the ``subject`` export of ``user`` as ``format`` to ``stream``; returns the
    rows written. CSV is UTF-8 with a BOM, so spreadsheets read it as UTF-8."""
    subject_of(subject)
    require_exporter(user, subject)
    spec = export_format(format)
    if progress is not None:
        progress.set_total(count_rows(user, subject, filters))
    rows = _counted(export_rows(user, subject, filters), progress)
    if spec.name == "xlsx":
        return write_xlsx(rows, stream, title=subject.capitalize())
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        count = write_csv(rows, text)
        text.flush()
    finally:
        text.detach()
    return count


def export_file(user: AnyUser, subject: str, filters: Any, *, format: str) -> IO[bytes]:
    """The whole export in a rewound (spooled) temporary file: written before the
    response starts, so an error is an error page, never a file cut short."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    try:
        write_export(user, subject, filters, format=format, stream=handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle
