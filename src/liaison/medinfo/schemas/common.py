"""What the medical information schemas share: a moment of a body (an aware time
within the years the app deals in) and a deadline clock as the API shows it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from liaison.lib.clocks import Clock

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _plausible_year(value: dt.datetime) -> dt.datetime:
    """``value``, refused outside :data:`FIRST_YEAR` to :data:`LAST_YEAR` (a clock
    cannot count from year 1, and business days are not known for year 9999)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError("moment_range", f"give a time from {FIRST_YEAR} to {LAST_YEAR}")
    return value


def _plausible_moment(value: dt.datetime) -> dt.datetime:
    """``value`` in the site's zone when it has no offset (see :func:`_plausible_year`)."""
    value = _plausible_year(value)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


#: A time of a body: ISO 8601, read in the site's time zone without an offset.
Moment = Annotated[dt.datetime, AfterValidator(_plausible_moment)]
#: A time of a body with a ``time_zone``: without an offset, the service reads it there.
LocalMoment = Annotated[dt.datetime, AfterValidator(_plausible_year)]

#: How a body's ``time_zone`` is described.
ZONE_HELP = (
    "IANA time zone where it was taken, e.g. Europe/Berlin: its days (received, due) are "
    "counted there and a time without an offset is read there; empty: the interaction's, "
    "else the server's"
)


class InquiryClockOut(Schema):
    """A deadline on the day it is read."""

    label: str
    started_on: dt.date
    due_on: dt.date
    stopped_on: dt.date | None
    state: str = Field(description="on_time, due_today, overdue, met or met_late")
    breached: bool = Field(description="overdue, or met after its due day")
    remaining: str = Field(description="the clock in words: “2 business days left”")


def request_now(request: HttpRequest | None) -> dt.datetime:
    """The instant ``request`` reads clocks at: the same for all its inquiries (each
    then on its local day), now without a request."""
    if request is None:
        return timezone.now()
    moment: dt.datetime = request.__dict__.setdefault("liaison_medinfo_now", timezone.now())
    return moment


def context_now(context: Any) -> dt.datetime:
    """:func:`request_now` of a schema's resolving ``context`` (None outside a request)."""
    request = context.get("request") if isinstance(context, dict) else None
    return request_now(request)


def clock_out(clock: Clock, today: dt.date) -> dict[str, object]:
    """``clock`` as :class:`InquiryClockOut` reads it, on ``today``."""

    def day(moment: dt.date | dt.datetime | None) -> dt.date | None:
        if isinstance(moment, dt.datetime):
            return moment.date()
        return moment

    return {
        "label": clock.label,
        "started_on": day(clock.started_at),
        "due_on": day(clock.due),
        "stopped_on": day(clock.stopped_at),
        "state": clock.state(today).value,
        "breached": clock.is_breached(today),
        "remaining": clock.remaining_text(today),
    }
