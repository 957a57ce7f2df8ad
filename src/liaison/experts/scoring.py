"""Expert scores of one therapeutic area, from plain evidence rows (no ORM).

Each piece of evidence an HCP is linked to brings points, explained in words:

* a publication: ``publication`` times authorship position (first, last, middle,
  investigator of a study group) times publication type (the highest of its types:
  guideline, RCT, meta-analysis, review...) times recency (halved every
  ``half_life_years``); a retracted paper brings 0 points;
* a trial the HCP led (overall official, principal investigator): ``trial`` times
  role times phase (the highest) times status times sponsor class times enrolment (up to
  a factor of (1 + ``enrollment``) at 10,000 participants) times recency from its start year;
* the network: ``network`` times the HCP's PageRank in the area's co-authorship
  graph over the area's highest.

An HCP's score is the sum; ``history`` holds the points each year brought
*before* recency (so years compare like with like), which rising experts read.
Ranks, percentiles and tiers are per country (tier cut-offs in percent of the
country's ranked list); HCPs without points are kept (their evidence explains
the zero: a retracted paper) but get no rank nor tier.

Example::

    >>> rows = [AuthorshipRow(7, 1, 2024, 1, 3, "author", ("Review",), False)]
    >>> [s.score for s in score_area(rows, [], {}, {7: "DE"}, DEFAULT_WEIGHTS, 2024)]
    [1.5]
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from liaison.experts.weights import DEFAULT_WEIGHTS, merged

__all__ = ["DEFAULT_WEIGHTS", "AuthorshipRow", "OfficialRow", "score_area"]

PUBLICATION = "publication"
TRIAL = "trial"
NETWORK = "network"


class AuthorshipRow(NamedTuple):
    """One authorship of an area's publication linked to an HCP."""

    hcp_id: int
    publication_id: int
    year: int | None
    position: int
    author_count: int
    role: str  # "author" or "investigator"
    types: tuple[str, ...]
    retracted: bool


class OfficialRow(NamedTuple):
    """One official of an area's trial linked to an HCP."""

    hcp_id: int
    trial_id: int
    role: str
    phases: tuple[str, ...]
    status: str
    sponsor_class: str
    enrollment: int | None
    start_year: int | None


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one piece of evidence brought: ``points`` (after recency), ``base``
    (before), the year it counts in, and why, in words."""

    kind: str
    record_id: int | None
    points: float
    base: float
    year: int | None
    detail: str


@dataclass(slots=True)
class HCPScore:
    """One HCP's score in the area, with everything that explains it."""

    hcp_id: int
    country: str
    score: float = 0.0
    components: dict[str, float] = field(default_factory=dict)
    history: dict[str, float] = field(default_factory=dict)
    contributions: list[Contribution] = field(default_factory=list)
    rank: int = 0
    percentile: float = 0.0
    tier: int | None = None
    rising: bool = False
    rising_reason: str = ""
    growth: float = 0.0
    centrality: float = 0.0


#: Short words for the publication types a detail names.
TYPE_WORDS = {
    "practice guideline": "guideline",
    "guideline": "guideline",
    "consensus development conference": "consensus statement",
    "randomized controlled trial": "RCT",
    "meta-analysis": "meta-analysis",
    "systematic review": "systematic review",
    "review": "review",
    "clinical trial": "clinical trial",
}
POSITION_WORDS = {
    "first": "first author",
    "last": "last author",
    "middle": "middle author",
    "investigator": "study-group investigator",
    "sole": "sole author",
}
ROLE_WORDS = {
    "PRINCIPAL_INVESTIGATOR": "principal investigator",
    "STUDY_CHAIR": "study chair",
    "STUDY_DIRECTOR": "study director",
    "SUB_INVESTIGATOR": "sub-investigator",
}
#: The multiplier of a name a weight set does not list (a status, a role, a type).
UNLISTED = 1.0
#: Enrolment that brings the whole ``enrollment`` bonus.
FULL_ENROLLMENT = 10_000


