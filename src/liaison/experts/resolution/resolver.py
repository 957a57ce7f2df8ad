"""The resolver: block, score pairs, cluster.

Blocking is by folded family name (never family name + first initial: "Brown J"
and "Brown JS", "Evans H" and "Evans M" are each one person in the labelled
data), with compound family names also filed under their parts and single-word
given names also under the swapped order (an inverted "Zhang Wei"). Inside a
block every pair is scored, except in very large blocks, where only pairs with
compatible first initials or shared strong evidence (a co-author, an e-mail, a
rare affiliation word) are: the rest could not reach the merge threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from liaison.experts.resolution.cluster import cluster
from liaison.experts.resolution.features import (
    FEATURE_LABELS,
    FEATURES,
    Corpus,
    Signature,
    clear_caches,
    feature_matrix,
    signature,
)
from liaison.experts.resolution.mentions import Mention, NearMiss, Resolution
from liaison.experts.resolution.model import PairwiseModel, shipped
from liaison.experts.resolution.names import family_key, family_variants, given_name, translit

#: ``progress(done, total)`` in mentions.
Progress = Callable[[int, int], None]

#: A block larger than this scores only pairs that could plausibly be one person.
FULL_BLOCK = 400
#: An evidence key (co-author, e-mail, affiliation word) shared by more mentions than
#: this is too common to propose pairs by itself.
COMMON_KEY = 60


def _anchor(mention: Mention) -> str:
    return mention.anchor or (f"orcid:{mention.orcid}" if mention.orcid else "")


def _blocks(signatures: Sequence[Signature], mentions: Sequence[Mention]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for sig, mention in zip(signatures, mentions, strict=True):
        blocks[sig.family].append(sig.index)
        for variant in family_variants(mention.family):
            blocks[variant].append(sig.index)
    return blocks


def _swapped_pairs(
    signatures: Sequence[Signature], blocks: dict[str, list[int]]
) -> set[tuple[int, int]]:
    """Pairs where one mention's given name is the other's family name and back
    ("Zhang Wei" / "Wei Zhang"): inverted East Asian names."""
    pairs: set[tuple[int, int]] = set()
    for sig in signatures:
        parts = sig.given.parts
        if len(parts) != 1 or len(parts[0]) < 2:
            continue
        for other in blocks.get(family_key(parts[0]), ()):
            candidate = signatures[other]
            if candidate.given.first == sig.family and other != sig.index:
                pairs.add((min(sig.index, other), max(sig.index, other)))
    return pairs


def _large_block_pairs(members: list[int], signatures: Sequence[Signature]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    keyed: dict[str, list[int]] = defaultdict(list)
    for i in members:
        sig = signatures[i]
        letter = sig.given.initials[:1]
        keyed[f"n:{letter}:{sig.given.first}"].append(i)
        for coauthor in sig.coauthors:
            keyed[f"c:{coauthor}"].append(i)
        if sig.email:
            keyed[f"e:{sig.email}"].append(i)
        for word in sig.affiliation:
            keyed[f"a:{letter}:{word}"].append(i)
    for group in keyed.values():
        if 1 < len(group) <= COMMON_KEY:
            pairs.update(combinations(sorted(group), 2))
    return pairs


def candidate_pairs(
    signatures: Sequence[Signature], mentions: Sequence[Mention]
) -> tuple[list[tuple[int, int]], frozenset[tuple[int, int]]]:
    """The pairs worth scoring, and which of them compare swapped name orders."""
    blocks = _blocks(signatures, mentions)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        members = sorted(set(members))
        if len(members) <= FULL_BLOCK:
            pairs.update(combinations(members, 2))
        else:
            pairs.update(_large_block_pairs(members, signatures))
    swapped = _swapped_pairs(signatures, blocks) - pairs
    pairs |= swapped
    return sorted(pairs), frozenset(swapped)


def _components(size: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(size))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        a, b = find(i), find(j)
        if a != b:
            parent[b] = a
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(size):
        groups[find(i)].append(i)
    return list(groups.values())


def resolve(
    mentions: Sequence[Mention],
    *,
    progress: Progress | None = None,
    model: PairwiseModel | None = None,
    threshold: float | None = None,
) -> Resolution:
    """Resolve ``mentions`` to people (see the module's docstring).

    Memory is bounded by the largest group of mentions that blocking connects, not by
    the corpus: the corpus is read once for its statistics, then each connected group
    is prepared, scored, clustered and forgotten in turn."""
    model = model or shipped()
    limit = model.threshold if threshold is None else threshold
    total = len(mentions)
    corpus = Corpus()
    families: list[str] = []
    for i, mention in enumerate(mentions):
        sig = signature(i, mention)
        corpus.add(sig)
        families.append(sig.family)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, mention in enumerate(mentions):
        blocks[families[i]].append(i)
        for variant in family_variants(mention.family):
            blocks[variant].append(i)
    groups = _components(total, _block_links(blocks, mentions, families))
    labels = [0] * total
    next_label = 0
    near_misses: list[NearMiss] = []
    pair_count = 0
    done = 0
    for batch in _batches(sorted(groups, key=lambda members: members[0]), mentions):
        for group, (found, misses, pairs) in zip(
            batch, _resolve_groups(batch, mentions, corpus, model, limit), strict=True
        ):
            for i, label in zip(group, found, strict=True):
                labels[i] = next_label + label
            near_misses.extend(
                NearMiss(next_label + a, next_label + b, p, reasons) for a, b, p, reasons in misses
            )
            next_label += max(found) + 1 if found else 0
            pair_count += pairs
            done += len(group)
        if progress:
            progress(done, total)
    clear_caches()
    near_misses.sort(key=lambda miss: -miss.probability)
    person_of = {mention.key: label for mention, label in zip(mentions, labels, strict=True)}
    return Resolution(
        person_of, near_misses, {"mentions": total, "pairs": pair_count, "people": next_label}
    )


#: A group's labels (0, 1...), its near misses (label, label, probability, reasons) and
#: how many pairs it scored.
GroupResult = tuple[list[int], list[tuple[int, int, float, dict[str, Any]]], int]

#: Mentions of the groups scored together: the model evaluates its trees over many
#: pairs at once (per small group, numpy's per-call cost would dominate).
BATCH_MENTIONS = 20_000


def _batches(groups: list[list[int]], mentions: Sequence[Mention]) -> Iterator[list[list[int]]]:
    batch: list[list[int]] = []
    size = 0
    for group in groups:
        batch.append(group)
        size += len(group)
        if size >= BATCH_MENTIONS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _block_links(
    blocks: dict[str, list[int]], mentions: Sequence[Mention], families: list[str]
) -> Iterator[tuple[int, int]]:
    """Links that put mentions into one group: a block's members, and swapped names."""
    for members in blocks.values():
        for other in members[1:]:
            yield members[0], other
    for i, mention in enumerate(mentions):
        parts = mention.given.split()
        if len(parts) == 1 and len(parts[0]) > 1:
            for other in blocks.get(family_key(parts[0]), ()):
                if other != i:
                    yield i, other
                    break


def _resolve_groups(
    groups: list[list[int]],
    mentions: Sequence[Mention],
    corpus: Corpus,
    model: PairwiseModel,
    limit: float,
) -> list[GroupResult]:
    """Cluster each connected group of a batch: its labels (0...), its near misses and
    its pair count; the batch's pairs are scored in one go."""
    prepared: list[tuple[list[Mention], list[tuple[int, int]], int]] = []
    matrices = []
    for group in groups:
        local = [mentions[i] for i in group]
        if len(local) == 1:
            prepared.append((local, [], 0))
            continue
        signatures = [signature(i, mention) for i, mention in enumerate(local)]
        pairs, swapped = candidate_pairs(signatures, local)
        matrices.append(feature_matrix(signatures, pairs, corpus, swapped))
        prepared.append((local, pairs, len(pairs)))
    scored = model.probability(np.vstack(matrices)) if matrices else np.zeros(0)
    results: list[GroupResult] = []
    offset = 0
    for local, pairs, count in prepared:
        if len(local) == 1:
            results.append(([0], [], 0))
            continue
        probabilities = scored[offset : offset + count]
        offset += count
        results.append(_cluster_group(local, pairs, probabilities, model, limit))
    return results


def _cluster_group(
    mentions: list[Mention],
    pairs: list[tuple[int, int]],
    probabilities: np.ndarray[Any, np.dtype[np.float64]],
    model: PairwiseModel,
    limit: float,
) -> GroupResult:
    anchors = [_anchor(mention) for mention in mentions]
    forbidden = [mention.forbidden for mention in mentions]
    labels = cluster(
        len(mentions),
        pairs,
        probabilities.tolist(),
        limit,
        anchors,
        forbidden,
        model.strong,
        model.floor,
        [translit(given_name(m.given, m.initials).first) for m in mentions],
    )
    near: dict[tuple[int, int], float] = {}
    for (i, j), p in zip(pairs, probabilities.tolist(), strict=True):
        a, b = labels[i], labels[j]
        if a != b and p >= model.near_miss:
            key = (min(a, b), max(a, b))
            near[key] = max(near.get(key, 0.0), p)
    misses = [(a, b, p, {"best_pair_probability": round(p, 3)}) for (a, b), p in near.items()]
    return labels, misses, len(pairs)


def explain(a: Mention, b: Mention, *, model: PairwiseModel | None = None) -> dict[str, Any]:
    """The model's probability that ``a`` and ``b`` are one person and the features behind
    it, labelled for people (``{"probability": 0.93, "features": [{"label", "value"}]}``)."""
    model = model or shipped()
    signatures = [signature(0, a), signature(1, b)]
    corpus = Corpus(signatures)
    swapped = family_key(a.family) != family_key(b.family)
    matrix = feature_matrix(
        signatures, [(0, 1)], corpus, frozenset({(0, 1)}) if swapped else frozenset()
    )
    probability = float(model.probability(matrix)[0])
    features = [
        {"name": name, "label": FEATURE_LABELS[name], "value": round(float(value), 3)}
        for name, value in zip(FEATURES, matrix[0], strict=True)
        if value != -1.0
    ]
    return {"probability": round(probability, 3), "features": features}
