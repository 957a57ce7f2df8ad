"""The trial site and investigator finder: for a condition (optionally a country
and a phase), the sites and the investigators ranked by their experience.

Reads only. Trials match a condition as the trial list's condition filter does
(:func:`liaison.experts.areas.condition_query`: the folded words from the start
of a word of a condition or its MeSH term); several conditions may be given,
separated by commas ("melanoma, skin cancer": either). A phase narrows the
trials to those of that phase (a PHASE2/PHASE3 trial is both); a country
narrows the sites to that country and the investigators to those of that
country (an HCP's country; a site contact's site; an official not yet resolved
to an HCP when the trial's sites are all in that country or the affiliation
names it).

Experience (:class:`Experience`) is counted over the matching trials of a row
and turned into points (:func:`experience_points`, weights in
:data:`FINDER_WEIGHTS`): each trial by its highest phase (later phases count
more), a bonus for trials started in the last :data:`RECENT_YEARS` years and for
completed ones, a penalty for trials terminated or withdrawn (heavier when the
registry's reason names accrual, enrolment or recruitment: a site's own
performance) and for trials that were ever suspended (the status history), and
the logarithm of the participants actually enrolled. An investigator's
publication strength in the area (their :class:`~liaison.experts.models.ExpertScore`
in a therapeutic area whose condition words match the condition) adds
``2 * ln(1 + score)``. Every row carries its reasons in words.

Sites are grouped by their directory organization once resolved, else by
facility, city and country as registered; they are aggregated in the database
(one grouped query with conditional counts). Investigators are the trials'
overall officials (resolved to HCPs, or by name until they are) and the sites'
named investigators (contacts whose role is an investigator's; one joins the
official's HCP of the same name, else the one directory HCP of that name in the
site's country, else stays a name), counted over exact sets of trials in memory
from a handful of narrow queries. A page then
asks one or two more queries for the trials behind the rows it shows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import (
    Case,
    Count,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.policy import AnyUser
from liaison.core.registry import engaged_hcp_ids
from liaison.directory.exporting import EXPORT_FORMATS, ExportFormat, safe_cell, write_xlsx
from liaison.directory.models import HCP, Organization
from liaison.experts.areas import condition_query
from liaison.experts.models import AreaDefinition, ExpertScore
from liaison.lib import countries
from liaison.lib.text import fold
from liaison.trials.models import (
    PHASE_LABELS,
    Trial,
    TrialOfficial,
    TrialSite,
    TrialStatusChange,
    phase_label,
    status_label,
)

#: The weights of :func:`experience_points` (documented in docs/experts.md).
FINDER_WEIGHTS: dict[str, Any] = {
    # Points of a trial by its highest phase: later phases count more.
    "phase": {"PHASE4": 2.5, "PHASE3": 2.5, "PHASE2": 1.5, "PHASE1": 1.0, "OTHER": 0.75},
    "recent": 0.5,  # a trial started in the last RECENT_YEARS years
    "completed": 0.5,
    "ongoing": 0.25,  # recruiting, active or about to start
    "stopped": -0.5,  # terminated or withdrawn for another reason
    "stopped_for_accrual": -1.5,  # terminated or withdrawn for accrual or enrolment
    "suspended": -0.5,  # suspended now or at some point of the status history
    "enrolled": 1.0,  # times log10(1 + participants actually enrolled)
    "expert_score": 2.0,  # times ln(1 + the investigator's expert score in the area)
}
RECENT_YEARS = 5
#: Words of a registry's ``why_stopped`` that blame accrual (folded, from a word's start).
ACCRUAL_WORDS = ("accru", "enrol", "recruit")
COMPLETED = "COMPLETED"
TERMINATED = "TERMINATED"
WITHDRAWN = "WITHDRAWN"
SUSPENDED = "SUSPENDED"
ONGOING = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING")
#: Roles of a site contact that make them an investigator of the site.
INVESTIGATOR_ROLES = frozenset(
    {"PRINCIPAL_INVESTIGATOR", "SUB_INVESTIGATOR", "STUDY_CHAIR", "STUDY_DIRECTOR"}
)
ROLE_WORDS = {
    "PRINCIPAL_INVESTIGATOR": "principal investigator",
    "SUB_INVESTIGATOR": "sub-investigator",
    "STUDY_CHAIR": "study chair",
    "STUDY_DIRECTOR": "study director",
}
#: Phase bins, highest first, as a row counts its trials ("2 phase 3").
PHASE_BINS = ("PHASE4", "PHASE3", "PHASE2", "PHASE1", "OTHER")
#: Trials shown per row on a page (the export lists every NCT ID).
TRIALS_SHOWN = 5
CONDITION_MAX = 200
CONDITIONS_MAX = 10
LISTS = ("sites", "investigators")


# --- the query ------------------------------------------------------------------------


@dataclass(frozen=True)
class FinderQuery:
    """What the finder looks for; built by :func:`parse_query` (validated)."""

    conditions: tuple[str, ...]
    country: str = ""  # ISO 3166-1 alpha-2
    phase: str = ""  # a key of PHASE_LABELS

    @property
    def condition_label(self) -> str:
        """The conditions as a user reads them: "melanoma or skin cancer"."""
        return " or ".join(self.conditions)

    @property
    def country_name(self) -> str:
        return countries.name(self.country)

    @property
    def phase_name(self) -> str:
        return phase_label(self.phase) if self.phase else ""

    def describe(self) -> str:
        """ "melanoma, phase 3 trials, in Germany"."""
        parts = [self.condition_label]
        if self.phase:
            parts.append(f"{self.phase_name.lower()} trials")
        if self.country:
            parts.append(f"in {self.country_name}")
        return ", ".join(parts)


_PHASE_WORDS: dict[str, str] = {}
for _code, _label in PHASE_LABELS.items():
    for _spelling in (_code, _label, _label.replace("Phase ", ""), _code.replace("_", " ")):
        _PHASE_WORDS[fold(_spelling).replace(" ", "")] = _code
_PHASE_WORDS.update({"n/a": "NA", "none": "NA", "early1": "EARLY_PHASE1"})
for _number, _roman in enumerate(("i", "ii", "iii", "iv"), start=1):  # "Phase III"
    _PHASE_WORDS[f"phase{_roman}"] = _PHASE_WORDS[_roman] = f"PHASE{_number}"


def phase_choices() -> list[tuple[str, str]]:
    return list(PHASE_LABELS.items())


def parse_phase(value: str) -> str | None:
    """A phase code from a code or its words ("PHASE3", "phase 3", "3"); None if none."""
    return _PHASE_WORDS.get(fold(value).replace(" ", "").replace("-", ""))


def parse_query(*, condition: str, country: str = "", phase: str = "") -> FinderQuery:
    """The validated query, or a :class:`LiaisonError` naming every field in error."""
    problems: dict[str, str] = {}
    text = condition.strip()
    parts: list[str] = []
    if not text:
        problems["condition"] = "give a condition, e.g. melanoma"
    elif len(text) > CONDITION_MAX:
        problems["condition"] = f"is {len(text)} characters; at most {CONDITION_MAX}"
    else:
        parts = [" ".join(part.split()) for part in re.split(r"[,;]", text)]
        parts = list(dict.fromkeys(part for part in parts if part))
        short = [part for part in parts if len(fold(part).replace(" ", "")) < 3]
        if not parts:
            problems["condition"] = "give a condition, e.g. melanoma"
        elif short:
            problems["condition"] = (
                f"“{short[0]}” is too short: give at least 3 letters of a condition"
            )
        elif len(parts) > CONDITIONS_MAX:
            problems["condition"] = f"names {len(parts)} conditions; at most {CONDITIONS_MAX}"
    code = ""
    if country.strip():
        found = countries.code_for(country)
        if found is None:
            problems["country"] = (
                f"“{country.strip()[:40]}” is not a country code (ISO 3166-1, e.g. DE) "
                "or a country's name"
            )
        else:
            code = found
    phase_code = ""
    if phase.strip():
        found_phase = parse_phase(phase)
        if found_phase is None:
            problems["phase"] = (
                f"“{phase.strip()[:40]}” is not a phase: give phase 1, 2, 3 or 4, "
                "early phase 1 or not applicable"
            )
        else:
            phase_code = found_phase
    if problems:
        message = "; ".join(f"{name}: {reason}" for name, reason in problems.items())
        raise LiaisonError(message, details=problems)
    return FinderQuery(tuple(parts), code, phase_code)


# --- experience and its points ----------------------------------------------------------


@dataclass(frozen=True)
class Experience:
    """What a site or an investigator did in the matching trials."""

    trials: int = 0
    by_phase: dict[str, int] = field(default_factory=dict)  # PHASE_BINS -> trials
    completed: int = 0
    terminated: int = 0
    withdrawn: int = 0
    stopped_for_accrual: int = 0  # of the terminated and withdrawn
    suspended: int = 0  # suspended now or in the status history
    ongoing: int = 0
    recent: int = 0  # started in the last RECENT_YEARS years
    first_start: dt.date | None = None
    last_start: dt.date | None = None
    last_completion: dt.date | None = None  # of a completed trial
    enrolled: int = 0  # participants actually enrolled (the trials' totals)
    planned: int = 0  # participants estimated by ongoing trials


@dataclass(frozen=True, slots=True)
class TrialFacts:
    """One trial's facts that experience counts (plain values; no model)."""

    id: int
    nct_id: str
    phase_key: str
    status: str
    why_stopped: str
    start_on: dt.date | None
    completion_on: dt.date | None
    enrollment: int | None
    enrollment_type: str
    ever_suspended: bool