def _lower_keys(mapping: Mapping[str, float]) -> dict[str, float]:
    return {str(key).lower(): float(value) for key, value in mapping.items()}


def _fmt(number: float) -> str:
    return f"{number:.2f}".rstrip("0").rstrip(".") if number != int(number) else f"{number:.0f}"


def _phase_word(phase: str) -> str:
    return phase.replace("EARLY_PHASE1", "early phase 1").replace("PHASE", "phase ")


class Scorer:
    """The weights of one area prepared once for millions of rows."""

    def __init__(self, weights: Mapping[str, Any], current_year: int) -> None:
        w = merged(dict(weights))
        self.current_year = current_year
        self.publication = float(w["publication"])
        self.position = {key: float(value) for key, value in w["position"].items()}
        self.types = _lower_keys(w["publication_type"])
        self.half_life = float(w["half_life_years"])
        self.trial = float(w["trial"])
        self.roles = {str(k).upper(): float(v) for k, v in w["trial_role"].items()}
        self.phases = {str(k).upper(): float(v) for k, v in w["trial_phase"].items()}
        self.statuses = {str(k).upper(): float(v) for k, v in w["trial_status"].items()}
        self.sponsors = {str(k).upper(): float(v) for k, v in w["sponsor_class"].items()}
        self.enrollment = float(w["enrollment"])
        self.network = float(w["network"])
        self.tiers = (float(w["tiers"]["1"]), float(w["tiers"]["2"]))
        self.rising_years = int(w["rising_years"])
        self.rising_factor = float(w["rising_factor"])
        self.rising_min_points = float(w["rising_min_points"])
        self._recency: dict[int | None, tuple[float, str]] = {}
        self._type_cache: dict[tuple[str, ...], tuple[float, str]] = {}

    def recency(self, year: int | None) -> tuple[float, str]:
        """The multiplier of evidence of ``year`` and its words."""
        cached = self._recency.get(year)
        if cached is None:
            if year is None:
                factor = 0.5  # counted as old as one half-life
                cached = (factor, f"year unknown ×{factor:.2f}")
            else:
                age = max(0, self.current_year - year)
                factor = 0.5 ** (age / self.half_life)
                cached = (factor, f"{year} · recency ×{factor:.2f}")
            self._recency[year] = cached
        return cached

    def publication_type(self, types: tuple[str, ...]) -> tuple[float, str]:
        """The highest multiplier among ``types`` and the word of that type."""
        cached = self._type_cache.get(types)
        if cached is None:
            best, word = UNLISTED, ""
            for name in types:
                key = name.lower()
                value = self.types.get(key)
                if value is not None and (value > best or (not word and value == best)):
                    best, word = value, TYPE_WORDS.get(key, key)
            cached = (best, f"{word} ×{_fmt(best)}" if word else "")
            self._type_cache[types] = cached
        return cached

    def authorship(self, row: AuthorshipRow) -> Contribution:
        if row.role == "investigator":
            place = "investigator"
            weight = self.position.get("investigator", 0.0)
        elif row.author_count <= 1 or row.position == 1:
            place = "first" if row.author_count > 1 else "sole"
            weight = self.position.get("first", UNLISTED)
        elif row.position >= row.author_count:
            place = "last"
            weight = self.position.get("last", UNLISTED)
        else:
            place = "middle"
            weight = self.position.get("middle", UNLISTED)
        parts = [f"{POSITION_WORDS[place]} ×{_fmt(weight)}"]
        type_weight, type_words = self.publication_type(row.types)
        if type_words:
            parts.append(type_words)
        factor, recency_words = self.recency(row.year)
        parts.append(recency_words)
        if row.retracted:
            return Contribution(
                PUBLICATION, row.publication_id, 0.0, 0.0, row.year, "retracted · 0 points"
            )
        base = self.publication * weight * type_weight
        return Contribution(
            PUBLICATION, row.publication_id, base * factor, base, row.year, " · ".join(parts)
        )

    def official(self, row: OfficialRow) -> Contribution:
        role = row.role.upper()
        role_weight = self.roles.get(role, UNLISTED) if role else 0.5
        parts = [
            f"{ROLE_WORDS.get(role, role.replace('_', ' ').lower() or 'role not given')}"
            f" ×{_fmt(role_weight)}"
        ]
        phase_weight, phase_name = UNLISTED, ""
        for phase in row.phases:
            value = self.phases.get(phase.upper())
            if value is not None and (not phase_name or value > phase_weight):
                phase_weight, phase_name = value, phase.upper()
        if phase_name:
            parts.append(f"{_phase_word(phase_name)} ×{_fmt(phase_weight)}")
        status = row.status.upper()
        status_weight = self.statuses.get(status, UNLISTED)
        if status:
            parts.append(f"{status.replace('_', ' ').lower()} ×{_fmt(status_weight)}")
        sponsor = row.sponsor_class.upper()
        sponsor_weight = self.sponsors.get(sponsor, UNLISTED)
        if sponsor:
            parts.append(f"{sponsor.replace('_', ' ').lower()} sponsor ×{_fmt(sponsor_weight)}")
        enrollment_weight = 1.0
        if row.enrollment and row.enrollment > 0 and self.enrollment > 0:
            share = min(1.0, math.log10(1 + row.enrollment) / math.log10(1 + FULL_ENROLLMENT))
            enrollment_weight = 1.0 + self.enrollment * share
            parts.append(f"enrolment {row.enrollment:,} ×{enrollment_weight:.2f}")
        factor, recency_words = self.recency(row.start_year)
        parts.append(recency_words.replace("year unknown", "start unknown"))
        base = (
            self.trial
            * role_weight
            * phase_weight
            * status_weight
            * sponsor_weight
            * enrollment_weight
        )
        return Contribution(
            TRIAL, row.trial_id, base * factor, base, row.start_year, " · ".join(parts)
        )


