"""SQLite: the FTS5 index stems English words (Porter), as PostgreSQL's search does.

The search language (``liaison.lib.query``) matches a word as a word, and a
prefix only when written with ``*`` (``cardio*``). Before, SQLite matched every
word as a prefix, so "trial" found "trials" there; now the index stems words,
as PostgreSQL's ``english`` configuration does, so "trial" finds "trials" on
both databases and a query finds the same publications on either. The table is
created again with the ``porter`` tokenizer over the same columns and rebuilt
from the publications; the triggers of 0007 are on the publication table and
write into whichever table has the name. Nothing changes on PostgreSQL.
"""

from typing import Any

from django.db import migrations

FTS_TABLE = "literature_publication_fts"
TABLE = "literature_publication"
STEMMED = "tokenize = 'porter unicode61 remove_diacritics 2'"
UNSTEMMED = "tokenize = 'unicode61 remove_diacritics 2'"


def _recreate(schema_editor: Any, tokenize: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, abstract_text, "
        f"content = '{TABLE}', content_rowid = 'id', {tokenize})"
    )
    schema_editor.execute(
        "INSERT INTO literature_publication_fts (literature_publication_fts) VALUES ('rebuild')"
    )


def forward(apps: Any, schema_editor: Any) -> None:
    _recreate(schema_editor, STEMMED)


def backward(apps: Any, schema_editor: Any) -> None:
    _recreate(schema_editor, UNSTEMMED)


class Migration(migrations.Migration):
    dependencies = [("literature", "0008_authorship_role")]

    operations = [migrations.RunPython(forward, backward)]
