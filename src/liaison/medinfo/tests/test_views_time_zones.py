"""Dates and times typed on the medical information pages are read in the user's
time zone (the browser's, sent in the hidden ``time_zone``), and the inquiry's page
shows them back in it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Role, User
from liaison.medinfo.models import Answer, Inquiry
from liaison.medinfo.tests import factories
from liaison.medinfo.tests.test_views_inquiries import phone_intake
from liaison.medinfo.views.common import TIME_ZONE_KEY

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin_day(days_ago: int) -> dt.date:
    """A day in Berlin, read per test (a module constant goes stale at midnight)."""
    return timezone.now().astimezone(BERLIN).date() - dt.timedelta(days=days_ago)


def shown(day: dt.date, time: str) -> str:
    """How the page writes a day and time ("4 Dec 2026, 00:30")."""
    return f"{day.day} {day:%b %Y}, {time}"


def test_a_berlin_user_just_after_midnight_stores_the_evening_before_in_utc(
    client: Client, medinfo: User, screened: list[object]
) -> None:
    day = berlin_day(3)
    client.force_login(medinfo)

    response = client.post(
        reverse("medinfo:inquiry-create"),
        phone_intake(received_at=f"{day.isoformat()}T00:30", time_zone="Europe/Berlin"),
        follow=True,
    )

    inquiry = Inquiry.objects.get()
    expected = dt.datetime.combine(day, dt.time(0, 30), tzinfo=BERLIN)
    assert inquiry.received_at == expected
    assert inquiry.received_at.astimezone(dt.UTC).date() == day - dt.timedelta(days=1)
    page = response.content.decode()
    assert shown(day, "00:30 CE") in page  # CET or CEST: Berlin's own time
    assert client.session[TIME_ZONE_KEY] == "Europe/Berlin"


def test_without_a_zone_the_time_is_read_in_the_servers(
    client: Client, medinfo: User, screened: list[object]
) -> None:
    day = berlin_day(3)
    client.force_login(medinfo)

    client.post(reverse("medinfo:inquiry-create"), phone_intake(received_at=f"{day}T00:30"))

    assert Inquiry.objects.get().received_at == dt.datetime.combine(
        day, dt.time(0, 30), tzinfo=dt.UTC
    )


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "Europe"])
def test_an_unknown_zone_saves_nothing_and_says_so(
    client: Client, medinfo: User, screened: list[object], name: str
) -> None:
    client.force_login(medinfo)

    response = client.post(
        reverse("medinfo:inquiry-create"),
        phone_intake(received_at=f"{berlin_day(3)}T00:30", time_zone=name),
    )

    assert response.status_code == 422
    assert f"Time zone: “{name}” is not a time zone" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_the_inquiry_keeps_the_forms_zone_and_counts_its_days_there(
    client: Client, medinfo: User, screened: list[object]
) -> None:
    # 00:30 on Wednesday 3 December 2025 in Berlin, still Tuesday in UTC.
    client.force_login(medinfo)

    response = client.post(
        reverse("medinfo:inquiry-create"),
        phone_intake(received_at="2025-12-03T00:30", time_zone="Europe/Berlin"),
        follow=True,
    )

    inquiry = Inquiry.objects.get()
    assert inquiry.time_zone == "Europe/Berlin"
    # Five business days of Germany from Wednesday 3 December, not from Tuesday.
    assert inquiry.due_on == dt.date(2025, 12, 10)
    assert "from 3 Dec 2025 in Europe/Berlin" in response.content.decode()


def test_an_evening_in_new_york_is_that_days_evening_in_the_queue(
    client: Client, medinfo: User, screened: list[object]
) -> None:
    # 19:00 on Wednesday 3 December 2025 in New York is Thursday in UTC.
    client.force_login(medinfo)
    intake = phone_intake(
        requester_name="Dr Ruth Adler",
        requester_country="US",
        priority="urgent",
        received_at="2025-12-03T19:00",
        time_zone="America/New_York",
    )

    client.post(reverse("medinfo:inquiry-create"), intake)
    page = client.get(reverse("medinfo:inquiry-list")).content.decode()

    inquiry = Inquiry.objects.get()
    assert inquiry.time_zone == "America/New_York"
    assert inquiry.due_on == dt.date(2025, 12, 4)
    assert "<td>3 Dec 2025</td>" in page


def test_the_delivery_typed_in_berlin_is_shown_back_in_berlin(
    client: Client, medinfo: User, msl: User
) -> None:
    inquiry = factories.inquiry(msl, product=factories.own_product())
    reviewer = factories.user("max", Role.MEDICAL_INFORMATION)
    version = factories.approved_version(medinfo, reviewer)
    answer = Answer.objects.create(
        inquiry=inquiry,
        version=version,
        prepared_by=medinfo,
        prepared_at=timezone.now() - dt.timedelta(days=4),
    )
    day = berlin_day(1)
    client.force_login(medinfo)

    response = client.post(
        reverse("medinfo:answer-deliver", args=[answer.pk]),
        {"method": "post", "delivered_at": f"{day}T00:30", "time_zone": "Europe/Berlin"},
        follow=True,
    )

    answer.refresh_from_db()
    assert answer.delivered_at == dt.datetime.combine(day, dt.time(0, 30), tzinfo=BERLIN)
    assert shown(day, "00:30 CE") in response.content.decode()


def test_the_forms_carry_the_zone_hidden_with_the_script_that_fills_it(
    client: Client, medinfo: User, msl: User
) -> None:
    inquiry = factories.inquiry(msl)
    client.force_login(medinfo)

    for url in (
        reverse("medinfo:inquiry-create"),
        reverse("medinfo:inquiry-follow-up", args=[inquiry.pk]),
    ):
        page = client.get(url).content.decode()
        assert '<input type="hidden" name="time_zone"' in page, url
        assert 'for="id_time_zone"' not in page, url
        assert "medinfo/time_zone.js" in page, url
        assert "Dates and times are in your time zone" in page, url


def test_an_action_without_a_time_has_no_zone(client: Client, medinfo: User, msl: User) -> None:
    inquiry = factories.inquiry(msl)
    client.force_login(medinfo)

    page = client.get(reverse("medinfo:inquiry-close", args=[inquiry.pk])).content.decode()

    assert 'name="time_zone"' not in page
    assert "medinfo/time_zone.js" not in page
