"""PostgreSQL full-text search that ignores accents, as SQLite's FTS5 does.

A text search configuration ``liaison_english`` copies ``english`` and runs
every word through ``unaccent`` before stemming, so "cafe" finds "Café" on both
databases; the GIN index is rebuilt over it. Nothing changes on SQLite.
"""

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "liaison_english"


def gin_index(config: str) -> GinIndex:
    return GinIndex(
        SearchVector("title", "abstract_text", config=config), name="publication_search"
    )


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    publication = apps.get_model("literature", "Publication")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(
        """DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'liaison_english') THEN
                CREATE TEXT SEARCH CONFIGURATION liaison_english (COPY = english);
                ALTER TEXT SEARCH CONFIGURATION liaison_english
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
            END IF;
        END $$"""
    )
    schema_editor.remove_index(publication, gin_index("english"))
    schema_editor.add_index(publication, gin_index(CONFIG))


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    publication = apps.get_model("literature", "Publication")
    schema_editor.remove_index(publication, gin_index(CONFIG))
    schema_editor.add_index(publication, gin_index("english"))


class Migration(migrations.Migration):
    dependencies = [("literature", "0004_library_items")]

    operations = [migrations.RunPython(forward, backward)]
