"""``/api/v1/experts/network``: an area's co-authorship network (nodes with their
centrality and community, ties, communities), an HCP's co-authors, and who can
introduce our team to an HCP. Every medical-affairs role reads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from liaison.core import policy, registry
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.networks import selectors
from liaison.experts.schemas.networks import (
    AreaNetworkOut,
    AreaNetworkQuery,
    IntroductionsOut,
    IntroductionsQuery,
    NeighboursOut,
    NeighboursQuery,
)
from liaison.lib.api import Id, acting_user, query_error

router = Router(tags=["experts"])


def _years(year_from: int | None, year_to: int | None) -> None:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise query_error("year_to", f"{year_to} is before year_from, {year_from}")


def _person(person: selectors.Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "country": person.country,
        "city": person.city,
        "engaged": person.engaged,
    }


@router.get(
    "/areas/{area_id}",
    response=AreaNetworkOut,
    summary="Get an area's co-authorship network",
    description="The HCPs who wrote the area's papers together (retracted papers and papers "
    "of more than 50 authors left out): the `top` most central with their PageRank, degree "
    "and community measured on the whole area network, the ties among them and the communities.",
)
def area_network(
    request: HttpRequest, area_id: Id, query: Query[AreaNetworkQuery]
) -> dict[str, Any]:
    user = acting_user(request)
    area = policy.get_for(user, "view", TherapeuticArea, pk=area_id)
    _years(query.year_from, query.year_to)
    network = selectors.area_network(
        user,
        area,
        selectors.NetworkFilters(
            year_from=query.year_from,
            year_to=query.year_to,
            top=query.top,
            rank_by=query.rank_by,
            fractional=query.weighting == "fractional",
        ),
    )
    drawn = network.to_json()
    return {
        "area": {"id": area.pk, "code": area.code, "name": area.name},
        "hcps": network.hcps,
        "links": network.links,
        "papers": network.papers,
        "oversized": network.oversized,
        "modularity": round(network.modularity, 6),
        "first_year": network.first_year,
        "last_year": network.last_year,
        "nodes": [
            {**node, "country": person.person.country, "city": person.person.city}
            for node, person in zip(drawn["nodes"], network.nodes, strict=True)
        ],
        "edges": drawn["edges"],
        "communities": [
            {
                "number": community.number,
                "size": community.size,
                "shown": community.shown,
                "leaders": [person.id for person in community.leaders],
            }
            for community in network.communities
        ],
    }


@router.get(
    "/hcps/{hcp_id}/neighbours",
    response=NeighboursOut,
    summary="List an HCP's co-authors",
    description="The HCP's co-authors in the directory, most joint papers first, with the year "
    "of the latest and whether our team engages them.",
)
def neighbours(request: HttpRequest, hcp_id: Id, query: Query[NeighboursQuery]) -> dict[str, Any]:
    user = acting_user(request)
    hcp = policy.get_for(user, "view", HCP, pk=hcp_id)
    _years(query.year_from, query.year_to)
    ego = selectors.ego_network(
        user, hcp, limit=query.limit, draw=0, year_from=query.year_from, year_to=query.year_to
    )
    return {
        "hcp": _person(
            selectors.Person(
                hcp.pk,
                hcp.full_name,
                hcp.country,
                hcp.city,
                hcp.pk in registry.engaged_hcp_ids(user),
            )
        ),
        "total": ego.total_coauthors,
        "engaged": ego.engaged_coauthors,
        "papers": ego.papers,
        "oversized": ego.oversized,
        "results": [
            _person(coauthor.person)
            | {"joint_papers": coauthor.joint_papers, "last_year": coauthor.last_year}
            for coauthor in ego.coauthors
        ],
    }


@router.get(
    "/hcps/{hcp_id}/introductions",
    response=IntroductionsOut,
    summary="Find who can introduce us to an HCP",
    description="The strongest co-authorship paths (a hop costs 1 / its joint papers) of at most "
    "`max_hops` hops from the HCPs our team engages to this HCP, one per introducer, each hop "
    "with its latest joint papers.",
)
def introductions(
    request: HttpRequest, hcp_id: Id, query: Query[IntroductionsQuery]
) -> dict[str, Any]:
    user = acting_user(request)
    hcp = policy.get_for(user, "view", HCP, pk=hcp_id)
    found = selectors.introductions(user, hcp, max_hops=query.max_hops, limit=query.limit)
    return {
        "target": _person(found.target),
        "engaged": found.engaged,
        "max_hops": found.max_hops,
        "paths": [
            {
                "introducer": _person(path.introducer),
                "cost": round(path.cost, 6),
                "weakest": path.weakest,
                "hops": [
                    {
                        "source": _person(hop.source),
                        "target": _person(hop.target),
                        "joint_papers": hop.joint_papers,
                        "papers": [
                            {"pmid": paper.pmid, "title": paper.title, "year": paper.year}
                            for paper in hop.papers
                        ],
                    }
                    for hop in path.hops
                ],
            }
            for path in found.paths
        ],
    }
