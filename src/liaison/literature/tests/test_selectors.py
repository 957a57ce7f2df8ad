"""The library's search: full text (SQLite FTS5 or PostgreSQL), filters and sorts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection

from liaison.core.models import User
from liaison.lib.query import QueryError
from liaison.literature import search
from liaison.literature.models import Publication
from liaison.literature.selectors import PublicationFilters, publication_queryset
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(admin_user: User, tmp_path: Path) -> None:
    write(
        tmp_path / "library.xml",
        article(
            1,
            title="Sacubitril-valsartan in heart failure",
            abstract="Neprilysin inhibition reduced hospitalisation for heart failure.",
            year=2014,
            authors=[("Müller", "Jürgen")],
            mesh=[("D006333", "Heart Failure", True)],
            trials=["NCT01035255"],
            types=["Journal Article", "Randomized Controlled Trial"],
            journal="New England Journal of Medicine",
            issn="0028-4793",
        ),
        article(
            2,
            title="Heart failure registries: a review",
            abstract="We review registries; heart failure heart failure care varies.",
            year=2019,
            authors=[("Smith", "Anna")],
            mesh=[("D006333", "Heart Failure", False), ("D012042", "Registries", True)],
            types=["Journal Article", "Review"],
            journal="European Heart Journal",
            issn="0195-668X",
        ),
        article(
            3,
            title="Lung cancer screening",
            abstract="Low-dose CT in smokers; the Café study of tobacco exposure.",
            year=2022,
            authors=[("García", "José")],
            mesh=[("D008175", "Lung Neoplasms", True)],
            types=["Journal Article"],
            journal="Lancet Oncology",
            issn="1470-2045",
        ),
    )
    load(admin_user, tmp_path / "library.xml")


def pmids(user: User, **filters: object) -> list[int]:
    queryset = publication_queryset(user, PublicationFilters(**filters))  # type: ignore[arg-type]
    return [publication.pmid for publication in queryset]


def test_finds_by_a_word_of_the_abstract(library: None, msl: User) -> None:
    assert pmids(msl, q="neprilysin") == [1]


def test_all_words_must_match(library: None, msl: User) -> None:
    assert pmids(msl, q="heart failure") == [2, 1]
    assert pmids(msl, q="heart screening") == []


def test_search_ignores_accents(library: None, msl: User) -> None:
    # "cafe" finds "Café": FTS5's remove_diacritics on SQLite, unaccent on PostgreSQL.
    assert pmids(msl, q="cafe") == [3]


def test_the_database_syntax_is_only_words_to_the_search(library: None, msl: User) -> None:
    # FTS5's and to_tsquery's operators are punctuation the words drop, or words.
    assert pmids(msl, q="heart:* & failure | !") == pmids(msl, q="heart* failure") == [2, 1]
    assert pmids(msl, q="title: heart NEAR/2 failure") == []


def test_a_query_it_cannot_read_is_refused_not_run(library: None, msl: User) -> None:
    with pytest.raises(QueryError, match="at character 18"):
        pmids(msl, q='"heart" NEAR( OR * -')


def test_sort_by_relevance_puts_the_best_match_first(library: None, msl: User) -> None:
    assert pmids(msl, q="heart failure", sort="relevance")[0] == 2
    assert pmids(msl, sort="oldest") == [1, 2, 3]
    assert pmids(msl, sort="date") == [3, 2, 1]


def test_filters(library: None, msl: User) -> None:
    assert pmids(msl, date_from=dt.date(2015, 1, 1)) == [3, 2]
    assert pmids(msl, date_to=dt.date(2019, 12, 31)) == [2, 1]
    assert pmids(msl, publication_type="Review") == [2]
    assert pmids(msl, journal="lancet") == [3]
    assert pmids(msl, journal="0195-668X") == [2]
    assert pmids(msl, mesh="Heart Failure") == [2, 1]
    assert pmids(msl, mesh="D012042") == [2]
    assert pmids(msl, has_trial=True) == [1]
    assert pmids(msl, has_trial=False) == [3, 2]
    assert pmids(msl, author="muller") == [1]
    assert pmids(msl, author="Garcia J") == [3]


def test_outsider_sees_nothing(library: None, outsider: User) -> None:
    assert pmids(outsider) == []


def test_deleted_publications_leave_the_index(
    library: None, msl: User, admin_user: User, tmp_path: Path
) -> None:
    load(admin_user, write(tmp_path / "delete.xml", deleted=[1]))
    assert pmids(msl, q="neprilysin") == []


def test_updated_publications_are_reindexed(
    library: None, msl: User, admin_user: User, tmp_path: Path
) -> None:
    load(
        admin_user, write(tmp_path / "v2.xml", article(3, version=2, title="Pleural mesothelioma"))
    )
    assert pmids(msl, q="mesothelioma") == [3]
    assert pmids(msl, q="screening") == []


def test_sqlite_uses_fts5_and_rebuild_restores_it(library: None, msl: User) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {search.FTS_TABLE} ({search.FTS_TABLE}) VALUES ('delete-all')")  # noqa: S608 - constant
    assert pmids(msl, q="neprilysin") == []
    assert search.rebuild_index() == Publication.objects.count()
    assert pmids(msl, q="neprilysin") == [1]


def fts_integrity_check() -> None:
    """FTS5's own check, comparing the index with the publications (rank 1: content too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {search.FTS_TABLE} ({search.FTS_TABLE}, rank) "  # noqa: S608 - constant
            "VALUES ('integrity-check', 1)"
        )


