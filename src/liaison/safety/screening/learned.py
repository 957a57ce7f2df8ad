"""The sentence model: a logistic regression on TF-IDF word and character n-grams.

It reads one folded sentence in which every product is a placeholder ("ourdrug",
"theirdrug"), so it learns how events are told, not which product has which
event. The model is stored as plain JSON (``sentence_model.json``, written by
:mod:`.train`) and evaluated in pure Python: each feature's idf and weight, the
intercept and the threshold chosen when it was trained. JSON rather than a
pickle: the file is reviewable and loads under any scikit-learn version.

The screen asks it only of sentences the rules did not flag (see ``screen``).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("sentence_model.json")

OURS = "ourdrug"
THEIRS = "theirdrug"
_TOKEN = re.compile(r"[a-z]+|[0-9]+")
CHARS = (3, 4, 5)

#: English function words: never taken as the words the model weighed.
_FUNCTION_WORDS = (
    "a", "about", "above", "after", "again", "against", "all", "also", "already", "always", "am",
    "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "cannot", "could", "despite", "did", "do", "does",
    "doing", "down", "during", "each", "either", "ever", "few", "for", "from", "further", "had",
    "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
    "how", "i", "if", "in", "instead", "into", "is", "it", "its", "itself", "just", "lot", "me",
    "more", "most", "my", "myself", "neither", "never", "no", "nor", "not", "of", "off", "on",
    "once", "only", "or", "other", "our", "ours", "out", "over", "own", "per", "same", "she",
    "should", "so", "some", "still", "such", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "via", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "yet", "you", "your",
)  # fmt: skip

#: Words never taken as the words the model weighed: function words, how notes are
#: written (who, when, "met", "said"), and the context rules' own triggers ("known").
QUIET = frozenset(
    {
        *_FUNCTION_WORDS,
        OURS, THEIRS, "pt", "pts", "patient", "patients", "dr", "one", "two", "three",
        "said", "says", "reports", "reported", "mentioned", "saw", "seen", "now", "new",
        "week", "weeks", "day", "days", "month", "months", "last", "first", "second", "third",
        "dose", "doses", "treatment", "starting", "started", "met", "call", "called", "spoke",
        "talked", "discussed", "visit", "re", "keeps", "keep", "gone", "went", "came", "back",
        "got", "took", "feel", "feels", "around", "half", "noticed", "show", "shows", "known",
        "every", "today", "yesterday", "morning", "night", "time", "times", "twice",
    }
)  # fmt: skip

#: A sentence that says a patient is well or a value normal, with no "but": the model
#: reads lab and body words as events ("ALT normal", "weight stable", "tumour shrank").
WELL = re.compile(
    r"(?<![a-z0-9])(?:normal|fine|stable|unchanged|within (?:the )?(?:normal )?(?:range|limits"
    r"|target)|(?:at|on) target|(?:doing|feeling|feels?|felt) (?:well|great|good|fine|better)"
    r"|well[- ]controlled|under control|respon(?:se|ses|ding|ded)|shr[au]nk|shrinking|improv"
    r"(?:ed|ing)|remission|tolerat(?:ed|es|ing) (?:it )?well|back to normal)(?![a-z0-9])"
)
CONTRAST = re.compile(r"(?<![a-z0-9])(?:but|however|although|though|except|apart from)(?![a-z0-9])")


def says_well(folded: str) -> bool:
    """Whether a folded sentence says a patient is well (and nothing against it)."""
    return WELL.search(folded) is not None and CONTRAST.search(folded) is None


_TITLES = frozenset({"dr", "prof", "mr", "mrs", "ms", "nurse"})


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a folded sentence: as the model reads it, and ``[start, end)`` there."""

    text: str
    start: int
    end: int


def tokens(folded: str, products: Sequence[tuple[int, int, bool]]) -> list[Token]:
    """The words of ``folded``; each product mention ``(start, end, own)`` is one placeholder."""
    result: list[Token] = []
    spans = sorted(products)
    index = 0
    for match in _TOKEN.finditer(folded):
        while index < len(spans) and spans[index][1] <= match.start():
            index += 1
        if index < len(spans) and spans[index][0] <= match.start() < spans[index][1]:
            start, end, own = spans[index]
            if not result or result[-1].start != start:
                result.append(Token(OURS if own else THEIRS, start, end))
            continue
        word = match.group()
        result.append(Token("0" if word.isdigit() else word, match.start(), match.end()))
    return result


def _word_features(word: str) -> list[str]:
    """A word's own features: itself and its character n-grams (with word boundaries)."""
    padded = f" {word} "
    grams = ["c:" + padded[i : i + n] for n in CHARS for i in range(max(1, len(padded) - n + 1))]
    return ["w:" + word, *grams]


def features(words: Sequence[Token]) -> Counter[str]:
    """The n-gram counts of a sentence's words: words, word pairs and character n-grams."""
    counts: Counter[str] = Counter()
    for token in words:
        counts.update(_word_features(token.text))
    counts.update(f"b:{a.text} {b.text}" for a, b in pairwise(words))
    return counts


@dataclass(frozen=True, slots=True)
class SentenceModel:
    """``probability(words)``: the chance that a sentence reports an event with our product."""

    idf: dict[str, float]
    weights: dict[str, float]
    intercept: float
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        """Sublinear TF-IDF, L2-normalised, over the features the model knows."""
        vector = {
            name: (1.0 + math.log(count)) * self.idf[name]
            for name, count in counts.items()
            if name in self.idf
        }
        norm = math.sqrt(sum(value * value for value in vector.values()))
        return {name: value / norm for name, value in vector.items()} if norm else {}

    def probability(self, words: Sequence[Token]) -> float:
        vector = self._vector(features(words))
        score = self.intercept + sum(
            value * self.weights.get(name, 0.0) for name, value in vector.items()
        )
        return 1.0 / (1.0 + math.exp(-score))

    def weighed(self, words: Sequence[Token], most: int = 3) -> list[Token]:
        """The words that pushed the sentence's score up most, in sentence order.

        Each word is credited with its own features (itself and its character
        n-grams); placeholders, names after a title and ``QUIET`` words are skipped.
        """
        vector = self._vector(features(words))
        credit: list[tuple[float, int]] = []
        for index, token in enumerate(words):
            if token.text in QUIET or len(token.text) < 3 or token.text == "0":
                continue
            if index and words[index - 1].text in _TITLES:  # a name: "Dr. Osei"
                continue
            mine = set(_word_features(token.text))
            score = sum(vector.get(name, 0.0) * self.weights.get(name, 0.0) for name in mine)
            if score > 0:
                credit.append((score, index))
        best = sorted(credit, reverse=True)[:most]
        return [words[index] for _, index in sorted(best, key=lambda pair: pair[1])]

    def to_json(self) -> dict[str, Any]:
        return {
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
            "meta": self.meta,
            "features": [
                [name, round(self.idf[name], 5), round(self.weights.get(name, 0.0), 5)]
                for name in sorted(self.idf)
            ],
        }


def from_json(data: dict[str, Any]) -> SentenceModel:
    rows = data["features"]
    return SentenceModel(
        idf={name: float(idf) for name, idf, _ in rows},
        weights={name: float(weight) for name, _, weight in rows if weight},
        intercept=float(data["intercept"]),
        threshold=float(data["threshold"]),
        meta=dict(data.get("meta", {})),
    )


@lru_cache(maxsize=1)
def shipped() -> SentenceModel:
    """The model shipped with Liaison, read once, when first asked for."""
    return from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
