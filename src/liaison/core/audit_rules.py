"""Audit field rules: what the trail records of each model's fields.

Each app declares its models' rules once, in ``<app>/audit_fields.py`` (imported
by :meth:`liaison.core.registry.LiaisonAppConfig.ready`), with
:func:`register_fields` (also importable from :mod:`liaison.core.audit`).
:func:`apply_rules` applies them to a change before it is written; the chain
(:mod:`liaison.core.audit_chain`) seals the personal ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.crypto import salted_hmac

# One encoder for every call: json.dumps(cls=...) would build one per value,
# a fifth of the time of verifying a large trail.
_CANONICAL = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(payload: Any) -> str:
    """The one JSON form the trail hashes: sorted keys, no spaces, UTF-8 kept."""
    return _CANONICAL.encode(payload)


def record_type_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


@dataclass(frozen=True, slots=True)
class FieldRules:
    """What the trail records of one model's fields.

    * ``never``: not recorded at all (derived columns such as ``search_name``,
      fingerprints, content hashes): a change to them alone writes no event.
    * ``redacted``: recorded as a keyed hash (:func:`redact`), so the trail
      shows that a secret changed without holding it.
    * ``personal``: recorded so that :func:`liaison.core.audit_erasure.erase_subject`
      can later remove the values while the chain still verifies.
    """

    never: frozenset[str] = frozenset()
    redacted: frozenset[str] = frozenset()
    personal: frozenset[str] = frozenset()

    @property
    def rewrites(self) -> bool:
        """Whether recording a change needs more than copying it."""
        return bool(self.never or self.redacted)


NO_RULES = FieldRules()
_field_rules: dict[str, FieldRules] = {}


def register_fields(
    model: type[models.Model],
    *,
    never: Iterable[str] = (),
    redacted: Iterable[str] = (),
    personal: Iterable[str] = (),
) -> FieldRules:
    """Declare how the trail records ``model``'s fields (from ``<app>/audit_fields.py``).

    Every audited model declares its rules, even none (``register_fields(Journal)``
    says "reviewed: every field is recorded as is"). Names must be fields of the
    model (concrete or many-to-many) and each field has at most one rule;
    anything else is a configuration error, raised when the app loads."""
    rules = FieldRules(frozenset(never), frozenset(redacted), frozenset(personal))
    label = model._meta.label
    for name in sorted(rules.never | rules.redacted | rules.personal):
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(f"audit rules of {label}: no field {name!r}") from None
    overlap = (
        (rules.never & rules.redacted)
        | (rules.never & rules.personal)
        | (rules.redacted & rules.personal)
    )
    if overlap:
        raise ImproperlyConfigured(
            f"audit rules of {label}: {', '.join(sorted(overlap))} given more than one rule"
        )
    _field_rules[record_type_of(model)] = rules
    return rules


def field_rules(target: type[models.Model] | models.Model | str) -> FieldRules:
    """The rules declared for a model (or a record type such as ``"directory.hcp"``)."""
    record_type = target if isinstance(target, str) else record_type_of(target)
    return _field_rules.get(record_type, NO_RULES)


def declared_record_types() -> frozenset[str]:
    """The record types whose app declared audit field rules."""
    return frozenset(_field_rules)


#: What a redacted value starts with, so a reader knows it is not the value.
REDACTED_PREFIX = "redacted:"


def redact(value: Any) -> Any:
    """A keyed hash of a secret: equal values give equal hashes, so the trail
    shows whether a secret changed, but without the server's key nobody can
    test guesses against it. ``None`` and ``""`` stay as they are (no secret)."""
    if value is None or value == "":
        return value
    digest = salted_hmac("liaison.core.audit.redact", canonical(value), algorithm="sha256")
    return REDACTED_PREFIX + digest.hexdigest()[:32]


def apply_rules(rules: FieldRules, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` as the trail records them under ``rules``: ``never`` fields
    dropped, ``redacted`` ones hashed (both sides of a ``[before, after]`` pair)."""
    if not rules.rewrites or (
        rules.never.isdisjoint(changes) and rules.redacted.isdisjoint(changes)
    ):
        return changes
    recorded: dict[str, Any] = {}
    for name, value in changes.items():
        if name in rules.never:
            continue
        if name in rules.redacted:
            value = [redact(side) for side in value] if isinstance(value, list) else redact(value)
        recorded[name] = value
    return recorded
