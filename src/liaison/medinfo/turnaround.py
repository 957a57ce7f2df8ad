"""The turnaround clock of an inquiry, in business days of the requester's country.

An inquiry is due a number of business days after the day it was received, by
priority (``LIAISON_INQUIRY_TARGET_DAYS``, default :data:`DEFAULT_TARGET_DAYS`).
Its clock stops when it is answered (or closed or cancelled without an answer);
it is breached when overdue, or answered after its due day. Days are counted in
the requester's country, with the regional holidays of an HCP's region; a moment's
day (received, answered) is its date where the inquiry was taken (its ``time_zone``,
else the server's): an inquiry received at 00:30 in Berlin on 3 December counts from
3 December, though it is still 2 December in UTC. So is its today: whether it is
due today or overdue is read on its local date at the moment asked (:func:`today_of`),
so an inquiry taken in Los Angeles is not overdue at 16:00 there on its due day,
when it is already the next day in UTC.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import NotSupportedError, models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
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


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone ``name``; the server's when it is empty (or, for a value the
    model would refuse, unknown)."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_of(inquiry: Inquiry) -> zoneinfo.ZoneInfo:
    """The time zone the inquiry was taken in (its days are counted there)."""
    return zone_named(inquiry.time_zone)


def day_of(moment: dt.datetime, zone: zoneinfo.ZoneInfo | None = None) -> dt.date:
    """The day of ``moment`` in ``zone`` (default: the server's time zone)."""
    if timezone.is_naive(moment):
        return moment.date()
    return timezone.localdate(moment, zone) if zone is not None else timezone.localdate(moment)


#: The moment a clock is read at: an instant (read in each inquiry's zone), or a day
#: standing for that day in every zone.
Now = dt.datetime | dt.date


def _instant(now: Now | None) -> Now:
    """``now`` (default: now), a naive time read as the server's."""
    moment = now if now is not None else timezone.now()
    if isinstance(moment, dt.datetime) and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def today_of(inquiry: Inquiry, now: Now | None = None) -> dt.date:
    """The inquiry's today: the day of ``now`` (default: now) where it was taken."""
    moment = _instant(now)
    if isinstance(moment, dt.datetime):
        return day_of(moment, zone_of(inquiry))
    return moment


def due_on(
    received_at: dt.datetime,
    priority: str,
    country: str,
    subdivision: str | None = None,
    zone: zoneinfo.ZoneInfo | None = None,
) -> dt.date:
    """The day an inquiry received at ``received_at`` (a day of ``zone``) is due."""
    start = day_of(received_at, zone)
    return business_deadline(start, target_days(priority), country, subdivision)


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
    """The inquiry's clock (its days, due and stop, as days of its time zone)."""
    stop, zone = stopped_at(inquiry), zone_of(inquiry)
    return Clock(
        LABEL,
        day_of(inquiry.received_at, zone),
        inquiry.due_on,
        day_of(stop, zone) if stop is not None else None,
        inquiry.requester_country,
        subdivision_of(inquiry),
    )


def breached(inquiry: Inquiry, now: Now | None = None) -> bool:
    """Overdue on its today at ``now`` (default: now), or answered after its due day."""
    return clock(inquiry).is_breached(today_of(inquiry, now))


def overdue(now: Now | None = None) -> Q:
    """The open inquiries past their due day on their own today at ``now`` (default:
    now), as a query's condition: each row's today is read in its own zone."""
    moment = _instant(now)
    today = DayIn(Value(moment), _zone()) if isinstance(moment, dt.datetime) else Value(moment)
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


def filter_breached(
    queryset: models.QuerySet[Inquiry], now: Now | None = None, *, breached: bool = True
) -> models.QuerySet[Inquiry]:
    """The inquiries of ``queryset`` that are (or, with ``breached=False``, are not)
    breached at ``now``: the rule of :func:`breached`, as a query."""
    stopped_on = _stopped_on()
    rule = overdue(now) | (~Q(status__in=OPEN_STATUSES) & Q(medinfo_stopped_on__gt=F("due_on")))
    marked = queryset.alias(medinfo_stopped_on=stopped_on)
    return marked.filter(rule) if breached else marked.exclude(rule)


class DayIn(models.Func):
    """The day of a moment (the first expression) in the time zone the second names,
    row by row: Django's own SQLite function, PostgreSQL's ``AT TIME ZONE``."""

    arity = 2
    output_field = models.DateField()

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> tuple[str, Any]:
        raise NotSupportedError("an inquiry's days are counted in SQLite or PostgreSQL only")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        clone = self.copy()
        clone.set_source_expressions(
            [*self.get_source_expressions(), Value(connection.timezone_name)]
        )
        return models.Func.as_sql(
            clone, compiler, connection, function="django_datetime_cast_date", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        moment, zone = (compiler.compile(part) for part in self.get_source_expressions())
        # The cast types a moment passed as a parameter (a column already has it).
        return f"((({moment[0]})::timestamptz) AT TIME ZONE ({zone[0]}))::date", (
            *moment[1],
            *zone[1],
        )


def _zone() -> Coalesce:
    """Each inquiry's time zone, the server's when blank."""
    return Coalesce(NullIf(F("time_zone"), Value("")), Value(settings.TIME_ZONE))


def _stopped_on() -> DayIn:
    """The day each inquiry's clock stopped, in its own time zone."""
    return DayIn(Coalesce("answered_at", "closed_at", "updated_at"), _zone())


def business_days_taken(inquiry: Inquiry) -> int | None:
    """The business days from receipt to the answer (None while unanswered)."""
    if inquiry.answered_at is None:
        return None
    zone = zone_of(inquiry)
    return business_days_between(
        day_of(inquiry.received_at, zone),
        day_of(inquiry.answered_at, zone),
        inquiry.requester_country,
        subdivision_of(inquiry),
    )
