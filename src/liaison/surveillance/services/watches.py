"""Watches: what users create, change and delete (audited, policy-checked)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Team, User
from liaison.lib.validation import validation_error
from liaison.surveillance.models import Watch

#: What a user may set on a watch (the rest is the scheduler's).
WATCH_FIELDS = (
    "name",
    "kind",
    "team",
    "mode",
    "query",
    "condition",
    "intervention",
    "sponsor",
    "statuses",
    "phases",
    "country",
    "therapeutic_area",
    "product",
    "is_competitor",
    "schedule",
    "active",
)


def _check_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(WATCH_FIELDS))
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of a watch", field=unknown[0])
    return values


def _check_team(actor: User, team: Team | None) -> None:
    if team is not None and not policy.can(actor, "share", team):
        raise PermissionDenied(f"you are not in team {team.name}", field="team")


def create_watch(*, actor: User, values: dict[str, Any]) -> Watch:
    """Create a watch owned by ``actor``, or by a team ``actor`` belongs to."""
    policy.require(actor, "add", Watch)
    values = _check_values(dict(values))
    team = values.get("team")
    _check_team(actor, team)
    watch = Watch(**values, owner=None if team is not None else actor, created_by=actor)
    try:
        with transaction.atomic():
            audit.create_record(actor=actor, instance=watch)
    except ValidationError as error:
        raise validation_error(error) from None
    return watch


def update_watch(*, actor: User, watch: Watch, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Change a watch's search, tags, schedule or team; returns the audited diff.

    Giving the watch to another team, or taking it from its team as one's own,
    is the ``transfer`` of the policy: its owner's, its team manager's or an
    administrator's. A team member keeps the team's watch up to date; the same
    team sent back is no transfer."""
    policy.require(actor, "change", watch)
    values = _check_values(dict(values))
    if "team" in values:
        team = values["team"]
        # Moving a watch to a team takes it from its owner, and back.
        owner = None if team is not None else (watch.owner or actor)
        team_id = team.pk if team is not None else None
        owner_id = owner.pk if owner is not None else None
        if (team_id, owner_id) != (watch.team_id, watch.owner_id):
            if not policy.can(actor, "transfer", watch):
                raise PermissionDenied(
                    "only the watch's owner, its team's manager or an administrator may "
                    "give it to another owner or team",
                    field="team",
                )
            _check_team(actor, team)
        values["owner"] = owner
    try:
        with transaction.atomic():
            changes = audit.update_record(actor=actor, instance=watch, values=values)
            if not policy.can(actor, "view", watch):
                raise PermissionDenied("you would no longer see this watch")
    except ValidationError as error:
        raise validation_error(error) from None
    return changes


def delete_watch(*, actor: User, watch: Watch) -> None:
    """Delete a watch with its runs and alerts."""
    policy.require(actor, "delete", watch)
    with transaction.atomic():
        audit.delete_record(actor=actor, instance=watch)
