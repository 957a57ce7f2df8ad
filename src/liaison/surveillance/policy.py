"""Access rules of surveillance (registered with core.policy).

A watch is seen and changed by its owner, by the members and the manager of its
team, and by administrators; it is given to a team the user may ``share`` with
(core's team rules: their own teams). Who holds a watch changes only by its
owner, the manager of its team or an administrator (``transfer``): a member
keeps a team's watch up to date but cannot take it as theirs. An alert is its
recipient's alone, to read, mark and ``triage``: an inbox is personal,
administrators included.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from liaison.core.models import User
from liaison.core.policy import (
    AnyUser,
    OwnedRules,
    Rules,
    Verb,
    is_admin,
    is_member,
    register,
    teams_of,
)
from liaison.surveillance.models import Alert, DigestPreference, Watch, WatchRun


def _watch_q(user: User, prefix: str = "") -> Q:
    team_ids = teams_of(user).values("pk")
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}team__in": team_ids})


class WatchRules(Rules):
    #: ``transfer``: give the watch to another owner or team (its ``owner`` and ``team``).
    record_verbs = Rules.record_verbs | {"transfer"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_admin(user):
            return queryset
        if not (is_member(user) and isinstance(user, User)):
            return queryset.none()
        if action == "transfer":
            return queryset.filter(Q(owner=user) | Q(team__manager=user))
        return queryset.filter(_watch_q(user))

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)


class WatchRunRules(Rules):
    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action != "view":
            return queryset.none()
        if is_admin(user):
            return queryset
        if is_member(user) and isinstance(user, User):
            return queryset.filter(_watch_q(user, "watch__"))
        return queryset.none()


#: What a recipient does to their own alert.
ALERT_VERBS = frozenset({"view", "change", "triage"})


class AlertRules(Rules):
    record_verbs = Rules.record_verbs | {"triage"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_member(user) and action in ALERT_VERBS:
            return queryset.filter(recipient=user)
        return queryset.none()

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        return (
            obj.pk is not None
            and is_member(user)
            and action in ALERT_VERBS
            and getattr(obj, "recipient_id", None) == getattr(user, "pk", None)
        )


register(Watch, WatchRules())
register(WatchRun, WatchRunRules())
register(Alert, AlertRules())
register(DigestPreference, OwnedRules())
