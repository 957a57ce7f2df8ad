"""Train the pairwise model on labelled data and write ``pairwise_model.json``.

    python -m liaison.experts.resolution.train \\
        --clusters ../shared/data/and/song2015_and_corpus_shared.tsv \\
        --cluster-records ../shared/data/and/song2015_pubmed_xml_shared.tar.gz \\
        --pairs ../shared/data/and/vishnyakova2019_1500_pairs_train_subset.csv \\
        --pair-records ../shared/data/and/vishnyakova2019_pubmed_xml_shared.tar.gz

Training pairs are the pairs the resolver scores (the candidate pairs of the
cluster set's blocks, labelled by the gold person ids) and the labelled pairs of
the pair set. Scores are measured by cross-validation grouped by family name:
each fold's people were never seen by the model that resolves them. The merge
threshold and the near-certain link level (see ``cluster``) are the pair with the
best cross-validated mean of B-cubed F1 (clusters) and pair F1 (pairs) among those
keeping both precisions at 0.95 or above where any does. The final model is fitted on everything; the file records the
cross-validated figures it was chosen on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from liaison.experts.resolution.cluster import cluster
from liaison.experts.resolution.features import FEATURES, Corpus, feature_matrix, signature
from liaison.experts.resolution.goldstandard import (
    ClusterSet,
    PairSet,
    Records,
    bcubed,
    pair_scores,
    pairwise,
    read_clusters,
    read_pairs,
)
from liaison.experts.resolution.mentions import Mention
from liaison.experts.resolution.model import MODEL_FILE, from_sklearn
from liaison.experts.resolution.names import family_key
from liaison.experts.resolution.resolver import _anchor, candidate_pairs

PARAMETERS: dict[str, Any] = {
    "n_estimators": 250,
    "max_depth": 4,
    "learning_rate": 0.08,
    "subsample": 0.8,
    "min_samples_leaf": 20,
    "random_state": 13,
}
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.30, 0.96, 0.05))
#: Near-certain link levels tried (2.0: none, plain average linkage).
STRONG = (2.0, 0.95, 0.97, 0.98, 0.99)
#: The average a near-certain link still needs between two groups.
FLOOR = 0.1
FOLDS = 5


@dataclass
class Scored:
    """One data set's mentions with every candidate pair, its features and gold answer."""

    mentions: list[Mention]
    pairs: list[tuple[int, int]]
    features: npt.NDArray[np.float64]
    same: npt.NDArray[np.int64]  # 1 same, 0 different, -1 unknown (not labelled)
    groups: list[str]


def _scored(mentions: list[Mention], answer: dict[tuple[int, int], int]) -> Scored:
    signatures = [signature(i, mention) for i, mention in enumerate(mentions)]
    corpus = Corpus(signatures)
    pairs, swapped = candidate_pairs(signatures, mentions)
    extra = sorted(set(answer) - set(pairs))
    pairs = pairs + extra
    features = feature_matrix(signatures, pairs, corpus, swapped)
    same = np.asarray([answer.get(pair, -1) for pair in pairs], dtype=np.int64)
    groups = [family_key(mentions[i].family) for i, _ in pairs]
    return Scored(mentions, pairs, features, same, groups)


def cluster_data(data: ClusterSet) -> Scored:
    index = {m.key: i for i, m in enumerate(data.mentions)}
    signatures_pairs = candidate_pairs(
        [signature(i, m) for i, m in enumerate(data.mentions)], data.mentions
    )[0]
    answer = {
        (i, j): int(data.gold[data.mentions[i].key] == data.gold[data.mentions[j].key])
        for i, j in signatures_pairs
    }
    del index
    return _scored(data.mentions, answer)


def pair_data(data: PairSet) -> Scored:
    index = {m.key: i for i, m in enumerate(data.mentions)}
    answer = {}
    for a, b, same in data.pairs:
        i, j = sorted((index[a], index[b]))
        answer[(i, j)] = int(same)
    return _scored(data.mentions, answer)


def _fit(features: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]) -> Any:
    from sklearn.ensemble import GradientBoostingClassifier  # type: ignore[import-untyped]

    return GradientBoostingClassifier(**PARAMETERS).fit(features, labels)


def _folds(names: Sequence[str]) -> dict[str, int]:
    """Family names spread over folds, largest groups first, each to the lightest fold."""
    sizes: dict[str, int] = {}
    for name in names:
        sizes[name] = sizes.get(name, 0) + 1
    load = [0] * FOLDS
    fold_of: dict[str, int] = {}
    for name, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        fold = load.index(min(load))
        fold_of[name] = fold
        load[fold] += size
    return fold_of


