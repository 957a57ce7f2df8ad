"""Each user's calendar feed: a secret, revocable address that Outlook and Google
Calendar subscribe to, serving the user's meetings (planned, logged and
cancelled ones, as ``STATUS:CANCELLED``) and the due dates of their open
follow-ups.

The token is made on the first request for the address (the feed page, or
``GET /api/v1/me``); revoking replaces it, so the old address answers 404 from
then on. Reading a feed needs no sign-in: the token is the key. It is looked up
by its unique index and compared again in constant time; an unknown token, or
the token of an account that is inactive or has no role, is the same 404.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.models import User
from liaison.engagement import ics
from liaison.engagement.models import CalendarFeed, FollowUp, Meeting, MeetingStatus, new_feed_token

#: Meetings that ended longer ago than this are left out of the feed.
PAST_DAYS = 180
#: ``last_read_at`` is written at most this often (clients poll every few minutes).
READ_RESOLUTION = dt.timedelta(minutes=15)
#: The right-hand side of every UID: stable whatever host the feed is read through.
UID_DOMAIN = "liaison"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's life (its id and when it was made)."""
    return f"meeting-{meeting.pk}-{int(meeting.created_at.timestamp())}@{UID_DOMAIN}"


def follow_up_uid(follow_up: FollowUp) -> str:
    return f"follow-up-{follow_up.pk}-{int(follow_up.created_at.timestamp())}@{UID_DOMAIN}"


def feed_for(*, actor: User) -> CalendarFeed:
    """``actor``'s feed, made (audited) the first time it is asked for."""
    existing = CalendarFeed.objects.filter(user=actor).first()
    if existing is not None:
        return existing
    policy.require(actor, "add", CalendarFeed)
    try:
        with transaction.atomic():
            feed = CalendarFeed(user=actor)
            audit.create_record(actor=actor, instance=feed)
    except (IntegrityError, ValidationError):
        # Made by a request running at the same time.
        return CalendarFeed.objects.get(user=actor)
    return feed


def revoke_feed(*, actor: User) -> CalendarFeed:
    """Replace ``actor``'s token: the old address stops working at once."""
    feed = feed_for(actor=actor)
    policy.require(actor, "change", feed)
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=feed,
            values={"token": new_feed_token(), "created_at": timezone.now()},
        )
    return feed


def feed_path(feed: CalendarFeed) -> str:
    return reverse("engagement:calendar-feed-ics", kwargs={"token": feed.token})


def feed_url_for(request: HttpRequest, user: User) -> str | None:
    """The absolute address of ``user``'s feed (made on first request), for
    ``GET /api/v1/me``; ``None`` for an account that may have none."""
    if (
        not policy.can(user, "add", CalendarFeed)
        and not CalendarFeed.objects.filter(user=user).exists()
    ):
        return None
    return request.build_absolute_uri(feed_path(feed_for(actor=user)))


def _feed_by_token(token: str) -> CalendarFeed | None:
    if not token:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    # The index found it; compare again in constant time all the same.
    if feed is None or not secrets.compare_digest(feed.token.encode(), token.encode()):
        return None
    user = feed.user
    if not user.is_active or not policy.is_member(user):
        return None
    return feed


@dataclass(frozen=True, slots=True)
class FeedBody:
    user: User
    content: bytes


def _meeting_event(request: HttpRequest, meeting: Meeting) -> ics.MeetingEvent:
    attendees = [hcp.full_name for hcp in meeting.hcps.all()] + list(meeting.other_attendees)
    page = request.build_absolute_uri(
        reverse("engagement:meeting-detail", kwargs={"pk": meeting.pk})
    )
    description = ics.meeting_description(meeting.agenda, attendees, meeting.meeting_link)
    description = f"{description}\n\nIn Liaison: {page}".strip()
    return ics.MeetingEvent(
        uid=meeting_uid(meeting),
        summary=meeting.title + (" (cancelled)" if meeting.status == "cancelled" else ""),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        time_zone=meeting.time_zone,
        sequence=meeting.sequence,
        stamp=meeting.updated_at,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
        location=meeting.location,
        url=meeting.meeting_link,
        description=description,
    )


def _due_date(follow_up: FollowUp) -> ics.DueDate:
    whom = f" ({follow_up.hcp.full_name})" if follow_up.hcp is not None else ""
    text = " ".join(follow_up.description.split())
    summary = f"Follow-up due: {text[:80]}{'…' if len(text) > 80 else ''}{whom}"
    return ics.DueDate(
        uid=follow_up_uid(follow_up),
        summary=summary,
        due=follow_up.due,
        stamp=follow_up.updated_at,
        description=follow_up.description,
    )


def meeting_ics(request: HttpRequest, meeting: Meeting) -> bytes:
    """One meeting as a calendar file (the meeting page's download)."""
    return ics.write_calendar(name=meeting.title, meetings=[_meeting_event(request, meeting)])


def read_feed(request: HttpRequest, token: str) -> FeedBody | None:
    """The calendar of the feed whose token is ``token``, or ``None`` (answer 404).

    This is the system's read for the feed's owner: their own meetings and open
    follow-ups only, whoever holds the address."""
    feed = _feed_by_token(token)
    if feed is None:
        return None
    user = feed.user
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    meetings = (
        Meeting.objects.filter(organizer=user, ends_at__gte=since)
        .prefetch_related("hcps")
        .order_by("starts_at", "pk")
    )
    follow_ups = (
        FollowUp.objects.filter(owner=user, done_at__isnull=True)
        .select_related("hcp")
        .order_by("due", "pk")
    )
    name = f"Liaison: {user.get_full_name() or user.get_username()}"
    content = ics.write_calendar(
        name=name,
        meetings=[_meeting_event(request, meeting) for meeting in meetings],
        due_dates=[_due_date(follow_up) for follow_up in follow_ups],
    )
    now = timezone.now()
    if feed.last_read_at is None or now - feed.last_read_at >= READ_RESOLUTION:
        # A plain UPDATE: reading is not a change of the record (never audited).
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return FeedBody(user=user, content=content)
