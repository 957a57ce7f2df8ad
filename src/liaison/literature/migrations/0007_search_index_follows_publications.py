"""SQLite: the FTS5 index reads its text from the publications and follows them by triggers.

The FTS5 table of migration 0002 kept its own copy of every title and
abstract, written by the load service: a fifth of the database, written on
every load, and any other code writing publications had to remember it. It
becomes an external-content table over ``literature_publication`` (columns
``title`` and ``abstract_text``, ``rowid`` = ``id``), kept in step by triggers
on insert, update and delete, as the FTS5 documentation describes, so every
write path (the ORM, a script, a raw DELETE) updates the index and nothing is
stored twice.

A trigger writes the index one row at a time, and FTS5 flushes its pending
terms at every one (a statement savepoint): five times the cost of one
``executemany``. So the triggers stand aside while the table
``literature_publication_fts_paused`` has a row: the load service adds one
inside its transaction, indexes its batch itself, and removes it before the
commit (``literature.search.indexed_by_caller``). Nothing changes on PostgreSQL.

Beware: on SQLite, Django alters most columns by rebuilding the table, which
drops its triggers. A later migration that alters ``Publication`` must create
them again (a test checks they exist after every migration).
"""

from typing import Any

from django.db import migrations

FTS_TABLE = "literature_publication_fts"
PAUSED = "literature_publication_fts_paused"
TABLE = "literature_publication"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

_WHEN = "WHEN NOT EXISTS (SELECT 1 FROM literature_publication_fts_paused)"
# Removing a row from an external-content index takes the values it was indexed with.
_DELETE_OLD = (
    "INSERT INTO literature_publication_fts (literature_publication_fts, rowid, title, "
    "abstract_text) VALUES ('delete', old.id, old.title, old.abstract_text);"
)
_INSERT_NEW = (
    "INSERT INTO literature_publication_fts (rowid, title, abstract_text) "
    "VALUES (new.id, new.title, new.abstract_text);"
)
TRIGGERS = {
    f"{FTS_TABLE}_insert": f"AFTER INSERT ON {TABLE} {_WHEN} BEGIN {_INSERT_NEW} END",
    f"{FTS_TABLE}_delete": f"AFTER DELETE ON {TABLE} {_WHEN} BEGIN {_DELETE_OLD} END",
    f"{FTS_TABLE}_update": (
        f"AFTER UPDATE OF title, abstract_text ON {TABLE} {_WHEN} "
        f"BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
    ),
}


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, abstract_text, "
        f"content = '{TABLE}', content_rowid = 'id', {TOKENIZE})"
    )
    schema_editor.execute(f"CREATE TABLE {PAUSED} (paused INTEGER NOT NULL)")
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {name} {body}")
    schema_editor.execute(
        "INSERT INTO literature_publication_fts (literature_publication_fts) VALUES ('rebuild')"
    )


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {PAUSED}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, abstract, {TOKENIZE})"
    )
    schema_editor.execute(
        "INSERT INTO literature_publication_fts (rowid, title, abstract) "
        "SELECT id, title, abstract_text FROM literature_publication"
    )


class Migration(migrations.Migration):
    dependencies = [("literature", "0006_fewer_publication_indexes")]

    operations = [migrations.RunPython(forward, backward)]