def score_area(
    authorships: Iterable[AuthorshipRow],
    officials: Iterable[OfficialRow],
    centrality: Mapping[int, float],
    countries: Mapping[int, str],
    weights: Mapping[str, Any],
    current_year: int,
) -> list[HCPScore]:
    """The scores of every HCP with evidence in the area, best first.

    ``centrality`` is each HCP's PageRank in the area's co-authorship graph
    (HCPs absent have none); ``countries`` each HCP's country (tiers are per
    country; an HCP absent is ranked with those of no country)."""
    scorer = Scorer(weights, current_year)
    scores: dict[int, HCPScore] = {}

    def of(hcp_id: int) -> HCPScore:
        score = scores.get(hcp_id)
        if score is None:
            score = scores[hcp_id] = HCPScore(hcp_id, countries.get(hcp_id, ""))
        return score

    seen_papers: set[tuple[int, int]] = set()
    for row in authorships:
        key = (row.hcp_id, row.publication_id)
        if key in seen_papers:  # an HCP named twice (author and investigator): the best once
            _keep_best(of(row.hcp_id), scorer.authorship(row))
            continue
        seen_papers.add(key)
        of(row.hcp_id).contributions.append(scorer.authorship(row))
    seen_trials: set[tuple[int, int]] = set()
    for official in officials:
        key = (official.hcp_id, official.trial_id)
        if key in seen_trials:
            _keep_best(of(official.hcp_id), scorer.official(official))
            continue
        seen_trials.add(key)
        of(official.hcp_id).contributions.append(scorer.official(official))
    highest = max(centrality.values(), default=0.0)
    if highest > 0 and scorer.network > 0:
        for hcp_id, value in centrality.items():
            if value <= 0 or hcp_id not in scores:
                continue
            share = value / highest
            points = scorer.network * share
            score = of(hcp_id)
            score.centrality = value
            score.contributions.append(
                Contribution(
                    NETWORK,
                    None,
                    points,
                    points,
                    None,
                    f"co-authorship centrality {share:.0%} of the area's most central",
                )
            )
    for score in scores.values():
        _total(score)
    ranked = sorted(scores.values(), key=lambda s: (-s.score, s.hcp_id))
    _rank_by_country(ranked, scorer.tiers)
    _mark_rising(ranked, scorer)
    return ranked


