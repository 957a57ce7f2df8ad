"""The search language of the library and of the watches: a query read into a tree.

One language for the library's search (``literature.search`` turns the tree into
the database's full-text search and filters) and for the watches that run on
the library (``surveillance.selectors``, through the same search), written as
PubMed users write it (``docs/query-language.md`` is its user documentation)::

    (lecanemab OR donanemab) AND alzheimer disease[mh] NOT review[pt] AND 2021:2024[dp]

- Words are looked for in the title and abstract, accents and case ignored
  (both sides go through :func:`liaison.lib.text.fold`); several words written
  together must all appear (``heart failure``), a quoted phrase as written
  (``"heart failure"``), and a word or phrase ending in ``*`` is a prefix
  (``cardio*``).
- ``AND``, ``OR`` and ``NOT`` (in any case) combine terms, left to right as
  PubMed reads them (``a OR b AND c`` is ``(a OR b) AND c``); parentheses group;
  ``NOT`` also starts a term (``NOT review[pt]``); terms side by side are ANDed.
- A field tag after a term searches one field: ``[ti]`` the title, ``[tiab]``
  the title or abstract, ``[au]`` the authors, ``[mh]`` a MeSH heading, ``[pt]``
  a publication type, ``[dp]`` the publication date (``2020[dp]``,
  ``2020/03[dp]``, ``2020/01/15:2023/06/30[dp]``). As in PubMed, a tag applies to
  every word since the last operator, parenthesis or phrase, as one phrase:
  ``heart failure[ti]`` is the phrase ``"heart failure"`` in the title.

:func:`parse` returns the tree (``None`` for a blank query) or raises
:class:`QueryError`, the only exception it raises, naming what is wrong and the
character where it is. The module is pure: no database, no settings.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from liaison.core.errors import LiaisonError
from liaison.lib.text import fold

#: Parentheses nest at most this deep; terms per query at most this many.
MAX_DEPTH = 32
MAX_TERMS = 200
#: Letters or digits a prefix needs before its ``*`` (``cardio*``; ``c*`` would be everything).
MIN_PREFIX = 3


class Field(StrEnum):
    """Where a term is looked for (the PubMed tag that selects it)."""

    TIAB = "tiab"  # title or abstract: untagged words, too
    TITLE = "ti"
    AUTHOR = "au"  # authors only, not a group's investigators
    MESH = "mh"
    TYPE = "pt"
    DATE = "dp"


#: Each tag as written (case-insensitive), with PubMed's long names.
TAGS: dict[str, Field] = {
    "ti": Field.TITLE,
    "title": Field.TITLE,
    "tiab": Field.TIAB,
    "title/abstract": Field.TIAB,
    "au": Field.AUTHOR,
    "author": Field.AUTHOR,
    "mh": Field.MESH,
    "mesh": Field.MESH,
    "mesh terms": Field.MESH,
    "mh:noexp": Field.MESH,
    "pt": Field.TYPE,
    "publication type": Field.TYPE,
    "dp": Field.DATE,
    "pdat": Field.DATE,
    "publication date": Field.DATE,
}
TAG_HELP = "use [ti], [tiab], [au], [mh], [pt] or [dp]"
OPERATORS = ("AND", "OR", "NOT")


class QueryError(LiaisonError):
    """A query that cannot be read: ``message`` says what is wrong and at which
    character (``position``, from 1) of the query."""

    def __init__(self, message: str, position: int, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.position = position


@dataclass(frozen=True, slots=True)
class Term:
    """Words looked for in one field: one word, or a phrase (several, in order).

    ``words`` are folded (lower-case ASCII letters and digits); ``prefix``: the
    last word is a prefix. ``text`` is the term as typed, ``position`` where it
    starts (from 1)."""

    field: Field
    words: tuple[str, ...]
    prefix: bool = False
    text: str = ""
    position: int = 1


@dataclass(frozen=True, slots=True)
class Dates:
    """``[dp]``: published on a day from ``first`` to ``last`` (both included)."""

    first: dt.date
    last: dt.date
    text: str = ""
    position: int = 1


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Term | Dates | And | Or | Not


# --- reading the text into tokens ----------------------------------------------------------

_QUOTES = '"“”„'
_SPECIAL = "()[]" + _QUOTES
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "word", "phrase", "tag", "operator"
    text: str  # a word or phrase without its "*", a tag's name, an operator in capitals
    position: int  # from 1
    end: int  # index after the token in the query
    prefix: bool = False


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    index, length = 0, len(query)
    while index < length:
        char = query[index]
        if char.isspace():
            index += 1
        elif char in "()":
            tokens.append(_Token(char, char, index + 1, index + 1))
            index += 1
        elif char in _QUOTES:
            close = next((i for i in range(index + 1, length) if query[i] in _QUOTES), -1)
            if close < 0:
                raise QueryError(
                    f'unclosed quotation mark at character {index + 1}: add the closing "',
                    index + 1,
                )
            end = close + 1
            prefix = end < length and query[end] == "*"
            if prefix:
                end += 1
            phrase = query[index + 1 : close]
            tokens.append(_Token("phrase", phrase, index + 1, end, prefix))
            index = end
        elif char == "[":
            close = query.find("]", index + 1)
            if close < 0:
                raise QueryError(
                    f"unclosed field tag at character {index + 1}: '[' has no ']'", index + 1
                )
            name = _SPACE.sub(" ", query[index + 1 : close].strip().lower())
            tokens.append(_Token("tag", name, index + 1, close + 1))
            index = close + 1
        elif char == "]":
            raise QueryError(
                f"']' at character {index + 1} closes no field tag: write tags as [ti]",
                index + 1,
            )
        else:
            end = index
            while end < length and not query[end].isspace() and query[end] not in _SPECIAL:
                end += 1
            word = query[index:end]
            if word.upper() in OPERATORS:
                tokens.append(_Token("operator", word.upper(), index + 1, end))
            else:
                stripped = word.rstrip("*")
                star = stripped.find("*")
                if star >= 0:
                    raise QueryError(
                        f"a * at character {index + star + 1} may only end a word (cardio*)",
                        index + star + 1,
                    )
                if not stripped:
                    raise QueryError(
                        f"a * at character {index + 1} follows no word: write it at the end "
                        "of one (cardio*)",
                        index + 1,
                    )
                tokens.append(_Token("word", stripped, index + 1, end, len(stripped) < len(word)))
            index = end
    return tokens


# --- terms -------------------------------------------------------------------------------


def _words(text: str, position: int, *, prefix: bool) -> tuple[str, ...]:
    words = tuple(fold(text).split())
    if prefix and words and len(words[-1]) < MIN_PREFIX:
        raise QueryError(
            f"the prefix {words[-1]}* at character {position} is too short: write at least "
            f"{MIN_PREFIX} letters or digits before the *",
            position,
        )
    if prefix and not words:
        raise QueryError(f"a * at character {position} follows no letters or digits", position)
    return words


_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?")
_DATE_HELP = "use YYYY, YYYY/MM or YYYY/MM/DD, or a range such as 2020:2023"


def _period(text: str, position: int) -> tuple[dt.date, dt.date]:
    """The first and last day of ``2020``, ``2020/03`` or ``2020/03/15``."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise QueryError(
            f"[dp] at character {position}: {text!r} is not a date; {_DATE_HELP}", position
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        return dt.date(year, month, day), dt.date(year, month, day)
    except ValueError:
        raise QueryError(
            f"[dp] at character {position}: {text!r} is not a date; {_DATE_HELP}", position
        ) from None