def _labels_at(
    scored: Scored, probabilities: npt.NDArray[np.float64], threshold: float, strong: float
) -> dict[str, int]:
    anchors = [_anchor(m) for m in scored.mentions]
    forbidden = [m.forbidden for m in scored.mentions]
    labels = cluster(
        len(scored.mentions),
        scored.pairs,
        probabilities.tolist(),
        threshold,
        anchors,
        forbidden,
        strong,
        FLOOR,
        [signature(i, m).first_translit for i, m in enumerate(scored.mentions)],
    )
    return {m.key: label for m, label in zip(scored.mentions, labels, strict=True)}


def cross_validate(clusters: ClusterSet, pairs: PairSet) -> dict[str, Any]:
    song, vish = cluster_data(clusters), pair_data(pairs)
    fold_of = _folds(song.groups + vish.groups)
    song_fold = np.asarray([fold_of[g] for g in song.groups])
    vish_fold = np.asarray([fold_of[g] for g in vish.groups])
    song_p = np.zeros(len(song.pairs))
    vish_p = np.zeros(len(vish.pairs))
    for fold in range(FOLDS):
        train_x = np.vstack(
            [
                song.features[(song_fold != fold) & (song.same >= 0)],
                vish.features[(vish_fold != fold) & (vish.same >= 0)],
            ]
        )
        train_y = np.concatenate(
            [
                song.same[(song_fold != fold) & (song.same >= 0)],
                vish.same[(vish_fold != fold) & (vish.same >= 0)],
            ]
        )
        model = _fit(train_x, train_y)
        if (song_fold == fold).any():
            song_p[song_fold == fold] = model.predict_proba(song.features[song_fold == fold])[:, 1]
        if (vish_fold == fold).any():
            vish_p[vish_fold == fold] = model.predict_proba(vish.features[vish_fold == fold])[:, 1]
        print(f"fold {fold + 1}/{FOLDS} fitted", file=sys.stderr)
    by_threshold = {}
    for threshold in THRESHOLDS:
        for strong in STRONG:
            predicted = _labels_at(song, song_p, threshold, strong)
            vish_predicted = _labels_at(vish, vish_p, threshold, strong)
            by_threshold[(threshold, strong)] = {
                "pairwise": pairwise(clusters.gold, predicted, clusters.block),
                "b3": bcubed(clusters.gold, predicted),
                "pairs": pair_scores(pairs.pairs, vish_predicted),
            }
    return {"by_threshold": by_threshold, "song": song, "vish": vish}


def choose(by_threshold: dict[tuple[float, float], dict[str, Any]]) -> tuple[float, float]:
    def merit(scores: dict[str, Any]) -> float:
        return float(scores["b3"]["f1"] + scores["pairs"]["f1"]) / 2

    precise = {
        t: s
        for t, s in by_threshold.items()
        if s["b3"]["precision"] >= 0.95 and s["pairs"]["precision"] >= 0.95
    }
    pool = precise or by_threshold
    return max(pool, key=lambda t: merit(pool[t]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=Path, required=True)
    parser.add_argument("--cluster-records", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, required=True)
    parser.add_argument("--pair-records", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    options = parser.parse_args(argv)
    started = time.perf_counter()
    clusters = read_clusters(options.clusters, Records(options.cluster_records))
    pairs = read_pairs(options.pairs, Records(options.pair_records))
    result = cross_validate(clusters, pairs)
    threshold, strong = choose(result["by_threshold"])
    song, vish = result["song"], result["vish"]
    keep_song, keep_vish = song.same >= 0, vish.same >= 0
    model = _fit(
        np.vstack([song.features[keep_song], vish.features[keep_vish]]),
        np.concatenate([song.same[keep_song], vish.same[keep_vish]]),
    )
    chosen = result["by_threshold"][(threshold, strong)]
    meta = {
        "trained_on": {
            "cluster_mentions": len(clusters.mentions),
            "cluster_pairs": int(keep_song.sum()),
            "labelled_pairs": int(keep_vish.sum()),
        },
        "parameters": PARAMETERS,
        "cross_validated": {"folds": FOLDS, "grouped_by": "family name", **chosen},
        "seconds": round(time.perf_counter() - started, 1),
    }
    near_miss = round(max(threshold - 0.3, 0.15), 2)
    pairwise_model = from_sklearn(model, FEATURES, threshold, near_miss, meta, strong, FLOOR)
    options.out.write_text(json.dumps(pairwise_model.to_json(), separators=(",", ":")) + "\n")
    summary = {f"{t} {k}": s for (t, k), s in result["by_threshold"].items()}
    print(
        json.dumps(
            {"threshold": threshold, "strong": strong, "chosen": chosen, "all": summary}, indent=1
        )
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
