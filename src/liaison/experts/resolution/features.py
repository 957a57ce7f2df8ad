"""Pairwise features: how alike two mentions are, as numbers a model weighs.

Each mention is first turned into a :class:`Signature` (folded names, token sets,
country, e-mail); corpus statistics (how often a name, an affiliation word or a
topic occurs among the mentions resolved together) make rare agreement count
more than common agreement. ``-1`` marks a feature that cannot be computed (a
record without affiliation or MeSH terms): the model learns what missing means.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from liaison.experts.resolution.mentions import Mention
from liaison.experts.resolution.names import (
    GivenName,
    compatible_initials,
    family_key,
    given_name,
    jaro_winkler,
    translit,
)
from liaison.lib import countries
from liaison.lib.text import fold

FEATURES: tuple[str, ...] = (
    "first_initial_equal",
    "initials_compatible",
    "initials_equal",
    "middle_conflict",
    "both_first_full",
    "first_equal",
    "first_similarity",
    "first_translit_equal",
    "first_prefix",
    "full_vs_initial",
    "swapped",
    "affiliation_similarity",
    "affiliation_shared",
    "country_equal",
    "email_equal",
    "coauthors_shared",
    "coauthors_jaccard",
    "topic_similarity",
    "topics_shared",
    "journal_equal",
    "year_distance",
    "title_similarity",
    "text_similarity",
    "family_frequency",
    "name_frequency",
    "first_name_frequency",
    "coauthors_fewest",
)

#: What each feature means, for the resolution queue's evidence.
FEATURE_LABELS: dict[str, str] = {
    "first_initial_equal": "same first initial",
    "initials_compatible": "initials compatible",
    "initials_equal": "same initials",
    "middle_conflict": "middle initials differ",
    "both_first_full": "both first names written out",
    "first_equal": "same first name",
    "first_similarity": "first-name similarity",
    "first_translit_equal": "first names alike once transliterated",
    "first_prefix": "one first name shortens the other",
    "full_vs_initial": "a first name against its initial",
    "swapped": "given and family names swapped",
    "affiliation_similarity": "affiliation similarity",
    "affiliation_shared": "affiliation words shared",
    "country_equal": "same country",
    "email_equal": "same e-mail",
    "coauthors_shared": "co-authors shared",
    "coauthors_jaccard": "co-author overlap",
    "topic_similarity": "topic similarity",
    "topics_shared": "topics shared",
    "journal_equal": "same journal",
    "year_distance": "years apart",
    "title_similarity": "title similarity",
    "text_similarity": "title and abstract similarity",
    "family_frequency": "mentions of the family name",
    "name_frequency": "mentions of the family name and first initial",
    "first_name_frequency": "mentions of the full name",
    "coauthors_fewest": "co-authors of the smaller record",
}

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "in",
        "at",
        "on",
        "to",
        "with",
        "by",
        "from",
        "de",
        "del",
        "der",
        "des",
        "di",
        "du",
        "la",
        "le",
        "van",
        "von",
        "und",
        "et",
        "y",
        "e",
        "dept",
        "department",
        "departments",
        "division",
        "unit",
        "section",
        "laboratory",
        "laboratories",
        "lab",
        "school",
        "faculty",
        "college",
        "institute",
        "institut",
        "instituto",
        "center",
        "centre",
        "centro",
        "university",
        "universite",
        "universidad",
        "universita",
        "universitat",
        "univ",
        "hospital",
        "hospitals",
        "medical",
        "medicine",
        "clinical",
        "clinic",
        "research",
        "sciences",
        "science",
        "health",
        "national",
        "street",
        "road",
        "avenue",
        "box",
        "email",
        "electronic",
        "address",
    ]
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TITLE_STOP = frozenset(
    [
        "with",
        "from",
        "that",
        "this",
        "these",
        "those",
        "their",
        "into",
        "between",
        "among",
        "during",
        "after",
        "before",
        "using",
        "based",
        "study",
        "studies",
        "patients",
        "patient",
        "analysis",
        "results",
        "effect",
        "effects",
        "case",
        "report",
        "review",
        "trial",
        "clinical",
        "versus",
        "role",
        "new",
    ]
)


@dataclass(slots=True)
class Signature:
    """A mention prepared for comparison."""

    index: int
    family: str
    given: GivenName
    first_translit: str
    affiliation: frozenset[str]
    country: str
    email: str
    coauthors: frozenset[str]
    topics: frozenset[str]
    journal: str
    year: int
    title: frozenset[str]
    text: frozenset[str]


@lru_cache(maxsize=500_000)
def _affiliation_facts(affiliations: tuple[str, ...]) -> tuple[frozenset[str], str]:
    """The affiliation words and the country of an affiliation list (cached: co-authors of
    one paper often share it, and a resolution reads each mention twice)."""
    words: set[str] = set()
    country = ""
    for text in affiliations:
        text = _EMAIL.sub(" ", text)
        for word in fold(text).split():
            if len(word) > 2 and word not in _STOP and not word.isdigit():
                words.add(sys.intern(word))
        if not country:
            country = _country_of(text)
    return frozenset(words), country


def _country_of(text: str) -> str:
    for segment in reversed([part.strip(" .;") for part in text.split(",")]):
        if not segment:
            continue
        # Two letters are a US state or a province ("Boston, MA") as often as a country.
        code = countries.code_for(segment) if len(segment) > 2 else None
        # "Boston, MA 02115, USA." ends in the country: only the last segment counts.
        return code or ""
    return ""


def _words(text: str) -> set[str]:
    return {
        sys.intern(word)
        for word in fold(text).split()
        if len(word) > 3 and word not in _TITLE_STOP and not word.isdigit()
    }


@lru_cache(maxsize=500_000)
def _text_facts(title: str, abstract: str) -> tuple[frozenset[str], frozenset[str]]:
    """The title's words and the title's and abstract's words (cached per publication)."""
    title_words = _words(title)
    return frozenset(title_words), frozenset(title_words | _words(abstract))