def _dates(text: str, position: int, prefix: bool) -> Dates:
    if prefix:
        raise QueryError(f"[dp] at character {position} takes no * prefix; {_DATE_HELP}", position)
    value = "".join(text.split())
    if not value:
        raise QueryError(f"[dp] at character {position} needs a date; {_DATE_HELP}", position)
    parts = value.split(":")
    if len(parts) > 2:
        raise QueryError(
            f"[dp] at character {position}: {value!r} has more than one ':'; {_DATE_HELP}",
            position,
        )
    first, _ = _period(parts[0], position)
    _, last = _period(parts[-1], position)
    if last < first:
        raise QueryError(
            f"[dp] at character {position}: the range {value} is reversed ({parts[0]} is after "
            f"{parts[1]}); write {parts[1]}:{parts[0]}",
            position,
        )
    return Dates(first, last, value, position)


def _tagged(field: Field, text: str, position: int, prefix: bool, tag: _Token) -> Node:
    if field == Field.DATE:
        return _dates(text, position, prefix)
    words = _words(text, position, prefix=prefix)
    if not words:
        raise QueryError(
            f"[{tag.text}] at character {tag.position} follows {text.strip()!r}, which has no "
            "letters or digits",
            tag.position,
        )
    return Term(field, words, prefix, text, position)


