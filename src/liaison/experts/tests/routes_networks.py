"""The experts app's networks routes in the authorization matrix."""

from __future__ import annotations

from liaison.core.tests.authorization import ApiCase, Route

WEB_ROUTES: dict[str, Route] = {}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