def phase_bin(phase_key: str) -> str:
    """The highest phase of a trial's ``phase_key`` ("|PHASE2|PHASE3|" -> PHASE3)."""
    for phase in ("PHASE4", "PHASE3", "PHASE2"):
        if f"|{phase}|" in phase_key:
            return phase
    if "|PHASE1|" in phase_key or "|EARLY_PHASE1|" in phase_key:
        return "PHASE1"
    return "OTHER"


def blames_accrual(why_stopped: str) -> bool:
    text = why_stopped.lower()
    return any(word in text for word in ACCRUAL_WORDS)


def recent_since(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - RECENT_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - RECENT_YEARS, day=28)


def experience_of(trials: Iterable[TrialFacts], *, today: dt.date) -> Experience:
    """The experience of a set of trials (each counted once), as the database counts it
    for sites (:func:`_aggregates`)."""
    since = recent_since(today)
    by_phase: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    starts: list[dt.date] = []
    completions: list[dt.date] = []
    enrolled = planned = 0
    for trial in trials:
        counts["trials"] += 1
        by_phase[phase_bin(trial.phase_key)] += 1
        if trial.status == COMPLETED:
            counts["completed"] += 1
            if trial.completion_on:
                completions.append(trial.completion_on)
        elif trial.status in (TERMINATED, WITHDRAWN):
            counts[trial.status.lower()] += 1
            if blames_accrual(trial.why_stopped):
                counts["accrual"] += 1
        elif trial.status in ONGOING:
            counts["ongoing"] += 1
        if trial.status == SUSPENDED or trial.ever_suspended:
            counts["suspended"] += 1
        if trial.start_on:
            starts.append(trial.start_on)
            if trial.start_on >= since:
                counts["recent"] += 1
        if trial.enrollment:
            if trial.enrollment_type == "ACTUAL":
                enrolled += trial.enrollment
            elif trial.status in ONGOING:
                planned += trial.enrollment
    return Experience(
        trials=counts["trials"],
        by_phase={key: by_phase[key] for key in PHASE_BINS if by_phase[key]},
        completed=counts["completed"],
        terminated=counts["terminated"],
        withdrawn=counts["withdrawn"],
        stopped_for_accrual=counts["accrual"],
        suspended=counts["suspended"],
        ongoing=counts["ongoing"],
        recent=counts["recent"],
        first_start=min(starts, default=None),
        last_start=max(starts, default=None),
        last_completion=max(completions, default=None),
        enrolled=enrolled,
        planned=planned,
    )


