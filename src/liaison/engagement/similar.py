"""Similar insights while an MSL types a statement: the insights already reported
that say much the same, and the themes colleagues reported it under.

Scoring is TF-IDF cosine over the words of ``Insight.search_text`` (lower case,
without common English words, a plural's final s dropped), with the idf taken
from the candidates. The candidates are bounded so the answer stays fast on
200,000 insights: among the newest :data:`WINDOW` insights (an id range, so the
database scans no more whatever the table's size), the newest
:data:`MAX_CANDIDATES` that contain at least one of the typed text's
:data:`KEY_WORDS` longest words (long words are the rare ones), narrowed to the
category chosen when there is one; the database does that in one query on
``search_text``. Older insights than the window are not offered.

Statements are shown only of insights the actor may ``view``. The themes are
counted over every similar insight (a theme is an aggregate every member sees),
so an MSL learns that colleagues elsewhere reported the same without reading
what they may not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.engagement.models import Insight, Theme

MAX_CANDIDATES = 500
#: How many of the newest insights (by id) are searched at all: the bound of the
#: database's scan, whatever the table's size.
WINDOW = 20_000
KEY_WORDS = 4
MIN_SCORE = 0.2
WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
    ]
)


def words(text: str) -> list[str]:
    """The scoring words of ``text``: lower case, no stop words, a plural's s dropped."""
    found = []
    for word in WORD.findall(text.lower()):
        if word in STOP_WORDS or len(word) < 2:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


def key_words(text: str, count: int = KEY_WORDS) -> list[str]:
    """The longest distinct words of ``text`` (the rare ones), for the candidate query."""
    distinct = sorted(set(words(text)), key=lambda word: (-len(word), word))
    return [word for word in distinct if len(word) >= 4][:count]


def _vector(terms: Iterable[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(terms)
    vector = {term: count * idf.get(term, 0.0) for term, count in counts.items()}
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {term: value / norm for term, value in vector.items()} if norm else {}


def rank(text: str, documents: Sequence[tuple[int, str]]) -> list[tuple[int, float]]:
    """``documents`` (id, text) by TF-IDF cosine with ``text``, best first, ties newest
    (the order given) first; the idf comes from ``documents`` and ``text``."""
    query_terms = words(text)
    if not query_terms:
        return []
    tokenized = [(pk, words(document)) for pk, document in documents]
    frequency: Counter[str] = Counter()
    for _, terms in tokenized:
        frequency.update(set(terms))
    frequency.update(set(query_terms))
    total = len(tokenized) + 1
    idf = {term: math.log((1 + total) / (1 + count)) + 1.0 for term, count in frequency.items()}
    query = _vector(query_terms, idf)
    scored = []
    for order, (pk, terms) in enumerate(tokenized):
        vector = _vector(terms, idf)
        score = sum(weight * vector.get(term, 0.0) for term, weight in query.items())
        if score > 0:
            scored.append((-score, order, pk))
    scored.sort()
    return [(pk, -negative) for negative, _, pk in scored]


@dataclass(frozen=True, slots=True)
class ThemeCount:
    theme: Theme
    count: int


@dataclass(frozen=True, slots=True)
class Similar:
    """What the capture form shows: the visible similar insights with their scores,
    the themes of every similar insight with counts, and how many similar
    insights the actor may not read."""

    insights: list[tuple[Insight, float]]
    themes: list[ThemeCount]
    hidden: int


NOTHING = Similar(insights=[], themes=[], hidden=0)


def similar_insights(
    user: AnyUser,
    text: str,
    *,
    category: int | None = None,
    exclude: int | None = None,
    limit: int = 5,
    min_score: float = MIN_SCORE,
) -> Similar:
    """The insights similar to ``text`` (see the module's doc): at most ``limit`` the
    user may view, best first; the themes of all similar ones, most reported first."""
    keys = key_words(text)
    if not keys:
        return NOTHING
    match = Q()
    for word in keys:
        match |= Q(search_text__contains=word)
    candidates = Insight.objects.filter(match)
    newest = Insight.objects.order_by("-pk").values_list("pk", flat=True).first()
    if newest is not None and newest > WINDOW:
        candidates = candidates.filter(pk__gt=newest - WINDOW)
    if category is not None:
        candidates = candidates.filter(category_id=category)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    rows = list(
        candidates.order_by("-created_at", "-pk").values_list("pk", "search_text", "theme_id")[
            :MAX_CANDIDATES
        ]
    )
    themes_of = {pk: theme_id for pk, _, theme_id in rows}
    ranked = [
        (pk, score)
        for pk, score in rank(text, [(pk, document) for pk, document, _ in rows])
        if score >= min_score
    ]
    if not ranked:
        return NOTHING
    similar_ids = [pk for pk, _ in ranked]
    visible = set(
        policy.scope(user, "view", Insight).filter(pk__in=similar_ids).values_list("pk", flat=True)
    )
    shown_ids = [pk for pk in similar_ids if pk in visible][:limit]
    records = Insight.objects.select_related("category", "theme", "hcp", "msl").in_bulk(shown_ids)
    scores = dict(ranked)
    theme_counts = Counter(themes_of[pk] for pk in similar_ids if themes_of[pk] is not None)
    theme_records = policy.scope(user, "view", Theme).in_bulk(list(theme_counts))
    return Similar(
        insights=[(records[pk], scores[pk]) for pk in shown_ids],
        themes=[
            ThemeCount(theme_records[theme_id], count)
            for theme_id, count in theme_counts.most_common()
            if theme_id in theme_records
        ],
        hidden=len(similar_ids) - len(visible),
    )
