"""The tamper-evident audit trail.

Every create, update and delete of a domain record calls :func:`record_event`
inside the transaction that makes the change, so a rolled-back change leaves no
event. Events form a hash chain (see :class:`AuditEvent`); writers lock the
single :class:`AuditChainHead` row (SQLite's IMMEDIATE transactions serialise
writers the same way), so two writers can never append after the same event.

What an event records of a model's fields follows the rules its app declares
in ``<app>/audit_fields.py`` with :func:`register_fields`: some fields are
never recorded (derived search columns, fingerprints), some are recorded as a
keyed hash (secrets: the trail shows that they changed, never the value), and
personal fields are recorded so that they can later be erased.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from liaison.core.audit_anchors import anchor_on_commit
from liaison.core.audit_chain import (
    CHAIN_VERSION,
    CHAINED_COLUMNS,
    ERASED,
    GENESIS_HASH,
    ChainCheck,
    ChainProblem,
    base_payload,
    check_chain,
    compute_hash,
    event_payload,
    hash_payload,
    seal,
    sealed_payload,
    signing_key,
    verify_chain,
)
from liaison.core.audit_rules import (
    NO_RULES,
    REDACTED_PREFIX,
    FieldRules,
    apply_rules,
    canonical,
    declared_record_types,
    field_rules,
    record_type_of,
    redact,
    register_fields,
)
from liaison.core.models import AuditAction, AuditChainHead, AuditEvent, User

# Re-exported: callers know the trail as one module.
__all__ = [
    "CHAIN_VERSION",
    "ERASED",
    "GENESIS_HASH",
    "NO_RULES",
    "REDACTED_PREFIX",
    "ChainCheck",
    "ChainProblem",
    "FieldRules",
    "PendingEvent",
    "canonical",
    "check_chain",
    "compute_hash",
    "create_record",
    "current_source",
    "declared_record_types",
    "delete_record",
    "diff",
    "event_payload",
    "field_rules",
    "history_for",
    "record_event",
    "record_events",
    "record_type_of",
    "redact",
    "register_fields",
    "snapshot",
    "source",
    "to_json_value",
    "update_record",
    "verify_chain",
]


_source: contextvars.ContextVar[str] = contextvars.ContextVar("audit_source", default="web")


@contextmanager
def source(name: str) -> Iterator[None]:
    """Mark the audit events written inside the block as coming from ``name``
    (``web``, ``api``, ``cli``, ``import``, ``admin``, ``task``)."""
    token = _source.set(name)
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()


_unlinked: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_unlinked", default=False)


@contextmanager
def unlinked_actors() -> Iterator[None]:
    """Record the actor of each event written inside the block by name only, with no
    link to the user's row. For the demo world: ``liaison demo --force`` deletes the
    demo users and makes them again, and a link that went with a deleted user would
    change a hashed event (the chain would no longer verify)."""
    token = _unlinked.set(True)
    try:
        yield
    finally:
        _unlinked.reset(token)


def _linked(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk and not _unlinked.get() else None


_JSON_SCALARS = frozenset({str, int, float, bool})


def to_json_value(value: Any) -> Any:
    """A JSON-safe form of a field value that reads back identically."""
    if value is None or type(value) in _JSON_SCALARS:
        return value
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    return value


# --- field rules ------------------------------------------------------------------


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The audited state of ``instance``: concrete fields and many-to-many ids,
    without the fields its rules say are never recorded. Redacted fields are
    here in full (so a change shows in :func:`diff`); :func:`record_event`
    hashes them."""
    state: dict[str, Any] = {}
    opts = instance._meta
    never = field_rules(instance).never
    for field in opts.concrete_fields:
        if field.name in exclude or field.name in never:
            continue
        state[field.name] = to_json_value(getattr(instance, field.attname))
    if instance.pk is not None:
        for m2m in opts.many_to_many:
            if m2m.name in exclude or m2m.name in never:
                continue
            state[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
    return state


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def record_event(
    *,
    actor: User | None,
    action: AuditAction | str,
    instance: models.Model | None = None,
    record_type: str | None = None,
    record_id: str | int | None = None,
    record_label: str | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the changing transaction.

    ``changes`` (``{field: [before, after]}``) is recorded under the model's
    field rules (:func:`register_fields`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() must run inside transaction.atomic()")
    if instance is not None:
        record_type = record_type or record_type_of(instance)
        record_id = record_id if record_id is not None else instance.pk
        record_label = record_label if record_label is not None else str(instance)[:300]
    if record_type is None or record_id is None:
        raise ValueError("record_event() needs an instance or a record type and id")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    rules = field_rules(record_type)
    # Round-trip through JSON so the stored value hashes exactly as it reads back.
    normalised = json.loads(canonical(to_json_value(apply_rules(rules, changes or {}))))
    sealed = seal(rules, record_label or "", normalised)
    # Microsecond precision survives every database we run on.
    now = timezone.now().replace(tzinfo=dt.UTC)
    event = AuditEvent(
        sequence=head.sequence + 1,
        at=now,
        actor=_linked(actor),
        actor_label=actor.get_username() if actor is not None else "system",
        record_type=record_type,
        record_id=str(record_id),
        record_label=record_label or "",
        action=str(action),
        changes=normalised,
        reason=reason,
        source=current_source(),
        previous_hash=head.hash,
        version=CHAIN_VERSION,
        salt=sealed.salt,
        personal_fields=sealed.personal_fields,
    )
    key = signing_key(head)
    event.hash = hash_payload(
        sealed_payload(
            sealed,
            sequence=event.sequence,
            at=event.at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            record_type=event.record_type,
            record_id=event.record_id,
            record_label=event.record_label,
            action=event.action,
            changes=normalised,
            reason=reason,
            source=event.source,
            previous_hash=event.previous_hash,
        ),
        key,
    )
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.hash = event.hash
    head.save(update_fields=["sequence", "hash", "key_id"])
    anchor_on_commit()
    return event


_EVENT_COLUMNS = (*CHAINED_COLUMNS, "erased_at")


def _insert_events(rows: list[tuple[Any, ...]]) -> None:
    # bulk_create prepares each value through the field API, which costs more
    # than the insert itself for 100,000-row imports; rows arrive adapted.
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)}"  # noqa: S608 - quoted names only
        f" ({', '.join(quote(column) for column in _EVENT_COLUMNS)})"
        f" VALUES ({', '.join(['%s'] * len(_EVENT_COLUMNS))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """One event for :func:`record_events`: what :func:`record_event` takes per call."""

    action: AuditAction | str
    record_type: str
    record_id: str | int
    record_label: str
    changes: dict[str, Any]
    #: The caller vouches that ``changes`` is already plain JSON (str keys;
    #: str, int, float, bool, None, lists and dicts), as it will read back.
    json_ready: bool = False


def _adapted(cache: dict[tuple[str, ...], Any], names: list[str], ops: Any) -> Any:
    key = tuple(names)
    if key not in cache:
        cache[key] = ops.adapt_json_value(names, None)
    return cache[key]


def record_events(
    *, actor: User | None, events: Iterable[PendingEvent], reason: str = "", batch_size: int = 1000
) -> int:
    """Append many events at once (bulk imports), with the same chain as
    :func:`record_event`: the head is locked once, each event hashes over the
    same content (:func:`event_payload`) and the previous event's hash, and the
    head moves to the last one. Field rules apply as in :func:`record_event`.
    Must run inside the changing transaction. Returns the number appended."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events() must run inside transaction.atomic()")
    ops = transaction.get_connection().ops
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    key = signing_key(head)
    sequence, previous_hash = head.sequence, head.hash
    linked = _linked(actor)
    actor_id = linked.pk if linked is not None else None
    actor_label = actor.get_username() if actor is not None else "system"
    event_source = current_source()
    pending: list[tuple[Any, ...]] = []
    appended = 0
    # One clock reading for the batch: its events belong to one change.
    at = timezone.now().replace(tzinfo=dt.UTC)
    at_db = ops.adapt_datetimefield_value(at)
    common = base_payload(
        sequence=0,
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        record_type="",
        record_id="",
        record_label="",
        action="",
        changes={},
        reason=reason,
        source=event_source,
        previous_hash="",
    )
    common["version"] = CHAIN_VERSION
    # Events of one model mostly name the same personal fields: adapt each list once.
    adapted_fields: dict[tuple[str, ...], Any] = {}
    for item in events:
        sequence += 1
        rules = field_rules(item.record_type)
        changes = apply_rules(rules, item.changes or {})
        if not item.json_ready:
            changes = json.loads(canonical(to_json_value(changes)))
        record_label = (item.record_label or "")[:300]
        sealed = seal(rules, record_label, changes)
        payload = {
            **common,
            "sequence": sequence,
            "record_type": item.record_type,
            "record_id": str(item.record_id),
            "record_label": "" if sealed.digest is not None else record_label,
            "action": str(item.action),
            "changes": sealed.plain_changes,
            "personal_fields": sealed.personal_fields,
            "personal": sealed.digest,
            "previous_hash": previous_hash,
        }
        event_hash = hash_payload(payload, key)
        pending.append(
            (
                sequence,
                at_db,
                actor_id,
                actor_label,
                payload["record_type"],
                payload["record_id"],
                record_label,
                payload["action"],
                ops.adapt_json_value(changes, None),
                reason,
                event_source,
                previous_hash,
                event_hash,
                CHAIN_VERSION,
                sealed.salt,
                _adapted(adapted_fields, sealed.personal_fields, ops),
                "",
                None,
            )
        )
        previous_hash = event_hash
        if len(pending) >= batch_size:
            _insert_events(pending)
            appended += len(pending)
            pending = []
    if pending:
        _insert_events(pending)
        appended += len(pending)
    if appended:
        head.sequence = sequence
        head.hash = previous_hash
        head.save(update_fields=["sequence", "hash", "key_id"])
        anchor_on_commit()
    else:
        # signing_key() may have opened a segment for a new key: the head must name it,
        # or the next event would open the same segment again.
        head.save(update_fields=["key_id"])
    return appended


