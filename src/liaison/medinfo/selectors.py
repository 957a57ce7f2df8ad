"""Shared reads of medical information, each starting from the policy's queryset:
the queue with each inquiry's clock, the turnaround report, an HCP's inquiry history
and an inquiry's chain of custody."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.core.models import User
from liaison.core.policy import AnyUser
from liaison.directory.models import HCP, Product
from liaison.lib.clocks import Clock, ClockState
from liaison.medinfo import turnaround
from liaison.medinfo.models import OPEN_STATUSES, Handoff, Inquiry, Priority

#: ``status=ALL`` lists inquiries in every status (the default lists the open ones).
ALL = "all"


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One inquiry of the queue with its clock on the day the queue was read."""

    inquiry: Inquiry
    clock: Clock
    state: ClockState
    breached: bool
    remaining: str


def queue_inquiries(
    user: AnyUser,
    *,
    status: str | Iterable[str] | None = None,
    priority: str | None = None,
    product: Product | None = None,
    breached: bool | None = None,
    assigned_to: User | None = None,
    now: turnaround.Now | None = None,
) -> models.QuerySet[Inquiry]:
    """The inquiries ``user`` sees, filtered, soonest due first. ``status`` is one
    status, several, :data:`ALL`, or None for the open ones; ``breached`` keeps the
    breached (True) or the others (False) at ``now``, on each inquiry's local day."""
    queryset = policy.scope(user, "view", Inquiry).select_related(
        "requester_hcp", "product", "assigned_to", "received_by"
    )
    if status is None:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif isinstance(status, str):
        if status != ALL:
            queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=list(status))
    if priority:
        queryset = queryset.filter(priority=priority)
    if product is not None:
        queryset = queryset.filter(product=product)
    if assigned_to is not None:
        queryset = queryset.filter(assigned_to=assigned_to)
    if breached is not None:
        queryset = turnaround.filter_breached(queryset, now, breached=breached)
    return queryset.order_by("due_on", "received_at", "pk")


def queue_row(inquiry: Inquiry, now: turnaround.Now | None = None) -> QueueRow:
    """``inquiry`` with its clock read at ``now`` on its local day."""
    clock, today = turnaround.clock(inquiry), turnaround.today_of(inquiry, now)
    return QueueRow(
        inquiry=inquiry,
        clock=clock,
        state=clock.state(today),
        breached=clock.is_breached(today),
        remaining=clock.remaining_text(today),
    )


def queue(
    user: AnyUser,
    *,
    status: str | Iterable[str] | None = None,
    priority: str | None = None,
    product: Product | None = None,
    breached: bool | None = None,
    assigned_to: User | None = None,
    now: turnaround.Now | None = None,
) -> list[QueueRow]:
    """The medical information queue (see :func:`queue_inquiries`), each inquiry with
    its clock at ``now`` (default: now), on its local day."""
    moment = now if now is not None else timezone.now()
    inquiries = queue_inquiries(
        user,
        status=status,
        priority=priority,
        product=product,
        breached=breached,
        assigned_to=assigned_to,
        now=moment,
    )
    return [queue_row(inquiry, moment) for inquiry in inquiries]


@dataclass(frozen=True, slots=True)
class Turnaround:
    """The turnaround of one priority (or of all, ``priority`` None) over a period."""

    priority: str | None
    label: str
    answered: int
    on_time: int
    late: int
    median_business_days: float | None
    open_breaches: int


@dataclass(frozen=True, slots=True)
class TurnaroundReport:
    start: dt.date
    end: dt.date
    today: dt.date
    rows: tuple[Turnaround, ...]
    total: Turnaround


