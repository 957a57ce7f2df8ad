"""Recompute the expert scores of a therapeutic area (or of every area).

:func:`score_area` reads the area's evidence (``experts.areas``) as plain values,
in chunks and without model instances: the publications (year, types,
retraction) and their author counts, the authorships and trial officials
linked to HCPs, the trials (phases, status, sponsor class, enrolment, start
year) and the HCPs' countries; builds the area's co-authorship graph (HCPs who
published together, weighted by joint papers) for its PageRank and communities
(``experts.networks.graph``); hands all of it to the pure
:func:`liaison.experts.scoring.score_area`; and replaces the area's
:class:`ExpertScore` and :class:`ScoreContribution` rows in one transaction
(bulk inserts), with one audit event naming the weights used.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.models import AuditAction, User
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts import areas, scoring
from liaison.experts.models import ExpertScore, ScoreContribution, WeightSet
from liaison.experts.networks import graph
from liaison.experts.weights import DEFAULT_WEIGHTS
from liaison.lib import bulk
from liaison.lib.progress import ProgressSink
from liaison.literature.models import Authorship, AuthorshipRole
from liaison.trials.models import TrialOfficial

CHUNK = 5000
#: Rows of one bulk insert.
WRITE_BATCH = 5000
#: A paper naming more linked HCPs than this (a consortium) adds no network edges:
#: it says little about who works with whom and would add millions of pairs.
MAX_NETWORK_AUTHORS = 50

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AreaReport:
    """What a recompute of one area did."""

    area: str
    experts: int
    contributions: int
    tier1: int
    rising: int
    weight_version: int | None

    @property
    def summary(self) -> str:
        experts = "expert" if self.experts == 1 else "experts"
        pieces = "piece" if self.contributions == 1 else "pieces"
        return (
            f"{self.area}: {self.experts:,} {experts} scored from {self.contributions:,} "
            f"{pieces} of evidence, {self.tier1:,} in tier 1, {self.rising:,} rising"
        )


def current_weights(area: TherapeuticArea) -> tuple[WeightSet | None, dict[str, Any]]:
    """The area's weight set in force (its newest version) and its weights; the
    defaults when the area has none yet."""
    weight_set = WeightSet.objects.filter(area=area).order_by("-version").first()
    if weight_set is None:
        return None, dict(DEFAULT_WEIGHTS)
    return weight_set, dict(weight_set.weights)


def _chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _type_names(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    names = [item.get("name", "") if isinstance(item, dict) else str(item) for item in raw]
    return tuple(sorted({name for name in names if name}))


def _year(value: dt.date | None) -> int | None:
    return value.year if value is not None else None


def _phases(raw: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in raw) if isinstance(raw, list) else ()


def authorship_rows(area: TherapeuticArea) -> Iterator[scoring.AuthorshipRow]:
    """The area's authorships linked to HCPs, as plain rows."""
    publications = areas.area_publications(area).values("pk")
    papers: dict[int, tuple[int | None, tuple[str, ...], bool]] = {}
    types_seen: dict[tuple[str, ...], tuple[str, ...]] = {}
    rows = (
        areas.area_publications(area)
        .values_list("pk", "published_year", "publication_types", "is_retracted")
        .iterator(chunk_size=CHUNK)
    )
    for pk, year, types, retracted in rows:
        names = _type_names(types)
        papers[pk] = (year, types_seen.setdefault(names, names), bool(retracted))
    counts = dict(
        Authorship.objects.filter(publication_id__in=publications, role=AuthorshipRole.AUTHOR)
        .values("publication_id")
        .annotate(count=Max("position"))
        .values_list("publication_id", "count")
        .iterator(chunk_size=CHUNK)
    )
    linked = (
        Authorship.objects.filter(publication_id__in=publications, hcp__isnull=False)
        .values_list("hcp_id", "publication_id", "position", "role")
        .iterator(chunk_size=CHUNK)
    )
    for hcp_id, publication_id, position, role in linked:
        paper = papers.get(publication_id)
        if paper is None:
            continue
        year, types, retracted = paper
        count = counts.get(publication_id, 0) if role == AuthorshipRole.AUTHOR else 0
        yield scoring.AuthorshipRow(
            hcp_id, publication_id, year, position, count or 0, role, types, retracted
        )