@lru_cache(maxsize=500_000)
def _topics(mesh: tuple[str, ...]) -> frozenset[str]:
    return frozenset(topic.lower() for topic in mesh)


def clear_caches() -> None:
    """Forget the cached facts of the last resolution (their memory is the corpus's)."""
    for cached in (_affiliation_facts, _text_facts, _topics):
        cached.cache_clear()


def signature(index: int, mention: Mention) -> Signature:
    given = given_name(mention.given, mention.initials)
    family = family_key(mention.family)
    own = f"{family} {given.initials[:1]}"
    affiliation, country = _affiliation_facts(tuple(mention.affiliations))
    title, text = _text_facts(mention.title, mention.abstract)
    return Signature(
        index=index,
        family=family,
        given=given,
        first_translit=translit(given.first) if given.first else "",
        affiliation=affiliation,
        country=country,
        email=mention.email.lower(),
        coauthors=frozenset(key for key in mention.coauthors if key != own),
        topics=_topics(tuple(mention.mesh)),
        journal=mention.journal.lower(),
        year=mention.year or 0,
        title=title,
        text=text,
    )


class Corpus:
    """Frequencies over the mentions resolved together: rare agreement is stronger evidence."""

    def __init__(self, signatures: Sequence[Signature] = ()) -> None:
        self.size = 0
        self.family: Counter[str] = Counter()
        self.name: Counter[tuple[str, str]] = Counter()
        self.full: Counter[tuple[str, str]] = Counter()
        self.affiliation_df: Counter[str] = Counter()
        self.topic_df: Counter[str] = Counter()
        self.title_df: Counter[str] = Counter()
        self.text_df: Counter[str] = Counter()
        # Squared IDF weights and set norms by table (its id: the four tables above live
        # as long as the corpus), valid for the size they were computed at.
        self._squares: dict[int, dict[str, float]] = {}
        self._norms: dict[int, dict[frozenset[str], float]] = {}
        self._cached_size = -1
        for sig in signatures:
            self.add(sig)

    def add(self, sig: Signature) -> None:
        """Count one mention (resolutions stream the corpus through here, then forget it)."""
        self.size += 1
        self.family[sig.family] += 1
        self.name[(sig.family, sig.given.initials[:1])] += 1
        if sig.given.first:
            self.full[(sig.family, sig.given.first)] += 1
        self.affiliation_df.update(sig.affiliation)
        self.topic_df.update(sig.topics)
        self.title_df.update(sig.title)
        self.text_df.update(sig.text)

    def idf(self, table: Counter[str], token: str) -> float:
        return math.log((max(self.size, 1) + 1) / (table[token] + 1)) + 1.0

    def weighted_cosine(self, table: Counter[str], a: frozenset[str], b: frozenset[str]) -> float:
        """Cosine of two word sets weighted by IDF; ``-1`` when either is empty. Squared
        weights and each set's norm are computed once (sets are shared by the mentions
        of a publication), which makes pair scoring several times faster."""
        if not a or not b:
            return -1.0
        shared = a & b
        if not shared:
            return 0.0
        squares = self._squares_of(table)
        top = 0.0
        for token in shared:
            weight = squares.get(token)
            if weight is None:
                weight = squares[token] = self.idf(table, token) ** 2
            top += weight
        return top / (self._norm(table, a) * self._norm(table, b))

    def _squares_of(self, table: Counter[str]) -> dict[str, float]:
        if self._cached_size != self.size:  # counted more since: forget what was cached
            self._squares.clear()
            self._norms.clear()
            self._cached_size = self.size
        return self._squares.setdefault(id(table), {})

    def _norm(self, table: Counter[str], tokens: frozenset[str]) -> float:
        norms = self._norms.setdefault(id(table), {})
        norm = norms.get(tokens)
        if norm is None:
            squares = self._squares_of(table)
            total = 0.0
            for token in tokens:
                weight = squares.get(token)
                if weight is None:
                    weight = squares[token] = self.idf(table, token) ** 2
                total += weight
            norm = norms[tokens] = math.sqrt(total)
        return norm


