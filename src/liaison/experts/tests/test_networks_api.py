"""/api/v1/experts/network: an area's network, an HCP's co-authors and the
introductions to an HCP, with refusals naming the query parameter."""

from __future__ import annotations

import pytest

from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory.models import HCP
from liaison.experts.tests import network_world as world

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, HCP]:
    """Arnold and Berg (two papers), Berg and Curie (one), Dahl and Eder (one)."""
    found = {
        key: world.hcp(name, city="Berlin")
        for key, name in zip("abcde", ["Arnold", "Berg", "Curie", "Dahl", "Eder"], strict=True)
    }
    world.area()
    world.paper(found["a"], found["b"], year=2020)
    world.paper(found["a"], found["b"], year=2024)
    world.paper(found["b"], found["c"], year=2023)
    world.paper(found["d"], found["e"], year=2024)
    return found


def test_the_area_network_has_nodes_edges_and_communities(
    msl: User, people: dict[str, HCP]
) -> None:
    world.engage(msl, people["a"])
    response = ApiClient(msl).get(f"/experts/network/areas/{world.area().pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["hcps"], body["links"], body["papers"]) == (5, 3, 4)
    nodes = {node["id"]: node for node in body["nodes"]}
    assert set(nodes) == {hcp.pk for hcp in people.values()}
    assert nodes[people["a"].pk]["engaged"] is True
    assert nodes[people["b"].pk]["degree"] == 2
    assert nodes[people["b"].pk]["rank"] == 1
    assert sum(node["pagerank"] for node in body["nodes"]) == pytest.approx(1.0)
    edges = {frozenset((e["source"], e["target"])): e["joint_papers"] for e in body["edges"]}
    assert edges[frozenset((people["a"].pk, people["b"].pk))] == 2
    assert [c["size"] for c in body["communities"]] == [3, 2]
    assert body["communities"][0]["leaders"][0] == people["b"].pk


def test_the_area_network_keeps_the_years_and_the_top(msl: User, people: dict[str, HCP]) -> None:
    body = (
        ApiClient(msl)
        .get(
            f"/experts/network/areas/{world.area().pk}",
            {"year_from": 2023, "top": 2, "rank_by": "degree", "weighting": "fractional"},
        )
        .json()
    )
    assert body["papers"] == 3
    assert len(body["nodes"]) == 2
    assert body["hcps"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year_from": 2024, "year_to": 2020}, "year_to"),
        ({"top": 1}, "top"),
        ({"rank_by": "fame"}, "rank_by"),
        ({"weighting": "heavy"}, "weighting"),
    ],
)
def test_a_wrong_choice_is_refused_naming_it(
    msl: User, people: dict[str, HCP], query: dict[str, object], field: str
) -> None:
    response = ApiClient(msl).get(f"/experts/network/areas/{world.area().pk}", query)
    assert response.status_code == 422
    assert field in response.content.decode()


def test_an_unknown_area_is_not_found(msl: User) -> None:
    assert ApiClient(msl).get("/experts/network/areas/987654").status_code == 404


def test_the_neighbours_are_the_coauthors_by_joint_papers(
    msl: User, people: dict[str, HCP]
) -> None:
    world.engage(msl, people["c"])
    body = ApiClient(msl).get(f"/experts/network/hcps/{people['b'].pk}/neighbours").json()
    assert body["hcp"]["id"] == people["b"].pk
    assert [(r["id"], r["joint_papers"], r["last_year"]) for r in body["results"]] == [
        (people["a"].pk, 2, 2024),
        (people["c"].pk, 1, 2023),
    ]
    assert (body["total"], body["engaged"]) == (2, 1)
    limited = ApiClient(msl).get(
        f"/experts/network/hcps/{people['b'].pk}/neighbours", {"limit": 1, "year_to": 2023}
    )
    # Up to 2023 Berg has one paper with each; the more recent tie comes first.
    assert [(r["id"], r["joint_papers"]) for r in limited.json()["results"]] == [
        (people["c"].pk, 1)
    ]
    assert limited.json()["total"] == 2


def test_the_introductions_give_each_hop_its_papers(msl: User, people: dict[str, HCP]) -> None:
    world.engage(msl, people["a"])
    body = ApiClient(msl).get(f"/experts/network/hcps/{people['c'].pk}/introductions").json()
    assert body["engaged"] == 1
    [path] = body["paths"]
    assert path["introducer"]["id"] == people["a"].pk
    assert [(hop["source"]["id"], hop["target"]["id"]) for hop in path["hops"]] == [
        (people["a"].pk, people["b"].pk),
        (people["b"].pk, people["c"].pk),
    ]
    assert [len(hop["papers"]) for hop in path["hops"]] == [2, 1]
    assert path["hops"][0]["papers"][0]["year"] == 2024
    assert path["cost"] == pytest.approx(1.5)
    assert path["weakest"] == 1
    direct = ApiClient(msl).get(
        f"/experts/network/hcps/{people['c'].pk}/introductions", {"max_hops": 1}
    )
    assert direct.json()["paths"] == []
    assert (
        ApiClient(msl)
        .get(f"/experts/network/hcps/{people['c'].pk}/introductions", {"max_hops": 4})
        .status_code
        == 422
    )