def _turnaround(
    priority: str | None, label: str, answered: list[Inquiry], open_breaches: int
) -> Turnaround:
    on_time = sum(
        1
        for inquiry in answered
        if inquiry.answered_at is not None
        and turnaround.day_of(inquiry.answered_at, turnaround.zone_of(inquiry)) <= inquiry.due_on
    )
    days = [turnaround.business_days_taken(inquiry) for inquiry in answered]
    taken = [day for day in days if day is not None]
    return Turnaround(
        priority=priority,
        label=label,
        answered=len(answered),
        on_time=on_time,
        late=len(answered) - on_time,
        median_business_days=float(statistics.median(taken)) if taken else None,
        open_breaches=open_breaches,
    )


def turnaround_report(
    user: AnyUser, start: dt.date, end: dt.date, *, now: turnaround.Now | None = None
) -> TurnaroundReport:
    """By priority: the inquiries answered from ``start`` to ``end`` (inclusive), how
    many on time and late, the median business days to answer; and the inquiries
    received by ``end`` still open and overdue at ``now`` (default: now); an inquiry's
    days, today among them, are those of its time zone. For the roles that
    ``report`` (medical information, compliance, field managers), over the inquiries
    they see."""
    if not policy.can(user, "report", Inquiry):
        raise PermissionDenied("you may not read the turnaround report")
    if end < start:
        raise ValueError(f"end: {end.isoformat()} is before the start, {start.isoformat()}")
    moment = now if now is not None else timezone.now()
    visible = policy.scope(user, "view", Inquiry).select_related("requester_hcp")
    # Two days either side in the active zone (the database reads ``__date`` in it)
    # hold every inquiry's days, zones lying up to 26 hours apart; each is then read
    # in its own.
    wide = (start - dt.timedelta(days=2), end + dt.timedelta(days=2))
    answered = [
        inquiry
        for inquiry in visible.filter(answered_at__isnull=False, answered_at__date__range=wide)
        if inquiry.answered_at is not None
        and start <= turnaround.day_of(inquiry.answered_at, turnaround.zone_of(inquiry)) <= end
    ]
    overdue = (
        visible.filter(turnaround.overdue(moment))
        .filter(received_at__date__lte=wide[1])
        .values_list("priority", "received_at", "time_zone")
    )
    breaches: dict[str, int] = {}
    for priority, received_at, zone in overdue:
        if turnaround.day_of(received_at, turnaround.zone_named(zone)) <= end:
            breaches[priority] = breaches.get(priority, 0) + 1
    rows = tuple(
        _turnaround(
            priority,
            str(label),
            [inquiry for inquiry in answered if inquiry.priority == priority],
            breaches.get(priority, 0),
        )
        for priority, label in Priority.choices
    )
    total = _turnaround(None, "All priorities", answered, sum(breaches.values()))
    # The report's own today is the server's; each inquiry's overdue is read on its own.
    today = moment if not isinstance(moment, dt.datetime) else turnaround.day_of(moment)
    return TurnaroundReport(start=start, end=end, today=today, rows=rows, total=total)


def open_breach_count(user: AnyUser, now: turnaround.Now | None = None) -> int:
    """The open inquiries ``user`` sees that are overdue at ``now`` (default: now), each
    on its local day (a dashboard's count)."""
    return policy.scope(user, "view", Inquiry).filter(turnaround.overdue(now)).count()


def inquiries_of_hcp(user: AnyUser, hcp: HCP) -> models.QuerySet[Inquiry]:
    """The inquiries ``hcp`` made that ``user`` may see, latest first (the HCP
    profile's history; empty for roles that see no inquiries)."""
    return (
        policy.scope(user, "view", Inquiry)
        .filter(requester_hcp=hcp)
        .select_related("product", "received_by")
        .order_by("-received_at", "-pk")
    )


def chain_of_custody(user: AnyUser, inquiry: Inquiry) -> models.QuerySet[Handoff]:
    """The hand-offs of ``inquiry``, oldest first (empty when ``user`` may not see it)."""
    return (
        policy.scope(user, "view", Handoff)
        .filter(inquiry=inquiry)
        .select_related("from_user", "to_user")
        .order_by("at", "pk")
    )
