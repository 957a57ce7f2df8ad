"""Audit events as a person reads them: field labels, names of related records,
choice labels, before and after.

Events store values as written (ids of related records, choice codes, ISO
times). :func:`describe_events` turns one page of events into lines at display
time, looking up the names of every related record the page mentions in one
query per related model, through the policy's view scope (a record the reader
may not see is shown by its number only). A stored code without model choices
(a country code, a trial status in a list) is shown by the label an app
registers for its field with :func:`register_value_labels`; a record type
(``"literature.libraryitem"``) by :func:`record_type_label` ("Library item"). Personal
values the reader may not read on the record itself read "hidden: personal data"
(:mod:`liaison.core.audit_privacy`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst

from liaison.core import audit_privacy, policy
from liaison.core.audit_chain import ERASED
from liaison.core.audit_rules import REDACTED_PREFIX
from liaison.core.models import AuditEvent
from liaison.core.policy import AnyUser
from liaison.lib.labels import humanize

EMPTY = "—"
HIDDEN = "hidden"

#: One stored value (one item of a list) -> what a person reads.
ValueLabel = Callable[[Any], str]

_VALUE_LABELS: dict[tuple[type[models.Model], str], ValueLabel] = {}


def register_value_labels(model: type[models.Model], **labels: ValueLabel) -> None:
    """Show the audited values of ``model``'s fields by label, e.g.
    ``register_value_labels(HCP, country=countries.name, languages=languages.name)``:
    for fields whose codes have no model choices. Called from an app's ``audit_fields.py``."""
    for name, label in labels.items():
        model._meta.get_field(name)  # a typo fails at start-up, not on a page
        _VALUE_LABELS[(model, name)] = label


def record_type_label(record_type: str) -> str:
    """``"literature.libraryitem"`` -> ``"Library item"``, ``"directory.hcp"`` -> ``"HCP"``:
    the model's verbose name; a type no model has any more is put in words."""
    model = _model(record_type)
    if model is None:
        return humanize(record_type.rpartition(".")[2])
    return humanize(str(model._meta.verbose_name))


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One field of one event: its label and both sides, ready to show.
    ``before`` is ``None`` when the event recorded one value, not a change."""

    label: str
    before: str | None
    after: str
    erased: bool = False
    #: Personal data the reader may not see (:mod:`liaison.core.audit_privacy`).
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class DescribedEvent:
    event: AuditEvent
    changes: list[ChangeLine]

    @property
    def record_label(self) -> str:
        return shown_label(self.event)

    @property
    def record_type_label(self) -> str:
        return record_type_label(self.event.record_type)


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
        return humanize(name)
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


def _show(
    field: models.Field[Any, Any] | None,
    value: Any,
    names: _Names,
    label: ValueLabel | None = None,
) -> str:
    if isinstance(value, str) and value.startswith(REDACTED_PREFIX):
        return HIDDEN
    if value is None or value == "" or value == []:
        return EMPTY
    if label is not None:
        items = value if isinstance(value, list) else [value]
        return ", ".join(label(item) for item in items)
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
    related model for the whole page (and one per model whose personal values
    need more than ``view``)."""
    names = _Names(user)
    parsed: list[list[tuple[str, models.Field[Any, Any] | None, bool, Any, Any, bool]]] = []
    models_of: list[type[models.Model] | None] = []
    for event in events:
        model = _model(event.record_type)
        models_of.append(model)
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
    hidden = audit_privacy.hidden_fields(user, events)
    described = []
    for event, model, lines in zip(events, models_of, parsed, strict=True):
        changes = []
        withheld = hidden.get(event.pk, frozenset())
        for name, field, paired, before, after, erased in lines:
            if erased:
                changes.append(ChangeLine(_label(field, name), "erased", "erased", erased=True))
                continue
            if name in withheld:
                shown = audit_privacy.HIDDEN_PERSONAL
                changes.append(ChangeLine(_label(field, name), None, shown, hidden=True))
                continue
            label = _VALUE_LABELS.get((model, name)) if model is not None else None
            shown_before = _show(field, before, names, label) if paired else None
            changes.append(
                ChangeLine(_label(field, name), shown_before, _show(field, after, names, label))
            )
        described.append(DescribedEvent(event, changes))
    return described


def shown_label(event: AuditEvent) -> str:
    """The record's label as recorded, or a word when erasure removed it."""
    return "erased" if event.record_label == ERASED else event.record_label
