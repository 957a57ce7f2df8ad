"""Follow-ups: what was promised, to whom, by when; done or not (audited,
policy-checked). A follow-up is its owner's: the manager of the owner's team and
compliance see it, its owner (or an administrator) changes it.

Creating one is :func:`liaison.engagement.services.capture.create_follow_up`'s
(also called inline while logging an interaction); it is re-exported here.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.engagement.models import FollowUp
from liaison.engagement.services.capture import (
    FOLLOW_UP_FIELDS,
    check_follow_up,
    create_follow_up,
    refusal,
)
from liaison.engagement.services.data import FollowUpData

__all__ = ["complete_follow_up", "create_follow_up", "reopen_follow_up", "update_follow_up"]


def complete_follow_up(*, actor: User, follow_up: FollowUp) -> FollowUp:
    """Mark it done now (done already: nothing changes)."""
    policy.require(actor, "change", follow_up)
    if follow_up.done_at is None:
        with transaction.atomic():
            audit.update_record(actor=actor, instance=follow_up, values={"done_at": timezone.now()})
    return follow_up


def reopen_follow_up(*, actor: User, follow_up: FollowUp) -> FollowUp:
    """Mark it not done again (open already: nothing changes)."""
    policy.require(actor, "change", follow_up)
    if follow_up.done_at is not None:
        with transaction.atomic():
            audit.update_record(actor=actor, instance=follow_up, values={"done_at": None})
    return follow_up


def update_follow_up(
    *, actor: User, follow_up: FollowUp, data: FollowUpData, reason: str = ""
) -> dict[str, list[Any]]:
    """Change what was promised, to whom or by when (only the keys given); a
    follow-up of an interaction stays due on or after the interaction's day.
    Returns the audited diff."""
    policy.require(actor, "change", follow_up)
    values: dict[str, Any] = dict(data)
    unknown = sorted(set(values) - set(FOLLOW_UP_FIELDS))
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of a follow-up", field=unknown[0])
    if "interaction" in values and values["interaction"] != follow_up.interaction:
        raise LiaisonError(
            "a follow-up stays with the interaction it was promised in", field="interaction"
        )
    if "description" in values:
        values["description"] = (values["description"] or "").strip()
    before = {name: getattr(follow_up, name) for name in values}
    for name, value in values.items():
        setattr(follow_up, name, value)
    errors = check_follow_up(follow_up, follow_up.interaction)
    for name, value in before.items():
        setattr(follow_up, name, value)
    if errors:
        raise refusal(errors, FollowUp)
    with transaction.atomic():
        return audit.update_record(actor=actor, instance=follow_up, values=values, reason=reason)
