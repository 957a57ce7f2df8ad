"""The pairwise model: a gradient-boosted tree ensemble stored as plain JSON
(``pairwise_model.json``, written by :mod:`.train`), evaluated with numpy.

JSON rather than a pickle: the file is small, reviewable, and loads under any
scikit-learn version (a pickled estimator is tied to the version that wrote it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_FILE = Path(__file__).with_name("pairwise_model.json")


@dataclass(frozen=True, slots=True)
class Tree:
    feature: npt.NDArray[np.int64]
    threshold: npt.NDArray[np.float64]
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PairwiseModel:
    """``probability(X)``: the chance that each row's two mentions are one person."""

    features: tuple[str, ...]
    init: float
    learning_rate: float
    trees: tuple[Tree, ...]
    threshold: float
    near_miss: float
    meta: dict[str, Any]
    #: Near-certain links merge groups whose average is at least ``floor`` (see cluster).
    strong: float = 2.0
    floor: float = 0.0

    def decision(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        rows = matrix.shape[0]
        total = np.full(rows, self.init)
        index = np.arange(rows)
        for tree in self.trees:
            node = np.zeros(rows, dtype=np.int64)
            while True:
                inner = tree.left[node] >= 0
                if not inner.any():
                    break
                goes_left = matrix[index, tree.feature[node]] <= tree.threshold[node]
                step = np.where(goes_left, tree.left[node], tree.right[node])
                node = np.where(inner, step, node)
            total += self.learning_rate * tree.value[node]
        return total

    def probability(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if matrix.shape[0] == 0:
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-self.decision(matrix)))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "init": self.init,
            "learning_rate": self.learning_rate,
            "threshold": self.threshold,
            "near_miss": self.near_miss,
            "strong": self.strong,
            "floor": self.floor,
            "meta": self.meta,
            "trees": [
                {
                    "feature": tree.feature.tolist(),
                    "threshold": [round(float(x), 6) for x in tree.threshold],
                    "left": tree.left.tolist(),
                    "right": tree.right.tolist(),
                    "value": [round(float(x), 6) for x in tree.value],
                }
                for tree in self.trees
            ],
        }


def from_json(data: dict[str, Any]) -> PairwiseModel:
    trees = tuple(
        Tree(
            feature=np.asarray(tree["feature"], dtype=np.int64),
            threshold=np.asarray(tree["threshold"], dtype=np.float64),
            left=np.asarray(tree["left"], dtype=np.int64),
            right=np.asarray(tree["right"], dtype=np.int64),
            value=np.asarray(tree["value"], dtype=np.float64),
        )
        for tree in data["trees"]
    )
    return PairwiseModel(
        features=tuple(data["features"]),
        init=float(data["init"]),
        learning_rate=float(data["learning_rate"]),
        trees=trees,
        threshold=float(data["threshold"]),
        near_miss=float(data["near_miss"]),
        meta=dict(data.get("meta", {})),
        strong=float(data.get("strong", 2.0)),
        floor=float(data.get("floor", 0.0)),
    )


def from_sklearn(
    estimator: Any,
    features: tuple[str, ...],
    threshold: float,
    near_miss: float,
    meta: dict[str, Any],
    strong: float = 2.0,
    floor: float = 0.0,
) -> PairwiseModel:
    """A fitted ``GradientBoostingClassifier`` (binary, log-loss) as a :class:`PairwiseModel`."""
    prior = float(estimator.init_.class_prior_[1])
    trees = []
    for (regressor,) in estimator.estimators_:
        tree = regressor.tree_
        trees.append(
            Tree(
                feature=np.where(tree.children_left >= 0, tree.feature, 0).astype(np.int64),
                threshold=tree.threshold.astype(np.float64),
                left=tree.children_left.astype(np.int64),
                right=tree.children_right.astype(np.int64),
                value=tree.value[:, 0, 0].astype(np.float64),
            )
        )
    return PairwiseModel(
        features=features,
        init=float(np.log(prior / (1 - prior))),
        learning_rate=float(estimator.learning_rate),
        trees=tuple(trees),
        threshold=threshold,
        near_miss=near_miss,
        meta=meta,
        strong=strong,
        floor=floor,
    )


@lru_cache(maxsize=1)
def shipped() -> PairwiseModel:
    """The model shipped with Liaison."""
    return from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
