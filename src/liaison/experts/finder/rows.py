"""The rows of the finder's two lists, sites (:class:`SiteRow`) and investigators
(:class:`InvestigatorRow`), and their ranking (:func:`ranked`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from liaison.experts.finder.experience import Experience, ExpertStrength
from liaison.experts.finder.trials import TrialLink
from liaison.lib import countries
from liaison.lib.text import fold


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


def ranked(rows: list[Any]) -> list[Any]:
    """``rows`` sorted by points (then trials, then name) and numbered from 1."""
    rows.sort(key=lambda row: (-row.points, -row.experience.trials, fold(row.name), row.key))
    for index, row in enumerate(rows, start=1):
        row.rank = index
    return rows
