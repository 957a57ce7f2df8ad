"""Lower-case, accent-free text that still knows where each character came from.

The rules read folded text ("Oncovirúmab" and "ONCOVIRUMAB" both read
"oncovirumab"); a flag points into the text as typed, so every folded character
keeps the index of the character it came from. Unlike ``liaison.lib.text.fold``,
punctuation is kept: sentence ends, semicolons and question marks carry meaning here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Letters NFKD does not take apart, and the typographic marks notes pasted from
# word processors carry, in the plain form the rules are written for.
_SPECIAL = {
    "ß": "ss",
    "æ": "ae",
    "Æ": "ae",
    "ø": "o",
    "Ø": "o",
    "œ": "oe",
    "Œ": "oe",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ı": "i",
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}
_CACHE: dict[str, str] = {}


def _fold_char(char: str) -> str:
    folded = _CACHE.get(char)
    if folded is None:
        special = _SPECIAL.get(char)
        if special is None:
            decomposed = unicodedata.normalize("NFKD", char)
            special = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = _CACHE[char] = special.lower()
    return folded


@dataclass(frozen=True, slots=True)
class Folded:
    """``text`` folded; ``origins[i]`` is the index in the original of folded character ``i``.

    ``origins`` is None when folding kept every index (plain ASCII).
    """

    text: str
    origins: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``(start, end)`` of the folded ``text[start:end]`` (``end > start``)."""
        if self.origins is None:
            return start, end
        return self.origins[start], self.origins[end - 1] + 1


def fold(text: str) -> Folded:
    """Fold ``text``: ``fold("Oncovirúmab®").text == "oncovirumab®"``."""
    if text.isascii():
        return Folded(text.lower(), None)
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return Folded("".join(pieces), tuple(origins))
