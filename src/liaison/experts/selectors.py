"""Shared reads of expert scores, always from the policy's queryset: the ranked list of
an area with its filters, an HCP's scores with their contributions, an area's
weights in force and their history.

The ranked list's filters: area (required), country, territory, institution (an
organization the HCP is affiliated with), specialty, tier, engaged by our team or
not (``core.registry.engaged_hcp_ids``), rising only; sorted by score (the
default), name, growth or country.
"""

from __future__ import annotations

import io
import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import IO, Any

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from liaison.core import policy, registry
from liaison.core.errors import LiaisonError
from liaison.core.models import Territory
from liaison.core.policy import AnyUser
from liaison.directory.exporting import export_format, safe_cell, write_csv, write_xlsx
from liaison.directory.models import (
    HCP,
    Affiliation,
    Organization,
    Specialty,
    TherapeuticArea,
    in_territories_q,
)
from liaison.experts.models import ExpertScore, ScoreContribution, WeightSet
from liaison.lib.progress import ProgressSink

SORTS: dict[str, tuple[Any, ...]] = {
    "score": ("-score", "hcp__family_name", "hcp_id"),
    "name": ("hcp__family_name", "hcp__given_name", "hcp_id"),
    "growth": ("-growth", "-score", "hcp_id"),
    "country": ("country", "rank", "hcp_id"),
}
SORT_LABELS = {
    "score": "Score, highest first",
    "name": "Name",
    "growth": "Growth, fastest first",
    "country": "Country, then rank",
}
ENGAGED_CHOICES = ("", "yes", "no")
TIERS = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class RankingFilters:
    """What the ranked list is filtered on; ``area`` is an id and required, empty
    values do not filter."""

    area: int | None = None
    country: str = ""
    territory: str = ""  # a territory code
    institution: int | None = None  # an organization id
    specialty: int | None = None
    tier: int | None = None
    engaged: str = ""  # "yes", "no" or ""
    rising: bool = False
    sort: str = "score"

    def as_params(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> RankingFilters:
        known = {key: value for key, value in params.items() if key in cls.__slots__}
        return cls(**known)


def area_of(user: AnyUser, area_id: int | None) -> TherapeuticArea:
    """The area ``area_id``, or an error naming ``area``."""
    if area_id is None:
        raise LiaisonError("area: choose a therapeutic area", field="area")
    area = policy.scope(user, "view", TherapeuticArea).filter(pk=area_id).first()
    if area is None:
        raise LiaisonError(f"area: no therapeutic area with id {area_id}", field="area")
    return area


def check_filters(user: AnyUser, filters: RankingFilters) -> TherapeuticArea:
    """The filters' area once every filter is readable, else an error naming the field."""
    area = area_of(user, filters.area)
    if filters.sort not in SORTS:
        raise LiaisonError(
            f"sort: “{filters.sort[:20]}” is not one of {', '.join(SORTS)}", field="sort"
        )
    if filters.tier is not None and filters.tier not in TIERS:
        raise LiaisonError(f"tier: {filters.tier} is not tier 1, 2 or 3", field="tier")
    if filters.engaged not in ENGAGED_CHOICES:
        raise LiaisonError(f"engaged: “{filters.engaged[:20]}” is not yes or no", field="engaged")
    if filters.country and (len(filters.country) != 2 or not filters.country.isalpha()):
        raise LiaisonError(
            f"country: “{filters.country[:20]}” is not a two-letter country code", field="country"
        )
    return area


def ranking_queryset(user: AnyUser, filters: RankingFilters) -> QuerySet[ExpertScore]:
    """The area's scores ``user`` may see, filtered and sorted, with each HCP."""
    area = check_filters(user, filters)
    scores = policy.scope(user, "view", ExpertScore).filter(area=area)
    if filters.country:
        scores = scores.filter(country=filters.country.upper())
    if filters.territory:
        territories = policy.scope(user, "view", Territory).filter(code=filters.territory)
        if not territories.exists():
            raise LiaisonError(
                f"territory: no territory with code “{filters.territory[:40]}”", field="territory"
            )
        scores = scores.filter(
            hcp_id__in=HCP.objects.filter(in_territories_q(territories)).values("pk")
        )
    if filters.institution is not None:
        if not policy.scope(user, "view", Organization).filter(pk=filters.institution).exists():
            raise LiaisonError(
                f"institution: no organization with id {filters.institution}", field="institution"
            )
        scores = scores.filter(
            hcp_id__in=Affiliation.objects.filter(organization_id=filters.institution).values(
                "hcp_id"
            )
        )
    if filters.specialty is not None:
        if not policy.scope(user, "view", Specialty).filter(pk=filters.specialty).exists():
            raise LiaisonError(
                f"specialty: no specialty with id {filters.specialty}", field="specialty"
            )
        scores = scores.filter(hcp__specialties=filters.specialty)
    if filters.tier is not None:
        scores = scores.filter(tier=filters.tier)
    if filters.engaged:
        engaged = registry.engaged_hcp_ids(user)
        scores = (
            scores.filter(hcp_id__in=engaged)
            if filters.engaged == "yes"
            else scores.exclude(hcp_id__in=engaged)
        )
    if filters.rising:
        scores = scores.filter(rising=True)
    return scores.select_related("hcp").order_by(*SORTS[filters.sort])


@dataclass(frozen=True, slots=True)
class RankedRow:
    """One row of the ranked list as pages, exports and the API show it."""

    score: ExpertScore
    institution: str
    engaged: bool


def institutions_of(hcp_ids: list[int]) -> dict[int, str]:
    """Each HCP's institution: the primary affiliation, else the most recent (one query)."""
    names: dict[int, str] = {}
    rows = (
        Affiliation.objects.filter(hcp_id__in=hcp_ids)
        .order_by("hcp_id", "-is_primary", F("start_date").desc(nulls_last=True), "pk")
        .values_list("hcp_id", "organization__name")
    )
    for hcp_id, name in rows:
        names.setdefault(hcp_id, name)
    return names


def ranked_rows(scores: list[ExpertScore], engaged: set[int] | None = None) -> list[RankedRow]:
    """``scores`` (a page) with each HCP's institution and engaged mark: one query."""
    institutions = institutions_of([score.hcp_id for score in scores])
    engaged = engaged or set()
    return [
        RankedRow(score, institutions.get(score.hcp_id, ""), score.hcp_id in engaged)
        for score in scores
    ]


@dataclass(frozen=True, slots=True)
class AreaScore:
    """An HCP's score in one area with its highest contributions and how many it has."""

    score: ExpertScore
    contributions: list[ScoreContribution]
    contribution_count: int


def hcp_scores(user: AnyUser, hcp: HCP, *, contributions: int = 20) -> list[AreaScore]:
    """``hcp``'s scores in every area, best first, each with its area, its
    ``contributions`` highest contributions (with their publications and trials)
    and their count; three queries whatever the numbers."""
    scores = list(
        policy.scope(user, "view", ExpertScore)
        .filter(hcp=hcp)
        .select_related("area", "weight_set")
        .order_by("-score")
    )
    if not scores:
        return []
    ids = [score.pk for score in scores]
    counts = dict(
        ScoreContribution.objects.filter(score_id__in=ids)
        .values("score_id")
        .annotate(count=Count("pk"))
        .values_list("score_id", "count")
    )
    by_score: dict[int, list[ScoreContribution]] = {pk: [] for pk in ids}
    ranked = (
        policy.scope(user, "view", ScoreContribution)
        .filter(score_id__in=ids)
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("score_id")], order_by=[F("points").desc(), F("pk")]
            )
        )
        .filter(place__lte=contributions)
        .select_related("publication", "trial")
        .order_by("score_id", "-points", "pk")
    )
    for item in ranked:
        by_score[item.score_id].append(item)
    return [AreaScore(score, by_score[score.pk], counts.get(score.pk, 0)) for score in scores]


