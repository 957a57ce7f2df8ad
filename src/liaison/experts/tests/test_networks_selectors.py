"""The networks read from the database: the area network, an HCP's ego network and the
introductions to an HCP."""

from __future__ import annotations

import pytest

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.experts.networks import selectors
from liaison.experts.networks.selectors import NetworkFilters
from liaison.experts.tests import network_world as world

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, HCP]:
    """A triangle (Arnold, Berg, Curie: Arnold and Berg wrote two papers together), a
    pair (Dahl, Eder) and what must not tie anyone: a consortium paper, a retracted
    paper, an investigator, a paper of another area."""
    found = {
        key: world.hcp(name, city="Berlin")
        for key, name in [
            ("a", "Arnold"),
            ("b", "Berg"),
            ("c", "Curie"),
            ("d", "Dahl"),
            ("e", "Eder"),
            ("f", "Fischer"),
            ("g", "Gauss"),
            ("h", "Haber"),
        ]
    }
    world.area()
    world.paper(found["a"], found["b"], None, year=2019)
    world.paper(found["a"], found["b"], found["c"], year=2023, investigators=(found["g"],))
    world.paper(found["b"], found["c"], year=2024)
    world.paper(found["d"], found["e"], year=2024)
    world.paper(found["a"], found["f"], *[None] * (selectors.MAX_AUTHORS - 1), year=2024)
    world.paper(found["a"], found["f"], year=2024, retracted=True)
    world.paper(found["a"], found["h"], year=2024, mesh="Asthma")
    return found


def ids(network: selectors.AreaNetwork) -> set[int]:
    return {node.person.id for node in network.nodes}


def test_the_area_network_ties_the_authors_of_the_areas_papers(
    msl: User, people: dict[str, HCP]
) -> None:
    network = selectors.area_network(msl, world.area(), NetworkFilters())
    assert ids(network) == {people[key].pk for key in "abcde"}
    joint = {(edge.source, edge.target): edge.joint_papers for edge in network.edges}
    a, b = sorted((people["a"].pk, people["b"].pk))
    assert joint[(a, b)] == 2
    assert len(network.edges) == 4
    assert network.oversized == 1
    assert network.papers == 5  # the area's papers that are not retracted
    assert (network.first_year, network.last_year) == (2019, 2024)


def test_the_area_network_finds_the_triangle_and_the_pair_as_communities(
    msl: User, people: dict[str, HCP]
) -> None:
    network = selectors.area_network(msl, world.area(), NetworkFilters())
    community = {node.person.id: node.community for node in network.nodes}
    assert community[people["a"].pk] == community[people["b"].pk] == community[people["c"].pk]
    assert community[people["d"].pk] == community[people["e"].pk] != community[people["a"].pk]
    assert [c.size for c in network.communities] == [3, 2]
    assert network.communities[0].leaders[0].id == people["b"].pk  # most central of three


def test_the_area_network_measures_the_whole_area_and_draws_the_top(
    msl: User, people: dict[str, HCP]
) -> None:
    network = selectors.area_network(msl, world.area(), NetworkFilters(top=2, rank_by="degree"))
    assert len(network.nodes) == 2
    assert network.hcps == 5
    assert network.links == 4
    assert people["b"].pk in ids(network)  # three co-authors: first by degree
    assert all(0 <= node.x <= 1 and 0 <= node.y <= 1 for node in network.nodes)


def test_the_area_network_keeps_the_years_asked(msl: User, people: dict[str, HCP]) -> None:
    network = selectors.area_network(msl, world.area(), NetworkFilters(year_from=2020))
    joint = {frozenset((edge.source, edge.target)): edge.joint_papers for edge in network.edges}
    assert joint[frozenset((people["a"].pk, people["b"].pk))] == 1
    older = selectors.area_network(msl, world.area(), NetworkFilters(year_to=2020))
    assert ids(older) == {people["a"].pk, people["b"].pk}


def test_the_fractional_count_weighs_small_papers_more(msl: User, people: dict[str, HCP]) -> None:
    network = selectors.area_network(msl, world.area(), NetworkFilters(fractional=True))
    weights = {frozenset((edge.source, edge.target)): edge.weight for edge in network.edges}
    # 2019: three authors (one unlinked) -> 1/2; 2023: three authors -> 1/2
    assert weights[frozenset((people["a"].pk, people["b"].pk))] == pytest.approx(1.0)
    assert weights[frozenset((people["d"].pk, people["e"].pk))] == pytest.approx(1.0)


