"""Clustering insight statements into themes: pure code (no ORM, no settings).

The method, chosen to be fast and to need no model download:

1. :func:`vectorize`: TF-IDF over unigrams and bigrams (English stop words
   removed, sublinear term frequency, terms in at least two statements and in
   at most half of them, at most 20,000 terms; rows L2-normalised, float32).
2. :func:`choose_k`: the number of themes comes from the data. The candidates
   are a few values between 3 and 40, at most one theme per five statements
   (:func:`candidate_ks`); each is fitted with NMF on a sample of at most 1,500
   statements and scored by the silhouette of its assignments (cosine
   distance, the same sample). The best score wins (the smaller k on a near
   tie, within 0.005). Why: the silhouette rewards groups that are tight and
   apart, so on a corpus of three obvious subjects it picks 3 rather than a
   size rule's 5 or 6 that would cut one subject in two, and on 200,000
   statements the search costs seconds because it runs on the sample, not on
   the corpus (the final fit does).
3. :func:`cluster`: NMF with that k (the exact solver up to 5,000 statements,
   ``MiniBatchNMF`` above, which is linear in the corpus); a statement belongs
   to its strongest component; one with no known term (all stop words) to none.
4. :func:`describe`: each group named by its top terms (the terms most above
   the corpus's average in the group's centroid, a bigram replacing the
   unigram it contains) and its representatives: the members nearest the
   centroid (the highest weight).
5. :func:`match`: new clusters are matched to old groups by their members
   (Jaccard similarity at least 0.5, best pairs first), so a recomputation
   keeps the themes that did not change.

Everything is deterministic for a given ``random_state``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

# scikit-learn is imported where it is used: importing it costs seconds, which
# every web process would pay on its first request (the URLs import the views).

MIN_THEMES = 3
MAX_THEMES = 40
#: At most one theme per this many statements.
STATEMENTS_PER_THEME = 5
MAX_FEATURES = 20_000
SAMPLE = 1_500
#: Up to this many statements the exact NMF solver; above, MiniBatchNMF.
EXACT_UP_TO = 5_000
NEAR_TIE = 0.005
TERMS = 4
#: A theme is named by its top three terms (the fourth is shown beside).
LABEL_TERMS = 3
REPRESENTATIVES = 5
JACCARD = 0.5
CANDIDATES = (3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40)

#: A word: two or more letters (no digits: doses and dates are not themes).
WORD = r"(?u)\b[^\W\d_][^\W\d_]+\b"

Labels = npt.NDArray[np.int32]
#: ``(stage, done, total)``: what a long fit reports.
Report = Callable[[str, int, int], None]


def _no_report(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Vectors:
    """The statements as TF-IDF rows (L2-normalised; an empty row has no known term)."""

    matrix: Any  # scipy.sparse.csr_matrix, n x terms, float32
    terms: npt.NDArray[np.str_]

    @property
    def count(self) -> int:
        return int(self.matrix.shape[0])


@dataclass(frozen=True, slots=True)
class Group:
    """A described group: its top terms, its members nearest the centroid first
    (indices into the statements), and its size."""

    terms: tuple[str, ...]
    representatives: tuple[int, ...]
    size: int

    @property
    def label(self) -> str:
        return ", ".join(self.terms[:LABEL_TERMS]) or "no common terms"


@dataclass(frozen=True, slots=True)
class Clustering:
    """Each statement's cluster (``-1``: none) and the clusters' description."""

    labels: Labels
    groups: tuple[Group, ...]
    method: str


def vectorize(texts: Sequence[str]) -> Vectors:
    """TF-IDF rows of ``texts`` (see the module). A corpus with no usable term
    gives an empty vocabulary rather than an error."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    count = len(texts)
    min_df = 2 if count >= 10 else 1
    max_df = 0.5 if count >= 20 else 1.0
    vectorizer = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        min_df=min_df,
        max_df=max_df,
        max_features=MAX_FEATURES,
        ngram_range=(1, 2),
        dtype=np.float32,
        token_pattern=WORD,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary: nothing but stop words, digits or nothing
        return Vectors(sparse.csr_matrix((count, 0), dtype=np.float32), np.array([], dtype=str))
    return Vectors(sparse.csr_matrix(matrix), np.asarray(vectorizer.get_feature_names_out()))


