"""What a site or an investigator did in the matching trials (:class:`Experience`),
the points a row ranks by (:func:`experience_points`) and why, in words
(:func:`reasons`). Plain values in, plain values out: no ORM (the database's
counterpart for sites is the grouped query of :mod:`liaison.experts.finder.sites`)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

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


#: Phase bins, highest first, as a row counts its trials ("2 phase 3").
PHASE_BINS = ("PHASE4", "PHASE3", "PHASE2", "PHASE1", "OTHER")


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
    for sites (:func:`liaison.experts.finder.sites.find_sites`)."""
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
