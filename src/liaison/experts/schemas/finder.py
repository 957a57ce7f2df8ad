"""Input and output schemas of the site finder's API (``/api/v1/experts/sites``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.experts import finder
from liaison.lib.api import PageQuery
from liaison.trials.models import PHASE_LABELS


class FinderQueryIn(PageQuery):
    """The finder's question and the page of one ranked list."""

    # Required, but checked by the handler (a 422 naming it): so a request with
    # another bad parameter names that one alone, as every list's does.
    condition: str = Field(
        "",
        max_length=finder.CONDITION_MAX,
        description="Required: words of a condition, from the start of a word (melanoma, "
        "lung canc); several separated by commas match either",
    )
    country: str = Field(
        "", max_length=100, description="ISO 3166-1 alpha-2 code (DE), or a country's name"
    )
    phase: str = Field(
        "",
        max_length=40,
        description=f"One of {', '.join(PHASE_LABELS)} (or 3, phase 3): trials of "
        "that phase only (a PHASE2/PHASE3 trial is both)",
    )


class FinderExperienceOut(Schema):
    """What a site or an investigator did in the matching trials."""

    trials: int = Field(description="Matching trials, each counted once")
    phase_4: int = Field(description="Trials whose highest phase is 4")
    phase_3: int = Field(description="Trials whose highest phase is 3")
    phase_2: int
    phase_1: int = Field(description="Phase 1 or early phase 1")
    other_phase: int = Field(description="No phase given or not applicable")
    ongoing: int = Field(description="Recruiting, active or not yet recruiting")
    completed: int
    terminated: int
    withdrawn: int
    stopped_for_accrual: int = Field(
        description="Of the terminated and withdrawn: the registry's reason names accrual, "
        "enrolment or recruitment"
    )
    suspended: int = Field(description="Suspended now or at some point of the status history")
    recent: int = Field(description=f"Started in the last {finder.RECENT_YEARS} years")
    first_started: dt.date | None
    last_started: dt.date | None
    last_completed: dt.date | None
    enrolled: int = Field(description="Participants actually enrolled (the trials' totals)")
    planned: int = Field(description="Participants estimated by ongoing trials")


class FinderTrialOut(Schema):
    nct_id: str
    title: str
    status: str = Field(description="Overall status, e.g. COMPLETED")
    phases: str = Field(description="In words: Phase 2, Phase 3")
    start_date: str = Field(description="As registered; partial dates (2023-05) kept")
    why_stopped: str


class FinderSiteOut(Schema):
    rank: int
    name: str = Field(description="The directory organization's name, else the facility")
    facility: str = Field(description="As registered")
    city: str
    state: str
    country: str = Field(description="The country's name")
    country_code: str = Field(description="ISO 3166-1 alpha-2; empty when not known")
    organization_id: int | None = Field(description="The directory organization, once resolved")
    points: float = Field(description="What the rank is by (see docs/experts.md)")
    reasons: str = Field(description="Why the site ranks here, in words")
    experience: FinderExperienceOut
    investigators: list[str] = Field(description="Investigators the site names, most often first")
    latest_trials: list[FinderTrialOut] = Field(
        description=f"The {finder.TRIALS_SHOWN} latest matching trials"
    )
    nct_ids: list[str] = Field(description="Every matching trial, latest first")


class FinderSitePageOut(Schema):
    query: str = Field(description="The question in words")
    count: int
    page: int
    page_size: int
    results: list[FinderSiteOut]


class FinderExpertScoreOut(Schema):
    area_id: int
    area: str
    score: float
    tier: int | None


class FinderInvestigatorOut(Schema):
    rank: int
    name: str = Field(description="The HCP's name, else the name as registered")
    hcp_id: int | None = Field(description="The directory HCP, once resolved")
    country: str = Field(description="ISO 3166-1 alpha-2; empty when not known")
    affiliation: str
    roles: list[str] = Field(description="principal investigator, study chair, ...")
    found_as: list[str] = Field(description="overall official, site investigator")
    engaged: bool = Field(description="Our team engages this HCP")
    expert_score: FinderExpertScoreOut | None = Field(
        description="The best expert score in a therapeutic area matching the condition"
    )
    points: float
    reasons: str
    experience: FinderExperienceOut
    latest_trials: list[FinderTrialOut]
    nct_ids: list[str]


class FinderInvestigatorPageOut(Schema):
    query: str
    count: int
    page: int
    page_size: int
    results: list[FinderInvestigatorOut]
