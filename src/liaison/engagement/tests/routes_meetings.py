"""The authorization matrix's entries for meetings and the calendar feed (see
``matrix.py``): alice's meeting, seen by her manager and administrators, changed
by alice and administrators; everyone's own calendar feed, read without sign-in
by whoever holds its address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import (
    API_READ,
    EVERYONE,
    FIELD_ADDERS,
    ApiCase,
    Route,
    World,
    api_map,
    outcome_map,
)
from liaison.directory.tests.matrix import DirectoryRecords
from liaison.engagement.models import CalendarFeed, Meeting


def a_meeting(world: World) -> dict[str, Any]:
    starts = timezone.now() + dt.timedelta(days=3)
    meeting, created = Meeting.objects.get_or_create(
        title="Matrix meeting",
        defaults={
            "organizer": world.users["msl"],
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=1),
            "time_zone": "Europe/Berlin",
            "other_attendees": ["Dr. Matrix"],
        },
    )
    if created:
        meeting.hcps.add(world.get(DirectoryRecords).hcp)
    return {"pk": meeting.pk}


def meeting_id(world: World) -> dict[str, Any]:
    return {"meeting_id": a_meeting(world)["pk"]}


def own_feed(world: World, role: str) -> dict[str, Any]:
    """Each role's own feed address; the anonymous caller holds alice's."""
    user = world.users["msl" if role == "anonymous" else role]
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return {"token": feed.token}


# Alice's meeting: her manager and administrators see it, alice and administrators change it.
MEETING_SEEN = outcome_map("404", msl="ok", manager="ok", admin="ok")
MEETING_CHANGED = outcome_map("404", msl="ok", manager="403", admin="ok")

WEB_ROUTES: dict[str, Route] = {
    "engagement:meeting-list": Route(EVERYONE),
    "engagement:meeting-create": Route(FIELD_ADDERS),
    "engagement:meeting-detail": Route(MEETING_SEEN, kwargs=a_meeting),
    "engagement:meeting-ics": Route(MEETING_SEEN, kwargs=a_meeting),
    "engagement:meeting-edit": Route(MEETING_CHANGED, kwargs=a_meeting),
    "engagement:meeting-cancel": Route(MEETING_CHANGED, method="post", kwargs=a_meeting),
    "engagement:meeting-delete": Route(MEETING_CHANGED, kwargs=a_meeting),
    "engagement:calendar-feed": Route(EVERYONE),
    "engagement:calendar-feed-revoke": Route(EVERYONE, method="post"),
    # No sign-in: the address is the key. A signed-in account without a role is
    # stopped before any page (core's MemberRequiredMiddleware).
    "engagement:calendar-feed-ics": Route(outcome_map("ok", anonymous="ok"), role_kwargs=own_feed),
}


def meeting_body(world: World) -> dict[str, Any]:
    return {
        "title": "API meeting",
        "starts_at": "2026-10-26T09:00:00",
        "ends_at": "2026-10-26T10:00:00",
        "time_zone": "Europe/Berlin",
        "hcp_ids": [world.get(DirectoryRecords).hcp.pk],
        "meeting_link": "https://zoom.us/j/123",
    }


API_ROUTES: dict[str, Route] = {
    "GET /api/v1/meetings": Route(API_READ),
    "POST /api/v1/meetings": Route(
        api_map("403", msl="201", other_msl="201", manager="201", admin="201"), data=meeting_body
    ),
    "GET /api/v1/meetings/{meeting_id}": Route(
        api_map("404", msl="200", manager="200", admin="200"), kwargs=meeting_id
    ),
    "PATCH /api/v1/meetings/{meeting_id}": Route(
        api_map("404", msl="200", manager="403", admin="200"),
        kwargs=meeting_id,
        data=lambda w: {"title": "Renamed", "reason": "matrix"},
    ),
}

API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        "PATCH /api/v1/meetings/{meeting_id}",
        "cancelling is a change: the organizer's, not their manager's",
        Route(
            api_map("404", msl="200", manager="403", admin="200"),
            kwargs=meeting_id,
            data=lambda w: {"status": "cancelled"},
        ),
    ),
]
