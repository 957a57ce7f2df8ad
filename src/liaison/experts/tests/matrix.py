"""The experts app's routes in the authorization matrix (see
``liaison.core.tests.authorization``), gathered from one module per subject."""

from __future__ import annotations

from liaison.core.tests.authorization import ApiCase, Route
from liaison.experts.tests import routes_finder, routes_networks, routes_rankings, routes_resolution

PARTS = (routes_rankings, routes_resolution, routes_networks, routes_finder)

WEB_ROUTES: dict[str, Route] = {}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
for part in PARTS:
    WEB_ROUTES.update(part.WEB_ROUTES)
    API_ROUTES.update(part.API_ROUTES)
    API_TERRITORY_CASES.extend(part.API_TERRITORY_CASES)
