"""The audit trail as CSV, for compliance: written at once for a small selection, by a
download job (``liaison.core.downloads``) for a large one, never streamed (a stream cut
by the server's timeout would look like a complete file). Personal values the reader may
not read on the record itself are written as "hidden: personal data"
(:mod:`liaison.core.audit_privacy`)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

from liaison.core import audit_privacy, jobs, selectors
from liaison.core.models import AuditEvent, User
from liaison.core.policy import AnyUser

AUDIT_CSV_COLUMNS = [
    "sequence",
    "at_utc",
    "actor",
    "source",
    "action",
    "record_type",
    "record_id",
    "record_label",
    "changes",
    "reason",
    "hash",
]
FILE_NAME = "liaison-audit.csv"
#: Events checked together for hidden personal values (one query per guarded model).
CHUNK = 500


def safe_cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell that starts like a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def row_of(event: AuditEvent, hidden: frozenset[str] = frozenset()) -> list[Any]:
    """The CSV row of ``event``, with the values of its ``hidden`` fields withheld."""
    changes = audit_privacy.masked_changes(event.changes, hidden)
    return [
        event.sequence,
        event.at.isoformat(),
        safe_cell(event.actor_label),
        event.source,
        event.action,
        event.record_type,
        safe_cell(event.record_id),
        safe_cell(event.record_label),
        safe_cell(json.dumps(changes, ensure_ascii=False, sort_keys=True)),
        safe_cell(event.reason),
        event.hash,
    ]


def _chunks(events: Iterable[AuditEvent]) -> Iterator[list[AuditEvent]]:
    iterator = iter(events)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def write_csv(
    events: Iterable[AuditEvent],
    stream: IO[bytes],
    progress: jobs.Progress | None = None,
    *,
    reader: AnyUser,
) -> int:
    """Write ``events`` as ``reader`` may read them, as UTF-8 CSV (with a BOM, for
    spreadsheets); returns how many."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(AUDIT_CSV_COLUMNS)
    count = 0
    for chunk in _chunks(events):
        hidden = audit_privacy.hidden_fields(reader, chunk)
        for event in chunk:
            writer.writerow(row_of(event, hidden.get(event.pk, frozenset())))
        count += len(chunk)
        if progress is not None:
            progress.advance(len(chunk), events=len(chunk))
    text.flush()
    text.detach()
    return count


def selection(user: User, filters: selectors.AuditFilters) -> Iterable[AuditEvent]:
    return selectors.audit_events(user, filters).iterator(chunk_size=2000)


def filters_json(filters: selectors.AuditFilters) -> dict[str, Any]:
    values = dataclasses.asdict(filters)
    for name in ("date_from", "date_to"):
        day = values[name]
        values[name] = day.isoformat() if day is not None else None
    return values


def filters_from_json(values: dict[str, Any]) -> selectors.AuditFilters:
    days = {
        name: dt.date.fromisoformat(values[name]) if values.get(name) else None
        for name in ("date_from", "date_to")
    }
    return selectors.AuditFilters(
        actor=str(values.get("actor") or ""),
        record_type=str(values.get("record_type") or ""),
        action=str(values.get("action") or ""),
        **days,
    )