@dataclass(frozen=True)
class ExpertStrength:
    """An investigator's expert score in a therapeutic area matching the condition."""

    area_id: int
    area: str
    score: float
    tier: int | None

    @property
    def label(self) -> str:
        tier = f", tier {self.tier}" if self.tier else ""
        return f"expert score {self.score:,.0f} in {self.area}{tier}"


def experience_points(experience: Experience, expert: ExpertStrength | None = None) -> float:
    """The points a row ranks by (never below zero); see :data:`FINDER_WEIGHTS`."""
    weights = FINDER_WEIGHTS
    points = float(sum(weights["phase"][key] * count for key, count in experience.by_phase.items()))
    points += weights["recent"] * experience.recent
    points += weights["completed"] * experience.completed
    points += weights["ongoing"] * experience.ongoing
    stopped = experience.terminated + experience.withdrawn
    points += weights["stopped_for_accrual"] * experience.stopped_for_accrual
    points += weights["stopped"] * (stopped - experience.stopped_for_accrual)
    points += weights["suspended"] * experience.suspended
    points += weights["enrolled"] * math.log10(1 + max(experience.enrolled, 0))
    if expert is not None and expert.score > 0:
        points += weights["expert_score"] * math.log(1 + expert.score)
    return round(max(float(points), 0.0), 2)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def phase_summary(experience: Experience) -> str:
    """ "2 phase 3, 1 phase 2, 1 with no phase" (the highest phase of each trial)."""
    names = {"PHASE4": "phase 4", "PHASE3": "phase 3", "PHASE2": "phase 2", "PHASE1": "phase 1"}
    parts = [
        f"{experience.by_phase[key]:,} {names[key]}"
        for key in names
        if experience.by_phase.get(key)
    ]
    if parts and experience.by_phase.get("OTHER"):
        parts.append(f"{experience.by_phase['OTHER']:,} with no phase")
    return ", ".join(parts)


def reasons(
    experience: Experience,
    condition_label: str,
    expert: ExpertStrength | None = None,
    *,
    today: dt.date | None = None,
) -> str:
    """Why a row ranks where it does, in words: "4 trials in melanoma (2 phase 3, 2
    phase 2), last started 2024, 1 terminated; 1,240 enrolled in these trials; expert
    score 38 in Oncology"."""
    today = today or timezone.localdate()
    first = _plural(experience.trials, "trial") + f" in {condition_label}"
    phases = phase_summary(experience)
    if phases:
        first += f" ({phases})"
    parts = [first]
    if experience.last_start:
        started = experience.last_start <= today
        verb = "last started" if started else "one starts"
        parts.append(f"{verb} {experience.last_start.year}")
    if experience.ongoing:
        parts.append(f"{experience.ongoing:,} recruiting or active")
    if experience.completed:
        parts.append(f"{experience.completed:,} completed")
    stops = []
    if experience.terminated:
        stops.append(f"{experience.terminated:,} terminated")
    if experience.withdrawn:
        stops.append(f"{experience.withdrawn:,} withdrawn")
    if stops:
        stopped = " and ".join(stops)
        if experience.stopped_for_accrual:
            stopped += f" ({experience.stopped_for_accrual:,} for accrual or enrolment)"
        parts.append(stopped)
    if experience.suspended:
        parts.append(f"{experience.suspended:,} suspended at some point")
    text = ", ".join(parts)
    if experience.enrolled:
        text += f"; {experience.enrolled:,} enrolled in these trials"
    if experience.planned:
        text += f"; {experience.planned:,} planned in ongoing ones"
    if expert is not None:
        text += f"; {expert.label}"
    return text


# --- rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialLink:
    """A trial behind a row, as the row shows it."""

    nct_id: str
    title: str
    status: str
    status_label: str
    phases: str
    start_date: str
    start_on: dt.date | None
    why_stopped: str


@dataclass
class SiteRow:
    key: str
    facility: str
    city: str
    state: str
    country: str  # as registered
    organization_id: int | None
    experience: Experience
    points: float = 0.0
    rank: int = 0
    reasons: str = ""
    organization_name: str = ""
    trials: list[TrialLink] = field(default_factory=list)
    nct_ids: list[str] = field(default_factory=list)
    investigators: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.organization_name or self.facility or "Facility not named"

    @property
    def country_code(self) -> str:
        return countries.code_for(self.country) or ""

    @property
    def country_name(self) -> str:
        return countries.display(self.country)

    @property
    def more_trials(self) -> int:
        return max(self.experience.trials - len(self.trials), 0)


