"""Planned meetings: plan, change, cancel, delete (audited, policy-checked).

A meeting is its organizer's (the policy lets the manager of the organizer's team
and administrators see it). Times are kept in UTC with the IANA time zone they
were planned in; a naive time is read in that zone. Every change raises the
meeting's ``sequence`` (RFC 5545), so calendar clients subscribed to the feed
replace their copy; a cancelled meeting stays in the feed as cancelled.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.engagement.models import Meeting, MeetingStatus
from liaison.engagement.services.data import MeetingData
from liaison.lib.validation import field_label, validation_error

#: The typed input's many-to-many keys (replaced as a whole on update).
M2M_FIELDS = ("hcps", "pre_reads")
#: An attendee's name, as the form and the API take it.
ATTENDEE_MAX_LENGTH = 200
#: A meeting longer than this is a typing mistake (a day instead of an hour).
MAX_DURATION = dt.timedelta(days=14)
#: The years a meeting may be planned in (beyond, a typing mistake or a calendar's limit).
FIRST_YEAR, LAST_YEAR = 1970, 2200


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _in_zone(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """``value`` as an aware time in UTC (a naive one is a wall-clock time in
    ``zone``); ``None`` outside the years a calendar holds."""
    aware = value.replace(tzinfo=zone) if value.tzinfo is None else value
    try:
        in_utc = aware.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return in_utc if FIRST_YEAR <= in_utc.year <= LAST_YEAR else None


def _attendees(names: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(str(name).split()) for name in names))
    cleaned = [name for name in cleaned if name]
    for name in cleaned:
        if len(name) > ATTENDEE_MAX_LENGTH:
            raise LiaisonError(
                f"a name is at most {ATTENDEE_MAX_LENGTH} characters", field="other_attendees"
            )
    return cleaned


def _check(values: dict[str, Any], m2m: dict[str, list[Any]]) -> dict[str, Any]:
    """The meeting's rules, each refusal naming its field; every field at fault at once."""
    problems: dict[str, str] = {}
    if not str(values.get("title", "")).strip():
        problems["title"] = "give the meeting a title"
    zone_name = str(values.get("time_zone", ""))
    zone = _zone(zone_name)
    if zone is None:
        problems["time_zone"] = (
            f"“{zone_name}” is not a time zone (use a name such as Europe/Berlin)"
        )
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, dt.datetime):
        problems["starts_at"] = "say when the meeting starts"
    if not isinstance(ends, dt.datetime):
        problems["ends_at"] = "say when the meeting ends"
    if zone is not None and isinstance(starts, dt.datetime) and isinstance(ends, dt.datetime):
        starts, ends = _in_zone(starts, zone), _in_zone(ends, zone)
        years = f"give a date between {FIRST_YEAR} and {LAST_YEAR}"
        if starts is None:
            problems["starts_at"] = years
        if ends is None:
            problems["ends_at"] = years
        if starts is not None and ends is not None:
            values["starts_at"], values["ends_at"] = starts, ends
            if ends <= starts:
                problems["ends_at"] = "the meeting must end after it starts"
            elif ends - starts > MAX_DURATION:
                problems["ends_at"] = "a meeting lasts at most 14 days: check the end date"
    try:
        values["other_attendees"] = _attendees(list(values.get("other_attendees") or []))
    except LiaisonError as error:
        problems.update(error.details)
    if (
        not m2m.get("hcps")
        and not values.get("other_attendees")
        and "other_attendees" not in problems
    ):
        problems["hcps"] = "add at least one attendee: an HCP, or another attendee by name"
    link = str(values.get("meeting_link") or "").strip()
    values["meeting_link"] = link
    if link:
        parts = urlsplit(link)
        if parts.scheme != "https" or not parts.netloc:
            problems["meeting_link"] = (
                "give the meeting link as an https:// address (Zoom, Teams, WebEx...)"
            )
    if problems:
        message = "; ".join(
            f"{field_label(Meeting, field)}: {reason}" for field, reason in problems.items()
        )
        raise LiaisonError(message, details=problems)
    return values


def _split(data: MeetingData) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    values: dict[str, Any] = dict(data)
    m2m = {name: list(values.pop(name)) for name in M2M_FIELDS if name in values}
    return values, m2m


def create_meeting(*, actor: User, data: MeetingData) -> Meeting:
    """Plan a meeting organized by ``actor``."""
    policy.require(actor, "add", Meeting)
    values, m2m = _split(data)
    values.setdefault("other_attendees", [])
    m2m.setdefault("hcps", [])
    values = _check(values, m2m)
    meeting = Meeting(organizer=actor, **values)
    try:
        with transaction.atomic():
            audit.create_record(actor=actor, instance=meeting, m2m=m2m)
    except ValidationError as error:
        raise validation_error(error, model=Meeting) from None
    return meeting


def _bump_sequence(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db(fields=["sequence"])


def update_meeting(
    *, actor: User, meeting: Meeting, data: MeetingData, reason: str = ""
) -> dict[str, list[Any]]:
    """Change a planned meeting (only the keys given); raises its ``sequence`` when
    anything changed. Returns the audited diff."""
    policy.require(actor, "change", meeting)
    if meeting.status == MeetingStatus.LOGGED:
        raise LiaisonError(
            "this meeting was logged as an interaction: change the interaction instead",
            field="status",
        )
    values, m2m = _split(data)
    merged = {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "time_zone": meeting.time_zone,
        "meeting_link": meeting.meeting_link,
        "other_attendees": meeting.other_attendees,
        **values,
    }
    hcps = m2m["hcps"] if "hcps" in m2m else list(meeting.hcps.all())
    checked = _check(merged, {"hcps": hcps})
    values = {key: checked[key] for key in (*values, "starts_at", "ends_at") if key in checked}
    try:
        with transaction.atomic():
            changes = audit.update_record(
                actor=actor, instance=meeting, values=values, m2m=m2m, reason=reason
            )
            if changes:
                _bump_sequence(meeting)
            if not policy.can(actor, "view", meeting):
                raise PermissionDenied("you would no longer see this meeting")
    except ValidationError as error:
        raise validation_error(error, model=Meeting) from None
    return changes


def cancel_meeting(*, actor: User, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancel a planned meeting: it stays (and stays in the calendar feed, as cancelled)."""
    policy.require(actor, "change", meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise LiaisonError(
            f"only a planned meeting can be cancelled; this one is "
            f"{meeting.get_status_display().lower()}",
            field="status",
        )
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=meeting,
            values={"status": MeetingStatus.CANCELLED},
            reason=reason,
        )
        _bump_sequence(meeting)
    return meeting


def delete_meeting(*, actor: User, meeting: Meeting, reason: str = "") -> None:
    """Delete a meeting (its interaction, if logged, stays and loses the link)."""
    policy.require(actor, "delete", meeting)
    with transaction.atomic():
        audit.delete_record(actor=actor, instance=meeting, reason=reason)
