"""Deadline clocks: the inquiry turnaround, the adverse-event forwarding and reporting clocks.

A :class:`Clock` is a value: a label, when it started, when it is due and when it was
stopped (the answer sent, the case forwarded). It reads the time it is given and never
the system's, so the queue, the case page and the reports agree on one ``now``. Its
state (:class:`ClockState`) and its remaining time in words are what the pages show.

A due date means the end of that day; a due datetime is exact. A datetime's day is its
date in its own zone (pass local times, ``django.utils.timezone.localtime()``); an aware
``now`` is moved to the zone of an aware ``due`` before days are compared.

>>> import datetime as dt
>>> clock = Clock.in_calendar_days("Report to regulators", dt.date(2026, 12, 1), 15)
>>> clock.due
datetime.date(2026, 12, 16)
>>> clock.remaining_text(dt.date(2026, 12, 14))
'2 days left'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import TextChoices

from liaison.lib.business_days import add_business_days, business_days_between

#: A day, or an exact time.
Moment = dt.date | dt.datetime


class ClockState(TextChoices):
    ON_TIME = "on_time", "On time"
    DUE_TODAY = "due_today", "Due today"
    OVERDUE = "overdue", "Overdue"
    MET = "met", "Met"
    MET_LATE = "met_late", "Met late"


def _day(moment: Moment, zone_of: Moment | None = None) -> dt.date:
    """The calendar day of ``moment``, in the zone of ``zone_of`` when both are aware."""
    if not isinstance(moment, dt.datetime):
        return moment
    if (
        isinstance(zone_of, dt.datetime)
        and zone_of.tzinfo is not None
        and moment.tzinfo is not None
    ):
        moment = moment.astimezone(zone_of.tzinfo)
    return moment.date()


def _after(moment: Moment, due: Moment) -> bool:
    """Whether ``moment`` is past ``due``: to the microsecond when both are datetimes,
    else by day (a due date lasts to the end of its day)."""
    if isinstance(moment, dt.datetime) and isinstance(due, dt.datetime):
        return moment > due
    return _day(moment, due) > _day(due)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def format_day(day: dt.date) -> str:
    """``4 Dec 2026``: unambiguous in every country, unlike 12/4/2026."""
    return f"{day.day} {day:%b %Y}"


def _format_time(moment: dt.datetime) -> str:
    zone = moment.tzname()
    return f"{moment:%H:%M}" + (f" {zone}" if zone else "")


def _check_days(days: int) -> None:
    if days < 0:
        raise ValueError(f"days: {days} is negative; a deadline is 0 or more days after its start")


def calendar_deadline(start: Moment, days: int) -> dt.date:
    """The day ``days`` calendar days after ``start``'s day (Day 0 + 15 is day 15)."""
    _check_days(days)
    return _day(start) + dt.timedelta(days=days)


def business_deadline(
    start: Moment, days: int, country: str, subdivision: str | None = None
) -> dt.date:
    """The ``days``-th business day of ``country`` after ``start``'s day
    (see :func:`liaison.lib.business_days.add_business_days`)."""
    _check_days(days)
    return add_business_days(_day(start), days, country, subdivision)


@dataclass(frozen=True, slots=True)
class Clock:
    """One deadline. ``country`` (and ``subdivision``) make the time left count in
    business days of that country; without, it counts calendar days. Time overdue and
    lateness always count calendar days: that is how regulators and audits read them."""

    label: str
    started_at: Moment
    due: Moment
    stopped_at: Moment | None = None
    country: str | None = None
    subdivision: str | None = None

    @classmethod
    def in_calendar_days(
        cls, label: str, started_at: Moment, days: int, *, stopped_at: Moment | None = None
    ) -> Clock:
        """A clock due ``days`` calendar days after ``started_at`` (15 days to report)."""
        return cls(label, started_at, calendar_deadline(started_at, days), stopped_at)

    @classmethod
    def in_business_days(
        cls,
        label: str,
        started_at: Moment,
        days: int,
        country: str,
        *,
        subdivision: str | None = None,
        stopped_at: Moment | None = None,
    ) -> Clock:
        """A clock due ``days`` business days of ``country`` after ``started_at``,
        whose time left counts business days (one day to forward to pharmacovigilance)."""
        due = business_deadline(started_at, days, country, subdivision)
        return cls(label, started_at, due, stopped_at, country, subdivision)

    def state(self, now: Moment) -> ClockState:
        """Met (or met late) once stopped; before that, overdue past ``due``, due today
        on its day, else on time."""
        if self.stopped_at is not None:
            return ClockState.MET_LATE if _after(self.stopped_at, self.due) else ClockState.MET
        if _after(now, self.due):
            return ClockState.OVERDUE
        if _day(now, self.due) == _day(self.due):
            return ClockState.DUE_TODAY
        return ClockState.ON_TIME

    def is_breached(self, now: Moment) -> bool:
        """Overdue, or stopped after the due time: what queues flag and dashboards count."""
        return self.state(now) in (ClockState.OVERDUE, ClockState.MET_LATE)

    def remaining_text(self, now: Moment) -> str:
        """The clock in words: ``2 business days left``, ``due today at 17:00 UTC``,
        ``overdue by 3 days``, ``met on 4 Dec 2026``, ``met on 6 Dec 2026, 2 days late``."""
        state = self.state(now)
        due_day = _day(self.due)
        if self.stopped_at is not None:
            stopped_day = _day(self.stopped_at, self.due)
            text = f"met on {format_day(stopped_day)}"
            if state is ClockState.MET_LATE:
                late = (stopped_day - due_day).days
                text += f", {_plural(late, 'day')} late" if late else ", after the due time"
            return text
        today = _day(now, self.due)
        if state is ClockState.OVERDUE:
            late = (today - due_day).days
            # Only an exact due time can pass on its own day.
            if not late and isinstance(self.due, dt.datetime):
                return f"overdue since {_format_time(self.due)}"
            return f"overdue by {_plural(late, 'day')}"
        if state is ClockState.DUE_TODAY:
            if isinstance(self.due, dt.datetime):
                return f"due today at {_format_time(self.due)}"
            return "due today"
        if self.country:
            left = business_days_between(today, due_day, self.country, self.subdivision)
            if left > 0:
                return f"{_plural(left, 'business day')} left"
            # Due on a day off (a calendar deadline): no business day is left before it.
            return f"due on {format_day(due_day)}"
        return f"{_plural((due_day - today).days, 'day')} left"
