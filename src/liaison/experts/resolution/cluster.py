"""Constrained agglomerative clustering (average linkage over scored pairs, with
near-certain links).

Mentions sharing an anchor start as one cluster. Two clusters merge while the
average probability over all their mention pairs (a pair never scored counts as
0) is at least ``threshold``, or while their best pair is near certain (at least
``strong``) and their average is not negligible (at least ``floor``): a prolific
person's papers over decades rarely all resemble each other, but each new paper
usually resembles one earlier paper closely. Near-certain merges come first, then
the highest averages. Never when the clusters carry different anchors, or one
carries an anchor the other's mentions are forbidden to join.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from functools import lru_cache

from liaison.experts.resolution.names import jaro_winkler


@lru_cache(maxsize=100_000)
def conflicting(a: str, b: str) -> bool:
    """Whether two full first names (transliteration keys) cannot be one person's: not
    one shortening the other, and not alike (Jaro-Winkler below 0.85)."""
    if a.startswith(b) or b.startswith(a):
        return False
    return jaro_winkler(a, b) < 0.85


class _Clusters:
    def __init__(
        self,
        size: int,
        anchors: Sequence[str],
        forbidden: Sequence[frozenset[str]],
        names: Sequence[str] | None,
    ):
        self.parent = list(range(size))
        self.members: dict[int, list[int]] = {i: [i] for i in range(size)}
        self.anchors: dict[int, set[str]] = {i: {anchors[i]} - {""} for i in range(size)}
        self.forbidden: dict[int, set[str]] = {i: set(forbidden[i]) for i in range(size)}
        # Full first names (transliteration keys) written in each cluster.
        self.names: dict[int, set[str]] = {
            i: ({names[i]} - {""}) if names is not None else set() for i in range(size)
        }

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def allowed(self, a: int, b: int) -> bool:
        anchors_a, anchors_b = self.anchors[a], self.anchors[b]
        if anchors_a and anchors_b and anchors_a != anchors_b:
            return False
        if anchors_a & self.forbidden[b] or anchors_b & self.forbidden[a]:
            return False
        return not any(conflicting(x, y) for x in self.names[a] for y in self.names[b] if x != y)

    def union(self, a: int, b: int) -> int:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.anchors[a] |= self.anchors.pop(b)
        self.forbidden[a] |= self.forbidden.pop(b)
        self.names[a] |= self.names.pop(b)
        return a


def cluster(
    size: int,
    pairs: Sequence[tuple[int, int]],
    probabilities: Sequence[float],
    threshold: float,
    anchors: Sequence[str],
    forbidden: Sequence[frozenset[str]],
    strong: float = 2.0,
    floor: float = 0.0,
    names: Sequence[str] | None = None,
) -> list[int]:
    """The cluster number of each of ``size`` items (0, 1, 2... by first item);
    ``strong`` above 1 turns near-certain links off (plain average linkage).
    ``names``: each item's full first name as a transliteration key ("" when only an
    initial is written); two clusters whose full first names conflict (Barbara and
    Robert; not Alex and Alexander, nor Yurii and Iurii) never merge."""
    clusters = _Clusters(size, anchors, forbidden, names)
    first_of: dict[str, int] = {}
    for i, anchor in enumerate(anchors):
        if anchor:
            if anchor in first_of:
                a, b = clusters.find(first_of[anchor]), clusters.find(i)
                if a != b:
                    clusters.union(a, b)
            else:
                first_of[anchor] = i
    # links[c][d] = (sum, best) of the probabilities between clusters c and d (scored pairs).
    links: dict[int, dict[int, tuple[float, float]]] = {}
    for (i, j), p in zip(pairs, probabilities, strict=True):
        a, b = clusters.find(i), clusters.find(j)
        if a == b:
            continue
        total, best = links.get(a, {}).get(b, (0.0, 0.0))
        link = (total + p, max(best, p))
        links.setdefault(a, {})[b] = link
        links.setdefault(b, {})[a] = link
    heap: list[tuple[float, int, int]] = []

    def priority(a: int, b: int) -> float | None:
        total, best = links[a][b]
        average = total / (len(clusters.members[a]) * len(clusters.members[b]))
        if best >= strong and average >= floor:
            return 1.0 + average
        return average if average >= threshold else None

    def push(a: int, b: int) -> None:
        value = priority(a, b)
        if value is not None:
            heapq.heappush(heap, (-value, min(a, b), max(a, b)))

    for a, neighbours in links.items():
        for b in neighbours:
            if a < b:
                push(a, b)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in clusters.members or b not in clusters.members or b not in links.get(a, {}):
            continue
        current = priority(a, b)
        if current is None or abs(current + negative) > 1e-12:
            continue  # stale entry: the sizes changed since it was pushed
        if not clusters.allowed(a, b):
            continue
        kept = clusters.union(a, b)
        gone = b if kept == a else a
        merged = links.pop(kept, {})
        for c, (total, best) in links.pop(gone, {}).items():
            before_total, before_best = merged.get(c, (0.0, 0.0))
            merged[c] = (before_total + total, max(before_best, best))
        merged.pop(kept, None)
        merged.pop(gone, None)
        links[kept] = merged
        for c, link in merged.items():
            neighbour = links[c]
            neighbour.pop(gone, None)
            neighbour[kept] = link
            push(kept, c)
    numbers: dict[int, int] = {}
    return [numbers.setdefault(clusters.find(i), len(numbers)) for i in range(size)]
