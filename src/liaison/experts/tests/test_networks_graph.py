"""The pure co-authorship graph computations (``experts.networks.graph``): no database."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from liaison.experts.networks import graph
from liaison.experts.networks.graph import Edge


def clique(nodes: range, weight: float = 1.0) -> list[Edge]:
    return [(a, b, weight) for a, b in itertools.combinations(nodes, 2)]


def test_build_adds_up_both_directions_and_repeats_and_ignores_self_loops() -> None:
    built = graph.build([(1, 2, 1.0), (2, 1, 2.0), (1, 2, 0.5), (3, 3, 9.0), (2, 3, 1.0)])
    assert built.edges() == [(1, 2, 3.5), (2, 3, 1.0)]
    assert built.degree() == {1: 1, 2: 2, 3: 1}
    assert built.strength() == {1: 3.5, 2: 4.5, 3: 1.0}


@pytest.mark.parametrize("weight", [0.0, -1.0, math.nan, math.inf])
def test_build_refuses_a_weight_that_is_not_positive(weight: float) -> None:
    with pytest.raises(ValueError, match=r"edge \(1, 2\): weight"):
        graph.build([(1, 2, weight)])


def test_pagerank_of_a_star_matches_the_closed_form() -> None:
    leaves = 5
    damping = 0.85
    ranks = graph.pagerank([(0, leaf, 1.0) for leaf in range(1, leaves + 1)], damping=damping)
    size = leaves + 1
    # centre c = (1-d)/n + d * k * l and leaf l = (1-d)/n + d * c / k
    teleport = (1 - damping) / size
    centre = (teleport + damping * leaves * teleport) / (1 - damping**2)
    assert ranks[0] == pytest.approx(centre, rel=1e-6)
    assert ranks[1] == pytest.approx(teleport + damping * centre / leaves, rel=1e-6)
    assert sum(ranks.values()) == pytest.approx(1.0)


def test_pagerank_follows_the_weights() -> None:
    ranks = graph.pagerank([(1, 2, 10.0), (1, 3, 1.0), (2, 4, 1.0), (3, 5, 1.0)])
    assert ranks[2] > ranks[3]
    assert graph.pagerank([]) == {}


def test_pagerank_refuses_a_damping_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="damping"):
        graph.pagerank([(1, 2, 1.0)], damping=1.0)


def test_communities_split_two_cliques_joined_by_a_weak_bridge() -> None:
    edges = clique(range(1, 7), 3.0) + clique(range(10, 14), 3.0) + [(6, 10, 1.0)]
    labels = graph.communities(edges)
    assert {labels[node] for node in range(1, 7)} == {0}  # the larger community is 0
    assert {labels[node] for node in range(10, 14)} == {1}


def test_communities_recover_planted_groups_whatever_the_edge_order() -> None:
    rng = random.Random(7)
    edges: list[Edge] = []
    for group in range(6):
        members = range(group * 20, group * 20 + 20)
        edges += [(a, b, 1.0) for a, b in itertools.combinations(members, 2) if rng.random() < 0.5]
    edges += [(rng.randrange(120), rng.randrange(120), 1.0) for _ in range(15)]
    labels = graph.communities(edges)
    for group in range(6):
        assert len({labels[node] for node in range(group * 20, group * 20 + 20)}) == 1
    assert len(set(labels.values())) == 6
    shuffled = edges[:]
    rng.shuffle(shuffled)
    again = graph.communities([(b, a, w) for a, b, w in shuffled])
    assert again == labels


def test_modularity_is_high_for_clear_communities_and_zero_for_one_block() -> None:
    edges = clique(range(1, 6)) + clique(range(6, 11)) + [(5, 6, 1.0)]
    split = {node: 0 if node < 6 else 1 for node in range(1, 11)}
    assert graph.modularity(edges, split) > 0.4
    assert graph.modularity(edges, dict.fromkeys(range(1, 11), 0)) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="node 10 has no community"):
        graph.modularity(edges, {node: 0 for node in range(1, 10)})


def test_analyse_gives_every_node_its_metrics() -> None:
    edges = [*clique(range(1, 5), 2.0), (4, 9, 1.0)]
    analysis = graph.analyse(edges)
    assert set(analysis.nodes) == {1, 2, 3, 4, 9}
    assert analysis.nodes[4].degree == 4
    assert analysis.nodes[4].strength == 7.0
    assert max(analysis.nodes, key=lambda node: analysis.nodes[node].pagerank) == 4
    assert sum(analysis.community_sizes) == 5
    assert graph.analyse([]).nodes == {}


def test_top_nodes_rank_by_the_chosen_measure() -> None:
    analysis = graph.analyse([(1, 2, 10.0), (3, 4, 1.0), (3, 5, 1.0), (3, 6, 1.0)])
    assert graph.top_nodes(analysis.nodes, 2, by="strength") == [1, 2]
    assert graph.top_nodes(analysis.nodes, 1, by="degree") == [3]
    with pytest.raises(ValueError, match="by"):
        graph.top_nodes(analysis.nodes, 1, by="size")  # type: ignore[arg-type]


def test_subgraph_keeps_the_edges_among_the_kept_nodes_only() -> None:
    kept = graph.subgraph([(1, 2, 2.0), (2, 3, 1.0), (3, 4, 1.0), (5, 6, 1.0)], {1, 2, 3, 5})
    assert kept.edges() == [(1, 2, 2.0), (2, 3, 1.0)]
    assert len(kept) == 3  # 5 has no kept neighbour
    assert len(graph.subgraph([(1, 2, 1.0)], {7})) == 0


def test_coauthor_edges_count_papers_fractionally_and_leave_out_consortia() -> None:
    papers = [([1, 2, 3], 3), ([1, 2], 2), ([1, 2, 2], 4), (list(range(10, 70)), 60)]
    counted = graph.coauthor_edges(papers, max_authors=50)
    assert counted == [(1, 2, 3.0), (1, 3, 1.0), (2, 3, 1.0)]
    fractional = dict(((a, b), w) for a, b, w in graph.coauthor_edges(papers, fractional=True))
    assert fractional[(1, 2)] == pytest.approx(1 / 2 + 1 + 1 / 3)
    assert fractional[(10, 11)] == pytest.approx(1 / 59)


def test_layout_is_repeatable_inside_the_square_and_draws_ties_close() -> None:
    edges = clique(range(0, 8), 2.0) + clique(range(8, 16), 2.0) + [(0, 8, 1.0)]
    groups = graph.communities(edges)
    positions = graph.layout(edges, groups=groups, seed=3)
    assert positions == graph.layout(edges, groups=groups, seed=3)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in positions.values())

    def distance(a: int, b: int) -> float:
        return math.dist(positions[a], positions[b])

    inside = [distance(a, b) for a, b in itertools.combinations(range(8), 2)]
    across = [distance(a, b) for a in range(1, 8) for b in range(9, 16)]
    assert max(inside) < min(across)


def test_layout_refuses_more_nodes_than_a_person_reads() -> None:
    edges = [(i, i + 1, 1.0) for i in range(graph.MAX_LAYOUT_NODES + 1)]
    with pytest.raises(ValueError, match="to draw"):
        graph.layout(edges)


def test_ego_layout_puts_the_centre_in_the_middle_and_strong_ties_closer() -> None:
    positions = graph.ego_layout(1, {2: 10.0, 3: 1.0, 4: 1.0}, [(3, 4, 1.0)])
    assert positions[1] == (0.5, 0.5)
    assert math.dist(positions[1], positions[2]) < math.dist(positions[1], positions[3])
    assert graph.ego_layout(1, {}) == {1: (0.5, 0.5)}


def test_introductions_prefer_two_strong_hops_to_one_weak_one() -> None:
    edges = [(100, 1, 1.0), (100, 2, 10.0), (2, 3, 10.0)]
    paths = graph.introduction_paths(edges, sources={1, 3}, target=100)
    assert [path.nodes for path in paths] == [(3, 2, 100), (1, 100)]
    assert paths[0].weights == (10.0, 10.0)
    assert paths[0].cost == pytest.approx(0.2)
    assert paths[0].hops == 2
    assert paths[1].weakest == 1.0


def test_introductions_stop_at_three_hops() -> None:
    chain = [(100, 1, 5.0), (1, 2, 5.0), (2, 3, 5.0), (3, 4, 5.0)]
    found = graph.introduction_paths(chain, sources={3, 4}, target=100)
    assert [path.introducer for path in found] == [3]
    assert graph.introduction_paths(chain, sources={4}, target=100, max_hops=4)[0].hops == 4


def test_introductions_never_pass_through_another_engaged_hcp() -> None:
    edges = [(100, 1, 1.0), (1, 2, 50.0), (100, 3, 1.0), (3, 4, 1.0), (4, 2, 1.0)]
    paths = graph.introduction_paths(edges, sources={1, 2}, target=100)
    by_introducer = {path.introducer: path.nodes for path in paths}
    assert by_introducer[1] == (1, 100)
    assert by_introducer[2] == (2, 4, 3, 100)  # not the cheaper 2 -> 1 -> 100


def test_introductions_leave_out_the_target_and_respect_the_limit() -> None:
    edges = [(100, n, float(n)) for n in range(1, 9)]
    paths = graph.introduction_paths(edges, sources={100, *range(1, 9)}, target=100, limit=3)
    assert [path.introducer for path in paths] == [8, 7, 6]
    assert graph.introduction_paths(edges, sources={1}, target=999) == []
