"""iCalendar (RFC 5545) writing for meetings and follow-up due dates: pure format
code (no ORM, no settings), over the ``icalendar`` package.

A meeting is a ``VEVENT`` whose start and end carry the IANA time zone it was
planned in (``DTSTART;TZID=Europe/Berlin:20261026T090000``), with one
``VTIMEZONE`` per zone used, so a meeting at 09:00 in Berlin stays at 09:00 in
Berlin on both sides of a daylight-saving change, whatever the reader's own zone.
Its ``UID`` is stable and its ``SEQUENCE`` rises with every change, so calendar
clients replace their copy; a cancelled meeting stays with ``STATUS:CANCELLED``
(clients strike it out or remove it). A follow-up's due date is an all-day
``VEVENT`` (``DTSTART;VALUE=DATE``): Outlook and Google Calendar both show those
in a subscribed calendar, which neither does reliably for ``VTODO``.

Example::

    >>> event = MeetingEvent(uid="meeting-1@liaison", summary="Visit", ...)
    >>> write_calendar(name="Alice's meetings", meetings=[event], due_dates=[])
    b'BEGIN:VCALENDAR\\r\\n...'
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import icalendar

PRODUCT_ID = "-//Liaison//Field engagement//EN"


@dataclass(frozen=True, slots=True)
class MeetingEvent:
    """One meeting as a calendar shows it; times are aware, ``time_zone`` an IANA name."""

    uid: str
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    sequence: int
    stamp: dt.datetime
    cancelled: bool = False
    location: str = ""
    url: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class DueDate:
    """A follow-up's due date: an all-day event on ``due``."""

    uid: str
    summary: str
    due: dt.date
    stamp: dt.datetime
    description: str = ""


def meeting_description(agenda: str, attendees: Sequence[str], link: str = "") -> str:
    """The text calendar clients show under a meeting: attendees, agenda, link."""
    parts = []
    if attendees:
        parts.append("Attendees: " + ", ".join(attendees))
    if agenda.strip():
        parts.append("Agenda:\n" + agenda.strip())
    if link:
        parts.append("Meeting link: " + link)
    return "\n\n".join(parts)


def _vevent(meeting: MeetingEvent) -> icalendar.Event:
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", meeting.stamp.astimezone(dt.UTC))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.summary)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    elif meeting.url:
        event.add("location", meeting.url)
    if meeting.url:
        event.add("url", meeting.url)
    if meeting.description:
        event.add("description", meeting.description)
    return event


def _all_day(due: DueDate) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", due.uid)
    event.add("dtstamp", due.stamp.astimezone(dt.UTC))
    event.add("summary", due.summary)
    event.add("dtstart", due.due)
    event.add("dtend", due.due + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a due date does not make the user busy
    if due.description:
        event.add("description", due.description)
    return event


def write_calendar(
    *, name: str, meetings: Iterable[MeetingEvent], due_dates: Iterable[DueDate] = ()
) -> bytes:
    """A ``VCALENDAR`` holding ``meetings`` and ``due_dates``, with a ``VTIMEZONE``
    for each time zone the meetings use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_vevent(meeting))
    for due in due_dates:
        calendar.add_component(_all_day(due))
    calendar.add_missing_timezones()
    content: bytes = calendar.to_ical()
    return content
