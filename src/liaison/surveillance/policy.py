"""Access rules of surveillance (registered with core.policy).

A watch is seen and changed by its owner, by the members and the manager of its
team, and by administrators. An alert is its recipient's alone: an inbox is
personal, administrators included.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from liaison.core.models import Team, User
from liaison.core.policy import Action, AnyUser, OwnedRules, Rules, is_admin, is_member, register
from liaison.surveillance.models import Alert, DigestPreference, Watch, WatchRun


def teams_of(user: AnyUser) -> models.QuerySet[Team]:
    """Teams ``user`` belongs to, as a member or as their manager."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(Q(members=user) | Q(manager=user)).distinct()


def _watch_q(user: User, prefix: str = "") -> Q:
    team_ids = teams_of(user).values("pk")
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}team__in": team_ids})


class WatchRules(Rules):
    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_admin(user):
            return queryset
        if is_member(user) and isinstance(user, User):
            return queryset.filter(_watch_q(user))
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)


class WatchRunRules(Rules):
    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action != "view":
            return queryset.none()
        if is_admin(user):
            return queryset
        if is_member(user) and isinstance(user, User):
            return queryset.filter(_watch_q(user, "watch__"))
        return queryset.none()


class AlertRules(Rules):
    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_member(user) and action in ("view", "change"):
            return queryset.filter(recipient=user)
        return queryset.none()

    def can(self, user: AnyUser, action: Action, obj: models.Model) -> bool:
        return (
            is_member(user)
            and action in ("view", "change")
            and getattr(obj, "recipient_id", None) == getattr(user, "pk", None)
        )


def may_use_team(user: AnyUser, team: Team) -> bool:
    """Whether ``user`` may give ``team`` a watch: its members, its manager, administrators."""
    return is_admin(user) or teams_of(user).filter(pk=team.pk).exists()


register(Watch, WatchRules())
register(WatchRun, WatchRunRules())
register(Alert, AlertRules())
register(DigestPreference, OwnedRules())
