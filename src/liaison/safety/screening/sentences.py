"""Sentences of a field note, as ``(start, end)`` spans of the text.

Field notes are not prose: bullet lines, a heading line without a period, a
line wrapped mid-sentence, "Dr." and "e.g." inside a sentence, no final period.
The rules, in order:

* a line starting with a bullet ("-", "*", "•", "1.", "2)") starts a sentence,
  the bullet itself left out;
* a line break ends a sentence, unless the line before ends without
  punctuation and the next line starts with a lower-case letter (a wrapped line);
* ".", "!" or "?" followed by a space ends a sentence, except after a title or
  an abbreviation that never ends one ("Dr.", "Mrs.", "e.g.", "approx.",
  "vs."), after an initial ("Mrs K."), and after "etc." unless a capital follows.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]+")
_BULLET = re.compile(r"[ \t]*(?:[-*•·‣▪–—>]|\d{1,2}[.)])[ \t]+")
_ENDS_SENTENCE = re.compile(r"[.!?:;]\s*$")
_BREAK = re.compile(r"""[.!?]+["'\u201d\u2019)\]]*(?=\s|$)|\u2026""")
_WORD_BEFORE = re.compile(r"([^\s(\[\"']+)$")

#: Words a period follows inside a sentence (compared lower-case, dots removed).
NEVER_FINAL = frozenset({
    "dr", "drs", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "eg", "ie", "vs", "cf", "approx",
    "appr", "incl", "excl", "esp", "ca", "fig", "figs", "no", "nr", "al", "resp", "dept", "vol",
    "ref", "re", "tel",
})  # fmt: skip
#: Abbreviations that end a sentence only when a capital letter follows.
FINAL_BEFORE_CAPITAL = frozenset({"etc"})


def _blocks(text: str) -> list[tuple[int, int]]:
    """Line blocks: bullet lines and paragraphs, wrapped lines joined."""
    blocks: list[tuple[int, int]] = []
    previous_end = -1
    for line in _LINE.finditer(text):
        start, end = line.span()
        bullet = _BULLET.match(text, start, end)
        if bullet:
            blocks.append((bullet.end(), end))
        elif (
            blocks
            and previous_end >= 0
            and text.count("\n", previous_end, start) <= 1
            and not _ENDS_SENTENCE.search(text, blocks[-1][0], previous_end)
            and text[start:end].lstrip()[:1].islower()
        ):
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
        previous_end = end
    return blocks


def _ends_here(text: str, block_start: int, period: int, after: int) -> bool:
    """Whether the punctuation at ``period`` ends the sentence."""
    if text[period] in "!?\u2026":
        return True
    word = _WORD_BEFORE.search(text, block_start, period)
    if word is None:
        return True
    key = word.group(1).replace(".", "").lower()
    if key in NEVER_FINAL or (len(key) == 1 and key.isalpha()):
        return False
    if key in FINAL_BEFORE_CAPITAL:
        return text[after : after + 40].lstrip()[:1].isupper()
    return True


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each sentence of ``text``, in order, without surrounding space.

    >>> text = "Met Dr. Roth re Onvexa\\n- pt w/ rash. No fever"
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['Met Dr. Roth re Onvexa', 'pt w/ rash.', 'No fever']
    """
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for mark in _BREAK.finditer(text, block_start, block_end):
            if _ends_here(text, block_start, mark.start(), mark.end()):
                span = _trimmed(text, start, mark.end())
                if span:
                    spans.append(span)
                start = mark.end()
        span = _trimmed(text, start, block_end)
        if span:
            spans.append(span)
    return spans
