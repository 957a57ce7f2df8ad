"""The throw-away app's routes in the authorization matrix."""

from __future__ import annotations

from liaison.core.tests.authorization import API_READ, EVERYONE, Route

WEB_ROUTES: dict[str, Route] = {"throwaway:page": Route(EVERYONE)}

API_ROUTES: dict[str, Route] = {"GET /api/v1/throwaway": Route(API_READ)}