def weight_history(user: AnyUser, area: TherapeuticArea) -> QuerySet[WeightSet]:
    """The area's weight versions, newest (in force) first."""
    return (
        policy.scope(user, "view", WeightSet)
        .filter(area=area)
        .select_related("created_by")
        .order_by("-version")
    )


def scored_area_choices(user: AnyUser) -> list[TherapeuticArea]:
    """The areas a user may pick: every area (those without scores say so)."""
    return list(policy.scope(user, "view", TherapeuticArea).order_by("name"))


def contribution_prefetch() -> Prefetch[Any]:
    """The contributions of scores, highest first (for lists of a few scores)."""
    return Prefetch(
        "contributions",
        queryset=ScoreContribution.objects.select_related("publication", "trial").order_by(
            "-points", "pk"
        ),
    )


# --- export ---------------------------------------------------------------------------

EXPORT_CHUNK = 2000
SPOOL_BYTES = 8 * 1024 * 1024
EXPORT_HEADER = (
    "Rank in country",
    "HCP",
    "HCP id",
    "Country",
    "Institution",
    "Tier",
    "Score",
    "Percentile",
    "Publications",
    "Trials",
    "Network",
    "Engaged by our team",
    "Rising",
    "Rising reason",
    "NPI",
    "ORCID iD",
)


def export_rows(
    user: AnyUser, filters: RankingFilters, progress: ProgressSink | None = None
) -> Iterator[list[Any]]:
    """The header, then each ranked row: read :data:`EXPORT_CHUNK` at a time, each
    chunk's institutions in one more query."""
    yield list(EXPORT_HEADER)
    engaged = registry.engaged_hcp_ids(user)
    scores = ranking_queryset(user, filters).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(itertools.islice(scores, EXPORT_CHUNK)):
        for row in ranked_rows(chunk, engaged):
            score, hcp = row.score, row.score.hcp
            components = score.components or {}
            yield [
                score.rank or "",
                safe_cell(hcp.full_name),
                hcp.pk,
                score.country,
                safe_cell(row.institution),
                score.tier or "",
                round(score.score, 2),
                round(score.percentile, 1),
                round(float(components.get("publication", 0)), 2),
                round(float(components.get("trial", 0)), 2),
                round(float(components.get("network", 0)), 2),
                "yes" if row.engaged else "no",
                "yes" if score.rising else "no",
                safe_cell(score.rising_reason),
                hcp.npi or "",
                hcp.orcid or "",
            ]
        if progress is not None:
            progress.advance(len(chunk), rows=len(chunk))


def count_export(user: AnyUser, filters: RankingFilters) -> int:
    return ranking_queryset(user, filters).count()


def write_export(
    user: AnyUser,
    filters: RankingFilters,
    *,
    format: str,
    stream: IO[bytes],
    progress: ProgressSink | None = None,
) -> int:
    """Write the ranked list as ``format`` (csv: UTF-8 with a BOM; xlsx) to ``stream``;
    returns the rows written."""
    spec = export_format(format)
    if progress is not None:
        progress.set_total(count_export(user, filters))
    rows = export_rows(user, filters, progress)
    if spec.name == "xlsx":
        return write_xlsx(rows, stream, title="Experts")
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        count = write_csv(rows, text)
        text.flush()
    finally:
        text.detach()
    return count


def export_file(user: AnyUser, filters: RankingFilters, *, format: str) -> IO[bytes]:
    """The whole export in a spooled temporary file, rewound (written before the
    response starts, so an error is an error page, never a file cut short)."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    try:
        write_export(user, filters, format=format, stream=handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle
