"""0007 turns the SQLite search index into one that reads the publications, and reverses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("literature", "0006_fewer_publication_indexes")]
AFTER = [("literature", "0007_search_index_follows_publications")]
FTS = "literature_publication_fts"


def matches(word: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s ORDER BY rowid", [word])  # noqa: S608 - constant
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_index_is_rebuilt_from_the_publications_and_follows_them() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("literature", "Publication")
    indexed = old.objects.create(pmid=1, title="Neprilysin inhibition", abstract_text="Heart.")
    old.objects.create(pmid=2, title="Unindexed before 0007", abstract_text="Sacubitril.")
    with connection.cursor() as cursor:  # what the loader did before 0007: its own copy
        cursor.execute(
            f"INSERT INTO {FTS} (rowid, title, abstract) VALUES (%s, %s, %s)",  # noqa: S608 - constant
            [indexed.pk, indexed.title, indexed.abstract_text],
        )
    assert matches("sacubitril") == []
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("literature", "Publication")
    ids = dict(new.objects.values_list("pmid", "pk"))
    assert matches("sacubitril") == [ids[2]]  # rebuilt from the table
    assert matches("neprilysin") == [ids[1]]
    new.objects.filter(pmid=2).update(abstract_text="Valsartan.")  # the triggers follow
    assert matches("sacubitril") == []
    assert matches("valsartan") == [ids[2]]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # reversible: the old table, filled from the publications
    assert matches("valsartan") == [ids[2]]
    old.objects.filter(pmid=2).update(abstract_text="Other.")  # no triggers any more
    assert matches("valsartan") == [ids[2]]
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    assert matches("valsartan") == []
    assert matches("other") == [ids[2]]


@pytest.mark.django_db
def test_the_search_triggers_survive_every_migration() -> None:
    """Django rebuilds a SQLite table to alter it, dropping its triggers: a later
    migration altering Publication must create them again."""
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["literature_publication"],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {f"{FTS}_insert", f"{FTS}_update", f"{FTS}_delete"}


@pytest.mark.django_db(transaction=True)
def test_0009_stems_the_index_and_reverses() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only")
    unstemmed = [("literature", "0008_authorship_role")]
    executor = MigrationExecutor(connection)
    executor.migrate(unstemmed)
    old = executor.loader.project_state(unstemmed).apps.get_model("literature", "Publication")
    paper = old.objects.create(pmid=1, title="Two randomized trials", abstract_text="")
    assert matches("trial") == []  # a word was a word: "trial" is not "trials"
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    assert matches("trial") == [paper.pk]  # rebuilt with Porter stemming
    old.objects.filter(pmid=1).update(title="One randomized study")  # the triggers follow
    assert matches("trial") == [] and matches("studies") == [paper.pk]
    executor = MigrationExecutor(connection)
    executor.migrate(unstemmed)
    assert matches("studies") == [] and matches("study") == [paper.pk]
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
