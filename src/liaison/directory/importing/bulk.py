"""Lean bulk inserts for imports of 100,000 rows.

``QuerySet.bulk_create`` prepares every value through the field API, which
costs more than the database itself at this size. These helpers adapt only
the values that need it (JSON, dates, datetimes), send plain parameters, and
read back the new primary keys with ``RETURNING`` (SQLite 3.35+, PostgreSQL),
as ``bulk_create`` itself does. They run no ``save()`` and send no signals;
callers set derived fields (``search_name``) themselves and audit every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

MAX_PARAMS = 30000
MAX_ROWS = 500


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


def insert(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Insert ``instances`` (unsaved) and set their primary keys."""
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
            f"INSERT INTO {quote(model._meta.db_table)} ({column_sql}) VALUES "  # noqa: S608
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


def insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert plain rows (values already in database form) into ``model``'s table."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)}"  # noqa: S608 - quoted names only
        f" ({', '.join(quote(column) for column in columns)})"
        f" VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(row) for row in rows])
