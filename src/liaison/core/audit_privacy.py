"""Personal values of the audit trail that its reader may not see.

Compliance and administrators read every event, but some records keep personal values
that even they may not read on the record itself: a model whose policy rules name a
``history_verb`` other than ``view`` (an adverse-event case's patient, read by
pharmacovigilance alone). Wherever the trail shows an event's changes (the audit search,
a record's history, the CSV export, the Django admin), the values of such a model's
personal fields (``register_fields(..., personal=...)``) read :data:`HIDDEN_PERSONAL`
unless the reader may do that verb to the record. Only the showing changes: the stored
event, its hash, verification and erasure are untouched.

A record that no longer exists is read by nobody, so its values stay hidden for all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from liaison.core import policy
from liaison.core.audit_rules import field_rules
from liaison.core.models import AuditEvent
from liaison.core.policy import AnyUser

HIDDEN_PERSONAL = "hidden: personal data"

#: Event id -> the names of its fields whose values the reader may not see.
Hidden = Mapping[int, frozenset[str]]


def guarded_model(record_type: str) -> type[models.Model] | None:
    """The model of ``record_type`` when its history needs more than ``view`` and it
    has personal fields; ``None`` when the trail may show its values to any reader."""
    try:
        model = apps.get_model(record_type)
    except (LookupError, ValueError):
        return None
    if policy.rules_for(model).history_verb == "view" or not field_rules(model).personal:
        return None
    return model


def _personal_in(event: AuditEvent) -> frozenset[str]:
    """The personal fields the event holds values of (as the rules say now and as they
    said when it was written); values already erased have nothing left to hide."""
    names = field_rules(event.record_type).personal | set(event.personal_fields or [])
    if event.erased_at is not None:
        names = names - set(event.personal_fields or [])
    return frozenset(names & set(event.changes or {}))


def _readable_ids(user: AnyUser, model: type[models.Model], ids: set[str]) -> set[str]:
    """Which of ``ids`` (record ids as events store them) ``user`` may read the
    history of: one query."""
    pk_field = model._meta.pk
    keys = set()
    for raw in ids:
        try:
            keys.add(pk_field.to_python(raw) if pk_field is not None else raw)
        except ValidationError:
            continue  # not an id of this model: no record, nobody reads it
    if not keys:
        return set()
    verb = policy.rules_for(model).history_verb
    readable = policy.scope(user, verb, model).filter(pk__in=keys)
    return {str(pk) for pk in readable.values_list("pk", flat=True)}


def hidden_fields(user: AnyUser, events: Sequence[AuditEvent]) -> Hidden:
    """For each of ``events`` (one page, one chunk of an export) with personal values
    ``user`` may not read, the names of those fields; one query per guarded model."""
    wanted: dict[type[models.Model], dict[int, frozenset[str]]] = defaultdict(dict)
    for event in events:
        model = guarded_model(event.record_type)
        names = _personal_in(event) if model is not None else frozenset()
        if model is not None and names:
            wanted[model][event.pk] = names
    if not wanted:
        return {}
    by_id = {event.pk: event.record_id for event in events}
    hidden: dict[int, frozenset[str]] = {}
    for model, names_of in wanted.items():
        readable = _readable_ids(user, model, {by_id[pk] for pk in names_of})
        hidden.update((pk, names) for pk, names in names_of.items() if by_id[pk] not in readable)
    return hidden


def masked_changes(changes: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    """``changes`` with the values of ``hidden`` fields replaced by :data:`HIDDEN_PERSONAL`
    (both sides of a ``[before, after]`` pair)."""
    if not hidden:
        return changes
    shown: dict[str, Any] = {}
    for name, value in changes.items():
        if name in hidden:
            paired = isinstance(value, list) and len(value) == 2
            value = [HIDDEN_PERSONAL, HIDDEN_PERSONAL] if paired else HIDDEN_PERSONAL
        shown[name] = value
    return shown