def test_the_area_network_marks_whom_our_team_engages(msl: User, people: dict[str, HCP]) -> None:
    world.engage(msl, people["c"])
    network = selectors.area_network(msl, world.area(), NetworkFilters())
    engaged = {node.person.id for node in network.nodes if node.person.engaged}
    assert engaged == {people["c"].pk}


def test_an_area_without_papers_has_an_empty_network(msl: User) -> None:
    network = selectors.area_network(msl, world.area("empty", "Nothing"), NetworkFilters())
    assert network.nodes == [] and network.edges == [] and network.communities == []


def test_the_ego_network_lists_coauthors_by_joint_papers(msl: User, people: dict[str, HCP]) -> None:
    world.engage(msl, people["h"])
    ego = selectors.ego_network(msl, people["a"])
    listed = [(c.person.id, c.joint_papers, c.last_year) for c in ego.coauthors]
    assert listed == [
        (people["b"].pk, 2, 2023),
        (people["h"].pk, 1, 2024),  # every area: who they publish with
        (people["c"].pk, 1, 2023),
    ]
    assert ego.engaged_coauthors == 1
    assert ego.oversized == 1
    assert ego.total_coauthors == 3
    b, c = sorted((people["b"].pk, people["c"].pk))
    assert (b, c, 2) in ego.links  # Berg and Curie wrote two papers together


def test_the_ego_network_limit_keeps_the_totals(msl: User, people: dict[str, HCP]) -> None:
    ego = selectors.ego_network(msl, people["a"], limit=1)
    assert [c.person.id for c in ego.coauthors] == [people["b"].pk]
    assert ego.total_coauthors == 3
    assert not ego.shown_all


@pytest.fixture
def chain() -> dict[str, HCP]:
    """Target Tara; Sven (engaged) wrote one paper with her; Uwe (engaged) reaches her
    through Vera with five papers on each hop; Walter (engaged) is three hops away,
    Xaver (engaged) four."""
    found = {
        name: world.hcp(name)
        for name in ["Tara", "Sven", "Uwe", "Vera", "Walter", "Yann", "Xaver", "Zoe"]
    }
    world.paper(found["Sven"], found["Tara"])
    for year in range(2019, 2024):
        world.paper(found["Uwe"], found["Vera"], year=year)
        world.paper(found["Vera"], found["Tara"], year=year, title=f"Vera and Tara {year}")
    world.paper(found["Walter"], found["Yann"])
    world.paper(found["Yann"], found["Vera"])
    world.paper(found["Xaver"], found["Zoe"])
    world.paper(found["Zoe"], found["Walter"], *[None] * 60)  # consortium: no tie
    world.paper(found["Zoe"], found["Yann"])
    return found


def test_introductions_rank_the_strongest_paths_from_engaged_hcps(
    msl: User, chain: dict[str, HCP]
) -> None:
    world.engage(msl, chain["Sven"], chain["Uwe"], chain["Walter"], chain["Xaver"])
    found = selectors.introductions(msl, chain["Tara"])
    route = [
        [hop.source.name for hop in path.hops] + [path.hops[-1].target.name] for path in found.paths
    ]
    assert route == [
        ["Anna Uwe", "Anna Vera", "Anna Tara"],
        ["Anna Sven", "Anna Tara"],
        ["Anna Walter", "Anna Yann", "Anna Vera", "Anna Tara"],
    ]
    first = found.paths[0]
    assert [hop.joint_papers for hop in first.hops] == [5, 5]
    assert [paper.title for paper in first.hops[1].papers] == [
        "Vera and Tara 2023",
        "Vera and Tara 2022",
        "Vera and Tara 2021",
    ]
    assert first.weakest == 5
    assert found.engaged == 4
    assert found.coauthors == 2


def test_introductions_are_limited_to_the_hops_asked(msl: User, chain: dict[str, HCP]) -> None:
    world.engage(msl, chain["Walter"], chain["Xaver"])
    assert selectors.introductions(msl, chain["Tara"], max_hops=2).paths == []
    assert [p.introducer.id for p in selectors.introductions(msl, chain["Tara"]).paths] == [
        chain["Walter"].pk
    ]


def test_no_introduction_without_engaged_hcps(msl: User, chain: dict[str, HCP]) -> None:
    found = selectors.introductions(msl, chain["Tara"])
    assert found.paths == [] and found.engaged == 0