def official_rows(area: TherapeuticArea) -> Iterator[scoring.OfficialRow]:
    """The area's trial officials linked to HCPs, as plain rows."""
    trials_in_area = areas.area_trials(area)
    trials: dict[int, tuple[tuple[str, ...], str, str, int | None, int | None]] = {}
    values = trials_in_area.values_list(
        "pk", "phases", "overall_status", "lead_sponsor_class", "enrollment_count", "start_on"
    ).iterator(chunk_size=CHUNK)
    for pk, phases, status, sponsor, enrollment, start_on in values:
        trials[pk] = (_phases(phases), status or "", sponsor or "", enrollment, _year(start_on))
    officials = (
        TrialOfficial.objects.filter(trial_id__in=trials_in_area.values("pk"), hcp__isnull=False)
        .values_list("hcp_id", "trial_id", "role")
        .iterator(chunk_size=CHUNK)
    )
    for hcp_id, trial_id, role in officials:
        trial = trials.get(trial_id)
        if trial is None:
            continue
        phases, status, sponsor, enrollment, start = trial
        yield scoring.OfficialRow(
            hcp_id, trial_id, role or "", phases, status, sponsor, enrollment, start
        )


def coauthor_edges(rows: Sequence[scoring.AuthorshipRow]) -> list[tuple[int, int, float]]:
    """Pairs of HCPs who authored an area's paper together, weighted by their joint
    papers (``networks.graph.coauthor_edges``; investigators of a study group and
    papers of more than :data:`MAX_NETWORK_AUTHORS` authors left out)."""
    papers: dict[int, tuple[set[int], int]] = {}
    for row in rows:
        if row.role == AuthorshipRole.AUTHOR:
            people, _ = papers.setdefault(row.publication_id, (set(), row.author_count))
            people.add(row.hcp_id)
    return graph.coauthor_edges(
        ((sorted(people), count) for people, count in papers.values()),
        max_authors=MAX_NETWORK_AUTHORS,
    )


def network_of(edges: list[tuple[int, int, float]]) -> tuple[dict[int, float], dict[int, int]]:
    """Each HCP's PageRank and community in the co-authorship graph (none without edges)."""
    if not edges:
        return {}, {}
    built = graph.build(edges)
    return dict(graph.pagerank(built)), dict(graph.communities(built))


def countries_of(hcp_ids: Iterable[int]) -> dict[int, str]:
    countries: dict[int, str] = {}
    for chunk in _chunks(sorted(hcp_ids)):
        countries.update(HCP.objects.filter(pk__in=chunk).values_list("pk", "country"))
    return countries


def _advance(progress: ProgressSink | None, **counts: int) -> None:
    if progress is not None:
        progress.advance(1, **counts)


def score_area(
    *, actor: User | None, area: TherapeuticArea, progress: ProgressSink | None = None
) -> AreaReport:
    """Recompute ``area``'s scores, ranks, tiers and rising experts with its weights in
    force, replacing its previous ones, as ``actor`` or the system (``None``: the
    worker when evidence changed, the demo). ``progress`` counts five steps
    (publications, trials, network, scores, writing)."""
    if actor is not None:
        policy.require(actor, "recompute", ExpertScore)
    weight_set, weights = current_weights(area)
    if progress is not None:
        progress.set_total(5)
    authorships = list(authorship_rows(area))
    _advance(progress, authorships=len(authorships))
    officials = list(official_rows(area))
    _advance(progress, officials=len(officials))
    centrality, community = network_of(coauthor_edges(authorships))
    _advance(progress)
    hcp_ids = {row.hcp_id for row in authorships} | {row.hcp_id for row in officials}
    results = scoring.score_area(
        authorships,
        officials,
        centrality,
        countries_of(hcp_ids),
        weights,
        timezone.localdate().year,
    )
    del authorships, officials
    _advance(progress, experts=len(results))
    with transaction.atomic():
        before = ExpertScore.objects.filter(area=area).count()
        contributions = _replace(area, weight_set, results, community)
        audit.record_event(
            actor=actor,
            action=AuditAction.UPDATE,
            record_type=audit.record_type_of(ExpertScore),
            record_id=area.pk,
            record_label=f"Expert scores of {area.name}"[:300],
            changes={
                "experts": [before, len(results)],
                "weight_version": [None, weight_set.version if weight_set else None],
            },
            reason="scores recomputed",
        )
    _advance(progress, contributions=contributions)
    return AreaReport(
        area=area.name,
        experts=len(results),
        contributions=contributions,
        tier1=sum(1 for score in results if score.tier == 1),
        rising=sum(1 for score in results if score.rising),
        weight_version=weight_set.version if weight_set else None,
    )