def _first_names(a: GivenName, b: GivenName, ta: str, tb: str) -> tuple[float, ...]:
    both_full = bool(a.first and b.first)
    if both_full:
        equal = a.first == b.first
        similarity = jaro_winkler(a.first, b.first)
        translit_equal = ta == tb
        prefix = (a.first.startswith(b.first) or b.first.startswith(a.first)) and not equal
        return (1.0, float(equal), similarity, float(translit_equal), float(prefix), 0.0)
    full_vs_initial = float(bool(a.first or b.first) and a.initials[:1] == b.initials[:1])
    return (0.0, 0.0, -1.0, 0.0, 0.0, full_vs_initial)


def pair_features(a: Signature, b: Signature, corpus: Corpus, swapped: bool = False) -> list[float]:
    """The feature vector of one pair, in :data:`FEATURES` order."""
    ia, ib = a.given.initials, b.given.initials
    first_initial = float(bool(ia and ib) and ia[0] == ib[0])
    middle_conflict = float(len(ia) > 1 and len(ib) > 1 and ia[1] != ib[1])
    names = _first_names(a.given, b.given, a.first_translit, b.first_translit)
    if a.affiliation and b.affiliation:
        affiliation_shared = float(len(a.affiliation & b.affiliation))
    else:
        affiliation_shared = -1.0
    country = float(a.country == b.country) if a.country and b.country else -1.0
    email = float(a.email == b.email) if a.email and b.email else -1.0
    if a.coauthors and b.coauthors:
        shared = len(a.coauthors & b.coauthors)
        jaccard = shared / len(a.coauthors | b.coauthors)
    else:
        shared, jaccard = 0, -1.0
    topics_shared = float(len(a.topics & b.topics)) if a.topics and b.topics else -1.0
    journal = float(a.journal == b.journal) if a.journal and b.journal else -1.0
    years = float(abs(a.year - b.year)) if a.year and b.year else -1.0
    family_frequency = math.log1p(corpus.family[a.family] + corpus.family[b.family])
    name_frequency = math.log1p(corpus.name[(a.family, ia[:1])] + corpus.name[(b.family, ib[:1])])
    if a.given.first and a.given.first == b.given.first:
        first_frequency = math.log1p(corpus.full[(a.family, a.given.first)])
    else:
        first_frequency = -1.0
    return [
        first_initial,
        float(compatible_initials(ia, ib)),
        float(ia == ib),
        middle_conflict,
        *names,
        float(swapped),
        corpus.weighted_cosine(corpus.affiliation_df, a.affiliation, b.affiliation),
        affiliation_shared,
        country,
        email,
        float(shared),
        jaccard,
        corpus.weighted_cosine(corpus.topic_df, a.topics, b.topics),
        topics_shared,
        journal,
        years,
        corpus.weighted_cosine(corpus.title_df, a.title, b.title),
        corpus.weighted_cosine(corpus.text_df, a.text, b.text),
        family_frequency,
        name_frequency,
        first_frequency,
        float(min(len(a.coauthors), len(b.coauthors))),
    ]


def feature_matrix(
    signatures: Sequence[Signature],
    pairs: Sequence[tuple[int, int]],
    corpus: Corpus,
    swapped: frozenset[tuple[int, int]] = frozenset(),
) -> npt.NDArray[np.float64]:
    rows = [
        pair_features(signatures[i], signatures[j], corpus, (i, j) in swapped) for i, j in pairs
    ]
    if not rows:
        return np.zeros((0, len(FEATURES)))
    return np.asarray(rows, dtype=np.float64)
