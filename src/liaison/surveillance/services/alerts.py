"""Alerts: a user's triage (audited; sharing it with the team) and reading, one
alert at a time or several at once (the inbox's bulk buttons)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.surveillance import selectors
from liaison.surveillance.models import Alert, TriageState


@dataclass(frozen=True)
class BulkOutcome:
    """What an operation on several alerts did: how many it changed, and how many
    already were as asked (left alone: no write, no audit event)."""

    changed: int
    unchanged: int


def _check_state(state: str) -> None:
    if state not in TriageState.values:
        raise LiaisonError(
            f"state: {state!r} is not one of {', '.join(TriageState.labels)}", field="state"
        )


def _triage(actor: User, alert: Alert, state: str, note: str, now: dt.datetime) -> None:
    """Write one triage and its audit event (the caller holds the transaction)."""
    audit.update_record(
        actor=actor,
        instance=alert,
        values={
            "triage_state": state,
            "triage_note": note,
            "triaged_at": now,
            "triaged_by": actor,
            "read_at": alert.read_at or now,
        },
    )
    if state == TriageState.SHARE_WITH_TEAM:
        shared = [
            Alert(
                watch=alert.watch,
                recipient=colleague,
                kind=alert.kind,
                publication_id=alert.publication_id,
                trial_id=alert.trial_id,
                status_change_id=alert.status_change_id,
                title=alert.title,
                created_at=now,
                shared_by=actor,
            )
            for colleague in selectors.teammates(actor, alert)
        ]
        Alert.objects.bulk_create(shared, ignore_conflicts=True)


def triage_alert(*, actor: User, alert: Alert, state: str, note: str = "") -> Alert:
    """Record ``actor``'s triage of their alert (audited); it counts as read.

    ``share_with_team`` also puts the alert in the inbox of every colleague of
    the watch's team (for a personal watch: of ``actor``'s teams).
    """
    policy.require(actor, "triage", alert)
    _check_state(state)
    with transaction.atomic():
        _triage(actor, alert, state, note.strip(), timezone.now())
    return alert


def _require_each(actor: User, verb: str, alerts: Sequence[Alert], doing: str) -> None:
    """Every alert passes the policy, or nothing is written: a bulk change is never
    applied to some of the selection only."""
    if not alerts:
        raise LiaisonError("alerts: select at least one alert", field="alerts")
    refused = sum(1 for alert in alerts if not policy.can(actor, verb, alert))
    if refused:
        raise PermissionDenied(
            f"{refused} of the {len(alerts)} selected alerts "
            f"{'is' if refused == 1 else 'are'} not yours to {doing}: nothing was changed"
        )


def triage_alerts(*, actor: User, alerts: Sequence[Alert], state: str) -> BulkOutcome:
    """Triage several of ``actor``'s alerts at once, as the inbox's bulk buttons do.

    All or nothing: every alert must be ``actor``'s to triage, or none is written.
    Each alert that changes gets its own audit event, as :func:`triage_alert`
    writes it, and keeps its note; an alert already in ``state`` is left alone.
    """
    _check_state(state)
    _require_each(actor, "triage", alerts, "triage")
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for alert in alerts:
            if alert.triage_state == state:
                continue
            _triage(actor, alert, state, alert.triage_note, now)
            changed += 1
    return BulkOutcome(changed=changed, unchanged=len(alerts) - changed)


def mark_alert(*, actor: User, alert: Alert, read: bool) -> Alert:
    """Mark ``actor``'s alert read or unread."""
    policy.require(actor, "change", alert)
    wanted = (alert.read_at or timezone.now()) if read else None
    if wanted != alert.read_at:
        alert.read_at = wanted
        alert.save(update_fields=["read_at"])
    return alert


def mark_alerts(*, actor: User, alerts: Sequence[Alert], read: bool) -> BulkOutcome:
    """Mark several of ``actor``'s alerts read or unread (all or nothing, like
    :func:`triage_alerts`; reading is not audited, as for one alert)."""
    _require_each(actor, "change", alerts, "mark")
    to_change = [alert for alert in alerts if alert.is_unread == read]
    now = timezone.now()
    with transaction.atomic():
        Alert.objects.filter(pk__in=[alert.pk for alert in to_change]).update(
            read_at=now if read else None
        )
    for alert in to_change:
        alert.read_at = now if read else None
    return BulkOutcome(changed=len(to_change), unchanged=len(alerts) - len(to_change))


def mark_all_read(*, actor: User) -> int:
    """Mark every unread alert of ``actor`` read; returns how many."""
    return (
        policy.scope(actor, "change", Alert)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
