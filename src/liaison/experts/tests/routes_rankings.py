"""The experts app's rankings routes in the authorization matrix: an area with an
evidence definition, made when a route asks. Every member reads rankings, weights
and the export; administrators edit an area's evidence and weights; administrators
and insights leads recompute scores."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import (
    ADMIN_ONLY,
    API_READ,
    EVERYONE,
    ApiCase,
    Route,
    World,
    api_map,
    outcome_map,
)
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.models import AreaDefinition

RECOMPUTERS = outcome_map("403", insights="ok", admin="ok")
API_RECOMPUTERS = api_map("403", insights="202", admin="202")
API_ADMIN_CHANGE = api_map("403", admin="200")


def _area() -> TherapeuticArea:
    area, _ = TherapeuticArea.objects.get_or_create(
        code="matrix-area", defaults={"name": "Matrix area"}
    )
    AreaDefinition.objects.get_or_create(area=area, defaults={"mesh_terms": ["Melanoma"]})
    return area


def an_area(world: World) -> dict[str, Any]:
    return {"pk": _area().pk}


def an_area_id(world: World) -> dict[str, Any]:
    return {"area_id": _area().pk}


def an_hcp_id(world: World) -> dict[str, Any]:
    hcp, _ = HCP.objects.get_or_create(
        family_name="Ranked", defaults={"given_name": "Matrix", "country": "DE"}
    )
    return {"hcp_id": hcp.pk}


WEB_ROUTES: dict[str, Route] = {
    "experts:ranking-list": Route(EVERYONE, data=lambda world: {"area": str(_area().pk)}),
    "experts:rising-list": Route(EVERYONE, data=lambda world: {"area": str(_area().pk)}),
    "experts:ranking-export": Route(
        EVERYONE, data=lambda world: {"area": str(_area().pk), "format": "csv"}
    ),
    "experts:score-recompute": Route(
        RECOMPUTERS, method="post", data=lambda world: {"area": str(_area().pk)}
    ),
    "experts:area-detail": Route(EVERYONE, kwargs=an_area),
    "experts:area-definition-edit": Route(
        ADMIN_ONLY,
        method="post",
        kwargs=an_area,
        data=lambda world: {"mesh_terms": "Melanoma\nSkin Neoplasms"},
    ),
    "experts:area-weights-edit": Route(
        ADMIN_ONLY,
        method="post",
        kwargs=an_area,
        data=lambda world: {"w:half_life_years": "6", "note": "matrix"},
    ),
}
API_ROUTES: dict[str, Route] = {
    # The matrix sends no query: without `area` a member's request is refused, naming it.
    "GET /api/v1/experts": Route(api_map("422")),
    "GET /api/v1/experts/{hcp_id}/scores": Route(API_READ, kwargs=an_hcp_id),
    "GET /api/v1/experts/areas/{area_id}/definition": Route(API_READ, kwargs=an_area_id),
    "PUT /api/v1/experts/areas/{area_id}/definition": Route(
        API_ADMIN_CHANGE,
        method="put",
        kwargs=an_area_id,
        data=lambda world: {"mesh_terms": ["Melanoma"]},
    ),
    "GET /api/v1/experts/areas/{area_id}/weights": Route(API_READ, kwargs=an_area_id),
    "PUT /api/v1/experts/areas/{area_id}/weights": Route(
        API_ADMIN_CHANGE,
        method="put",
        kwargs=an_area_id,
        data=lambda world: {"weights": {"half_life_years": 4}, "note": "matrix"},
    ),
    "POST /api/v1/experts/areas/{area_id}/recompute": Route(
        API_RECOMPUTERS, method="post", kwargs=an_area_id
    ),
}
API_TERRITORY_CASES: list[ApiCase] = []
