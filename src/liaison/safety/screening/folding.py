"""Lower-case, accent-free text that still knows where each character came from.

The rules read folded text ("Oncovirúmab" and "ONCOVIRUMAB" both read
"oncovirumab"); a flag points into the text as typed, so every folded character
keeps the index of the character it came from. Characters fold as
``liaison.lib.text.fold`` folds them (``fold_char``), but punctuation is kept:
sentence ends, semicolons and question marks carry meaning here.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.lib.text import fold_char


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
        folded = fold_char(char)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return Folded("".join(pieces), tuple(origins))
