"""Weighted, undirected co-authorship graphs: centrality, communities, layouts and
introduction paths. Pure: plain data in, plain data out, no ORM, no settings.

A node is an HCP id; an edge ``(a, b, weight)`` says that ``a`` and ``b`` wrote papers
together, ``weight`` being the number of joint papers (or a fractional count, see
:func:`coauthor_edges`). Edges are undirected: ``(a, b, w)`` and ``(b, a, v)`` add up to
one edge of weight ``w + v``, as do repeated pairs; self-loops are ignored; a weight that
is not a positive finite number raises ``ValueError``.

Scale. The matrices are scipy's sparse ones and the algorithms scikit-network's (BSD):
on 200,000 nodes and 1,000,000 edges PageRank takes ~0.2 CPU-s and Louvain ~1.7 CPU-s
on this project's 2-core machine (networkx's Louvain did not finish in 10 minutes, and
scikit-network's Leiden did not either). Layouts are for the few hundred nodes a person
reads, and :func:`layout` refuses more than :data:`MAX_LAYOUT_NODES`.

    >>> edges = [(1, 2, 3.0), (2, 3, 1.0), (3, 1, 1.0), (4, 5, 2.0)]
    >>> sorted(communities(edges).items())
    [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1)]
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

Edge = tuple[int, int, float]

MAX_LAYOUT_NODES = 2_000

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Graph:
    """A graph as a symmetric sparse matrix: row ``i`` is the node ``nodes[i]``."""

    nodes: IntArray
    adjacency: Any  # scipy.sparse.csr_matrix (float64, symmetric, no diagonal)

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return int(self.adjacency.nnz // 2)

    def index_of(self, node: int) -> int | None:
        position = int(np.searchsorted(self.nodes, node))
        if position < len(self.nodes) and int(self.nodes[position]) == node:
            return position
        return None

    def edges(self) -> list[Edge]:
        """Each edge once, ``(a, b, weight)`` with ``a < b``, sorted."""
        upper = sparse.triu(self.adjacency, k=1).tocoo()
        ids = self.nodes
        found = [
            (int(ids[row]), int(ids[col]), float(weight))
            for row, col, weight in zip(upper.row, upper.col, upper.data, strict=True)
        ]
        found.sort()
        return found

    def degree(self) -> dict[int, int]:
        """How many co-authors each node has."""
        counts = np.diff(self.adjacency.indptr)
        return {int(node): int(count) for node, count in zip(self.nodes, counts, strict=True)}

    def strength(self) -> dict[int, float]:
        """Each node's weighted degree: the sum of its edges' weights."""
        sums = np.asarray(self.adjacency.sum(axis=1)).ravel()
        return {int(node): float(total) for node, total in zip(self.nodes, sums, strict=True)}


def build(edges: Iterable[Edge] | Graph) -> Graph:
    """The graph of ``edges`` (a :class:`Graph` is returned as it is)."""
    if isinstance(edges, Graph):
        return edges
    left: list[int] = []
    right: list[int] = []
    weights: list[float] = []
    for a, b, weight in edges:
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight > 0):
            raise ValueError(f"edge ({a}, {b}): weight {weight!r} is not a positive number")
        if a == b:
            continue
        left.append(int(a))
        right.append(int(b))
        weights.append(float(weight))
    if not left:
        return Graph(np.zeros(0, dtype=np.int64), sparse.csr_matrix((0, 0), dtype=np.float64))
    a_ids = np.asarray(left, dtype=np.int64)
    b_ids = np.asarray(right, dtype=np.int64)
    nodes = np.unique(np.concatenate([a_ids, b_ids]))
    rows = np.searchsorted(nodes, a_ids)
    cols = np.searchsorted(nodes, b_ids)
    data = np.asarray(weights, dtype=np.float64)
    size = len(nodes)
    half = sparse.coo_matrix((data, (rows, cols)), shape=(size, size)).tocsr()
    adjacency = (half + half.T).tocsr()
    adjacency.sum_duplicates()
    adjacency.sort_indices()
    return Graph(nodes, adjacency)


def pagerank(edges: Iterable[Edge] | Graph, *, damping: float = 0.85) -> dict[int, float]:
    """Weighted PageRank of each node (the values add up to 1): a random walk that follows
    an edge in proportion to its weight and restarts anywhere with probability
    ``1 - damping``. An expert scores high when strong co-authors of high score write
    with them, not merely when they write with many."""
    if not 0 < damping < 1:
        raise ValueError(f"damping: {damping!r} is not between 0 and 1")
    graph = build(edges)
    if not len(graph):
        return {}
    from sknetwork.ranking import PageRank  # type: ignore[import-untyped]

    scores = PageRank(damping_factor=damping, n_iter=100, tol=1e-10).fit_predict(graph.adjacency)
    total = float(scores.sum()) or 1.0
    return {
        int(node): float(score) / total for node, score in zip(graph.nodes, scores, strict=True)
    }


def _community_labels(graph: Graph, resolution: float) -> IntArray:
    """Louvain labels renumbered by size (0 is the largest; ties by smallest node id), so
    the same graph always gets the same numbers."""
    from sknetwork.clustering import Louvain  # type: ignore[import-untyped]

    raw = np.asarray(
        Louvain(
            resolution=resolution,
            modularity="newman",
            random_state=0,
            shuffle_nodes=False,
            return_probs=False,
            return_aggregate=False,
        ).fit_predict(graph.adjacency),
        dtype=np.int64,
    )
    sizes = np.bincount(raw)
    first = np.full(len(sizes), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, raw, graph.nodes)  # nodes are sorted: the smallest id of each label
    order = sorted(range(len(sizes)), key=lambda label: (-int(sizes[label]), int(first[label])))
    renumber = np.empty(len(sizes), dtype=np.int64)
    for new, old in enumerate(order):
        renumber[old] = new
    return renumber[raw]


def communities(edges: Iterable[Edge] | Graph, *, resolution: float = 1.0) -> dict[int, int]:
    """Each node's community (Louvain on weighted modularity), numbered from 0 by size,
    largest first. A higher ``resolution`` gives more, smaller communities."""
    if not resolution > 0:
        raise ValueError(f"resolution: {resolution!r} is not a positive number")
    graph = build(edges)
    if not len(graph):
        return {}
    labels = _community_labels(graph, resolution)
    return {int(node): int(label) for node, label in zip(graph.nodes, labels, strict=True)}


def modularity(edges: Iterable[Edge] | Graph, labels: Mapping[int, int]) -> float:
    """Newman's weighted modularity of the partition ``labels`` (every node labelled):
    near 0 for a random split, towards 1 for clear communities."""
    graph = build(edges)
    if not graph.edge_count:
        return 0.0
    from sknetwork.clustering import get_modularity

    try:
        array = np.asarray([labels[int(node)] for node in graph.nodes], dtype=np.int64)
    except KeyError as missing:
        raise ValueError(f"labels: node {missing.args[0]} has no community") from None
    return float(get_modularity(graph.adjacency, array))


@dataclass(frozen=True, slots=True)
class NodeMetrics:
    degree: int
    strength: float
    pagerank: float
    community: int


@dataclass(frozen=True, slots=True)
class Analysis:
    """A graph with every node's metrics, its communities' sizes and its modularity."""

    graph: Graph
    nodes: dict[int, NodeMetrics]
    community_sizes: list[int]  # index = community number
    modularity: float


def analyse(edges: Iterable[Edge] | Graph, *, resolution: float = 1.0) -> Analysis:
    """Degree, strength, PageRank and community of every node, the graph built once."""
    graph = build(edges)
    if not len(graph):
        return Analysis(graph, {}, [], 0.0)
    ranks = pagerank(graph)
    labels = communities(graph, resolution=resolution)
    degrees = graph.degree()
    strengths = graph.strength()
    metrics = {
        node: NodeMetrics(degrees[node], strengths[node], ranks[node], labels[node])
        for node in degrees
    }
    sizes = np.bincount(np.asarray(list(labels.values()), dtype=np.int64)).tolist()
    return Analysis(graph, metrics, [int(size) for size in sizes], modularity(graph, labels))


Ranking = Literal["strength", "pagerank", "degree"]


def top_nodes(metrics: Mapping[int, NodeMetrics], count: int, *, by: Ranking) -> list[int]:
    """The ``count`` nodes ranked first by ``by`` (ties by the next measures, then id)."""
    keys: dict[str, Callable[[NodeMetrics], tuple[float, float, float]]] = {
        "strength": lambda m: (m.strength, m.pagerank, m.degree),
        "pagerank": lambda m: (m.pagerank, m.strength, m.degree),
        "degree": lambda m: (m.degree, m.strength, m.pagerank),
    }
    if by not in keys:
        raise ValueError(f"by: {by!r} is not one of {', '.join(keys)}")
    key = keys[by]
    ranked = sorted(metrics, key=lambda node: (tuple(-v for v in key(metrics[node])), node))
    return ranked[: max(count, 0)]


def subgraph(edges: Iterable[Edge] | Graph, keep: Collection[int]) -> Graph:
    """The graph of the edges between nodes of ``keep`` (a kept node with no edge to
    another kept node is not in it)."""
    graph = build(edges)
    wanted = np.isin(graph.nodes, np.fromiter(keep, dtype=np.int64, count=len(keep)))
    if not wanted.any():
        return build([])
    positions = np.flatnonzero(wanted)
    inner = graph.adjacency[positions][:, positions].tocsr()
    connected = np.diff(inner.indptr) > 0
    positions = positions[connected]
    inner = inner[connected][:, connected].tocsr()
    return Graph(graph.nodes[positions], inner)


def coauthor_edges(
    papers: Iterable[tuple[Sequence[int], int]],
    *,
    fractional: bool = False,
    max_authors: int | None = None,
) -> list[Edge]:
    """The co-authorship edges of ``papers``, each given as (its authors' HCP ids, its
    number of authors, linked or not).

    Each paper adds 1 to every pair of its HCPs or, ``fractional``, ``1 / (n - 1)`` where
    ``n`` is its number of authors (Newman's count: a paper of two authors ties them more
    than a paper of twenty). A paper with more than ``max_authors`` authors (a consortium
    paper that would tie hundreds of people who never met) adds nothing.

        >>> coauthor_edges([([1, 2, 3], 3), ([1, 2], 2)])
        [(1, 2, 2.0), (1, 3, 1.0), (2, 3, 1.0)]
        >>> coauthor_edges([([1, 2, 3], 5)], fractional=True)
        [(1, 2, 0.25), (1, 3, 0.25), (2, 3, 0.25)]
    """
    totals: dict[tuple[int, int], float] = defaultdict(float)
    for hcps, author_count in papers:
        people = sorted(set(hcps))
        size = max(author_count, len(people))
        if len(people) < 2 or (max_authors is not None and size > max_authors):
            continue
        share = 1.0 / (size - 1) if fractional else 1.0
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                totals[(a, b)] += share
    return [(a, b, weight) for (a, b), weight in sorted(totals.items())]


def layout(
    edges: Iterable[Edge] | Graph,
    *,
    groups: Mapping[int, int] | None = None,
    iterations: int = 300,
    seed: int = 0,
) -> dict[int, tuple[float, float]]:
    """Positions in the unit square for drawing: a Fruchterman-Reingold force layout
    (every pair repels, edges attract with their weight), a little gravity so that
    separate components stay in view, starting from ``groups`` (communities) laid out
    on a circle so that each community forms its own region. The same input and seed
    give the same positions."""
    graph = build(edges)
    size = len(graph)
    if size > MAX_LAYOUT_NODES:
        raise ValueError(f"layout: {size} nodes is more than {MAX_LAYOUT_NODES} to draw")
    if size == 0:
        return {}
    if size == 1:
        return {int(graph.nodes[0]): (0.5, 0.5)}
    rng = np.random.default_rng(seed)
    position = rng.random((size, 2))
    if groups:
        labels = np.asarray([groups.get(int(node), 0) for node in graph.nodes], dtype=np.int64)
        label_count = int(labels.max()) + 1
        angle = 2 * math.pi * labels / label_count
        radius = 0.35 if label_count > 1 else 0.0
        spread = 0.5 / math.sqrt(label_count)
        position = np.column_stack([np.cos(angle), np.sin(angle)]) * radius + 0.5
        position += (rng.random((size, 2)) - 0.5) * spread
    dense = graph.adjacency.toarray()
    mean = float(dense[dense > 0].mean())
    pull = np.clip(np.sqrt(dense / mean), 0.0, 3.0)
    k = 1.0 / math.sqrt(size)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=-1))
        np.maximum(distance, 0.01 * k, out=distance)
        push = k * k / distance**2 - pull * distance / k
        np.fill_diagonal(push, 0.0)
        move = (delta * push[:, :, None]).sum(axis=1)
        move -= (position - 0.5) * (4.0 * k)
        length = np.maximum(np.sqrt((move**2).sum(axis=1)), 1e-12)
        position += move / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature -= cooling
    low = position.min(axis=0)
    span = np.maximum(position.max(axis=0) - low, 1e-9)
    scaled = 0.04 + 0.92 * (position - low) / span.max()
    scaled += (0.92 - 0.92 * span / span.max()) / 2  # centre the narrower axis
    return {
        int(node): (round(float(x), 4), round(float(y), 4))
        for node, (x, y) in zip(graph.nodes, scaled, strict=True)
    }


def ego_layout(
    centre: int, weights: Mapping[int, float], links: Iterable[Edge] = ()
) -> dict[int, tuple[float, float]]:
    """Positions in the unit square of an ego network: ``centre`` in the middle, its
    co-authors on a ring (closer for more joint papers), the co-authors who write with
    one another (``links``) next to each other."""
    if not weights:
        return {centre: (0.5, 0.5)}
    strongest = max(weights.values())
    inner = [(a, b, w) for a, b, w in links if a in weights and b in weights and a != b]
    labels = communities(inner) if inner else {}
    offset = max(labels.values(), default=-1) + 1
    ordered = sorted(
        weights,
        key=lambda node: (labels.get(node, offset + node), -weights[node], node),
    )
    positions = {centre: (0.5, 0.5)}
    for rank, node in enumerate(ordered):
        angle = 2 * math.pi * rank / len(ordered) - math.pi / 2
        radius = 0.44 - 0.2 * (weights[node] / strongest)
        positions[node] = (
            round(0.5 + radius * math.cos(angle), 4),
            round(0.5 + radius * math.sin(angle), 4),
        )
    return positions


@dataclass(frozen=True, slots=True)
class IntroductionPath:
    """A chain of co-authors from an introducer (``nodes[0]``) to the target
    (``nodes[-1]``); ``weights[i]`` ties ``nodes[i]`` and ``nodes[i + 1]``."""

    nodes: tuple[int, ...]
    weights: tuple[float, ...]
    cost: float

    @property
    def introducer(self) -> int:
        return self.nodes[0]

    @property
    def hops(self) -> int:
        return len(self.nodes) - 1

    @property
    def weakest(self) -> float:
        return min(self.weights)


def introduction_paths(
    edges: Iterable[Edge] | Graph,
    *,
    sources: Collection[int],
    target: int,
    max_hops: int = 3,
    limit: int = 5,
) -> list[IntroductionPath]:
    """Who can introduce us to ``target``: for each source (an HCP our team engages) that
    reaches ``target`` in at most ``max_hops`` co-authorship hops, its strongest path,
    the cost of a hop being ``1 / weight`` (two hops of ten joint papers beat one hop of
    a single paper). Paths never pass through another source: that nearer source is
    listed itself. The ``limit`` cheapest paths, each from a different source, cheapest
    first (ties: fewer hops, then the source's id); the target itself is never a source.
    """
    if max_hops < 1:
        raise ValueError(f"max_hops: {max_hops!r} is not at least 1")
    graph = build(edges)
    start = graph.index_of(target)
    if start is None or limit < 1:
        return []
    starts, columns, data = graph.adjacency.indptr, graph.adjacency.indices, graph.adjacency.data
    is_source = np.isin(graph.nodes, np.fromiter(sources, dtype=np.int64, count=len(sources)))
    is_source[start] = False
    # layers[h][v] = (cheapest cost of an h-hop walk target -> v, the previous node)
    layers: list[dict[int, tuple[float, int]]] = [{start: (0.0, -1)}]
    for hop in range(1, max_hops + 1):
        layer: dict[int, tuple[float, int]] = {}
        for node, (cost, _) in layers[-1].items():
            if hop > 1 and is_source[node]:
                continue
            for position in range(starts[node], starts[node + 1]):
                neighbour = int(columns[position])
                if neighbour == start:
                    continue
                candidate = cost + 1.0 / float(data[position])
                known = layer.get(neighbour)
                if known is None or (candidate, node) < known:
                    layer[neighbour] = (candidate, node)
        layers.append(layer)
    best: list[tuple[float, int, int, int]] = []  # (cost, hops, source id, source index)
    for hop in range(1, max_hops + 1):
        for node, (cost, _) in layers[hop].items():
            if is_source[node]:
                best.append((cost, hop, int(graph.nodes[node]), node))
    chosen: dict[int, tuple[float, int, int, int]] = {}
    for entry in sorted(best):
        chosen.setdefault(entry[3], entry)
    paths: list[IntroductionPath] = []
    for cost, hop, _, node in heapq.nsmallest(limit, chosen.values()):
        chain = [node]
        for layer_number in range(hop, 0, -1):
            chain.append(layers[layer_number][chain[-1]][1])
        weights = tuple(
            float(graph.adjacency[chain[i], chain[i + 1]]) for i in range(len(chain) - 1)
        )
        paths.append(
            IntroductionPath(tuple(int(graph.nodes[i]) for i in chain), weights, round(cost, 9))
        )
    return paths