@dataclass
class InvestigatorRow:
    key: str
    name: str
    hcp_id: int | None
    country: str  # ISO code; empty when unknown
    affiliation: str
    roles: list[str]
    sources: list[str]  # "overall official", "site investigator"
    trial_ids: set[int]
    experience: Experience = field(default_factory=Experience)
    expert: ExpertStrength | None = None
    engaged: bool = False
    points: float = 0.0
    rank: int = 0
    reasons: str = ""
    trials: list[TrialLink] = field(default_factory=list)
    nct_ids: list[str] = field(default_factory=list)

    @property
    def country_name(self) -> str:
        return countries.name(self.country)

    @property
    def more_trials(self) -> int:
        return max(self.experience.trials - len(self.trials), 0)


def _ranked(rows: list[Any]) -> list[Any]:
    rows.sort(key=lambda row: (-row.points, -row.experience.trials, fold(row.name), row.key))
    for index, row in enumerate(rows, start=1):
        row.rank = index
    return rows


# --- reads ------------------------------------------------------------------------------


def matching_trials(user: AnyUser, query: FinderQuery) -> QuerySet[Trial]:
    """The trials ``user`` sees in the query's conditions (and phase)."""
    trials = policy.scope(user, "view", Trial).filter(condition_query(list(query.conditions)))
    if query.phase:
        trials = trials.filter(phase_key__contains=f"|{query.phase}|")
    return trials.order_by()


