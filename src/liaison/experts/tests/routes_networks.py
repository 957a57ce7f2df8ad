"""The experts app's network routes in the authorization matrix: an area with an
evidence definition and two HCPs who wrote one of its papers together, made when a
route asks. Every member reads networks, co-authors and introductions."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import API_READ, EVERYONE, ApiCase, Route, World
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.models import AreaDefinition
from liaison.literature.models import Authorship, MeshTerm, Publication, PublicationMesh

MATRIX_PMID = 49_000_001


def _area() -> TherapeuticArea:
    area, _ = TherapeuticArea.objects.get_or_create(
        code="matrix-network", defaults={"name": "Matrix network"}
    )
    AreaDefinition.objects.get_or_create(area=area, defaults={"mesh_terms": ["Matrix neoplasm"]})
    return area


def _hcp() -> HCP:
    """Nora Node, who wrote the area's matrix paper with Cora Coauthor."""
    nora, _ = HCP.objects.get_or_create(
        family_name="Node", given_name="Nora", defaults={"country": "DE"}
    )
    cora, _ = HCP.objects.get_or_create(
        family_name="Coauthor", given_name="Cora", defaults={"country": "DE"}
    )
    paper, made = Publication.objects.get_or_create(
        pmid=MATRIX_PMID, defaults={"title": "A matrix paper", "published_year": 2024}
    )
    if made:
        term, _ = MeshTerm.objects.get_or_create(name="Matrix neoplasm", ui=None)
        PublicationMesh.objects.create(publication=paper, term=term)
        for position, person in enumerate((nora, cora), start=1):
            Authorship.objects.create(
                publication=paper, position=position, family=person.family_name, hcp=person
            )
    return nora


def an_area_query(world: World) -> dict[str, Any]:
    _hcp()
    return {"area": str(_area().pk)}


def an_hcp(world: World) -> dict[str, Any]:
    return {"pk": _hcp().pk}


def an_area_id(world: World) -> dict[str, Any]:
    _hcp()
    return {"area_id": _area().pk}


def an_hcp_id(world: World) -> dict[str, Any]:
    return {"hcp_id": _hcp().pk}


WEB_ROUTES: dict[str, Route] = {
    "experts:network-area": Route(EVERYONE, data=an_area_query),
    "experts:network-hcp": Route(EVERYONE, kwargs=an_hcp),
    "experts:network-introductions": Route(EVERYONE, kwargs=an_hcp),
}
API_ROUTES: dict[str, Route] = {
    "GET /api/v1/experts/network/areas/{area_id}": Route(API_READ, kwargs=an_area_id),
    "GET /api/v1/experts/network/hcps/{hcp_id}/neighbours": Route(API_READ, kwargs=an_hcp_id),
    "GET /api/v1/experts/network/hcps/{hcp_id}/introductions": Route(API_READ, kwargs=an_hcp_id),
}
API_TERRITORY_CASES: list[ApiCase] = []
