"""``/api/v1/experts/sites``: the trial site and investigator finder, one ranked list
per operation (sites; investigators), a page at a time, with the reasons of
each row. Every medical-affairs role reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import ValidationError

from liaison.core.errors import LiaisonError
from liaison.experts import finder
from liaison.experts.schemas.finder import (
    FinderInvestigatorPageOut,
    FinderQueryIn,
    FinderSitePageOut,
)
from liaison.lib.api import acting_user

router = Router(tags=["experts"])


def _query(query: FinderQueryIn) -> finder.FinderQuery:
    """The finder's question, or a 422 naming every query parameter in error."""
    try:
        return finder.parse_query(
            condition=query.condition, country=query.country, phase=query.phase
        )
    except LiaisonError as error:
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": reason, "type": "value_error"}
                for name, reason in error.details.items()
            ]
        ) from None


def _experience(experience: finder.Experience) -> dict[str, Any]:
    phases = experience.by_phase
    return {
        "trials": experience.trials,
        "phase_4": phases.get("PHASE4", 0),
        "phase_3": phases.get("PHASE3", 0),
        "phase_2": phases.get("PHASE2", 0),
        "phase_1": phases.get("PHASE1", 0),
        "other_phase": phases.get("OTHER", 0),
        "ongoing": experience.ongoing,
        "completed": experience.completed,
        "terminated": experience.terminated,
        "withdrawn": experience.withdrawn,
        "stopped_for_accrual": experience.stopped_for_accrual,
        "suspended": experience.suspended,
        "recent": experience.recent,
        "first_started": experience.first_start,
        "last_started": experience.last_start,
        "last_completed": experience.last_completion,
        "enrolled": experience.enrolled,
        "planned": experience.planned,
    }


def _trials(links: list[finder.TrialLink]) -> list[dict[str, Any]]:
    return [
        {
            "nct_id": link.nct_id,
            "title": link.title,
            "status": link.status,
            "phases": link.phases,
            "start_date": link.start_date,
            "why_stopped": link.why_stopped,
        }
        for link in links
    ]


def _window(rows: list[Any], query: FinderQueryIn) -> list[Any]:
    start = (query.page - 1) * query.page_size
    return rows[start : start + query.page_size] if start < len(rows) else []


@router.get(
    "",
    response=FinderSitePageOut,
    summary="Find trial sites",
    description="Sites that ran trials of a condition (optionally in a country and of a "
    "phase), ranked by experience, with the reasons in words and their latest trials.",
)
def find_sites(request: HttpRequest, query: Query[FinderQueryIn]) -> dict[str, Any]:
    user = acting_user(request)
    asked = _query(query)
    rows = finder.find_sites(user, asked)
    page = finder.with_site_trials(user, asked, _window(rows, query))
    results = [
        {
            "rank": row.rank,
            "name": row.name,
            "facility": row.facility,
            "city": row.city,
            "state": row.state,
            "country": row.country_name,
            "country_code": row.country_code,
            "organization_id": row.organization_id,
            "points": row.points,
            "reasons": row.reasons,
            "experience": _experience(row.experience),
            "investigators": row.investigators,
            "latest_trials": _trials(row.trials),
            "nct_ids": row.nct_ids,
        }
        for row in page
    ]
    return {
        "query": asked.describe(),
        "count": len(rows),
        "page": query.page,
        "page_size": query.page_size,
        "results": results,
    }


@router.get(
    "/investigators",
    response=FinderInvestigatorPageOut,
    summary="Find trial investigators",
    description="Investigators (overall officials and the investigators sites name) of "
    "trials of a condition, ranked by experience and their expert score in the area, "
    "with the reasons in words.",
)
def find_investigators(request: HttpRequest, query: Query[FinderQueryIn]) -> dict[str, Any]:
    user = acting_user(request)
    asked = _query(query)
    rows = finder.find_investigators(user, asked)
    page = finder.with_investigator_trials(_window(rows, query))
    results = [
        {
            "rank": row.rank,
            "name": row.name,
            "hcp_id": row.hcp_id,
            "country": row.country,
            "affiliation": row.affiliation,
            "roles": row.roles,
            "found_as": row.sources,
            "engaged": row.engaged,
            "expert_score": (
                {
                    "area_id": row.expert.area_id,
                    "area": row.expert.area,
                    "score": row.expert.score,
                    "tier": row.expert.tier,
                }
                if row.expert
                else None
            ),
            "points": row.points,
            "reasons": row.reasons,
            "experience": _experience(row.experience),
            "latest_trials": _trials(row.trials),
            "nct_ids": row.nct_ids,
        }
        for row in page
    ]
    return {
        "query": asked.describe(),
        "count": len(rows),
        "page": query.page,
        "page_size": query.page_size,
        "results": results,
    }
