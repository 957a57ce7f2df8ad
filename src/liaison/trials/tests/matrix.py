"""The trials' routes in the authorization matrix (see
``liaison.core.tests.authorization``): one trial, made when a route asks."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import ADMIN_ONLY, API_READ, EVERYONE, Route, World
from liaison.trials.models import Trial


def a_trial(world: World) -> dict[str, Any]:
    Trial.objects.get_or_create(nct_id="NCT09000001", defaults={"brief_title": "Matrix"})
    return {"nct_id": "NCT09000001"}


WEB_ROUTES: dict[str, Route] = {
    "trials:trial-list": Route(EVERYONE),
    "trials:trial-detail": Route(EVERYONE, kwargs=a_trial),
    "trials:landscape": Route(EVERYONE),
    "trials:trial-load": Route(ADMIN_ONLY),
}

API_ROUTES: dict[str, Route] = {
    "GET /api/v1/trials": Route(API_READ),
    "GET /api/v1/trials/{nct_id}": Route(API_READ, kwargs=a_trial),
}
