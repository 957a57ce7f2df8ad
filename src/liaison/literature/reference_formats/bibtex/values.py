"""What a BibTeX value says: ``@string`` macros, ``#`` concatenation, repeated fields.

bibtexparser (2.1) splits a file into blocks and fields but leaves each value as
written (``MCDERMOTT # { and Gerald J. Sussman}``); its string middleware only
replaces a value that is one whole macro name, and an entry with a repeated
field comes back as a failed block. So values are read here, as BibTeX reads
them: a value is pieces joined by ``#``, each a ``{braced}`` or ``"quoted"``
text, a number, or a macro name (case-insensitive) defined by ``@string`` or
one of the months ``jan`` ... ``dec``. A macro defined nowhere reads as empty
and is reported, never read as text. A value that is none of these (``title =
Some words``, as hand-kept files have) is read as written and reported.

Expansion is bounded: a value longer than its limit is not built (its length is
reported), and the macros of one file expand to at most :data:`EXPANSION_BUDGET`
characters, so that a few lines of nested ``@string`` cannot fill the memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}
#: The most characters all macro expansions of one file may produce.
EXPANSION_BUDGET = 50_000_000

_DELIMITERS = re.compile(r'(?<!\\)[{}"]')
_BARE = re.compile(r'[^\s#{}",=]+')


class ValueTooLong(Exception):
    """A value longer than its limit once its macros are expanded."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"{length:,} characters; at most {limit:,}")
        self.length = length
        self.limit = limit


class BudgetExhausted(Exception):
    """The file's macros have expanded to more than :data:`EXPANSION_BUDGET` characters."""


@dataclass
class Macros:
    """The ``@string`` macros of a file (by lower-case name) and what expansion may still cost."""

    defined: dict[str, str] = field(default_factory=dict)
    budget: int = EXPANSION_BUDGET

    def expand(self, name: str) -> str | None:
        """The text of macro ``name``, or None when the file defines no such macro."""
        text = self.defined.get(name.lower())
        if text is None:
            text = MONTHS.get(name.lower())
        if text is None:
            return None
        self.budget -= len(text)
        if self.budget < 0:
            raise BudgetExhausted()
        return text


@dataclass(frozen=True)
class Value:
    """A value read: its text, the macros it names that the file does not define,
    and whether it was valid BibTeX (else ``text`` is the raw value)."""

    text: str
    undefined: tuple[str, ...] = ()
    valid: bool = True


def pieces(raw: str) -> list[tuple[str, str]] | None:
    """The pieces of a raw value: ``("text", ...)`` and ``("macro", name)``; None if
    the value is not a ``#``-joined sequence of texts, numbers and macro names.

    >>> pieces('MCDERMOTT # { and Gerald J. Sussman}')
    [('macro', 'MCDERMOTT'), ('text', ' and Gerald J. Sussman')]
    """
    found: list[tuple[str, str]] = []
    position, end = 0, len(raw)
    expect_piece = True
    while True:
        while position < end and raw[position].isspace():
            position += 1
        if position >= end:
            return found if not (expect_piece and found) else None  # no dangling "#"
        if not expect_piece:
            if raw[position] != "#":
                return None
            position += 1
            expect_piece = True
            continue
        char = raw[position]
        if char in '{"':
            closing = _closing(raw, position)
            if closing is None:
                return None
            found.append(("text", raw[position + 1 : closing]))
            position = closing + 1
        else:
            match = _BARE.match(raw, position)
            if match is None:
                return None
            token = match.group(0)
            # A number is text; so, leniently, is a token no macro name could be (12-15).
            kind = "text" if token[0].isdigit() else "macro"
            found.append((kind, token))
            position = match.end()
        expect_piece = False


def _closing(raw: str, start: int) -> int | None:
    """The index of the delimiter closing the ``{`` or ``"`` at ``start`` (braces nest)."""
    quoted = raw[start] == '"'
    depth = 0 if quoted else 1
    for match in _DELIMITERS.finditer(raw, start + 1):
        char = match.group(0)
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and not quoted:
                return match.start()
            if depth < 0:
                return None
        elif quoted and depth == 0:
            return match.start()
    return None


def evaluate(raw: str, macros: Macros, *, limit: int) -> Value:
    """The text of a raw value with its macros expanded (see the module's rules).

    Raises :class:`ValueTooLong` past ``limit`` characters (nothing is built) and
    :class:`BudgetExhausted` when the file's macros have expanded too far.
    """
    found = pieces(raw)
    if found is None:
        if len(raw) > limit:
            raise ValueTooLong(len(raw), limit)
        return Value(raw, valid=False)
    texts: list[str] = []
    undefined: list[str] = []
    for kind, piece in found:
        if kind == "text":
            texts.append(piece)
            continue
        text = macros.expand(piece)
        if text is None:
            undefined.append(piece)
        else:
            texts.append(text)
    length = sum(len(text) for text in texts)
    if length > limit:
        raise ValueTooLong(length, limit)
    return Value(texts[0] if len(texts) == 1 else "".join(texts), tuple(undefined))


# --- repeated fields --------------------------------------------------------------------------

#: Fields whose repeated values are all kept, and how they are joined; of any
#: other field the first value is read.
JOINED = {
    "author": " and ",
    "editor": " and ",
    "translator": " and ",
    "keywords": "; ",
    "keywords-plus": "; ",
    "mendeley-tags": "; ",
    "author-email": "; ",
    "email": "; ",
    "note": "; ",
    "annote": "; ",
    "annotation": "; ",
    "comment": "; ",
}


def merge(name: str, values: list[str]) -> tuple[str, str]:
    """The value of field ``name`` given several times, and a sentence saying how it was read.

    >>> merge("author-email", ["a@example.org", "b@example.org"])
    ('a@example.org; b@example.org', 'given 2 times: the values are joined')
    """
    distinct = list(dict.fromkeys(value.strip() for value in values))
    count = len(values)
    if len(distinct) == 1:
        return distinct[0], f"given {count} times with the same value: read once"
    separator = JOINED.get(name)
    if separator is not None:
        return separator.join(distinct), f"given {count} times: the values are joined"
    dropped = ", ".join(_quote(value) for value in distinct[1:])
    return distinct[0], (
        f"given {count} times: the first value ({_quote(distinct[0])}) is read, {dropped} left out"
    )


def _quote(value: str, width: int = 60) -> str:
    value = " ".join(value.split())
    return repr(value if len(value) <= width else value[: width - 1] + "\u2026")


def as_mapping(fields: Mapping[str, Value]) -> dict[str, str]:
    """The texts of ``fields`` (those with text)."""
    return {name: value.text for name, value in fields.items() if value.text.strip()}
