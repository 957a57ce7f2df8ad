"""The experts app's finder routes in the authorization matrix: every member reads
the finder (sites and investigators of public trials) and exports its lists.

The matrix sends an API GET without a query string, so a member's answer is the
422 naming the required ``condition``: past the policy (the outsider's 403 and
the anonymous 401 come first). ``test_finder_api.py`` asks with a condition."""

from __future__ import annotations

from liaison.core.tests.authorization import EVERYONE, ApiCase, Route, api_map

WEB_ROUTES: dict[str, Route] = {
    "experts:site-finder": Route(EVERYONE, query="condition=melanoma&country=DE&phase=PHASE3"),
    "experts:site-finder-export": Route(
        EVERYONE, query="condition=melanoma&list=investigators&format=xlsx"
    ),
}
MEMBERS_ASKED_FOR_A_CONDITION = api_map("422")
API_ROUTES: dict[str, Route] = {
    "GET /api/v1/experts/sites": Route(MEMBERS_ASKED_FOR_A_CONDITION),
    "GET /api/v1/experts/sites/investigators": Route(MEMBERS_ASKED_FOR_A_CONDITION),
}
API_TERRITORY_CASES: list[ApiCase] = []
