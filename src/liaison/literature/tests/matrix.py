"""The literature's routes in the authorization matrix (see
``liaison.core.tests.authorization``): one publication and one of alice's own
references, made when a route asks."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import (
    ADMIN_ONLY,
    API_READ,
    EVERYONE,
    Route,
    World,
    api_map,
    outcome_map,
)
from liaison.literature.models import LibraryItem, Publication


def a_publication(world: World) -> dict[str, Any]:
    Publication.objects.get_or_create(pmid=9000001, defaults={"title": "Matrix"})
    return {"pmid": 9000001}


def alices_reference(world: World) -> dict[str, Any]:
    """One of alice's own references (not in the library): hers alone, administrators
    included, to add to a basket, export or delete."""
    item, _ = LibraryItem.objects.get_or_create(
        owner=world.users["msl"],
        fingerprint="title:matrix",
        defaults={"reference": {"title": "Alice's matrix reference"}},
    )
    return {"item": item.pk}


# A user's own references: alice's are hers; anyone else, administrators too, gets 404.
ALICES_REFERENCES = outcome_map("404", msl="ok")

WEB_ROUTES: dict[str, Route] = {
    "literature:publication-list": Route(EVERYONE),
    "literature:publication-detail": Route(EVERYONE, kwargs=a_publication),
    "literature:publication-load": Route(ADMIN_ONLY),
    "literature:export": Route(EVERYONE, query="format=ris"),
    "literature:import-references": Route(EVERYONE),
    "literature:library-item-list": Route(EVERYONE),
    "literature:library-item-delete": Route(
        ALICES_REFERENCES,
        method="post",
        data=lambda world: {**alices_reference(world), "confirm": "yes"},
    ),
    "literature:library-item-export": Route(
        ALICES_REFERENCES,
        method="post",
        data=lambda world: {**alices_reference(world), "format": "ris"},
    ),
    # The basket is each user's own (their session): every member fills and empties theirs.
    "literature:basket-detail": Route(EVERYONE),
    "literature:basket-add": Route(ALICES_REFERENCES, method="post", data=alices_reference),
    "literature:basket-remove": Route(
        EVERYONE, method="post", data=lambda world: {"pmid": a_publication(world)["pmid"]}
    ),
    "literature:basket-clear": Route(EVERYONE, method="post"),
    "literature:basket-export": Route(EVERYONE, query="format=ris"),
}

API_ROUTES: dict[str, Route] = {
    "GET /api/v1/publications": Route(API_READ),
    "GET /api/v1/publications/{pmid}": Route(API_READ, kwargs=a_publication),
    "GET /api/v1/publications/export": Route(API_READ),
    # Every member may export what they see, as a job too.
    "POST /api/v1/publications/export": Route(api_map("202")),
}