def _keep_best(score: HCPScore, candidate: Contribution) -> None:
    for index, existing in enumerate(score.contributions):
        if existing.kind == candidate.kind and existing.record_id == candidate.record_id:
            if candidate.points > existing.points:
                score.contributions[index] = candidate
            return


def _total(score: HCPScore) -> None:
    components: dict[str, float] = defaultdict(float)
    history: dict[str, float] = defaultdict(float)
    for item in score.contributions:
        components[item.kind] += item.points
        if item.year is not None and item.kind != NETWORK:
            history[str(item.year)] += item.base
    score.components = {key: round(value, 4) for key, value in components.items()}
    score.history = {key: round(history[key], 4) for key in sorted(history)}
    score.score = round(sum(components.values()), 4)
    score.contributions.sort(key=lambda item: (-item.points, item.kind, item.record_id or 0))


def tier_of(rank: int, ranked: int, cutoffs: tuple[float, float]) -> int:
    """The tier of the ``rank``-th (from 1) of ``ranked`` HCPs: tier 1 while the
    share of the list ranked above is below the first cut-off, tier 2 below the
    second, else tier 3 (the first of a country is always tier 1)."""
    above = 100.0 * (rank - 1) / ranked
    if above < cutoffs[0]:
        return 1
    if above < cutoffs[1]:
        return 2
    return 3


def _rank_by_country(ranked: list[HCPScore], cutoffs: tuple[float, float]) -> None:
    by_country: dict[str, list[HCPScore]] = defaultdict(list)
    for score in ranked:
        if score.score > 0:
            by_country[score.country].append(score)
    for group in by_country.values():
        count = len(group)
        previous: float | None = None
        rank = 0
        for index, score in enumerate(group, start=1):
            if score.score != previous:  # ties share a rank (1, 2, 2, 4)
                rank, previous = index, score.score
            score.rank = rank
            score.percentile = round(100.0 * (count - rank + 1) / count, 2)
            score.tier = tier_of(rank, count, cutoffs)


def _window(scorer: Scorer) -> tuple[int, int]:
    end = scorer.current_year
    return end - scorer.rising_years + 1, end


def growth_of(history: Mapping[str, float], scorer: Scorer) -> tuple[float, float, int | None]:
    """``(recent, earlier_rate, first_year)``: points in the window of the last
    ``rising_years`` years, and the HCP's rate per window before it (from their
    first year with points), before recency."""
    start, end = _window(scorer)
    recent = earlier = 0.0
    first: int | None = None
    for key, points in history.items():
        year = int(key)
        if points <= 0:
            continue
        if start <= year <= end:
            recent += points
        elif year < start:
            earlier += points
            first = year if first is None else min(first, year)
    if first is None:
        return recent, 0.0, None
    windows = max(1.0, (start - first) / scorer.rising_years)
    return recent, earlier / windows, first


def _mark_rising(ranked: list[HCPScore], scorer: Scorer) -> None:
    start, end = _window(scorer)
    figures = {score.hcp_id: growth_of(score.history, scorer) for score in ranked}
    growths = [recent - rate for recent, rate, _ in figures.values() if recent or rate]
    median = statistics.median(growths) if growths else 0.0
    years = f"{start}-{end}" if start != end else str(end)
    per = f"per {scorer.rising_years} years" if scorer.rising_years > 1 else "a year"
    for score in ranked:
        recent, rate, first = figures[score.hcp_id]
        score.growth = round(recent - rate, 4)
        if recent < scorer.rising_min_points or recent <= 0:
            continue
        if recent < scorer.rising_factor * rate:
            continue
        if score.growth < scorer.rising_factor * max(median, 0.0) or score.growth <= 0:
            continue
        before = f"{rate:.1f} {per} before" if first is not None else "none before"
        score.rising = True
        score.rising_reason = (
            f"{recent:.1f} points in {years} vs {before}; area median growth {median:.1f}"
        )
