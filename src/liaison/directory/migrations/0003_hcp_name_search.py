"""Word-prefix search over HCP names that stays fast at 100,000 HCPs.

SQLite: an FTS5 index over the folded ``search_name``, kept in step with
``directory_hcp`` by triggers, so every write path (services, bulk imports, the
demo) keeps it current. PostgreSQL: a trigram GIN index, which serves the
``LIKE 'word%' OR LIKE '% word%'`` conditions of the selector.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE directory_hcp_name_fts USING fts5(
        search_name, content='directory_hcp', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER directory_hcp_name_fts_insert AFTER INSERT ON directory_hcp BEGIN
        INSERT INTO directory_hcp_name_fts(rowid, search_name) VALUES (new.id, new.search_name);
    END""",
    """CREATE TRIGGER directory_hcp_name_fts_delete AFTER DELETE ON directory_hcp BEGIN
        INSERT INTO directory_hcp_name_fts(directory_hcp_name_fts, rowid, search_name)
        VALUES ('delete', old.id, old.search_name);
    END""",
    """CREATE TRIGGER directory_hcp_name_fts_update AFTER UPDATE OF search_name ON directory_hcp BEGIN
        INSERT INTO directory_hcp_name_fts(directory_hcp_name_fts, rowid, search_name)
        VALUES ('delete', old.id, old.search_name);
        INSERT INTO directory_hcp_name_fts(rowid, search_name) VALUES (new.id, new.search_name);
    END""",
    "INSERT INTO directory_hcp_name_fts(directory_hcp_name_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_hcp_name_fts_update",
    "DROP TRIGGER IF EXISTS directory_hcp_name_fts_delete",
    "DROP TRIGGER IF EXISTS directory_hcp_name_fts_insert",
    "DROP TABLE IF EXISTS directory_hcp_name_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS directory_hcp_search_name_trgm"
    " ON directory_hcp USING gin (search_name gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS directory_hcp_search_name_trgm"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_hcp_updated_index")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
