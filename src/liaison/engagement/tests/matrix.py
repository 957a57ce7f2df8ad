"""Engagement's routes in the authorization matrix (see
``liaison.core.tests.authorization``), gathered from one module per subject
(``routes_<subject>.py``) so each subject states its own."""

from __future__ import annotations

from liaison.core.tests.authorization import ApiCase, Route
from liaison.engagement.tests import (
    routes_briefs,
    routes_follow_ups,
    routes_insights,
    routes_interactions,
    routes_interactions_api,
    routes_meetings,
    routes_plans,
    routes_themes,
)

PARTS = (
    routes_interactions,
    routes_interactions_api,
    routes_meetings,
    routes_follow_ups,
    routes_insights,
    routes_themes,
    routes_plans,
    routes_briefs,
)

WEB_ROUTES: dict[str, Route] = {}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
for part in PARTS:
    WEB_ROUTES.update(part.WEB_ROUTES)
    API_ROUTES.update(part.API_ROUTES)
    API_TERRITORY_CASES.extend(part.API_TERRITORY_CASES)