def test_sqlite_index_follows_every_way_of_writing_publications(
    library: None, msl: User, admin_user: User, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    # The loader: an update of one record, a deletion of another.
    load(
        admin_user,
        write(
            tmp_path / "v2.xml", article(3, version=2, title="Pleural mesothelioma"), deleted=[2]
        ),
    )
    fts_integrity_check()
    # The ORM (the admin, a data fix): an edit, a creation and a deletion.
    Publication.objects.filter(pmid=1).update(abstract_text="Angiotensin receptor blockade.")
    assert pmids(msl, q="angiotensin") == [1]
    assert pmids(msl, q="neprilysin") == []
    Publication.objects.create(pmid=77, title="Tirzepatide and obesity")
    assert pmids(msl, q="tirzepatide") == [77]
    Publication.objects.filter(pmid=3).delete()
    assert pmids(msl, q="mesothelioma") == []
    fts_integrity_check()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}_docsize")  # noqa: S608 - constant
        assert cursor.fetchone()[0] == Publication.objects.count() == 2
        cursor.execute(f"SELECT count(*) FROM {search.PAUSED_TABLE}")  # noqa: S608 - constant
        assert cursor.fetchone()[0] == 0  # the loader's pause never outlives its transaction


@pytest.mark.django_db(transaction=True)
def test_the_triggers_stand_aside_only_inside_a_transaction() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    with (
        pytest.raises(RuntimeError, match="inside a transaction"),
        connection.cursor() as cursor,
        search.indexed_by_caller(cursor),
    ):
        pass
    Publication.objects.create(pmid=5, title="Indexed by the trigger")  # autocommit: not paused
    assert list(search.matching(Publication.objects.all(), "trigger")) == [
        Publication.objects.get(pmid=5)
    ]


def test_postgresql_search_uses_the_gin_index(library: None, msl: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs when LIAISON_DATABASE_URL points at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["publication_search"]
        )
        row = cursor.fetchone()
    assert row is not None and "gin" in row[0].lower()
    assert pmids(msl, q="hospitalisation") == [1]  # English stemming: hospitalisation(s)


def test_relevance_combines_with_filters_and_counts(library: None, msl: User) -> None:
    queryset = publication_queryset(
        msl, PublicationFilters(q="heart", sort="relevance", publication_type="Review")
    )
    assert queryset.count() == 1
    assert [publication.pmid for publication in queryset.select_related("journal")] == [2]