def history_for(instance: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        record_type=record_type_of(instance), record_id=str(instance.pk)
    ).select_related("actor")


def create_record(
    *,
    actor: User | None,
    instance: models.Model,
    m2m: dict[str, Any] | None = None,
    reason: str = "",
) -> models.Model:
    """Validate, insert and audit ``instance`` (caller holds the transaction)."""
    instance.full_clean()
    instance.save(force_insert=True)
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    after = snapshot(instance)
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes={
            key: [None, value] for key, value in after.items() if value not in (None, "", [], {})
        },
        reason=reason,
    )
    return instance


def update_record(
    *,
    actor: User | None,
    instance: models.Model,
    values: dict[str, Any],
    m2m: dict[str, Any] | None = None,
    reason: str = "",
) -> dict[str, list[Any]]:
    """Apply ``values`` and ``m2m``, validate, save and audit. Returns the diff;
    nothing is written (and no event) when nothing changed."""
    before = snapshot(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    pending = diff(before, snapshot(instance, exclude=tuple(m2m or {})))
    pending = {key: value for key, value in pending.items() if key not in (m2m or {})}
    for name, value_list in (m2m or {}).items():
        current = sorted(getattr(instance, name).values_list("pk", flat=True))
        wanted = sorted(getattr(item, "pk", item) for item in value_list)
        if current != wanted:
            pending[name] = [current, wanted]
    if not pending:
        return {}
    instance.save()
    for name, value_list in (m2m or {}).items():
        if name in pending:
            getattr(instance, name).set(value_list)
    record_event(
        actor=actor, action=AuditAction.UPDATE, instance=instance, changes=pending, reason=reason
    )
    return pending


def delete_record(*, actor: User | None, instance: models.Model, reason: str = "") -> None:
    """Audit and delete ``instance`` (caller holds the transaction)."""
    before = snapshot(instance)
    record_event(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes={
            key: [value, None] for key, value in before.items() if value not in (None, "", [], {})
        },
        reason=reason,
    )
    instance.delete()
