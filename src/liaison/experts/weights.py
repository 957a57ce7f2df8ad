"""The default score weights of a therapeutic area (an administrator edits a copy per area).

Every key is documented in docs/experts.md ("Scores and tiers"); :func:`check_weights`
is the one judge of a set an administrator saves (every number at least 0, the
half-life above 0, tier cut-offs increasing and below 100), and :func:`merged`
fills a saved set's missing keys from the defaults, so a set saved before a key
existed still scores.
"""

from __future__ import annotations

import copy
from typing import Any

#: Points and multipliers of the score's components. A new version of an area's
#: weights copies these and changes some.
DEFAULT_WEIGHTS: dict[str, Any] = {
    # Publications: points of one paper before its multipliers.
    "publication": 1.0,
    "position": {"first": 1.0, "last": 1.0, "middle": 0.4, "investigator": 0.2},
    "publication_type": {
        "Practice Guideline": 3.0,
        "Guideline": 3.0,
        "Consensus Development Conference": 2.5,
        "Randomized Controlled Trial": 2.0,
        "Meta-Analysis": 2.0,
        "Systematic Review": 1.8,
        "Review": 1.5,
        "Clinical Trial": 1.5,
    },
    "half_life_years": 5.0,
    # Trials: points of one trial an HCP led before its multipliers.
    "trial": 3.0,
    "trial_role": {
        "PRINCIPAL_INVESTIGATOR": 1.0,
        "STUDY_CHAIR": 1.0,
        "STUDY_DIRECTOR": 0.6,
        "SUB_INVESTIGATOR": 0.4,
    },
    "trial_phase": {
        "EARLY_PHASE1": 0.6,
        "PHASE1": 0.8,
        "PHASE2": 1.0,
        "PHASE3": 1.5,
        "PHASE4": 0.8,
    },
    "trial_status": {
        "RECRUITING": 1.2,
        "ENROLLING_BY_INVITATION": 1.1,
        "ACTIVE_NOT_RECRUITING": 1.0,
        "COMPLETED": 1.0,
        "NOT_YET_RECRUITING": 0.8,
        "SUSPENDED": 0.5,
        "TERMINATED": 0.5,
        "WITHDRAWN": 0.2,
    },
    "sponsor_class": {"INDUSTRY": 1.0, "NIH": 1.1, "FED": 1.0, "OTHER_GOV": 1.0, "OTHER": 0.9},
    #: The most a trial's enrolment adds (a factor of 1.5 at 10,000 participants, on a log scale).
    "enrollment": 0.5,
    # The co-authorship network: points of the area's most central HCP.
    "network": 10.0,
    # Tiers per area and country: percent of the ranked list (tier 1 the top 5%, tier 2
    # down to 20%, the rest tier 3).
    "tiers": {"1": 5.0, "2": 20.0},
    # Rising experts: the last ``rising_years`` years against the HCP's own earlier rate
    # and the area's median growth, ``rising_factor`` times faster, and at least
    # ``rising_min_points`` points in the window.
    "rising_years": 3,
    "rising_factor": 2.0,
    "rising_min_points": 3.0,
}

#: Keys holding one number; the others hold a mapping of names to numbers.
NUMBER_KEYS = (
    "publication",
    "half_life_years",
    "trial",
    "enrollment",
    "network",
    "rising_years",
    "rising_factor",
    "rising_min_points",
)
MAPPING_KEYS = (
    "position",
    "publication_type",
    "trial_role",
    "trial_phase",
    "trial_status",
    "sponsor_class",
    "tiers",
)


class WeightsProblem(ValueError):
    """A weight set that cannot score: ``field`` names the key (``position.first``)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeightsProblem(field, f"“{str(value)[:30]}” is not a number")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise WeightsProblem(field, "must be a finite number")
    if number < 0:
        raise WeightsProblem(field, f"{value} is below 0: weights are 0 or more")
    return number


def check_weights(weights: Any) -> dict[str, Any]:
    """``weights`` checked and completed from the defaults (a new dict), or a
    :class:`WeightsProblem` naming the first wrong key."""
    if not isinstance(weights, dict):
        raise WeightsProblem("weights", "must be an object of weight names and numbers")
    unknown = sorted(set(weights) - set(NUMBER_KEYS) - set(MAPPING_KEYS))
    if unknown:
        raise WeightsProblem(unknown[0], "is not a weight (see the list of weights)")
    checked = merged(weights)
    for key in NUMBER_KEYS:
        checked[key] = _number(checked[key], key)
    for key in MAPPING_KEYS:
        mapping = checked[key]
        if not isinstance(mapping, dict):
            raise WeightsProblem(key, "must be an object of names and numbers")
        cleaned: dict[str, float] = {}
        for name, value in mapping.items():
            label = str(name).strip()
            if not label:
                raise WeightsProblem(key, "a name is empty")
            if len(label) > 100:
                raise WeightsProblem(key, "a name is longer than 100 characters")
            cleaned[label] = _number(value, f"{key}.{label}")
        checked[key] = cleaned
    if checked["half_life_years"] <= 0:
        raise WeightsProblem("half_life_years", "must be above 0 years")
    years = checked["rising_years"]
    if years != int(years) or not 1 <= years <= 20:
        raise WeightsProblem("rising_years", "must be a whole number of years from 1 to 20")
    checked["rising_years"] = int(years)
    tiers = checked["tiers"]
    if set(tiers) != {"1", "2"}:
        raise WeightsProblem("tiers", "give the cut-offs of tiers 1 and 2 (percent of the list)")
    if not 0 < tiers["1"] < tiers["2"] < 100:
        raise WeightsProblem(
            "tiers.2" if tiers["1"] > 0 else "tiers.1",
            "tier cut-offs must increase from above 0 to below 100 percent "
            f"(tier 1 {tiers['1']:g}, tier 2 {tiers['2']:g})",
        )
    return checked


def merged(weights: dict[str, Any]) -> dict[str, Any]:
    """The defaults overlaid with ``weights`` (mappings replaced whole: a set that
    names its publication types weighs only those)."""
    result = copy.deepcopy(DEFAULT_WEIGHTS)
    for key, value in weights.items():
        result[key] = copy.deepcopy(value)
    return result
