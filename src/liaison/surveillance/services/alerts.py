"""Alerts: a user's triage (audited; sharing it with the team) and reading."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.surveillance import selectors
from liaison.surveillance.models import Alert, TriageState


def triage_alert(*, actor: User, alert: Alert, state: str, note: str = "") -> Alert:
    """Record ``actor``'s triage of their alert (audited); it counts as read.

    ``share_with_team`` also puts the alert in the inbox of every colleague of
    the watch's team (for a personal watch: of ``actor``'s teams).
    """
    policy.require(actor, "triage", alert)
    if state not in TriageState.values:
        raise LiaisonError(
            f"state: {state!r} is not one of {', '.join(TriageState.values)}", field="state"
        )
    now = timezone.now()
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=alert,
            values={
                "triage_state": state,
                "triage_note": note.strip(),
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
    return alert


def mark_alert(*, actor: User, alert: Alert, read: bool) -> Alert:
    """Mark ``actor``'s alert read or unread."""
    policy.require(actor, "change", alert)
    wanted = (alert.read_at or timezone.now()) if read else None
    if wanted != alert.read_at:
        alert.read_at = wanted
        alert.save(update_fields=["read_at"])
    return alert


def mark_all_read(*, actor: User) -> int:
    """Mark every unread alert of ``actor`` read; returns how many."""
    return (
        policy.scope(actor, "change", Alert)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
