"""Full-text search over titles and abstracts, per database.

SQLite: an FTS5 table (``rowid`` = publication id) with the unicode61
tokenizer removing diacritics, so "Muller" finds "Müller". It keeps its own copy
of the text (no external content): the load service writes it, and deleting a
row needs no old values. PostgreSQL: a GIN index over the same ``SearchVector``
the library queries with, so the planner uses it.
"""

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FTS_TABLE = "literature_publication_fts"


def gin_index() -> GinIndex:
    return GinIndex(
        SearchVector("title", "abstract_text", config="english"), name="publication_search"
    )


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "title, abstract, tokenize = 'unicode61 remove_diacritics 2')"
        )
        schema_editor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, abstract) "  # noqa: S608 - constant, quoted names only
            "SELECT id, title, abstract_text FROM literature_publication"
        )
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("literature", "Publication"), gin_index())


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("literature", "Publication"), gin_index())


class Migration(migrations.Migration):
    dependencies = [("literature", "0001_publications")]

    operations = [migrations.RunPython(create, drop)]
