"""Writing many rows fast: the one bulk-insert engine of the loaders and imports.

The ORM's ``bulk_create`` compiles every value of every row again; for the
hundreds of thousands of authorships or trial sites of a therapeutic area, or
the HCPs of a 100,000-row directory file, that was most of the time. Two ways
in, one engine:

* Plain rows (:class:`BulkInsert`, :func:`insert_rows`): tuples already in the
  database's form (JSON as text, dates as ISO text, foreign keys as ids).
  SQLite: ``executemany`` (one prepared statement stepped per row, in
  process). PostgreSQL: ``COPY ... FROM STDIN``, the server's bulk path, with
  the same triggers and checks as an INSERT (a multi-row ``INSERT`` would be
  re-parsed for its placeholders by the client on every call). A single record
  written alone (the retry of a refused batch) uses INSERTs, whose refusal
  names no COPY line in the reason reported.
* Unsaved model instances whose new primary keys the caller needs
  (:func:`insert_instances`): multi-row ``INSERT ... RETURNING`` (SQLite 3.35+,
  PostgreSQL), as ``bulk_create`` does, adapting only the values that need it
  (JSON, dates, datetimes).

Neither runs ``save()`` nor sends signals: callers set derived fields
(``search_name``) themselves and write the audit events.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

#: Parameters and rows of one ``INSERT ... RETURNING`` (under SQLite's limit of 32,766).
MAX_PARAMS = 30000
MAX_ROWS = 500


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of ``model``'s field ``name`` (its name or attname)."""
    field = cast(models.Field[Any, Any], model._meta.get_field(name))
    return connection.ops.quote_name(str(field.column))


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class BulkInsert:
    """Rows of ``model``'s fields ``names``, written in bulk (build once per run)."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        columns = ", ".join(column(model, name) for name in names)
        # Only quoted names from the model's metadata are formatted in; values are parameters.
        self.insert = (
            f"INSERT INTO {table(model)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        )
        self.copy = f"COPY {table(model)} ({columns}) FROM STDIN"

    def run(self, cursor: Any, rows: Sequence[Sequence[Any]], *, bulk: bool = True) -> None:
        """Write ``rows`` with ``cursor``; ``bulk=False`` forces INSERTs (see the module)."""
        if not rows:
            return
        if not bulk or connection.vendor != "postgresql":
            cursor.executemany(self.insert, rows)
            return
        # Django wraps execute(), not copy(): map the driver's errors to Django's here.
        with connection.wrap_database_errors, cursor.copy(self.copy) as copy:
            for row in rows:
                copy.write_row(row)


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Write plain ``rows`` of ``model``'s fields ``names`` (values in database form),
    e.g. the pairs of a many-to-many table, with a cursor of its own."""
    if not rows:
        return
    statement = BulkInsert(model, names)  # a few quoted names: cheap beside the rows
    with connection.cursor() as cursor:
        statement.run(cursor, rows)


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: ops.adapt_json_value(value, encoder)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField | models.BigAutoField))
    ]


def insert_instances(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Insert unsaved ``instances`` of ``model`` and set their primary keys.

    ``auto_now`` and ``auto_now_add`` fields get the same current time; every
    other value is written as the instance holds it.
    """
    if not instances:
        return
    fields = _columns(model)
    adapters = [_adapter(field) for field in fields]
    now = timezone.now()
    auto_now = [
        field
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(field.column) for field in fields)
    pk_column = quote(model._meta.pk.column) if model._meta.pk else "id"
    per_batch = max(1, min(MAX_ROWS, MAX_PARAMS // len(fields)))
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for start in range(0, len(instances), per_batch):
        batch = instances[start : start + per_batch]
        params: list[Any] = []
        for instance in batch:
            for field in auto_now:
                setattr(instance, field.attname, now)
            for field, adapt in zip(fields, adapters, strict=True):
                value = getattr(instance, field.attname)
                params.append(adapt(value) if adapt is not None and value is not None else value)
        sql = (
            f"INSERT INTO {table(model)} ({column_sql}) VALUES "  # noqa: S608 - quoted names only
            + ", ".join([row_sql] * len(batch))
            + f" RETURNING {pk_column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        # Rows come back in insertion order on SQLite and PostgreSQL, which
        # Django's own bulk_create relies on too.
        for instance, pk in zip(batch, ids, strict=True):
            instance.pk = pk
            instance._state.adding = False
            instance._state.db = connection.alias


#: Seconds a batched writer leaves SQLite's write lock free after each commit.
SQLITE_PAUSE = 0.01


def after_batch_commit() -> None:
    """Let a waiting writer in between two batches of a long write.

    SQLite gives the write lock to whoever asks after a commit, and a waiting
    writer polls every 1 to 100 ms: without a pause the next batch would take
    the lock again at once, before it looks. PostgreSQL queues waiters itself."""
    if connection.vendor == "sqlite":
        time.sleep(SQLITE_PAUSE)