def _site_country_names(user: AnyUser, code: str) -> list[str]:
    """The registry's names of the country ``code`` among the sites' countries."""
    names = (
        policy.scope(user, "view", TrialSite)
        .exclude(country="")
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return [name for name in names if countries.code_for(name) == code]


def _site_key() -> Case:
    """An organization once resolved, else the facility, city and country as registered."""
    return Case(
        When(
            organization__isnull=False,
            then=Concat(
                Value("o:"), Cast("organization_id", TextField()), output_field=TextField()
            ),
        ),
        default=Concat(
            Value("f:"),
            Lower("facility"),
            Value("|"),
            Lower("city"),
            Value("|"),
            Lower("country"),
            output_field=TextField(),
        ),
        output_field=TextField(),
    )


def _aggregates(today: dt.date) -> dict[str, Any]:
    """Conditional counts over a site's trials, as :func:`experience_of` counts them."""

    def has(phase: str) -> Q:
        return Q(trial__phase_key__contains=f"|{phase}|")

    phase4 = has("PHASE4")
    phase3 = has("PHASE3") & ~phase4
    phase2 = has("PHASE2") & ~has("PHASE3") & ~phase4
    phase1 = (has("PHASE1") | has("EARLY_PHASE1")) & ~has("PHASE2") & ~has("PHASE3") & ~phase4
    stopped = Q(trial__overall_status__in=(TERMINATED, WITHDRAWN))
    accrual = Q(pk__in=[])
    for word in ACCRUAL_WORDS:
        accrual |= Q(trial__why_stopped__icontains=word)
    ongoing = Q(trial__overall_status__in=ONGOING)
    ever_suspended = Q(trial__overall_status=SUSPENDED) | Q(
        trial_id__in=TrialStatusChange.objects.filter(new_status=SUSPENDED).values("trial_id")
    )

    def trials(condition: Q | None = None) -> Count:
        return Count("trial_id", distinct=True, filter=condition)

    return {
        "n_trials": trials(),
        "n_phase4": trials(phase4),
        "n_phase3": trials(phase3),
        "n_phase2": trials(phase2),
        "n_phase1": trials(phase1),
        "n_completed": trials(Q(trial__overall_status=COMPLETED)),
        "n_terminated": trials(Q(trial__overall_status=TERMINATED)),
        "n_withdrawn": trials(Q(trial__overall_status=WITHDRAWN)),
        "n_accrual": trials(stopped & accrual),
        "n_suspended": trials(ever_suspended),
        "n_ongoing": trials(ongoing),
        "n_recent": trials(Q(trial__start_on__gte=recent_since(today))),
        "first_start": Min("trial__start_on"),
        "last_start": Max("trial__start_on"),
        "last_completion": Max("trial__completion_on", filter=Q(trial__overall_status=COMPLETED)),
        "enrolled": Sum("trial__enrollment_count", filter=Q(trial__enrollment_type="ACTUAL")),
        "planned": Sum(
            "trial__enrollment_count", filter=ongoing & ~Q(trial__enrollment_type="ACTUAL")
        ),
    }


def _experience_from(row: dict[str, Any]) -> Experience:
    by_phase = {key: int(row[f"n_{key.lower()}"]) for key in PHASE_BINS[:-1]}
    by_phase["OTHER"] = int(row["n_trials"]) - sum(by_phase.values())
    return Experience(
        trials=int(row["n_trials"]),
        by_phase={key: by_phase[key] for key in PHASE_BINS if by_phase[key]},
        completed=int(row["n_completed"]),
        terminated=int(row["n_terminated"]),
        withdrawn=int(row["n_withdrawn"]),
        stopped_for_accrual=int(row["n_accrual"]),
        suspended=int(row["n_suspended"]),
        ongoing=int(row["n_ongoing"]),
        recent=int(row["n_recent"]),
        first_start=row["first_start"],
        last_start=row["last_start"],
        last_completion=row["last_completion"],
        enrolled=int(row["enrolled"] or 0),
        planned=int(row["planned"] or 0),
    )


def _sites(user: AnyUser, query: FinderQuery) -> QuerySet[TrialSite]:
    sites = policy.scope(user, "view", TrialSite).filter(trial__in=matching_trials(user, query))
    if query.country:
        sites = sites.filter(country__in=_site_country_names(user, query.country))
    return sites.order_by()


def find_sites(user: AnyUser, query: FinderQuery, *, today: dt.date | None = None) -> list[SiteRow]:
    """Every site of the query's trials, ranked (without their trials: :func:`with_site_trials`).

    One grouped query (plus the country names when a country is asked)."""
    today = today or timezone.localdate()
    grouped = (
        _sites(user, query)
        .annotate(site_key=_site_key())
        .values("site_key")
        .annotate(
            site_facility=Max("facility"),
            site_city=Max("city"),
            site_state=Max("state"),
            site_country=Max("country"),
            site_organization=Max("organization_id"),
            **_aggregates(today),
        )
    )
    rows = []
    for row in grouped:
        experience = _experience_from(row)
        rows.append(
            SiteRow(
                key=row["site_key"],
                facility=row["site_facility"] or "",
                city=row["site_city"] or "",
                state=row["site_state"] or "",
                country=row["site_country"] or "",
                organization_id=row["site_organization"],
                experience=experience,
                points=experience_points(experience),
                reasons=reasons(experience, query.condition_label, today=today),
            )
        )
    return _ranked(rows)


def _links(trial_ids: Iterable[int]) -> dict[int, TrialLink]:
    """The trials of ``trial_ids`` as rows show them (one query)."""
    links: dict[int, TrialLink] = {}
    columns = (
        "id",
        "nct_id",
        "brief_title",
        "official_title",
        "overall_status",
        "phases",
        "start_date",
        "start_on",
        "why_stopped",
    )
    for values in Trial.objects.filter(pk__in=list(trial_ids)).values_list(*columns):
        pk, nct_id, brief, official, status, phases, start_date, start_on, why = values
        links[pk] = TrialLink(
            nct_id=nct_id,
            title=brief or official or nct_id,
            status=status,
            status_label=status_label(status),
            phases=", ".join(phase_label(phase) for phase in phases or []),
            start_date=start_date,
            start_on=start_on,
            why_stopped=why,
        )
    return links


def _newest_first(links: Iterable[TrialLink]) -> list[TrialLink]:
    return sorted(links, key=lambda link: (link.start_on or dt.date.min, link.nct_id), reverse=True)


def _chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def with_site_trials(
    user: AnyUser, query: FinderQuery, rows: Sequence[SiteRow], *, shown: int = TRIALS_SHOWN
) -> Sequence[SiteRow]:
    """Fill the trials, NCT IDs, named investigators and organization names of ``rows``
    (a page, or an export): a query per 500 rows, then one for their trials and one
    for the organizations."""
    by_key = {row.key: row for row in rows}
    trial_ids: dict[str, set[int]] = defaultdict(set)
    people: dict[str, Counter[str]] = defaultdict(Counter)
    sites = _sites(user, query).annotate(site_key=_site_key())
    for keys in _chunks(list(by_key)):
        for key, trial_id, contacts in sites.filter(site_key__in=list(keys)).values_list(
            "site_key", "trial_id", "contacts"
        ):
            trial_ids[key].add(trial_id)
            for contact in contacts or []:
                if _is_investigator(contact):
                    people[key][str(contact["name"]).strip()] += 1
    links = _links({pk for ids in trial_ids.values() for pk in ids})
    organizations = dict(
        policy.scope(user, "view", Organization)
        .filter(pk__in=[row.organization_id for row in rows if row.organization_id])
        .values_list("id", "name")
    )
    for key, row in by_key.items():
        ordered = _newest_first(links[pk] for pk in trial_ids.get(key, ()) if pk in links)
        row.trials = ordered[:shown]
        row.nct_ids = [link.nct_id for link in ordered]
        row.investigators = [name for name, _count in people[key].most_common(3)]
        if row.organization_id:
            row.organization_name = organizations.get(row.organization_id, "")
    return rows


# --- investigators ------------------------------------------------------------------------

_NOT_NAME = frozenset(
    {"dr", "prof", "professor", "md", "phd", "mph", "msc", "ms", "mr", "mrs", "med", "pd"}
    | {"priv", "doz", "mba", "facp", "frcp", "frcpc", "mbbs", "do", "dphil", "mbchb", "rn"}
    | {"pharmd", "facs", "frcs", "mrcp", "bsc", "ma", "univ"}
)


def _name_words(name: str) -> list[str]:
    """The words of a person's name as written, without titles and degrees."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    return [word for word in words if word not in _NOT_NAME]


def name_key(name: str) -> str:
    """A person's name without titles and degrees, word order ignored:
    "Prof. Dr. Anna Schmidt, MD" and "Schmidt, Anna" are both "anna schmidt"."""
    return " ".join(sorted(_name_words(name)))


#: Words of the placeholders registries write where a person's name belongs
#: ("Medical Director", "Clinical Trials", "Call 1-877-...", "Acme GmbH").
_NOT_A_PERSON = frozenset(
    {"director", "medical", "clinical", "trial", "trials", "study", "studies", "sponsor"}
    | {"center", "centre", "team", "department", "call", "information", "inc", "gmbh"}
    | {"ltd", "llc", "pharma", "pharmaceuticals", "corporation", "hospital", "research"}
    | {"contact", "site", "investigator", "investigators", "officer", "manager", "office"}
    | {"transparency", "disclosure", "plc", "group", "unit", "foundation", "institute"}
)


def is_person(name: str) -> bool:
    """A person's name: at least two words, no digits, no placeholder words."""
    words = _name_words(name)
    return (
        len(words) >= 2
        and not any(word.isdigit() or word in _NOT_A_PERSON for word in words)
        and not any(char.isdigit() for char in name)
    )


def _search_names(name: str) -> set[str]:
    """The directory's ``search_name`` ("family given", folded) the name may have:
    each rotation of its words ("Anna Maria Schmidt" -> "schmidt anna maria", ...)."""
    words = _name_words(name)
    return {" ".join(words[index:] + words[:index]) for index in range(len(words))}


def _is_investigator(contact: Any) -> bool:
    return (
        isinstance(contact, dict)
        and str(contact.get("role") or "") in INVESTIGATOR_ROLES
        and is_person(str(contact.get("name") or ""))
    )


def _trial_facts(trials: QuerySet[Trial]) -> dict[int, TrialFacts]:
    suspended = set(
        TrialStatusChange.objects.filter(trial__in=trials, new_status=SUSPENDED)
        .order_by()
        .values_list("trial_id", flat=True)
    )
    columns = (
        "id",
        "nct_id",
        "phase_key",
        "overall_status",
        "why_stopped",
        "start_on",
        "completion_on",
        "enrollment_count",
        "enrollment_type",
    )
    facts: dict[int, TrialFacts] = {}
    for pk, nct_id, phase_key, status, why, start, completion, count, kind in trials.values_list(
        *columns
    ):
        facts[pk] = TrialFacts(
            pk, nct_id, phase_key, status, why, start, completion, count, kind, pk in suspended
        )
    return facts


@dataclass
class _Person:
    name: Counter[str] = field(default_factory=Counter)
    affiliation: Counter[str] = field(default_factory=Counter)
    country: Counter[str] = field(default_factory=Counter)
    roles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    trial_ids: set[int] = field(default_factory=set)

    def absorb(self, other: _Person) -> None:
        self.name.update(other.name)
        self.affiliation.update(other.affiliation)
        self.country.update(other.country)
        self.roles |= other.roles
        self.sources |= other.sources
        self.trial_ids |= other.trial_ids


HCPValues = tuple[int, str, str, str, str]  # id, given name, family name, suffix, country
_HCP_COLUMNS = ("id", "given_name", "family_name", "suffix", "country")


def _matching_areas(query: FinderQuery) -> dict[int, str]:
    """Therapeutic areas whose condition words (or MeSH names, or name) match a
    condition of the query, either way round: "melanoma" finds an area of
    "melanoma" and one of "skin neoplasms, melanoma"; "lung cancer" one of "cancer"."""
    wanted = [f" {fold(condition)} " for condition in query.conditions]
    areas: dict[int, str] = {}
    for definition in AreaDefinition.objects.select_related("area"):
        words = [*definition.conditions, *definition.mesh_terms, definition.area.name]
        for word in words:
            key = f" {fold(str(word))} "
            if key.strip() and any(key in text or text in key for text in wanted):
                areas[definition.area_id] = definition.area.name
                break
    return areas


def _expert_strengths(
    user: AnyUser, query: FinderQuery, hcp_ids: Sequence[int]
) -> dict[int, ExpertStrength]:
    """Each HCP's best expert score among the matching areas (a query per 500 HCPs)."""
    areas = _matching_areas(query)
    best: dict[int, ExpertStrength] = {}
    if not areas:
        return best
    for chunk in _chunks(sorted(hcp_ids)):
        scores = (
            policy.scope(user, "view", ExpertScore)
            .filter(area_id__in=list(areas), hcp_id__in=list(chunk))
            .order_by()
            .values_list("hcp_id", "area_id", "score", "tier")
        )
        for hcp_id, area_id, score, tier in scores:
            if hcp_id not in best or score > best[hcp_id].score:
                best[hcp_id] = ExpertStrength(area_id, areas[area_id], float(score), tier)
    return best


def _link_named(
    user: AnyUser,
    people: dict[str, _Person],
    hcps: dict[int, HCPValues],
    unlinked_officials: dict[str, set[int]],
) -> None:
    """Link the named site investigators no official links yet to the directory HCP
    of their site's country who bears their name, when exactly one does."""
    wanted: dict[str, set[str]] = defaultdict(set)  # a search name -> person keys
    codes: set[str] = set()
    for key, person in people.items():
        if key.startswith("n:") and person.country:
            codes |= set(person.country)
            for name in person.name:
                for search_name in _search_names(name):
                    wanted[search_name].add(key)
    found: dict[tuple[str, str], list[HCPValues]] = defaultdict(list)
    for chunk in _chunks(sorted(wanted)):
        for values in (
            policy.scope(user, "view", HCP)
            .filter(search_name__in=list(chunk), country__in=sorted(codes))
            .values_list(*_HCP_COLUMNS)
        ):
            found[(name_key(f"{values[1]} {values[2]}"), values[4])].append(values)
    for key in sorted({key for keys in wanted.values() for key in keys}):
        person = people[key]
        matches = {values for code in person.country for values in found[(key[2:], code)]}
        if len(matches) != 1:
            continue
        (values,) = matches
        hcps[values[0]] = values
        linked = f"h:{values[0]}"
        people[linked].absorb(people.pop(key))
        if key in unlinked_officials:
            unlinked_officials[linked] = unlinked_officials.pop(key)


def _trial_countries(user: AnyUser, trial_ids: set[int]) -> dict[int, set[str]]:
    """The site countries (codes) of each trial."""
    found: dict[int, set[str]] = defaultdict(set)
    ids = sorted(trial_ids)
    for chunk in _chunks(ids):
        rows = (
            policy.scope(user, "view", TrialSite)
            .filter(trial_id__in=list(chunk))
            .exclude(country="")
            .order_by()
            .values_list("trial_id", "country")
            .distinct()
        )
        for trial_id, country in rows:
            code = countries.code_for(country)
            if code:
                found[trial_id].add(code)
    return found


def find_investigators(
    user: AnyUser, query: FinderQuery, *, today: dt.date | None = None
) -> list[InvestigatorRow]:
    """Every investigator of the query's trials, ranked (without their trials:
    :func:`with_investigator_trials`)."""
    today = today or timezone.localdate()
    trials = matching_trials(user, query)
    facts = _trial_facts(trials)
    if not facts:
        return []
    people: dict[str, _Person] = defaultdict(_Person)
    unlinked_officials: dict[str, set[int]] = defaultdict(set)
    officials = (
        policy.scope(user, "view", TrialOfficial)
        .filter(trial__in=trials)
        .order_by()
        .values_list("trial_id", "hcp_id", "name", "affiliation", "role")
    )
    for trial_id, hcp_id, name, affiliation, role in officials:
        if not hcp_id and not is_person(name):
            continue
        key = f"h:{hcp_id}" if hcp_id else f"n:{name_key(name)}"
        person = people[key]
        person.name[name.strip()] += 1
        if affiliation.strip():
            person.affiliation[affiliation.strip()] += 1
        if role:
            person.roles.add(role)
        person.sources.add("overall official")
        person.trial_ids.add(trial_id)
        if not hcp_id:
            unlinked_officials[key].add(trial_id)
    hcps: dict[int, HCPValues] = {
        values[0]: values
        for values in policy.scope(user, "view", HCP)
        .filter(pk__in=TrialOfficial.objects.filter(trial__in=trials).values("hcp_id"))
        .values_list(*_HCP_COLUMNS)
    }
    # A named person resolves to a linked HCP when exactly one HCP bears the name.
    by_name: dict[str, set[str]] = defaultdict(set)
    for key, person in people.items():
        if key.startswith("h:"):
            for name in person.name:
                by_name[name_key(name)].add(key)
            hcp = hcps.get(int(key[2:]))
            if hcp:
                by_name[name_key(f"{hcp[1]} {hcp[2]}")].add(key)
    contacts = (
        _sites(user, query)
        .exclude(contacts=[])
        .values_list("trial_id", "contacts", "facility", "country")
    )
    for trial_id, site_contacts, facility, country in contacts:
        for contact in site_contacts or []:
            if not _is_investigator(contact):
                continue
            name = str(contact["name"]).strip()
            named = name_key(name)
            holders = by_name.get(named, set())
            key = next(iter(holders)) if len(holders) == 1 else f"n:{named}"
            person = people[key]
            person.name[name] += 1
            if facility.strip():
                person.affiliation[facility.strip()] += 1
            code = countries.code_for(country) if country else None
            if code:
                person.country[code] += 1
            person.roles.add(str(contact["role"]))
            person.sources.add("site investigator")
            person.trial_ids.add(trial_id)
    _link_named(user, people, hcps, unlinked_officials)
    if query.country:
        _keep_in_country(user, query.country, people, hcps, unlinked_officials)
    strengths = _expert_strengths(
        user, query, [int(key[2:]) for key in people if key.startswith("h:")]
    )
    engaged = engaged_hcp_ids(user)
    rows = []
    for key, person in people.items():
        hcp = hcps.get(int(key[2:])) if key.startswith("h:") else None
        linked: int | None = None
        if hcp is not None:
            linked, given, family, suffix, country = hcp
            name = f"{given} {family}".strip() + (f", {suffix}" if suffix else "")
        else:
            name = person.name.most_common(1)[0][0]
            country = person.country.most_common(1)[0][0] if person.country else ""
        experience = experience_of(
            (facts[pk] for pk in person.trial_ids if pk in facts), today=today
        )
        expert = strengths.get(linked) if linked else None
        rows.append(
            InvestigatorRow(
                key=key,
                name=name,
                hcp_id=linked,
                country=country,
                affiliation=person.affiliation.most_common(1)[0][0] if person.affiliation else "",
                roles=[ROLE_WORDS.get(role, role.lower()) for role in sorted(person.roles)],
                sources=sorted(person.sources),
                trial_ids=person.trial_ids,
                experience=experience,
                expert=expert,
                engaged=linked in engaged if linked else False,
                points=experience_points(experience, expert),
                reasons=reasons(experience, query.condition_label, expert, today=today),
            )
        )
    return _ranked(rows)


def _keep_in_country(
    user: AnyUser,
    code: str,
    people: dict[str, _Person],
    hcps: dict[int, HCPValues],
    unlinked_officials: dict[str, set[int]],
) -> None:
    """Drop the people not of the country ``code`` (see the module's docstring)."""
    country_word = f" {fold(countries.name(code))} "
    trial_countries = _trial_countries(
        user, {pk for ids in unlinked_officials.values() for pk in ids}
    )
    for key in list(people):
        person = people[key]
        if key.startswith("h:"):
            hcp = hcps.get(int(key[2:]))
            if hcp is None or hcp[4] != code:
                del people[key]
            continue
        if person.country.get(code):
            continue  # a named investigator of a site in the country
        official_trials = unlinked_officials.get(key, set())
        in_country = any(trial_countries.get(pk) == {code} for pk in official_trials) or any(
            country_word in f" {fold(affiliation)} " for affiliation in person.affiliation
        )
        if not (official_trials and in_country):
            del people[key]


def with_investigator_trials(
    rows: Sequence[InvestigatorRow], *, shown: int = TRIALS_SHOWN
) -> Sequence[InvestigatorRow]:
    """Fill the trials and NCT IDs of ``rows`` (one query)."""
    links = _links({pk for row in rows for pk in row.trial_ids})
    for row in rows:
        ordered = _newest_first(links[pk] for pk in row.trial_ids if pk in links)
        row.trials = ordered[:shown]
        row.nct_ids = [link.nct_id for link in ordered]
    return rows


# --- export -----------------------------------------------------------------------------

SITE_HEADER = (
    "Rank",
    "Site",
    "Facility as registered",
    "City",
    "State or region",
    "Country",
    "Trials",
    "Phase 4",
    "Phase 3",
    "Phase 2",
    "Phase 1",
    "Recruiting or active",
    "Completed",
    "Terminated",
    "Withdrawn",
    "Stopped for accrual",
    "Suspended at some point",
    "First started",
    "Last started",
    "Enrolled",
    "Planned in ongoing trials",
    "Points",
    "Why ranked",
    "Named investigators",
    "Trials (NCT IDs)",
)
INVESTIGATOR_HEADER = (
    "Rank",
    "Investigator",
    "HCP ID",
    "Engaged by our team",
    "Country",
    "Affiliation",
    "Roles",
    "Found as",
    "Trials",
    "Phase 4",
    "Phase 3",
    "Phase 2",
    "Phase 1",
    "Recruiting or active",
    "Completed",
    "Terminated",
    "Withdrawn",
    "Stopped for accrual",
    "Suspended at some point",
    "First started",
    "Last started",
    "Enrolled",
    "Planned in ongoing trials",
    "Expert score",
    "Expert score area",
    "Points",
    "Why ranked",
    "Trials (NCT IDs)",
)


def _experience_cells(experience: Experience) -> list[Any]:
    return [
        experience.trials,
        *(experience.by_phase.get(key, 0) for key in PHASE_BINS[:-1]),
        experience.ongoing,
        experience.completed,
        experience.terminated,
        experience.withdrawn,
        experience.stopped_for_accrual,
        experience.suspended,
        experience.first_start.isoformat() if experience.first_start else "",
        experience.last_start.isoformat() if experience.last_start else "",
        experience.enrolled,
        experience.planned,
    ]


def site_table(rows: Iterable[SiteRow]) -> Iterator[list[Any]]:
    yield list(SITE_HEADER)
    for row in rows:
        yield [
            row.rank,
            safe_cell(row.name),
            safe_cell(row.facility),
            safe_cell(row.city),
            safe_cell(row.state),
            row.country_name,
            *_experience_cells(row.experience),
            row.points,
            safe_cell(row.reasons),
            safe_cell("; ".join(row.investigators)),
            " ".join(row.nct_ids),
        ]


def investigator_table(rows: Iterable[InvestigatorRow]) -> Iterator[list[Any]]:
    yield list(INVESTIGATOR_HEADER)
    for row in rows:
        yield [
            row.rank,
            safe_cell(row.name),
            row.hcp_id or "",
            "yes" if row.engaged else "",
            row.country_name,
            safe_cell(row.affiliation),
            ", ".join(row.roles),
            ", ".join(row.sources),
            *_experience_cells(row.experience),
            round(row.expert.score, 1) if row.expert else "",
            row.expert.area if row.expert else "",
            row.points,
            safe_cell(row.reasons),
            " ".join(row.nct_ids),
        ]


def export_format(name: str) -> ExportFormat:
    spec = EXPORT_FORMATS.get(name)
    if spec is None:
        raise LiaisonError(f"format: “{name[:20]}” is not csv or xlsx", field="format")
    return spec


def list_of(name: str) -> str:
    if name not in LISTS:
        raise LiaisonError(f"list: “{name[:20]}” is not sites or investigators", field="list")
    return name


def export_table(
    user: AnyUser, query: FinderQuery, *, list_name: str, limit: int
) -> tuple[Iterator[list[Any]], int, int]:
    """The header and the top ``limit`` rows of a list; with the rows written and found."""
    if list_name == "sites":
        sites = find_sites(user, query)
        top_sites = with_site_trials(user, query, sites[:limit])
        return site_table(top_sites), len(top_sites), len(sites)
    people = find_investigators(user, query)
    top_people = with_investigator_trials(people[:limit])
    return investigator_table(top_people), len(top_people), len(people)


def write_export(
    user: AnyUser,
    query: FinderQuery,
    stream: IO[bytes],
    *,
    list_name: str,
    format: str,
    limit: int,
) -> int:
    """Write a list as CSV (UTF-8 with a BOM, for spreadsheets) or XLSX; returns rows."""
    spec = export_format(format)
    table, written, _found = export_table(user, query, list_name=list_of(list_name), limit=limit)
    if spec.name == "xlsx":
        write_xlsx(table, stream, title="Sites" if list_name == "sites" else "Investigators")
        return written
    import csv
    import io

    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    csv.writer(text).writerows(table)
    text.flush()
    text.detach()
    return written


def file_name(query: FinderQuery, list_name: str, format: str) -> str:
    """ "melanoma-de-phase3-sites.csv"."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(query.conditions[0])).strip("-")[:40] or "condition"
    parts = [words, query.country.lower(), query.phase.lower().replace("_", "")]
    return "-".join(part for part in [*parts, list_name] if part) + f".{format}"
