"""Audit events as a person reads them: field labels, names of related records,
choice labels, before and after.

Events store values as written (ids of related records, choice codes, ISO
times). :func:`describe_events` turns one page of events into lines at display
time, looking up the names of every related record the page mentions in one
query per related model, through the policy's view scope (a record the reader
may not see is shown by its number only).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst

from liaison.core import policy
from liaison.core.audit_chain import ERASED
from liaison.core.audit_rules import REDACTED_PREFIX
from liaison.core.models import AuditEvent
from liaison.core.policy import AnyUser

EMPTY = "—"
HIDDEN = "hidden"


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One field of one event: its label and both sides, ready to show.
    ``before`` is ``None`` when the event recorded one value, not a change."""

    label: str
    before: str | None
    after: str
    erased: bool = False


@dataclass(frozen=True, slots=True)
class DescribedEvent:
    event: AuditEvent
    changes: list[ChangeLine]

    @property
    def record_label(self) -> str:
        return shown_label(self.event)


def _model(record_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(record_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _label(field: models.Field[Any, Any] | None, name: str) -> str:
    if field is None:
        return capfirst(name.replace("_", " "))
    return capfirst(str(field.verbose_name))


def _ids(value: Any) -> Iterable[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _ids(item)
    elif value is not None and value != "" and not isinstance(value, dict | bool):
        yield value


class _Names:
    """Names of related records, fetched once per model for a page."""

    def __init__(self, user: AnyUser) -> None:
        self.user = user
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[type[models.Model], dict[str, str]] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        self.wanted[model].update(_ids(value))

    def fetch(self) -> None:
        registered = set(policy.registered_models())
        for model, ids in self.wanted.items():
            keys = {key for key in (_key(model, raw) for raw in ids) if key is not None}
            queryset = (
                policy.scope(self.user, "view", model)
                if model in registered
                else model._default_manager.all()
            )
            self.names[model] = {str(obj.pk): str(obj) for obj in queryset.filter(pk__in=keys)}

    def name(self, model: type[models.Model], value: Any) -> str:
        known = self.names.get(model, {})
        return known.get(str(value)) or f"{model._meta.verbose_name} #{value}"


def _key(model: type[models.Model], raw: Any) -> Any:
    """``raw`` as ``model``'s primary key, or ``None`` when it cannot be one."""
    pk_field = model._meta.pk
    try:
        return pk_field.to_python(raw) if pk_field is not None else raw
    except ValidationError:
        return None


def _datetime(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if moment.tzinfo else "")


def _plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    return str(value)


def _show(field: models.Field[Any, Any] | None, value: Any, names: _Names) -> str:
    if isinstance(value, str) and value.startswith(REDACTED_PREFIX):
        return HIDDEN
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model
        if isinstance(related, type) and issubclass(related, models.Model):
            ids = value if isinstance(value, list) else [value]
            return ", ".join(names.name(related, item) for item in ids)
    if field is not None:
        choices = dict(field.flatchoices) if field.choices else {}
        base = getattr(field, "base_field", None)
        if not choices and base is not None and getattr(base, "choices", None):
            choices = dict(base.flatchoices)
        if choices:
            items = value if isinstance(value, list) else [value]
            return ", ".join(str(choices.get(item, item)) for item in items)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            return _datetime(value)
    return _plain(value)


def describe_events(events: Sequence[AuditEvent], user: AnyUser) -> list[DescribedEvent]:
    """``events`` (one page) as lines a person reads, with one query per
    related model for the whole page."""
    names = _Names(user)
    parsed: list[list[tuple[str, models.Field[Any, Any] | None, bool, Any, Any, bool]]] = []
    for event in events:
        model = _model(event.record_type)
        erased_names = set(event.personal_fields or []) if event.erased_at else set()
        lines = []
        for name, value in (event.changes or {}).items():
            field = _field(model, name)
            # A change is [before, after]; anything else was recorded as one value.
            if isinstance(value, list) and len(value) == 2:
                before, after, paired = value[0], value[1], True
            else:
                before, after, paired = None, value, False
            if field is not None and field.is_relation and field.related_model is not None:
                related = field.related_model
                if isinstance(related, type) and issubclass(related, models.Model):
                    names.want(related, [before, after])
            lines.append((name, field, paired, before, after, name in erased_names))
        parsed.append(lines)
    names.fetch()
    described = []
    for event, lines in zip(events, parsed, strict=True):
        changes = []
        for name, field, paired, before, after, erased in lines:
            if erased:
                changes.append(ChangeLine(_label(field, name), "erased", "erased", erased=True))
                continue
            shown_before = _show(field, before, names) if paired else None
            changes.append(
                ChangeLine(_label(field, name), shown_before, _show(field, after, names))
            )
        described.append(DescribedEvent(event, changes))
    return described


def shown_label(event: AuditEvent) -> str:
    """The record's label as recorded, or a word when erasure removed it."""
    return "erased" if event.record_label == ERASED else event.record_label
