"""Business days of a country: its weekend and public holidays (the ``holidays`` package).

Turnaround targets of medical inquiries and the forwarding clock of adverse events count
business days of a country (issue 14). A day is a business day unless it falls on the
country's weekend (Saturday and Sunday for most; Friday and Saturday where the package says
so, with its weekend working days honoured) or is one of its public holidays; a
subdivision (``"BY"`` or ``"DE-BY"`` for Bavaria) adds its regional holidays.

An unknown country counts weekends (Saturday and Sunday) only, and an unknown subdivision
counts the country's national holidays only: a clock must still run when the calendar is
missing, and running a day long is safer than refusing to run. The days off of one year
are computed once per country, subdivision and year and kept for the process.

>>> import datetime as dt
>>> add_business_days(dt.date(2026, 12, 24), 1, "FR")  # Christmas Day, then the weekend
datetime.date(2026, 12, 28)
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

_ONE_DAY = dt.timedelta(days=1)
_SATURDAY, _SUNDAY = 5, 6


def _calendar(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase | None:
    """The package's calendar, or ``None`` for a country it does not know."""
    try:
        return holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        if subdivision is None:
            return None
        return _calendar(country, None, year)


@lru_cache(maxsize=512)
def _days_off(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    calendar = _calendar(country, subdivision, year)
    first = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first).days
    if calendar is None:
        return frozenset(
            day
            for day in (first + dt.timedelta(days=offset) for offset in range(days))
            if day.weekday() in (_SATURDAY, _SUNDAY)
        )
    return frozenset(
        day
        for day in (first + dt.timedelta(days=offset) for offset in range(days))
        if not calendar.is_working_day(day)
    )


def _normalise(country: str, subdivision: str | None) -> tuple[str, str | None]:
    code = country.strip().upper()
    if not subdivision or not subdivision.strip():
        return code, None
    region = subdivision.strip().upper()
    # An ISO 3166-2 code ("DE-BY", as territories store regions) names the subdivision too.
    if region.startswith(f"{code}-"):
        region = region[len(code) + 1 :]
    return code, region


def _open(day: dt.date, code: str, region: str | None) -> bool:
    return day not in _days_off(code, region, day.year)


def is_business_day(day: dt.date, country: str, subdivision: str | None = None) -> bool:
    """Whether ``day`` is a working day in ``country`` (ISO 3166-1 alpha-2, any case)."""
    return _open(day, *_normalise(country, subdivision))


def add_business_days(
    start: dt.date, days: int, country: str, subdivision: str | None = None
) -> dt.date:
    """The ``days``-th business day after ``start`` (``start`` itself is not counted).

    Zero days gives ``start`` when it is a business day, else the next business day:
    a deadline never falls on a day off. Days are counted from the day after ``start``,
    so one business day after a Friday is the Monday, and after a Saturday too.
    Raises :class:`ValueError` for a negative number of days (deadlines run forward).
    """
    if days < 0:
        raise ValueError(f"days: {days} is negative; a deadline is 0 or more business days")
    code, region = _normalise(country, subdivision)
    day = start
    if days == 0:
        while not _open(day, code, region):
            day += _ONE_DAY
        return day
    remaining = days
    while remaining:
        day += _ONE_DAY
        if _open(day, code, region):
            remaining -= 1
    return day


def business_days_between(
    start: dt.date, end: dt.date, country: str, subdivision: str | None = None
) -> int:
    """The business days after ``start`` up to and including ``end``; negative when
    ``end`` is before ``start``.

    The inverse of :func:`add_business_days` for one day or more:
    ``business_days_between(d, add_business_days(d, n, c), c) == n``.
    """
    if end < start:
        return -business_days_between(end, start, country, subdivision)
    code, region = _normalise(country, subdivision)
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        if _open(day, code, region):
            count += 1
    return count
