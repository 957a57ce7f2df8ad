"""The turnaround clock of an inquiry, in business days of the requester's country.

An inquiry is due a number of business days after the day it was received, by
priority (``LIAISON_INQUIRY_TARGET_DAYS``, default :data:`DEFAULT_TARGET_DAYS`).
Its clock stops when it is answered (or closed or cancelled without an answer);
it is breached when overdue, or answered after its due day. Days are counted in
the requester's country, with the regional holidays of an HCP's region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from liaison.lib.business_days import business_days_between
from liaison.lib.clocks import Clock, business_deadline
from liaison.medinfo.models import OPEN_STATUSES, Inquiry, Priority

#: Business days to answer, by priority, unless ``LIAISON_INQUIRY_TARGET_DAYS`` says otherwise.
DEFAULT_TARGET_DAYS: Mapping[str, int] = {
    Priority.URGENT: 1,
    Priority.HIGH: 3,
    Priority.NORMAL: 5,
    Priority.LOW: 10,
}

LABEL = "Answer due"


def target_days(priority: str) -> int:
    """The business days an inquiry of ``priority`` has to be answered."""
    configured: Mapping[str, int] = getattr(settings, "LIAISON_INQUIRY_TARGET_DAYS", {})
    days = configured.get(priority, DEFAULT_TARGET_DAYS.get(priority))
    if days is None:
        raise ValueError(f"priority: {priority!r} is not a priority of an inquiry")
    return int(days)


def day_of(moment: dt.datetime) -> dt.date:
    """The day of ``moment`` in the server's time zone (how every date of the app is read)."""
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def due_on(
    received_at: dt.datetime, priority: str, country: str, subdivision: str | None = None
) -> dt.date:
    """The day an inquiry received at ``received_at`` is due."""
    return business_deadline(day_of(received_at), target_days(priority), country, subdivision)


def subdivision_of(inquiry: Inquiry) -> str | None:
    """The requester's region (its regional holidays count), when the directory knows it."""
    hcp = inquiry.requester_hcp
    if hcp is not None and hcp.region and hcp.country == inquiry.requester_country:
        return hcp.region
    return None


def stopped_at(inquiry: Inquiry) -> dt.datetime | None:
    """When the clock stopped: the answer, else the closing of an unanswered inquiry
    (None while the inquiry is open)."""
    if inquiry.is_open:
        return None
    return inquiry.answered_at or inquiry.closed_at or inquiry.updated_at


def clock(inquiry: Inquiry) -> Clock:
    """The inquiry's clock (its days, due and stop, as days of the server's time zone)."""
    stop = stopped_at(inquiry)
    return Clock(
        LABEL,
        day_of(inquiry.received_at),
        inquiry.due_on,
        day_of(stop) if stop is not None else None,
        inquiry.requester_country,
        subdivision_of(inquiry),
    )


def breached(inquiry: Inquiry, today: dt.date | None = None) -> bool:
    """Overdue on ``today`` (default: today), or answered after its due day."""
    return clock(inquiry).is_breached(today or timezone.localdate())


def filter_breached(
    queryset: models.QuerySet[Inquiry], today: dt.date, *, breached: bool = True
) -> models.QuerySet[Inquiry]:
    """The inquiries of ``queryset`` that are (or, with ``breached=False``, are not)
    breached on ``today``: the rule of :func:`breached`, as a query."""
    stopped_on = TruncDate(Coalesce("answered_at", "closed_at", "updated_at"))
    rule = Q(status__in=OPEN_STATUSES, due_on__lt=today) | (
        ~Q(status__in=OPEN_STATUSES) & Q(medinfo_stopped_on__gt=F("due_on"))
    )
    marked = queryset.alias(medinfo_stopped_on=stopped_on)
    return marked.filter(rule) if breached else marked.exclude(rule)


def business_days_taken(inquiry: Inquiry) -> int | None:
    """The business days from receipt to the answer (None while unanswered)."""
    if inquiry.answered_at is None:
        return None
    return business_days_between(
        day_of(inquiry.received_at),
        day_of(inquiry.answered_at),
        inquiry.requester_country,
        subdivision_of(inquiry),
    )
