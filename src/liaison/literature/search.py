"""The library's search: a query of the search language (:mod:`liaison.lib.query`)
turned into a filter of publications, on either database.

Words, phrases and prefixes in the title and abstract go to the full-text index:
SQLite: the FTS5 table ``literature_publication_fts``, an external-content
index over the publications' ``title`` and ``abstract_text`` (``rowid`` = id,
Porter stemming, accents removed) kept in step by triggers on the publication
table (migrations 0007, 0009), so every way of writing publications keeps it
current; the load service indexes its batches itself, faster
(:func:`indexed_by_caller`); :func:`rebuild_index` rebuilds it.
PostgreSQL: ``SearchVector(title, abstract_text)`` backed by a GIN index
(English stemming, ``unaccent``), queried with ``to_tsquery`` built from the
folded words only (so no syntax of the database's own can be typed or leak in)
and ranked with ``SearchRank``.

Authors (``[au]``), MeSH headings (``[mh]``), publication types (``[pt]``) and
dates (``[dp]``) are ORM filters; ``AND``, ``OR`` and ``NOT`` combine them with
the text as ``Q`` objects. The watches that run on the library search it
through the same code (``surveillance.selectors.library_publications``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import reduce
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from liaison.lib import query
from liaison.lib.text import fold
from liaison.literature.models import (
    Authorship,
    AuthorshipRole,
    MeshTerm,
    Publication,
    PublicationMesh,
    PublicationType,
)

FTS_TABLE = "literature_publication_fts"
PAUSED_TABLE = "literature_publication_fts_paused"  # a row: the triggers stand aside
_CHUNK = 500
SEARCH_CONFIG = "liaison_english"  # english + unaccent (migration 0005)
#: In ``[au]``, a last word this short (after the family name) is initials, a prefix:
#: ``smith j[au]`` finds Smith J, Smith JA and Smith John, as PubMed does.
INITIALS = 2


def uses_fts5() -> bool:
    return connection.vendor == "sqlite"


def search_vector() -> SearchVector:
    # The very expression of the GIN index of migration 0002, so the planner uses it.
    return SearchVector("title", "abstract_text", config=SEARCH_CONFIG)


def title_vector() -> SearchVector:
    return SearchVector("title", config=SEARCH_CONFIG)


def _as_node(text_or_node: str | query.Node | None) -> query.Node | None:
    if isinstance(text_or_node, str):
        return query.parse(text_or_node, field="q")
    return text_or_node


# --- SQLite: FTS5 expressions ---------------------------------------------------------------

_INDEX_WORD = re.compile(r"[^\W_]+")


def _index_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as FTS5's ``unicode61 remove_diacritics`` tokenizer cuts them:
    like :func:`fold` but keeping letters it does not spell out ("ß", "ø")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return tuple(
        _INDEX_WORD.findall("".join(c for c in decomposed if not unicodedata.combining(c)))
    )


def _fts5_string(words: Sequence[str], prefix: bool) -> str:
    # Folded words hold letters and digits only: quoted, they are one phrase and no syntax.
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _fts5_term(term: query.Term) -> str:
    text = _fts5_string(term.words, term.prefix)
    indexed = _index_words(term.text)
    if indexed and indexed != term.words and all('"' not in word for word in indexed):
        # "Weiß" is "weiss" to fold() but "weiß" in the index: look for either.
        text = f"({text} OR {_fts5_string(indexed, term.prefix)})"
    return f"title : {text}" if term.field == query.Field.TITLE else text


def fts5_expression(node: query.Node) -> str | None:
    """An FTS5 MATCH expression for ``node`` when the index alone can answer it
    (words of the title or abstract, ``AND``, ``OR``, and ``NOT`` beside a word
    that must be there), else ``None``."""
    if isinstance(node, query.Term):
        if node.field in (query.Field.TIAB, query.Field.TITLE):
            return _fts5_term(node)
        return None
    if isinstance(node, query.Or):
        parts = [fts5_expression(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        return "(" + " OR ".join(part for part in parts if part) + ")"
    if isinstance(node, query.And):
        wanted = [fts5_expression(c) for c in node.children if not isinstance(c, query.Not)]
        unwanted = [fts5_expression(c.child) for c in node.children if isinstance(c, query.Not)]
        if not wanted or any(part is None for part in [*wanted, *unwanted]):
            return None
        expression = "(" + " AND ".join(part for part in wanted if part) + ")"
        if unwanted:
            expression = f"({expression} NOT ({' OR '.join(part for part in unwanted if part)}))"
        return expression
    return None


def _fts5_ids(expression: str) -> RawSQL:
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])  # noqa: S608, S611 - constant, quoted names only


# --- PostgreSQL: tsquery -------------------------------------------------------------------


def _tsquery_term(term: query.Term) -> SearchQuery:
    # Folded words hold letters and digits only: quoted lexemes, no tsquery syntax of the user's.
    lexemes = [f"'{word}'" for word in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    return SearchQuery(" <-> ".join(lexemes), config=SEARCH_CONFIG, search_type="raw")


def tsquery(node: query.Node, *, negated: bool = False) -> Any:
    """A ``SearchQuery`` for ``node`` (for ``NOT node`` when ``negated``) when the
    title-and-abstract index alone can answer it (untagged and ``[tiab]`` words with
    ``AND``, ``OR``, ``NOT``), else ``None``. Negation goes down to the words (De
    Morgan): Django negates one ``SearchQuery``, not a combination."""
    if isinstance(node, query.Term):
        if node.field != query.Field.TIAB:
            return None
        words = _tsquery_term(node)
        return ~words if negated else words
    if isinstance(node, query.Not):
        return tsquery(node.child, negated=not negated)
    if isinstance(node, query.And | query.Or):
        parts = [tsquery(child, negated=negated) for child in node.children]
        if any(part is None for part in parts):
            return None
        if isinstance(node, query.And) != negated:
            return reduce(lambda left, right: left & right, parts)
        return reduce(lambda left, right: left | right, parts)
    return None


def _words_of(node: query.Node) -> list[query.Term]:
    """The title and abstract words ``node`` looks for (not those it excludes)."""
    if isinstance(node, query.And | query.Or):
        return [term for child in node.children for term in _words_of(child)]
    if isinstance(node, query.Term) and node.field in (query.Field.TIAB, query.Field.TITLE):
        return [node]
    return []


# --- the other fields ----------------------------------------------------------------------


def _name_word(word: str, prefix: bool) -> Q:
    """``search_name`` (folded, words separated by one space) has a word ``word``
    (or starting with it)."""
    if prefix:
        return Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
    return (
        Q(search_name=word)
        | Q(search_name__startswith=f"{word} ")
        | Q(search_name__endswith=f" {word}")
        | Q(search_name__contains=f" {word} ")
    )


def _authors(term: query.Term) -> Q:
    """Authors only (PubMed's ``[au]``): a group's investigators are not authors."""
    last = len(term.words) - 1
    names = Q()
    for index, word in enumerate(term.words):
        initials = index == last and index > 0 and len(word) <= INITIALS and word.isalpha()
        names &= _name_word(word, prefix=(index == last and term.prefix) or initials)
    authors = Authorship.objects.filter(
        names, publication=OuterRef("pk"), role=AuthorshipRole.AUTHOR
    )
    return Q(Exists(authors))


def _names_match(name: str, term: query.Term) -> bool:
    folded, wanted = fold(name), " ".join(term.words)
    return folded.startswith(wanted) if term.prefix else folded == wanted


def _mesh(term: query.Term) -> Q:
    """A MeSH heading named so (accents and case aside), or with this UI (D006333).
    The heading itself: narrower terms are not included (PubMed's ``[mh:noexp]``)."""
    typed = term.text.strip()
    by_ui = Q(ui__iexact=typed) if re.fullmatch(r"[A-Za-z]\d{3,}", typed) else Q(pk__in=[])
    longest = max(term.words, key=len)
    candidates = MeshTerm.objects.filter(Q(name__icontains=longest) | by_ui)
    ids = [
        pk
        for pk, name, ui in candidates.values_list("pk", "name", "ui")
        if _names_match(name, term) or (ui or "").lower() == typed.lower()
    ]
    if not ids:
        return Q(pk__in=[])
    headings = PublicationMesh.objects.filter(publication=OuterRef("pk"), term_id__in=ids)
    return Q(Exists(headings))


def _types(term: query.Term) -> Q:
    ids = [
        pk
        for pk, name in PublicationType.objects.values_list("pk", "name")
        if _names_match(name, term)
    ]
    if not ids:
        return Q(pk__in=[])
    typed = Publication.types.through.objects.filter(
        publication=OuterRef("pk"), publicationtype_id__in=ids
    )
    return Q(Exists(typed))


def condition(node: query.Node) -> Q:
    """The publications matching ``node``, as one filter."""
    if uses_fts5():
        expression = fts5_expression(node)
        if expression is not None:
            return Q(pk__in=_fts5_ids(expression))
    else:
        search = tsquery(node)
        if search is not None:
            return Q(SearchVectorExact(search_vector(), search))
    if isinstance(node, query.And):
        return reduce(lambda left, right: left & right, (condition(c) for c in node.children))
    if isinstance(node, query.Or):
        return reduce(lambda left, right: left | right, (condition(c) for c in node.children))
    if isinstance(node, query.Not):
        return ~condition(node.child)
    if isinstance(node, query.Dates):
        return Q(published_on__gte=node.first, published_on__lte=node.last)
    if node.field == query.Field.TITLE:  # PostgreSQL; the second test lets the GIN index help
        words = _tsquery_term(node)
        return Q(SearchVectorExact(title_vector(), words)) & Q(
            SearchVectorExact(search_vector(), words)
        )
    if node.field == query.Field.AUTHOR:
        return _authors(node)
    if node.field == query.Field.MESH:
        return _mesh(node)
    if node.field == query.Field.TYPE:
        return _types(node)
    raise AssertionError(node.field)  # pragma: no cover - TIAB is the index's, above


def matching(
    queryset: QuerySet[Publication], search: str | query.Node | None
) -> QuerySet[Publication]:
    """``queryset`` narrowed to the publications matching ``search`` (a query, read
    with :func:`liaison.lib.query.parse`, or its tree); all of it for a blank one."""
    node = _as_node(search)
    return queryset if node is None else queryset.filter(condition(node))


def ranked(
    queryset: QuerySet[Publication], search: str | query.Node | None
) -> QuerySet[Publication] | None:
    """``queryset`` narrowed to what matches ``search`` (as :func:`matching`), best
    match first; ``None`` when the query has no words of the title or abstract
    to rank by (``review[pt]``, ``NOT x``), for the caller's own order."""
    node = _as_node(search)
    if node is None:
        return None
    if uses_fts5():
        conjuncts = node.children if isinstance(node, query.And) else (node,)
        indexed = [(c, fts5_expression(c)) for c in conjuncts]
        ranking = [expression for _, expression in indexed if expression is not None]
        if not ranking:
            return None
        for child, expression in indexed:
            if expression is None:
                queryset = queryset.filter(condition(child))
        # A join, so FTS5 computes bm25 ("rank", lower is better) once per match while
        # it scans the match list; a correlated subquery per row took seconds.
        joined = queryset.extra(  # noqa: S610 - constant names, the query is a parameter
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = literature_publication.id", f"{FTS_TABLE} MATCH %s"],
            params=[" AND ".join(ranking)],
            select={"search_rank": f"{FTS_TABLE}.rank"},
        )
        return joined.order_by("search_rank", "-published_on", "-pmid")
    words = _words_of(node)
    if not words:
        return None
    rank = reduce(lambda left, right: left | right, (_tsquery_term(term) for term in words))
    return (
        queryset.filter(condition(node))
        .annotate(search_rank=SearchRank(search_vector(), rank))
        .order_by(F("search_rank").desc(), "-published_on", "-pmid")
    )


def rebuild_index() -> int:
    """Rebuild the FTS5 table from the publications; returns how many were indexed."""
    if uses_fts5():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608 - constant
    return Publication.objects.count()


class CallerIndex:
    """The index writes of a caller that writes publications in bulk (see :func:`indexed_by_caller`)."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def remove(self, ids: Sequence[int]) -> None:
        """Take publications out of the index, before their text changes or they are deleted."""
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ", ".join(["%s"] * len(chunk))
            # An external-content index removes a row given the values it indexed: the stored ones.
            self._cursor.execute(
                f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, abstract_text) "  # noqa: S608 - constant names
                f"SELECT 'delete', id, title, abstract_text FROM literature_publication "
                f"WHERE id IN ({marks})",
                chunk,
            )

    def add(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Index ``(id, title, abstract_text)`` rows, exactly as they are stored."""
        self._cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, abstract_text) VALUES (%s, %s, %s)",  # noqa: S608 - constant
            rows,
        )


