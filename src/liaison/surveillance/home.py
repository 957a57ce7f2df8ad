"""The surveillance panels of the home page (``home_panels`` in ``apps.py``): the
user's new alerts and the user's watches, read through the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from liaison.core.models import User
from liaison.core.policy import teams_of
from liaison.surveillance.selectors import (
    AlertFilters,
    alert_queryset,
    unread_count,
    watch_queryset,
)

#: How many new alerts and watches the home page lists (the inbox and the watch list hold the rest).
SHOWN_ALERTS = 5
SHOWN_WATCHES = 8


def new_alerts(user: User) -> dict[str, Any]:
    """The newest unread alerts of ``user``'s inbox, and how many are unread."""
    alerts = alert_queryset(user, AlertFilters(unread=True))[:SHOWN_ALERTS]
    return {"alerts": list(alerts), "unread": unread_count(user)}


def my_watches(user: User) -> dict[str, Any]:
    """``user``'s own watches and their teams' (an administrator's too, not everyone's),
    each with how many of its alerts ``user`` has not read."""
    watches = (
        watch_queryset(user)
        .filter(Q(owner=user) | Q(team__in=teams_of(user).values("pk")))
        .annotate(
            unread=Count("alerts", filter=Q(alerts__recipient=user, alerts__read_at__isnull=True))
        )
        .order_by("name", "id")
    )
    return {"watches": list(watches[:SHOWN_WATCHES]), "count": watches.count()}
