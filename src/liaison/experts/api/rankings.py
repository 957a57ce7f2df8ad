"""``/api/v1/experts`` routes: ranked lists, an HCP's score breakdown, an area's
evidence definition and weights, and the recompute of scores.

Every refusal of a request's values is a 422 naming the field (``area``,
``weights.tiers.2``) with the reason alone beside it; not allowed is 403, unseen 404.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.core import downloads, policy, registry
from liaison.core.api_refusals import body_refusals
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts import scoring_tasks, selectors
from liaison.experts.models import AreaDefinition, ExpertScore, WeightSet
from liaison.experts.schemas.rankings import (
    DefinitionIn,
    DefinitionOut,
    ExpertPageOut,
    HCPScoresOut,
    RankingQuery,
    ScoresQuery,
    WeightsIn,
    WeightsOut,
)
from liaison.experts.services import weights as weight_services
from liaison.experts.services.scoring import current_weights
from liaison.lib.api import Id, acting_user, paginate

router = Router(tags=["experts"])


def _value_refused(error: LiaisonError) -> bool:
    # A selector's filters and the library's search query (a ``QueryError``) refuse
    # values with subclasses too: every 400 is a refusal of a value here.
    return error.status_code == 400


def refusals() -> AbstractContextManager[None]:
    """Within it, a refusal of a value (a 400 of a service or selector) is a 422
    naming the field, with the reason alone beside it."""
    return body_refusals(refused=_value_refused, reasons_alone=True, field_first=True)


def _reader(request: HttpRequest) -> User:
    user = acting_user(request)
    if not policy.grants_any(user, "view", ExpertScore):
        raise PermissionDenied("you may not see expert scores")
    return user


def _area(user: User, area_id: int) -> TherapeuticArea:
    area: TherapeuticArea = policy.get_for(user, "view", TherapeuticArea, pk=area_id)
    return area


def _area_ref(area: TherapeuticArea) -> dict[str, Any]:
    return {"id": area.pk, "code": area.code, "name": area.name}


@router.get(
    "",
    response=ExpertPageOut,
    summary="List an area's ranked experts",
    description=(
        "The experts of a therapeutic area (`area`, required: a 422 naming it without), "
        "best first, filtered by country, territory, institution (an organization id), "
        "specialty, tier, engaged by our team (`engaged=yes|no`) and rising only; sorted "
        "by score, name, growth or country. Ranks and tiers are per country."
    ),
)
def list_experts(request: HttpRequest, query: Query[RankingQuery]) -> dict[str, Any]:
    user = _reader(request)
    filters = selectors.RankingFilters(
        area=query.area,
        country=query.country.upper(),
        territory=query.territory,
        institution=query.institution,
        specialty=query.specialty,
        tier=query.tier,
        engaged=query.engaged,
        rising=query.rising,
        sort=query.sort,
    )
    with refusals():
        area = selectors.check_filters(user, filters)
        queryset = selectors.ranking_queryset(user, filters)
    page = paginate(queryset, query)
    engaged = registry.engaged_hcp_ids(user)
    results = []
    for row in selectors.ranked_rows(page["results"], engaged):
        score = row.score
        results.append(
            {
                "hcp_id": score.hcp_id,
                "name": score.hcp.full_name,
                "country": score.country,
                "institution": row.institution,
                "rank": score.rank,
                "tier": score.tier,
                "percentile": score.percentile,
                "score": score.score,
                "components": score.components,
                "engaged": row.engaged,
                "rising": score.rising,
                "rising_reason": score.rising_reason,
                "growth": score.growth,
            }
        )
    return {**page, "area": _area_ref(area), "results": results}


@router.get(
    "/{hcp_id}/scores",
    response=HCPScoresOut,
    summary="Get an HCP's scores with their breakdown",
    description=(
        "The HCP's score in every area where they have evidence: rank, tier, components, "
        "points per year and the contributions (which papers and trials brought how many "
        "points and why), highest first, up to `limit` per area."
    ),
)
def hcp_scores(request: HttpRequest, hcp_id: Id, query: Query[ScoresQuery]) -> dict[str, Any]:
    user = _reader(request)
    hcp = policy.get_for(user, "view", HCP, pk=hcp_id)
    return {
        "hcp_id": hcp.pk,
        "name": hcp.full_name,
        "scores": [
            _area_score(entry)
            for entry in selectors.hcp_scores(user, hcp, contributions=query.limit)
        ],
    }


def _area_score(entry: selectors.AreaScore) -> dict[str, Any]:
    score = entry.score
    return {
        "area": _area_ref(score.area),
        "score": score.score,
        "rank": score.rank,
        "tier": score.tier,
        "percentile": score.percentile,
        "country": score.country,
        "components": score.components,
        "history": score.history,
        "rising": score.rising,
        "rising_reason": score.rising_reason,
        "growth": score.growth,
        "weight_version": score.weight_set.version if score.weight_set else None,
        "computed_at": score.computed_at,
        "contribution_count": entry.contribution_count,
        "contributions": [
            {
                "kind": item.kind,
                "points": item.points,
                "detail": item.detail,
                "publication": {
                    "id": item.publication.pk,
                    "pmid": item.publication.pmid,
                    "title": item.publication.title,
                    "year": item.publication.published_year,
                }
                if item.publication
                else None,
                "trial": {
                    "id": item.trial.pk,
                    "nct_id": item.trial.nct_id,
                    "title": item.trial.brief_title,
                }
                if item.trial
                else None,
            }
            for item in entry.contributions
        ],
    }


def _definition_out(area: TherapeuticArea) -> dict[str, Any]:
    definition = AreaDefinition.objects.filter(area=area).first()
    return {
        "area": _area_ref(area),
        "mesh_terms": definition.mesh_terms if definition else [],
        "search_query": definition.search_query if definition else "",
        "conditions": definition.conditions if definition else [],
        "updated_at": definition.updated_at if definition else None,
    }


@router.get(
    "/areas/{area_id}/definition",
    response=DefinitionOut,
    summary="Get an area's evidence definition",
    description="The MeSH descriptors, library search and trial conditions of the area.",
)
def get_definition(request: HttpRequest, area_id: Id) -> dict[str, Any]:
    user = _reader(request)
    return _definition_out(_area(user, area_id))


@router.put(
    "/areas/{area_id}/definition",
    response=DefinitionOut,
    summary="Set an area's evidence definition",
    description=(
        "Administrators. Fields left out keep their value; at least one descriptor, "
        "search or condition must remain. Audited; the area's scores are recomputed "
        "in the background."
    ),
)
def put_definition(request: HttpRequest, area_id: Id, payload: DefinitionIn) -> dict[str, Any]:
    user = _reader(request)
    area = _area(user, area_id)
    existing = AreaDefinition.objects.filter(area=area).first()
    if existing is None:
        policy.require(user, "add", AreaDefinition)
    else:
        policy.require(user, "change", existing)
    data: weight_services.AreaDefinitionData = {}
    if payload.mesh_terms is not None:
        data["mesh_terms"] = payload.mesh_terms
    if payload.search_query is not None:
        data["search_query"] = payload.search_query
    if payload.conditions is not None:
        data["conditions"] = payload.conditions
    with refusals():
        weight_services.save_area_definition(actor=user, area=area, data=data)
    return _definition_out(area)


def _weights_out(user: User, area: TherapeuticArea) -> dict[str, Any]:
    weight_set, weights = current_weights(area)
    return {
        "area": _area_ref(area),
        "version": weight_set.version if weight_set else None,
        "weights": weights,
        "note": weight_set.note if weight_set else "",
        "history": [
            {
                "version": item.version,
                "created_at": item.created_at,
                "created_by": item.created_by.get_username() if item.created_by else "",
                "note": item.note,
            }
            for item in selectors.weight_history(user, area)[:100]
        ],
    }


@router.get(
    "/areas/{area_id}/weights",
    response=WeightsOut,
    summary="Get an area's score weights",
    description="The weights and tier cut-offs in force (the newest version) and the versions.",
)
def get_weights(request: HttpRequest, area_id: Id) -> dict[str, Any]:
    user = _reader(request)
    return _weights_out(user, _area(user, area_id))


@router.put(
    "/areas/{area_id}/weights",
    response=WeightsOut,
    summary="Save a new version of an area's weights",
    description=(
        "Administrators. Every number 0 or more, `half_life_years` above 0, tier cut-offs "
        "increasing and below 100; a 422 names the key (`weights.tiers.2`). Keys left out "
        "take their default. Audited; the area's scores are recomputed in the background."
    ),
)
def put_weights(request: HttpRequest, area_id: Id, payload: WeightsIn) -> dict[str, Any]:
    user = _reader(request)
    area = _area(user, area_id)
    policy.require(user, "add", WeightSet)
    with refusals():
        weight_services.save_weights(
            actor=user, area=area, weights=payload.weights, note=payload.note
        )
    return _weights_out(user, area)


@router.post(
    "/areas/{area_id}/recompute",
    response={202: downloads.JobStartedOut},
    summary="Recompute an area's scores",
    description=(
        "Administrators and insights leads. Starts a job; poll `api_url` until it has succeeded."
    ),
)
def recompute(request: HttpRequest, area_id: Id) -> Status[dict[str, Any]]:
    user = _reader(request)
    area = _area(user, area_id)
    job = scoring_tasks.start_recompute(actor=user, area=area)
    return Status(202, downloads.started(job))