class _NoIndex(CallerIndex):
    """PostgreSQL's GIN index follows the rows by itself."""

    def remove(self, ids: Sequence[int]) -> None:
        pass

    def add(self, rows: Sequence[tuple[int, str, str]]) -> None:
        pass


@contextmanager
def indexed_by_caller(cursor: Any) -> Iterator[CallerIndex]:
    """Inside a transaction: the index triggers stand aside, and the caller keeps
    the index in step through the :class:`CallerIndex` it is given.

    A trigger indexes one row at a time and FTS5 flushes at each; one
    ``executemany`` over a batch costs a fifth as much. The pause is a row of
    :data:`PAUSED_TABLE` written in the caller's transaction, so other
    connections never see it; if the block raises, the transaction must roll
    back (it does in ``transaction.atomic``), taking the row with it.
    """
    if not uses_fts5():
        yield _NoIndex(cursor)
        return
    if not connection.in_atomic_block:
        raise RuntimeError("the index triggers may stand aside inside a transaction only")
    cursor.execute(f"INSERT INTO {PAUSED_TABLE} (paused) VALUES (1)")  # noqa: S608 - constant
    yield CallerIndex(cursor)
    cursor.execute(f"DELETE FROM {PAUSED_TABLE}")  # noqa: S608 - constant
