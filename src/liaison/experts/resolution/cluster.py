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


class _Clusters:
    def __init__(self, size: int, anchors: Sequence[str], forbidden: Sequence[frozenset[str]]):
        self.parent = list(range(size))
        self.members: dict[int, list[int]] = {i: [i] for i in range(size)}
        self.anchors: dict[int, set[str]] = {i: {anchors[i]} - {""} for i in range(size)}
        self.forbidden: dict[int, set[str]] = {i: set(forbidden[i]) for i in range(size)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def allowed(self, a: int, b: int) -> bool:
        anchors_a, anchors_b = self.anchors[a], self.anchors[b]
        if anchors_a and anchors_b and anchors_a != anchors_b:
            return False
        return not (anchors_a & self.forbidden[b] or anchors_b & self.forbidden[a])

    def union(self, a: int, b: int) -> int:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.anchors[a] |= self.anchors.pop(b)
        self.forbidden[a] |= self.forbidden.pop(b)
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
) -> list[int]:
    """The cluster number of each of ``size`` items (0, 1, 2... by first item);
    ``strong`` above 1 turns near-certain links off (plain average linkage)."""
    clusters = _Clusters(size, anchors, forbidden)
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