def candidate_ks(count: int) -> list[int]:
    """The numbers of themes worth trying for ``count`` statements."""
    ceiling = max(MIN_THEMES, min(MAX_THEMES, count // STATEMENTS_PER_THEME))
    return [k for k in CANDIDATES if k <= ceiling] or [MIN_THEMES]


def _fit(matrix: Any, k: int, random_state: int, *, exact: bool) -> Any:
    """The NMF document weights (n x k) of ``matrix``."""
    from sklearn.decomposition import NMF, MiniBatchNMF  # type: ignore[import-untyped]
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]

    k = max(1, min(k, matrix.shape[0], matrix.shape[1]))
    if exact:
        model = NMF(
            n_components=k, init="nndsvda", random_state=random_state, max_iter=200, tol=1e-3
        )
    else:
        model = MiniBatchNMF(
            n_components=k,
            init="nndsvda",
            random_state=random_state,
            batch_size=4096,
            max_iter=3,
            max_no_improvement=5,
        )
    with warnings.catch_warnings():
        # A few passes are enough to rank statements; convergence is not the goal.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit_transform(matrix)


def _assign(weights: Any, matrix: Any) -> Labels:
    labels = np.asarray(weights.argmax(axis=1), dtype=np.int32).ravel()
    empty = np.asarray(matrix.getnnz(axis=1) == 0) | (np.asarray(weights.max(axis=1)) <= 0)
    labels[empty.ravel()] = -1
    return labels


def choose_k(vectors: Vectors, *, random_state: int = 0, report: Report = _no_report) -> int:
    """The number of themes for ``vectors`` (see the module: the best silhouette of
    the candidates on a sample)."""
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    rows = np.flatnonzero(vectors.matrix.getnnz(axis=1) > 0)
    candidates = candidate_ks(len(rows))
    if len(candidates) == 1 or len(rows) <= MIN_THEMES:
        return candidates[0]
    generator = np.random.default_rng(random_state)
    if len(rows) > SAMPLE:
        rows = np.sort(generator.choice(rows, size=SAMPLE, replace=False))
    sample = vectors.matrix[rows]
    best_k, best_score = candidates[0], -2.0
    for number, k in enumerate(candidates, start=1):
        labels = _assign(_fit(sample, k, random_state, exact=True), sample)
        kept = labels >= 0
        distinct = len(set(labels[kept].tolist()))
        if 2 <= distinct < kept.sum():
            score = float(silhouette_score(sample[kept], labels[kept], metric="cosine"))
            if score > best_score + NEAR_TIE:
                best_k, best_score = k, score
        report("choosing the number of themes", number, len(candidates))
    return best_k


def cluster(
    vectors: Vectors, k: int | None = None, *, random_state: int = 0, report: Report = _no_report
) -> Clustering:
    """Cluster ``vectors`` into ``k`` themes (chosen by :func:`choose_k` when None)."""
    if vectors.count == 0 or vectors.matrix.shape[1] == 0:
        return Clustering(np.full(vectors.count, -1, dtype=np.int32), (), "tfidf-nmf")
    if k is None:
        k = choose_k(vectors, random_state=random_state, report=report)
    exact = vectors.count <= EXACT_UP_TO
    report("fitting the themes", 0, 1)
    weights = _fit(vectors.matrix, k, random_state, exact=exact)
    report("fitting the themes", 1, 1)
    labels = _assign(weights, vectors.matrix)
    # Number the clusters that got members 0..m-1, largest first (ties by first member).
    used, first, sizes = np.unique(labels[labels >= 0], return_index=True, return_counts=True)
    order = sorted(range(len(used)), key=lambda i: (-sizes[i], first[i]))
    renumber = np.full(int(labels.max(initial=-1)) + 2, -1, dtype=np.int32)
    for new, i in enumerate(order):
        renumber[used[i] + 1] = new
    labels = renumber[labels + 1]
    groups = describe(vectors, labels, len(order))
    return Clustering(labels, groups, "tfidf-nmf" if exact else "tfidf-minibatch-nmf")


def describe(
    vectors: Vectors,
    labels: Labels,
    count: int,
    *,
    terms: int = TERMS,
    representatives: int = REPRESENTATIVES,
) -> tuple[Group, ...]:
    """Top terms, representatives and size of groups ``0..count-1`` of ``labels``
    (one group per statement, ``-1`` for none)."""
    if count == 0:
        return ()
    matrix = vectors.matrix
    members = np.flatnonzero(labels >= 0)
    sizes = np.bincount(labels[members], minlength=count)
    if matrix.shape[1] == 0:
        return tuple(Group((), (), int(size)) for size in sizes)
    indicator = sparse.csr_matrix(
        (np.ones(len(members), dtype=np.float32), (labels[members], members)),
        shape=(count, matrix.shape[0]),
    )
    centroids = np.asarray((indicator @ matrix).todense(), dtype=np.float32)
    centroids /= np.maximum(sizes, 1)[:, None].astype(np.float32)
    average = np.asarray(matrix.mean(axis=0), dtype=np.float32).ravel()
    lift = centroids - average[None, :]
    # Each member's weight: its row against its own group's centroid.
    scores = np.zeros(matrix.shape[0], dtype=np.float32)
    chunk = 50_000
    for start in range(0, len(members), chunk):
        part = members[start : start + chunk]
        product = np.asarray((matrix[part] @ centroids.T), dtype=np.float32)
        scores[part] = product[np.arange(len(part)), labels[part]]
    order = members[np.lexsort((members, -scores[members], labels[members]))]
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    groups = []
    for group in range(count):
        chosen = _top_terms(lift[group], centroids[group], vectors.terms, terms)
        nearest = order[bounds[group] : bounds[group] + representatives]
        groups.append(Group(chosen, tuple(int(i) for i in nearest), int(sizes[group])))
    return tuple(groups)


def _stem(word: str) -> str:
    """``injections`` and ``injection`` as one word for the label's terms."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _top_terms(
    lift: npt.NDArray[np.float32],
    centroid: npt.NDArray[np.float32],
    vocabulary: npt.NDArray[np.str_],
    wanted: int,
) -> tuple[str, ...]:
    """The ``wanted`` terms most above average, a bigram replacing a chosen unigram
    it contains and a term whose words are all taken already skipped."""
    present = np.flatnonzero(centroid > 0)
    if len(present) == 0:
        return ()
    ranked = present[np.argsort(-lift[present], kind="stable")][: wanted * 6]
    chosen: list[str] = []
    for index in ranked:
        term = str(vocabulary[index])
        words = term.split()
        taken = {_stem(word) for existing in chosen for word in existing.split()}
        if all(_stem(word) in taken for word in words):
            if len(words) > 1 and all(word in chosen for word in words):
                # "injection", "site" chosen: "injection site" says it in one term.
                place = min(chosen.index(word) for word in words)
                rest = [existing for existing in chosen if existing not in words]
                chosen = [*rest[:place], term, *rest[place:]]
            continue
        if len(words) > 1:
            chosen = [existing for existing in chosen if existing not in words]
        chosen.append(term)
        if len(chosen) >= wanted:
            break
    return tuple(chosen[:wanted])


def match(old: Labels, new: Labels, *, threshold: float = JACCARD) -> dict[int, int]:
    """``{new cluster: old group}`` for the pairs whose members overlap with a
    Jaccard similarity of at least ``threshold``, best pairs first, each side once.
    ``old`` and ``new`` give each statement's group (``-1``: none)."""
    both = (old >= 0) & (new >= 0)
    if not both.any():
        return {}
    old_ids, old_sizes = np.unique(old[old >= 0], return_counts=True)
    new_ids, new_sizes = np.unique(new[new >= 0], return_counts=True)
    old_size = dict(zip(old_ids.tolist(), old_sizes.tolist(), strict=True))
    new_size = dict(zip(new_ids.tolist(), new_sizes.tolist(), strict=True))
    pairs, overlaps = np.unique(
        np.stack([old[both].astype(np.int64), new[both].astype(np.int64)], axis=1),
        axis=0,
        return_counts=True,
    )
    scored = []
    for (old_group, new_group), overlap in zip(pairs.tolist(), overlaps.tolist(), strict=True):
        union = old_size[old_group] + new_size[new_group] - overlap
        similarity = overlap / union
        if similarity >= threshold:
            scored.append((-similarity, new_group, old_group))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _score, new_group, old_group in sorted(scored):
        if new_group not in matched and old_group not in used:
            matched[new_group] = old_group
            used.add(old_group)
    return matched


def cluster_texts(
    texts: Sequence[str], k: int | None = None, *, random_state: int = 0
) -> Clustering:
    """:func:`vectorize` then :func:`cluster`: the whole method on plain texts."""
    return cluster(vectorize(texts), k, random_state=random_state)
