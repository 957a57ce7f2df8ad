"""Medical information's panel of the home page (``home_panels`` in ``apps.py``), a
function ``user -> dict | None``: ``None`` when the panel is not for the user's role.

The panel is the queue's breaches, counted: the open inquiries past their target
turnaround (:func:`liaison.medinfo.turnaround.filter_breached`), the longest overdue
first, with a link to the queue filtered on them. Medical information sees every one
it works; an MSL the ones they took. Reads go through the queue's selector (the
policy's queryset), in two queries whatever the number of inquiries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Role, User
from liaison.medinfo import selectors, turnaround
from liaison.medinfo.models import Priority

#: How many overdue inquiries the panel lists (the queue holds the rest).
SHOWN = 8


def overdue_inquiries(user: User, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """Medical information's (or an MSL's own) open inquiries past their due day at
    ``now`` (default: now), each on its local day, most overdue first, with how many
    days late; their count, in total and by priority."""
    if not user.is_active or user.role not in (Role.MEDICAL_INFORMATION, Role.MSL):
        return None
    moment = now or timezone.now()
    overdue = selectors.queue_inquiries(user, breached=True, now=moment)
    mine_only = user.role == Role.MSL
    if mine_only:
        overdue = overdue.filter(received_by=user)
    by_priority = dict(
        overdue.order_by()
        .values("priority")
        .annotate(count=Count("pk"))
        .values_list("priority", "count")
    )
    rows = [
        {
            "inquiry": inquiry,
            "days_overdue": (turnaround.today_of(inquiry, moment) - inquiry.due_on).days,
        }
        for inquiry in overdue[:SHOWN]
    ]
    return {
        "rows": rows,
        "count": sum(by_priority.values()),
        "by_priority": [
            {"priority": value, "label": str(label), "count": by_priority.get(value, 0)}
            for value, label in Priority.choices
        ],
        "mine_only": mine_only,
        "queue_url": reverse("medinfo:inquiry-list") + "?breached=yes",
    }
