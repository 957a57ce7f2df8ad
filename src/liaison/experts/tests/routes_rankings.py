"""The experts app's rankings routes in the authorization matrix."""

from __future__ import annotations

from liaison.core.tests.authorization import EVERYONE, ApiCase, Route

WEB_ROUTES: dict[str, Route] = {"experts:ranking-list": Route(EVERYONE)}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
