"""The personal calendar feed, read back with the ``icalendar`` package: meetings
at their wall-clock time in their own zone on both sides of a daylight-saving
change, the right UTC instants, follow-up due dates, cancelled meetings,
revocation, and nobody else's records; one meeting's ICS download; the address
in ``GET /api/v1/me``."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.audit import history_for
from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.engagement.models import CalendarFeed, Meeting
from liaison.engagement.services import calendar, meetings
from liaison.engagement.services.data import MeetingData
from liaison.engagement.tests import factories

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC


def plan(user: User, title: str, local: dt.datetime, zone: str, **extra: Any) -> Meeting:
    """A meeting planned through the service at the naive wall-clock time ``local`` in ``zone``."""
    data = MeetingData(
        title=title,
        starts_at=local,
        ends_at=local + dt.timedelta(hours=1),
        time_zone=zone,
        other_attendees=["Dr. Example"],
        **extra,  # type: ignore[typeddict-item]
    )
    return meetings.create_meeting(actor=user, data=data)


def feed_url(user: User) -> str:
    return calendar.feed_path(calendar.feed_for(actor=user))


def read(url: str, client: Client | None = None) -> icalendar.Calendar:
    response = (client or Client()).get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(cal: icalendar.Calendar) -> dict[str, Any]:
    return {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}


def test_berlin_meetings_stay_at_nine_across_the_end_of_summer_time(msl: User) -> None:
    # Summer time ends in Berlin on Sunday 25 October 2026.
    plan(msl, "Before", dt.datetime(2026, 10, 23, 9, 0), "Europe/Berlin")
    plan(msl, "After", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    found = events(read(feed_url(msl)))
    before, after = found["Before"].decoded("DTSTART"), found["After"].decoded("DTSTART")
    assert (before.hour, before.minute) == (9, 0) and (after.hour, after.minute) == (9, 0)
    assert found["Before"]["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert before.astimezone(UTC) == dt.datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert found["After"].decoded("DTEND").astimezone(UTC) == dt.datetime(
        2026, 10, 26, 9, 0, tzinfo=UTC
    )


def test_new_york_meetings_stay_at_nine_across_the_us_change(msl: User) -> None:
    # Daylight saving time ends in New York on Sunday 1 November 2026.
    plan(msl, "NY before", dt.datetime(2026, 10, 30, 9, 0), "America/New_York")
    plan(msl, "NY after", dt.datetime(2026, 11, 2, 9, 0), "America/New_York")
    found = events(read(feed_url(msl)))
    before, after = found["NY before"].decoded("DTSTART"), found["NY after"].decoded("DTSTART")
    assert before.hour == 9 and after.hour == 9
    assert before.astimezone(UTC) == dt.datetime(2026, 10, 30, 13, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == dt.datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_each_zone_used_has_its_vtimezone(msl: User) -> None:
    plan(msl, "Berlin", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    plan(msl, "New York", dt.datetime(2026, 11, 2, 9, 0), "America/New_York")
    cal = read(feed_url(msl))
    zones = sorted(str(zone["TZID"]) for zone in cal.walk("VTIMEZONE"))
    assert zones == ["America/New_York", "Europe/Berlin"]


def test_an_event_carries_uid_sequence_place_link_and_agenda(msl: User) -> None:
    hcp = factories.an_hcp("Weber", given_name="Anna")
    meeting = plan(
        msl,
        "Advisory prep",
        dt.datetime(2026, 10, 26, 9, 0),
        "Europe/Berlin",
        location="Charité, Berlin",
        meeting_link="https://teams.microsoft.com/l/meetup-join/abc",
        agenda="Phase 3 results",
        hcps=[hcp],
    )
    first = events(read(feed_url(msl)))["Advisory prep"]
    assert str(first["LOCATION"]) == "Charité, Berlin"
    assert str(first["URL"]) == "https://teams.microsoft.com/l/meetup-join/abc"
    description = str(first["DESCRIPTION"])
    assert "Phase 3 results" in description and "Anna Weber" in description
    assert "Dr. Example" in description
    assert str(first["STATUS"]) == "CONFIRMED" and "DTSTAMP" in first
    meetings.update_meeting(actor=msl, meeting=meeting, data=MeetingData(agenda="New agenda"))
    second = events(read(feed_url(msl)))["Advisory prep"]
    assert str(second["UID"]) == str(first["UID"])
    assert second.decoded("SEQUENCE") == first.decoded("SEQUENCE") + 1


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(msl: User) -> None:
    meeting = plan(msl, "Visit", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    meetings.cancel_meeting(actor=msl, meeting=meeting)
    (event,) = read(feed_url(msl)).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 1


def test_open_follow_ups_are_all_day_events_on_their_due_date(msl: User) -> None:
    factories.follow_up(msl, description="Send the poster", due=dt.date(2026, 12, 15))
    done = factories.follow_up(msl, description="Call back", due=dt.date(2026, 12, 16))
    done.done_at = timezone.now()
    done.save()
    cal = read(feed_url(msl))
    due_events = [e for e in cal.walk("VEVENT") if "Follow-up due" in str(e["SUMMARY"])]
    assert len(due_events) == 1
    (event,) = due_events
    assert "Send the poster" in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == dt.date(2026, 12, 15)
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)  # all day
    assert event.decoded("DTEND") == dt.date(2026, 12, 16)


def test_another_users_address_never_shows_my_records(msl: User, other_msl: User) -> None:
    plan(msl, "Alice's visit", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    factories.follow_up(msl, description="Alice's promise")
    plan(other_msl, "Bob's visit", dt.datetime(2026, 10, 26, 9, 0), "America/Los_Angeles")
    bobs = read(feed_url(other_msl)).to_ical().decode()
    assert "Bob's visit" in bobs
    assert "Alice" not in bobs
    alices = read(feed_url(msl)).to_ical().decode()
    assert "Bob's visit" not in alices


def test_revoking_replaces_the_address_and_the_old_one_answers_404(msl: User) -> None:
    plan(msl, "Visit", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    old = feed_url(msl)
    read(old)
    feed = calendar.revoke_feed(actor=msl)
    assert Client().get(old).status_code == 404
    new = calendar.feed_path(feed)
    assert new != old and "Visit" in str(events(read(new)))
    # The token is audited as a keyed hash, never in clear.
    change = history_for(feed).order_by("-pk").first()
    assert change is not None and feed.token not in str(change.changes)


def test_revoke_from_the_page(client: Client, msl: User) -> None:
    client.force_login(msl)
    page = client.get(reverse("engagement:calendar-feed")).content.decode()
    old = CalendarFeed.objects.get(user=msl).token
    assert old in page and "Google Calendar" in page and "Outlook" in page
    response = client.post(reverse("engagement:calendar-feed-revoke"))
    assert response.status_code == 302
    assert CalendarFeed.objects.get(user=msl).token != old
    assert Client().get(f"/engagement/calendar/{old}.ics").status_code == 404


def test_an_unknown_address_or_a_roleless_owner_answers_404(msl: User) -> None:
    url = feed_url(msl)
    assert Client().get("/engagement/calendar/not-a-token-of-anyone.ics").status_code == 404
    msl.role = ""
    msl.save()
    assert Client().get(url).status_code == 404


def test_an_unchanged_feed_answers_304(msl: User) -> None:
    plan(msl, "Visit", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    url = feed_url(msl)
    first = Client().get(url)
    etag = first["ETag"]
    assert "private" in first["Cache-Control"]
    assert Client().get(url, headers={"If-None-Match": etag}).status_code == 304
    plan(msl, "Another", dt.datetime(2026, 10, 27, 9, 0), "Europe/Berlin")
    assert Client().get(url, headers={"If-None-Match": etag}).status_code == 200
    # A client checking with HEAD first gets the headers, and POST is refused.
    assert Client().head(url)["ETag"] != etag
    assert Client().post(url).status_code == 405


def test_one_meeting_downloads_as_ics(client: Client, msl: User, field_manager: User) -> None:
    meeting = plan(msl, "Visit", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    url = reverse("engagement:meeting-ics", kwargs={"pk": meeting.pk})
    client.force_login(field_manager)  # the manager sees the team's meetings
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="meeting-{meeting.pk}.ics"' in response["Content-Disposition"]
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_me_gives_the_feed_address(msl: User) -> None:
    response = ApiClient(msl).get("/me")
    assert response.status_code == 200
    url = response.json()["calendar_feed_url"]
    feed = CalendarFeed.objects.get(user=msl)
    assert url == f"http://testserver/engagement/calendar/{feed.token}.ics"
    # The same address on the next call; the feed answers at it.
    assert ApiClient(msl).get("/me").json()["calendar_feed_url"] == url
    plan(msl, "Visit", dt.datetime(2026, 10, 26, 9, 0), "Europe/Berlin")
    assert "Visit" in events(read(url.removeprefix("http://testserver")))
