"""Full-text search over publication titles and abstracts, on either database.

SQLite: the FTS5 table ``literature_publication_fts`` (migration 0002), whose
``rowid`` is the publication id. It is written by the load service through
:func:`index_publications` and :func:`unindex_publications`; code that writes
publications another way calls them too, or :func:`rebuild_index`.
PostgreSQL: ``SearchVector(title, abstract_text)`` backed by a GIN index,
queried with ``websearch`` syntax and ranked with ``SearchRank``.

Typed words are matched all together (AND), each as a word prefix on SQLite
("cardio" finds "cardiomyopathy"), accents ignored ("muller" finds "Müller").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from liaison.core.text import fold
from liaison.literature.models import Publication

FTS_TABLE = "literature_publication_fts"
SEARCH_CONFIG = "liaison_english"  # english + unaccent (migration 0005)
_CHUNK = 500


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


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def unindex_publications(ids: Sequence[int]) -> None:
    """Drop publications from the FTS5 table (no-op on PostgreSQL: the index follows the rows)."""
    if not uses_fts5() or not ids:
        return
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", list(chunk))  # noqa: S608 - constant, quoted names only


def index_publications(rows: Sequence[tuple[int, str, str]]) -> None:
    """(Re)index ``(id, title, abstract_text)`` rows in the FTS5 table."""
    if not uses_fts5() or not rows:
        return
    unindex_publications([row[0] for row in rows])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, abstract) VALUES (%s, %s, %s)",  # noqa: S608
            list(rows),
        )


def rebuild_index() -> int:
    """Rebuild the FTS5 table from the publications; returns how many were indexed."""
    if not uses_fts5():
        return Publication.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - constant, quoted names only
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, abstract) "  # noqa: S608 - constant, quoted names only
            "SELECT id, title, abstract_text FROM literature_publication"
        )
        return int(cursor.rowcount)
