"""Full-text search over publication titles and abstracts, on either database.

SQLite: the FTS5 table ``literature_publication_fts``, an external-content
index over the publications' ``title`` and ``abstract_text`` (``rowid`` = id)
kept in step by triggers on the publication table (migration 0007), so every
way of writing publications keeps it current; the load service indexes its
batches itself, faster (:func:`indexed_by_caller`); :func:`rebuild_index`
rebuilds it.
PostgreSQL: ``SearchVector(title, abstract_text)`` backed by a GIN index,
queried with ``websearch`` syntax and ranked with ``SearchRank``.

Typed words are matched all together (AND), each as a word prefix on SQLite
("cardio" finds "cardiomyopathy"), accents ignored ("muller" finds "Müller").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from liaison.lib.text import fold
from liaison.literature.models import Publication

FTS_TABLE = "literature_publication_fts"
PAUSED_TABLE = "literature_publication_fts_paused"  # a row: the triggers stand aside
_CHUNK = 500
SEARCH_CONFIG = "liaison_english"  # english + unaccent (migration 0005)


def uses_fts5() -> bool:
    return connection.vendor == "sqlite"


def search_vector() -> SearchVector:
    # The very expression of the GIN index of migration 0002, so the planner uses it.
    return SearchVector("title", "abstract_text", config=SEARCH_CONFIG)


def fts5_query(text: str) -> str:
    """An FTS5 MATCH expression for what a user typed: every word, as a prefix.

    Words are folded to plain letters and digits and quoted, so no FTS5 syntax
    (``NEAR``, ``*``, quotes, columns) can be injected or break the query.
    """
    words = fold(text).split()
    return " ".join(f'"{word}"*' for word in words)


def matching(queryset: QuerySet[Publication], text: str) -> QuerySet[Publication]:
    """``queryset`` narrowed to publications whose title or abstract has every word of ``text``."""
    if uses_fts5():
        expression = fts5_query(text)
        if not expression:
            return queryset
        return queryset.filter(
            id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])  # noqa: S608, S611 - constant, quoted names only
        )
    if not text.strip():
        return queryset
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    return queryset.annotate(search_document=search_vector()).filter(search_document=query)


def ranked(queryset: QuerySet[Publication], text: str) -> QuerySet[Publication]:
    """``queryset`` narrowed to what matches ``text`` (as :func:`matching`), best match first."""
    if uses_fts5():
        expression = fts5_query(text)
        if not expression:
            return queryset
        # A join, so FTS5 computes bm25 ("rank", lower is better) once per match while
        # it scans the match list; a correlated subquery per row took seconds.
        joined = queryset.extra(  # noqa: S610 - constant names, the query is a parameter
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = literature_publication.id", f"{FTS_TABLE} MATCH %s"],
            params=[expression],
            select={"search_rank": f"{FTS_TABLE}.rank"},
        )
        return joined.order_by("search_rank", "-published_on", "-pmid")
    if not text.strip():
        return queryset
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    return (
        queryset.annotate(search_document=search_vector())
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(search_vector(), query))
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
