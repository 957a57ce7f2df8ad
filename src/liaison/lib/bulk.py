"""Writing many rows fast: what the loaders use instead of ``bulk_create``.

The ORM's ``bulk_create`` compiles every value of every row again; for the
hundreds of thousands of authorships or trial sites of a therapeutic area that
was most of a load's time. Rows here are tuples already in the database's
form (JSON as text, dates as ISO text). SQLite: ``executemany`` (one prepared
statement stepped per row, in process). PostgreSQL: ``COPY ... FROM STDIN``,
the server's bulk path, with the same triggers and checks as an INSERT (a
multi-row ``INSERT`` would be re-parsed for its placeholders by the client on
every call). A single record written alone (the retry of a refused batch)
uses INSERTs, whose refusal names no COPY line in the reason reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection, models


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of ``model``'s field ``name``."""
    field = cast(models.Field[Any, Any], model._meta.get_field(name))
    return connection.ops.quote_name(str(field.column))


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class BulkInsert:
    """Rows of ``model``'s columns ``names``, written in bulk (build once per run)."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        columns = ", ".join(column(model, name) for name in names)
        # Only quoted names from the model's metadata are formatted in; values are parameters.
        self.insert = (
            f"INSERT INTO {table(model)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        )
        self.copy = f"COPY {table(model)} ({columns}) FROM STDIN"

    def run(self, cursor: Any, rows: Sequence[Sequence[Any]], *, bulk: bool = True) -> None:
        if not rows:
            return
        if not bulk or connection.vendor != "postgresql":
            cursor.executemany(self.insert, rows)
            return
        # Django wraps execute(), not copy(): map the driver's errors to Django's here.
        with connection.wrap_database_errors, cursor.copy(self.copy) as copy:
            for row in rows:
                copy.write_row(row)
