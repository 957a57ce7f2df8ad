"""Erasing a person's data from the audit trail while the chain stays verifiable.

Version 2 events hold their personal values beside a random salt, and the
chain covers only the keyed digest of those values (see
:mod:`liaison.core.audit_chain`). :func:`erase_subject` replaces the values and
the record label of every event of one record with :data:`ERASED`, keeps the
digest and drops the salt: ``liaison audit verify`` checks the kept digest in
their place, and without the salt nobody can test guesses against it. The
erasure itself is an audited event.

Only the trail is erased here: the caller (a privacy request) deletes or
anonymises the record itself. Events written before erasable sealing existed
(version 1) hash their values directly; they are left whole and counted, since
erasing them would break the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from liaison.core import policy
from liaison.core.audit import ERASED, field_rules, record_event, record_type_of
from liaison.core.audit_chain import personal_digest
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditAction, AuditChainHead, AuditEvent, User


@dataclass(frozen=True, slots=True)
class Erasure:
    """What :func:`erase_subject` did: events whose personal values it erased,
    older (version 1) events of the subject it had to leave whole, and the
    audit event that records the erasure."""

    erased: int
    kept_old: int
    event: AuditEvent


def _erased_changes(changes: dict[str, Any], names: list[str]) -> dict[str, Any]:
    erased = dict(changes)
    for name in names:
        value = erased.get(name)
        erased[name] = [ERASED, ERASED] if isinstance(value, list) and len(value) == 2 else ERASED
    return erased


def erase_subject(
    *,
    actor: User | None,
    reason: str,
    instance: models.Model | None = None,
    record_type: str | None = None,
    record_id: str | int | None = None,
) -> Erasure:
    """Erase the personal values of one record (``instance``, or ``record_type``
    such as ``"directory.hcp"`` and ``record_id``) from every event of the trail.

    Raises :class:`PermissionDenied` unless ``actor`` may erase, and
    :class:`LiaisonError` without a reason, for a model with no personal fields,
    or when the trail holds nothing left to erase of the record."""
    if actor is None or not policy.can(actor, "erase", AuditEvent):
        raise PermissionDenied("only administrators and compliance may erase personal data")
    if not reason.strip():
        raise LiaisonError("reason: say why the data is erased (e.g. the privacy request)")
    if instance is not None:
        record_type, record_id = record_type_of(instance), instance.pk
    if not record_type or record_id is None:
        raise ValueError("erase_subject() needs an instance or a record type and id")
    if not field_rules(record_type).personal:
        raise LiaisonError(f"{record_type}: its audit rules name no personal field to erase")
    subject = AuditEvent.objects.filter(record_type=record_type, record_id=str(record_id))
    with transaction.atomic():
        # Writers wait while the subject's events change under them (and verify
        # never reads half an erasure on PostgreSQL's snapshot either way).
        AuditChainHead.objects.select_for_update().get_or_create(id=1)
        now = timezone.now()
        erased = 0
        for event in (
            subject.filter(version__gte=2).exclude(salt="").exclude(action=AuditAction.ERASE)
        ):
            names = list(event.personal_fields or [])
            changes = event.changes or {}
            digest = personal_digest(
                event.salt, event.record_label, {name: changes.get(name) for name in names}
            )
            # A queryset update: AuditEvent.save() refuses any change to an event.
            AuditEvent.objects.filter(pk=event.pk).update(
                changes=_erased_changes(changes, names),
                record_label=ERASED,
                salt="",
                personal_digest=digest,
                erased_at=now,
            )
            erased += 1
        kept_old = subject.filter(version=1).count()
        if not erased:
            raise LiaisonError(
                f"{record_type} {record_id}: no personal values left to erase in the audit trail"
                + (
                    f" ({kept_old} events written before erasure existed keep theirs)"
                    if kept_old
                    else ""
                )
            )
        event = record_event(
            actor=actor,
            action=AuditAction.ERASE,
            record_type=record_type,
            record_id=record_id,
            record_label=ERASED,
            changes={"erased_events": [None, erased]},
            reason=reason.strip(),
        )
    return Erasure(erased=erased, kept_old=kept_old, event=event)


def erased_event_count() -> int:
    """How many events of the trail carry erased personal values."""
    return AuditEvent.objects.exclude(personal_digest="").count()
