"""The authorization matrix's entries for insights (see ``matrix.py``): alice's insight,
seen by her, her manager, the insights lead, compliance and administrators; changed
by her (and administrators); reviewed by the insights lead (and administrators);
tagged by its author and reviewers. Made when a route asks."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import (
    API_READ,
    EVERYONE,
    FIELD_ADDERS,
    ApiCase,
    Route,
    World,
    api_map,
    outcome_map,
)
from liaison.engagement.models import Insight
from liaison.engagement.tests import factories


def an_insight(world: World) -> Insight:
    insight, _ = Insight.objects.get_or_create(
        statement="Matrix insight: clinicians want data in elderly patients.",
        defaults={
            "msl": world.users["msl"],
            "category": factories.category(),
        },
    )
    return insight


def insight_pk(world: World) -> dict[str, Any]:
    return {"pk": an_insight(world).pk}


def insight_id(world: World) -> dict[str, Any]:
    return {"insight_id": an_insight(world).pk}


SEEN = dict(msl="ok", manager="ok", insights="ok", compliance="ok", admin="ok")
VIEWERS = outcome_map("404", **SEEN)
AUTHOR = outcome_map("404", **{**SEEN, "manager": "403", "insights": "403", "compliance": "403"})
REVIEWERS = outcome_map("404", **{**SEEN, "msl": "403", "manager": "403", "compliance": "403"})
TAGGERS = outcome_map("404", **{**SEEN, "manager": "403", "compliance": "403"})

WEB_ROUTES: dict[str, Route] = {
    "engagement:insight-list": Route(EVERYONE, query="status=new&q=elderly"),
    "engagement:insight-create": Route(FIELD_ADDERS),
    "engagement:insight-similar": Route(EVERYONE, query="statement=data+in+elderly+patients"),
    "engagement:insight-export": Route(EVERYONE, query="format=csv"),
    "engagement:interaction-export": Route(EVERYONE, query="format=xlsx"),
    "engagement:insight-detail": Route(VIEWERS, kwargs=insight_pk),
    "engagement:insight-edit": Route(AUTHOR, kwargs=insight_pk),
    "engagement:insight-review": Route(
        REVIEWERS, method="post", kwargs=insight_pk, data=lambda w: {"status": "reviewed"}
    ),
    "engagement:insight-comment": Route(
        VIEWERS, method="post", kwargs=insight_pk, data=lambda w: {"text": "Seen at ESMO too."}
    ),
    "engagement:insight-tags": Route(
        TAGGERS, method="post", kwargs=insight_pk, data=lambda w: {"tags": "elderly, dosing"}
    ),
}

API_SEEN = dict(msl="200", manager="200", insights="200", compliance="200", admin="200")

API_ROUTES: dict[str, Route] = {
    "GET /api/v1/insights": Route(API_READ),
    "POST /api/v1/insights": Route(
        api_map("403", msl="201", other_msl="201", manager="201", admin="201"),
        data=lambda w: {
            "statement": "Payers ask for real-world data.",
            "category": "access_and_reimbursement",
        },
    ),
    "GET /api/v1/insights/{insight_id}": Route(api_map("404", **API_SEEN), kwargs=insight_id),
    # Tags: its author and its reviewers.
    "PATCH /api/v1/insights/{insight_id}": Route(
        api_map("404", **{**API_SEEN, "manager": "403", "compliance": "403"}),
        kwargs=insight_id,
        data=lambda w: {"tags": ["elderly"]},
    ),
}

API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        "PATCH /api/v1/insights/{insight_id}",
        "the statement: its author (and administrators)",
        Route(
            api_map(
                "404", **{**API_SEEN, "manager": "403", "insights": "403", "compliance": "403"}
            ),
            kwargs=insight_id,
            data=lambda w: {"statement": "Clinicians want data in patients over 80."},
        ),
    ),
    ApiCase(
        "PATCH /api/v1/insights/{insight_id}",
        "the status: insights leads (and administrators)",
        Route(
            api_map("404", **{**API_SEEN, "msl": "403", "manager": "403", "compliance": "403"}),
            kwargs=insight_id,
            data=lambda w: {"status": "reviewed", "comment": "Shared with the medical lead."},
        ),
    ),
    ApiCase(
        "PATCH /api/v1/insights/{insight_id}",
        "a comment: whoever sees the insight",
        Route(api_map("404", **API_SEEN), kwargs=insight_id, data=lambda w: {"comment": "Noted."}),
    ),
]