# --- the grammar: left to right, as PubMed ------------------------------------------------


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.index = 0
        self.terms = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def count(self, node: Node, position: int) -> Node:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(
                f"too many terms: the one at character {position} is beyond {MAX_TERMS}",
                position,
            )
        return node

    def operand(self) -> Node | None:
        """One term, a run of words (with its tag), or a parenthesised group;
        ``None`` when the words hold no letters or digits."""
        token = self.tokens[self.index]
        if token.kind == "(":
            return self.group(token)
        if token.kind == "phrase":
            self.index += 1
            tag = self.tag()
            if tag is not None:
                return self.count(
                    _tagged(tag[0], token.text, token.position, token.prefix, tag[1]),
                    token.position,
                )
            words = _words(token.text, token.position, prefix=token.prefix)
            if not words:
                raise QueryError(
                    f"the quotation at character {token.position} has no letters or digits",
                    token.position,
                )
            return self.count(
                Term(Field.TIAB, words, token.prefix, token.text, token.position), token.position
            )
        if token.kind == "word":
            run = [token]
            self.index += 1
            while (following := self.peek()) is not None and following.kind == "word":
                run.append(following)
                self.index += 1
            tag = self.tag()
            if tag is not None:
                for word in run[:-1]:
                    if word.prefix:
                        raise QueryError(
                            f"a * at character {word.end} may only end the last word before "
                            f"the tag [{tag[1].text}]",
                            word.end,
                        )
                text = self.query[run[0].position - 1 : run[-1].end].rstrip("*")
                node = _tagged(tag[0], text, run[0].position, run[-1].prefix, tag[1])
                return self.count(node, run[0].position)
            terms: list[Node] = []
            for word in run:
                words = _words(word.text, word.position, prefix=word.prefix)
                if words:
                    term = Term(Field.TIAB, words, word.prefix, word.text, word.position)
                    terms.append(self.count(term, word.position))
            if not terms:
                return None
            return terms[0] if len(terms) == 1 else And(tuple(terms))
        if token.kind == "tag":
            raise QueryError(
                f"the field tag [{token.text}] at character {token.position} follows no term: "
                "write it right after a word or a quoted phrase (heart failure[ti])",
                token.position,
            )
        if token.kind == ")":
            raise QueryError(
                f"unbalanced parenthesis at character {token.position}: this ')' closes nothing",
                token.position,
            )
        raise AssertionError(token.kind)  # pragma: no cover - operators are the caller's

    def tag(self) -> tuple[Field, _Token] | None:
        token = self.peek()
        if token is None or token.kind != "tag":
            return None
        self.index += 1
        field = TAGS.get(token.text)
        if field is None:
            raise QueryError(
                f"unknown field tag [{token.text}] at character {token.position}; {TAG_HELP}",
                token.position,
            )
        return field, token

    def group(self, opening: _Token) -> Node | None:
        if self.depth >= MAX_DEPTH:
            raise QueryError(
                f"too many nested parentheses at character {opening.position} (at most "
                f"{MAX_DEPTH})",
                opening.position,
            )
        self.index += 1
        self.depth += 1
        inner = self.sequence(opening)
        self.depth -= 1
        closing = self.peek()
        if closing is None:
            raise QueryError(
                f"unbalanced parenthesis at character {opening.position}: this '(' is never closed",
                opening.position,
            )
        self.index += 1
        if inner is None:
            raise QueryError(
                f"empty parentheses at character {opening.position}: put a term inside",
                opening.position,
            )
        following = self.peek()
        if following is not None and following.kind == "tag":
            raise QueryError(
                f"the field tag [{following.text}] at character {following.position} follows "
                "')': tag each term inside the parentheses",
                following.position,
            )
        return inner

    def sequence(self, opening: _Token | None) -> Node | None:
        """Operands joined left to right, until ``)`` (inside a group) or the end."""
        result: Node | None = None
        operator: _Token | None = None  # the binary operator waiting for its right side
        negations: list[_Token] = []  # NOTs in front of the next operand
        while (token := self.peek()) is not None:
            if token.kind == ")":
                if opening is None:
                    raise QueryError(
                        f"unbalanced parenthesis at character {token.position}: this ')' "
                        "closes nothing",
                        token.position,
                    )
                break
            if token.kind == "operator":
                self.index += 1
                if token.text == "NOT" and (result is None or operator is not None or negations):
                    negations.append(token)
                elif result is None:
                    raise QueryError(
                        f"{token.text} at character {token.position} has no term before it",
                        token.position,
                    )
                elif operator is not None:
                    raise QueryError(
                        f"{token.text} at character {token.position} follows "
                        f"{operator.text}: put a term between them",
                        token.position,
                    )
                else:
                    operator = token
                continue
            node = self.operand()
            if node is None:
                continue
            if len(negations) % 2:
                node = _negate(node)
            negations = []
            if result is None:
                result = node
            elif operator is None or operator.text == "AND":
                result = _join(And, result, node)
            elif operator.text == "OR":
                result = _join(Or, result, node)
            else:  # a NOT b: a AND NOT b
                result = _join(And, result, _negate(node))
            operator = None
        dangling = negations[-1] if negations else operator
        if dangling is not None:
            raise QueryError(
                f"{dangling.text} at character {dangling.position} has no term after it",
                dangling.position,
            )
        return result


