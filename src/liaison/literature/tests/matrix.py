"""The literature's routes in the authorization matrix (see
``liaison.core.tests.authorization``): one publication, made when a route asks."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import (
    ADMIN_ONLY,
    API_READ,
    EVERYONE,
    Route,
    World,
    api_map,
)
from liaison.literature.models import Publication


def a_publication(world: World) -> dict[str, Any]:
    Publication.objects.get_or_create(pmid=9000001, defaults={"title": "Matrix"})
    return {"pmid": 9000001}


WEB_ROUTES: dict[str, Route] = {
    "literature:publication-list": Route(EVERYONE),
    "literature:publication-detail": Route(EVERYONE, kwargs=a_publication),
    "literature:publication-load": Route(ADMIN_ONLY),
    "literature:export": Route(EVERYONE, query="format=ris"),
    "literature:import-references": Route(EVERYONE),
    "literature:library-item-list": Route(EVERYONE),
}

API_ROUTES: dict[str, Route] = {
    "GET /api/v1/publications": Route(API_READ),
    "GET /api/v1/publications/{pmid}": Route(API_READ, kwargs=a_publication),
    "GET /api/v1/publications/export": Route(API_READ),
    # Every member may export what they see, as a job too.
    "POST /api/v1/publications/export": Route(api_map("202")),
}
