"""The default score weights of a therapeutic area (an administrator edits a copy per area)."""

from __future__ import annotations

from typing import Any

#: Points and multipliers of the score's components; every key is documented in
#: docs/experts.md. A new version of an area's weights copies these and changes some.
DEFAULT_WEIGHTS: dict[str, Any] = {
    "publication": 1.0,
    "position": {"first": 1.0, "last": 1.0, "middle": 0.4, "investigator": 0.2},
    "publication_type": {
        "Practice Guideline": 3.0,
        "Guideline": 3.0,
        "Randomized Controlled Trial": 2.0,
        "Meta-Analysis": 2.0,
        "Systematic Review": 1.8,
        "Review": 1.5,
        "Clinical Trial": 1.5,
    },
    "half_life_years": 5.0,
    "trial": 3.0,
    "trial_role": {"PRINCIPAL_INVESTIGATOR": 1.0, "STUDY_CHAIR": 1.0, "STUDY_DIRECTOR": 0.6},
    "trial_phase": {"PHASE1": 0.8, "PHASE2": 1.0, "PHASE3": 1.5, "PHASE4": 0.8},
    "trial_status": {"RECRUITING": 1.2, "ACTIVE_NOT_RECRUITING": 1.0, "COMPLETED": 1.0},
    "sponsor_class": {"INDUSTRY": 1.0, "NIH": 1.1, "OTHER": 0.9},
    "network": 10.0,
    "tiers": {"1": 5.0, "2": 20.0},
    "rising_years": 3,
}