def _negate(node: Node) -> Node:
    return node.child if isinstance(node, Not) else Not(node)


def _join(kind: type[And] | type[Or], left: Node, right: Node) -> Node:
    """``left`` and ``right`` under one ``And`` (or ``Or``), flattening the same kind."""
    parts: list[Node] = []
    for side in (left, right):
        if isinstance(side, And | Or) and type(side) is kind:
            parts.extend(side.children)
        else:
            parts.append(side)
    return kind(tuple(parts))


def parse(query: str, *, field: str | None = None) -> Node | None:
    """The tree of ``query``, or ``None`` when it is blank.

    Raises :class:`QueryError` (naming ``field``, the input it came from, for
    forms and the API) for anything it cannot read, and nothing else."""
    if not query.strip():
        return None
    try:
        parser = _Parser(query)
        node = parser.sequence(None)
    except QueryError as error:
        if field is not None:
            raise QueryError(error.message, error.position, field=field) from None
        raise
    if node is None:
        raise QueryError(
            "nothing to search for at character 1: the search has no letters or digits",
            1,
            field=field,
        )
    return node


def terms(node: Node) -> list[Term | Dates]:
    """Every term of the tree, left to right."""
    if isinstance(node, And | Or):
        return [term for child in node.children for term in terms(child)]
    if isinstance(node, Not):
        return terms(node.child)
    return [node]


def show(node: Node) -> str:
    """The tree written back in the language, fully parenthesised (for tests and logs):
    ``parse(show(tree))`` reads the same tree."""
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(show(child) for child in node.children) + ")"
    if isinstance(node, Not):
        return f"(NOT {show(node.child)})"
    if isinstance(node, Dates):
        return f"{node.first:%Y/%m/%d}:{node.last:%Y/%m/%d}[dp]"
    star = "*" if node.prefix else ""
    text = " ".join(node.words)
    return f'"{text}"{star}[{node.field.value}]'
