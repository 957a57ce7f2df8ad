"""Constrained agglomerative clustering (average linkage over scored pairs).

Mentions sharing an anchor start as one cluster; two clusters merge while the
average probability over all their mention pairs (a pair never scored counts as
0) is at least the threshold, best first, and never when they carry different
anchors or one carries an anchor the other's mentions are forbidden to join.
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
) -> list[int]:
    """The cluster number of each of ``size`` items (0, 1, 2... by first item)."""
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
    # links[c][d] = sum of probabilities between clusters c and d (scored pairs only).
    links: dict[int, dict[int, float]] = {}
    for (i, j), p in zip(pairs, probabilities, strict=True):
        a, b = clusters.find(i), clusters.find(j)
        if a == b:
            continue
        links.setdefault(a, {})[b] = links.get(a, {}).get(b, 0.0) + p
        links.setdefault(b, {})[a] = links.get(b, {}).get(a, 0.0) + p
    heap: list[tuple[float, int, int]] = []

    def push(a: int, b: int) -> None:
        average = links[a][b] / (len(clusters.members[a]) * len(clusters.members[b]))
        if average >= threshold:
            heapq.heappush(heap, (-average, min(a, b), max(a, b)))

    for a, neighbours in links.items():
        for b in neighbours:
            if a < b:
                push(a, b)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in clusters.members or b not in clusters.members or b not in links.get(a, {}):
            continue
        current = links[a][b] / (len(clusters.members[a]) * len(clusters.members[b]))
        if abs(current + negative) > 1e-12:
            continue  # stale entry: the sizes changed since it was pushed
        if not clusters.allowed(a, b):
            continue
        kept = clusters.union(a, b)
        gone = b if kept == a else a
        merged = links.pop(kept, {})
        for c, p in links.pop(gone, {}).items():
            merged[c] = merged.get(c, 0.0) + p
        merged.pop(kept, None)
        merged.pop(gone, None)
        links[kept] = merged
        for c, p in merged.items():
            neighbour = links[c]
            neighbour.pop(gone, None)
            neighbour[kept] = p
            push(kept, c)
    numbers: dict[int, int] = {}
    return [numbers.setdefault(clusters.find(i), len(numbers)) for i in range(size)]
