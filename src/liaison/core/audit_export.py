"""The audit trail as CSV, for compliance: written at once for a small selection, by a
download job (``liaison.core.downloads``) for a large one, never streamed (a stream cut
by the server's timeout would look like a complete file)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import IO, Any

from liaison.core import jobs, selectors
from liaison.core.models import AuditEvent, User

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


def safe_cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell that starts like a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def row_of(event: AuditEvent) -> list[Any]:
    return [
        event.sequence,
        event.at.isoformat(),
        safe_cell(event.actor_label),
        event.source,
        event.action,
        event.record_type,
        safe_cell(event.record_id),
        safe_cell(event.record_label),
        safe_cell(json.dumps(event.changes, ensure_ascii=False, sort_keys=True)),
        safe_cell(event.reason),
        event.hash,
    ]


def write_csv(
    events: Iterable[AuditEvent], stream: IO[bytes], progress: jobs.Progress | None = None
) -> int:
    """Write ``events`` as UTF-8 CSV (with a BOM, for spreadsheets); returns how many."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(AUDIT_CSV_COLUMNS)
    count = 0
    for event in events:
        writer.writerow(row_of(event))
        count += 1
        if progress is not None:
            progress.advance(1, events=1)
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
