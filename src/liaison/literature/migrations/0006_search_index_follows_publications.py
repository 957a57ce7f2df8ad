"""SQLite: the FTS5 index reads its text from the publications and follows them by triggers.

The FTS5 table of migration 0002 kept its own copy of every title and
abstract, written by the load service: a fifth of the database, written twice
on every load, and any other code writing publications had to remember it.
It becomes an external-content table over ``literature_publication`` (columns
``title`` and ``abstract_text``, ``rowid`` = ``id``) kept in step by triggers on
insert, update and delete, as the FTS5 documentation describes, so every
write path (the loader, the ORM, the admin, a raw DELETE) updates the index
and nothing is stored twice. Nothing changes on PostgreSQL.
"""

from typing import Any

from django.db import migrations

FTS_TABLE = "literature_publication_fts"
TABLE = "literature_publication"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

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
    f"{FTS_TABLE}_insert": f"AFTER INSERT ON {TABLE} BEGIN {_INSERT_NEW} END",
    f"{FTS_TABLE}_delete": f"AFTER DELETE ON {TABLE} BEGIN {_DELETE_OLD} END",
    f"{FTS_TABLE}_update": (
        f"AFTER UPDATE OF title, abstract_text ON {TABLE} BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
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
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, abstract, {TOKENIZE})"
    )
    schema_editor.execute(
        f"INSERT INTO {FTS_TABLE} (rowid, title, abstract) "  # noqa: S608 - constant names only
        f"SELECT id, title, abstract_text FROM {TABLE}"
    )


class Migration(migrations.Migration):
    dependencies = [("literature", "0005_unaccented_search")]

    operations = [migrations.RunPython(forward, backward)]