SCORE_FIELDS = (
    "hcp",
    "area",
    "weight_set",
    "score",
    "components",
    "history",
    "country",
    "rank",
    "percentile",
    "tier",
    "community",
    "rising",
    "rising_reason",
    "growth",
    "computed_at",
)
CONTRIBUTION_FIELDS = ("score", "kind", "publication", "trial", "points", "detail")


def _replace(
    area: TherapeuticArea,
    weight_set: WeightSet | None,
    results: list[scoring.HCPScore],
    community: dict[int, int],
) -> int:
    """Delete the area's scores and contributions and write ``results`` (in the
    caller's transaction); returns the contributions written."""
    scores_table = bulk.table(ExpertScore)
    with connection.cursor() as cursor:
        # Plain deletes: the ORM's would load every score to cascade by hand.
        cursor.execute(
            f"DELETE FROM {bulk.table(ScoreContribution)} WHERE {bulk.column(ScoreContribution, 'score')}"  # noqa: S608 - quoted names only
            f" IN (SELECT id FROM {scores_table} WHERE {bulk.column(ExpertScore, 'area')} = %s)",
            [area.pk],
        )
        cursor.execute(
            f"DELETE FROM {scores_table} WHERE {bulk.column(ExpertScore, 'area')} = %s",  # noqa: S608
            [area.pk],
        )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    weight_id = weight_set.pk if weight_set else None
    rows = (
        (
            score.hcp_id,
            area.pk,
            weight_id,
            score.score,
            json.dumps(score.components),
            json.dumps(score.history),
            score.country,
            score.rank,
            score.percentile,
            score.tier,
            community.get(score.hcp_id),
            score.rising,
            score.rising_reason,
            score.growth,
            now,
        )
        for score in results
    )
    for chunk in _chunks(rows, WRITE_BATCH):
        bulk.insert_rows(ExpertScore, SCORE_FIELDS, chunk)
    ids = dict(ExpertScore.objects.filter(area=area).values_list("hcp_id", "pk"))
    written = 0
    contributions = (
        (
            ids[score.hcp_id],
            item.kind,
            item.record_id if item.kind == scoring.PUBLICATION else None,
            item.record_id if item.kind == scoring.TRIAL else None,
            round(item.points, 4),
            item.detail[:300],
        )
        for score in results
        for item in score.contributions
    )
    for batch in _chunks(contributions, WRITE_BATCH):
        bulk.insert_rows(ScoreContribution, CONTRIBUTION_FIELDS, batch)
        written += len(batch)
    return written


def scored_areas() -> QuerySet[TherapeuticArea]:
    """The areas with an evidence definition (the others have nothing to score)."""
    return TherapeuticArea.objects.filter(expert_definition__isnull=False).order_by("name")


def score_all(
    *,
    actor: User | None,
    areas_to_score: Iterable[TherapeuticArea] | None = None,
    progress: ProgressSink | None = None,
) -> list[AreaReport]:
    """Recompute every defined area (or those given), one transaction per area, as
    ``actor`` or the system (``None``)."""
    if actor is not None:
        policy.require(actor, "recompute", ExpertScore)
    chosen = list(areas_to_score if areas_to_score is not None else scored_areas())
    if progress is not None:
        progress.set_total(5 * len(chosen))
    reports = []
    for area in chosen:
        reports.append(score_area(actor=actor, area=area, progress=_Nested(progress)))
    return reports


class _Nested:
    """Passes an area's advances on to the run's progress, keeping the run's total."""

    def __init__(self, outer: ProgressSink | None) -> None:
        self.outer = outer

    def set_total(self, total: int) -> None:
        """The run set the total of every area already."""

    def advance(self, step: int = 1, **counts: int) -> None:
        if self.outer is not None:
            self.outer.advance(step, **counts)
