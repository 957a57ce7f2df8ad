"""The trials API under /api/v1/trials: the list with its filters, and one trial
with its sites, officials and status history. Read-only: loading is the CLI's
and the upload page's. Every medical-affairs role reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from liaison.lib.api import Id, PageQuery, Text, acting_user, paginate, query_error
from liaison.trials import selectors
from liaison.trials.models import Trial, TrialStatusChange

router = Router(tags=["Trials"])


class EnrollmentOut(Schema):
    count: int | None
    type: str | None


class SponsorOut(Schema):
    name: str
    sponsor_class: str = Field(description="INDUSTRY, NIH, FED, OTHER_GOV, NETWORK, OTHER, ...")


class InterventionOut(Schema):
    type: str | None
    name: str | None
    description: str | None = None
    other_names: list[str] = []


class TrialOut(Schema):
    nct_id: str
    brief_title: str
    official_title: str
    acronym: str
    overall_status: str = Field(description="RECRUITING, COMPLETED, ...; empty when not given")
    phases: list[str]
    study_type: str
    enrollment: EnrollmentOut
    conditions: list[str]
    interventions: list[InterventionOut]
    lead_sponsor: SponsorOut
    start_date: str = Field(description="As registered; partial dates (2023-05) kept")
    primary_completion_date: str
    completion_date: str
    first_posted: dt.date | None
    last_update_posted: dt.date | None
    has_results: bool | None
    updated_at: dt.datetime = Field(description="When a load last changed this trial here")

    @staticmethod
    def resolve_enrollment(obj: Trial) -> dict[str, Any]:
        return {"count": obj.enrollment_count, "type": obj.enrollment_type or None}

    @staticmethod
    def resolve_lead_sponsor(obj: Trial) -> dict[str, Any]:
        return {"name": obj.lead_sponsor_name, "sponsor_class": obj.lead_sponsor_class}


class TrialPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[TrialOut]


class SiteOut(Schema):
    facility: str
    city: str
    state: str
    zip: str
    country: str
    lat: float | None
    lon: float | None
    status: str
    organization_id: int | None = Field(description="The directory organization, once resolved")


class OfficialOut(Schema):
    name: str
    affiliation: str
    role: str
    hcp_id: int | None = Field(description="The directory HCP, once resolved")


class StatusChangeOut(Schema):
    old_status: str
    new_status: str
    seen_at: dt.datetime
    last_update_posted: dt.date | None
    notable: bool = Field(description="Recruitment opened or closed, or the trial ended or stopped")

    @staticmethod
    def resolve_notable(obj: TrialStatusChange) -> bool:
        return obj.is_notable


class TrialDetailOut(TrialOut):
    status_verified_date: str
    why_stopped: str
    condition_mesh: list[dict[str, Any]] = Field(description="[{id, term}]")
    keywords: list[str]
    arms: list[dict[str, Any]]
    collaborators: list[dict[str, Any]] = Field(description="[{name, class}]")
    primary_outcomes: list[dict[str, Any]]
    secondary_outcomes: list[dict[str, Any]]
    reference_pmids: list[int]
    sites: list[SiteOut]
    officials: list[OfficialOut]
    status_history: list[StatusChangeOut] = Field(description="Newest first")

    @staticmethod
    def resolve_sites(obj: Trial) -> list[Any]:
        return list(obj.sites.all())

    @staticmethod
    def resolve_officials(obj: Trial) -> list[Any]:
        return list(obj.officials.all())

    @staticmethod
    def resolve_status_history(obj: Trial) -> list[Any]:
        return list(obj.status_changes.all())


class TrialListQuery(PageQuery):
    # As the web's search box: each word is a condition of the query, so thousands of
    # them overflow SQLite's expression depth (a 5xx).
    q: str = Field(
        "",
        max_length=200,
        description="Words found in titles, conditions, interventions, sponsors (accents optional)",
    )
    condition: str = Field(
        "", description="Words of a condition or its MeSH term, each from its start: lung canc"
    )
    intervention: str = Field(
        "", description="Words of an intervention's name or other name, each from its start: pembro"
    )
    status: str = Field("", description="Overall status, e.g. RECRUITING; `none` for no status")
    phase: str = Field("", description="PHASE1, PHASE2, ... (PHASE2 includes PHASE2/PHASE3)")
    country: str = Field("", description="A site's country as registered, e.g. Germany")
    sponsor_class: str = Field("", description="INDUSTRY, NIH, OTHER, ...")
    sponsor: str = Field("", description="The lead sponsor's name, exactly")
    product: Id | None = Field(None, description="A directory product id, matched on interventions")
    sort: str = Field("-updated", description=", ".join(selectors.TRIAL_SORTS))


@router.get(
    "",
    response=TrialPageOut,
    summary="List trials",
    description="Trials loaded from ClinicalTrials.gov, searched, filtered and sorted, a page at a time.",
)
def list_trials(request: HttpRequest, query: Query[TrialListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    if query.sort not in selectors.TRIAL_SORTS:
        raise query_error("sort", f"use one of {', '.join(selectors.TRIAL_SORTS)}")
    filters = selectors.TrialFilters(
        q=query.q,
        condition=query.condition,
        intervention=query.intervention,
        status=query.status,
        phase=query.phase.upper() if query.phase != selectors.NONE else query.phase,
        country=query.country,
        sponsor_class=query.sponsor_class.upper(),
        sponsor=query.sponsor,
        product=query.product,
        sort=query.sort,
    )
    return paginate(selectors.trial_queryset(user, filters), query)


@router.get(
    "/{nct_id}",
    response=TrialDetailOut,
    summary="Get a trial",
    description="One trial by NCT ID, with its sites, officials and status history.",
)
def get_trial(request: HttpRequest, nct_id: Text) -> Trial:
    return selectors.trial_detail(acting_user(request), nct_id)
