"""Meetings, the calendar feed and follow-ups in the browser: a meeting planned
with the HCP and a pre-read picked by keyboard (arrow keys and Enter), its page
and "Add to my calendar"; the calendar feed page (address, revoke); a follow-up
marked done in place (htmx) with the menu's overdue count updated without a
reload; axe-core on every page, at tablet width."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.models import CalendarFeed, FollowUp, Meeting
from liaison.literature.models import Publication
from tests.browser.alice import create_alice, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def alice(settings: Any) -> User:
    return create_alice(settings)


@pytest.fixture(autouse=True)
def patient(page: Any) -> None:
    """A first page of the live server can take long on a loaded machine."""
    page.set_default_navigation_timeout(60_000)


def test_msl_plans_a_meeting_with_the_pickers(page: Any, axe: Any, alice: User) -> None:
    hcp = HCP.objects.create(family_name="Weber", given_name="Jonas", country="DE")
    Publication.objects.create(pmid=31562798, title="Nivolumab in resected melanoma")
    page.set_viewport_size(TABLET)
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.wait_for_url(re.compile(r".*/engagement/meetings/$"))
    axe.check(page)
    page.get_by_role("link", name="Plan a meeting").first.click()
    page.wait_for_url(re.compile(r".*/engagement/meetings/new/$"))
    axe.check(page)
    page.get_by_label("Title").fill("Melanoma adjuvant data")
    page.get_by_label(re.compile("^Date")).fill("2026-10-26")
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_label("Ends at").fill("10:00")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    hcps = page.get_by_role("combobox", name="HCPs")
    hcps.press_sequentially("Web")
    page.locator("#hcps-listbox [role=option]", has_text="Weber").wait_for()
    hcps.press("ArrowDown")
    hcps.press("Enter")
    page.locator("#hcps-chosen .chip", has_text="Weber").wait_for()
    axe.check(page)
    reads = page.get_by_role("combobox", name="Pre-reads")
    reads.press_sequentially("31562798")
    page.locator("#pre_reads-listbox [role=option]", has_text="Nivolumab").wait_for()
    reads.press("ArrowDown")
    reads.press("Enter")
    page.locator("#pre_reads-chosen .chip", has_text="Nivolumab").wait_for()
    page.get_by_label("Meeting link").fill("https://zoom.us/j/123")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/engagement/meetings/\d+/$"))
    axe.check(page)
    meeting = Meeting.objects.get()
    assert list(meeting.hcps.all()) == [hcp]
    assert [p.pmid for p in meeting.pre_reads.all()] == [31562798]
    assert meeting.starts_at == dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC)
    assert "Monday 26 October 2026, 09:00" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    assert download.value.suggested_filename == f"meeting-{meeting.pk}.ics"


def test_msl_finds_and_replaces_the_calendar_address(page: Any, axe: Any, alice: User) -> None:
    page.set_viewport_size(TABLET)
    sign_in(page)
    page.goto("/engagement/calendar/")
    axe.check(page)
    old = CalendarFeed.objects.get(user=alice).token
    assert old in page.get_by_label("Your calendar address").input_value()
    page.get_by_role("button", name="Replace the address").click()
    page.wait_for_url(re.compile(r".*/engagement/calendar/$"))
    axe.check(page)
    new = CalendarFeed.objects.get(user=alice).token
    assert new != old and new in page.get_by_label("Your calendar address").input_value()


def test_msl_marks_a_follow_up_done_in_place(page: Any, axe: Any, alice: User) -> None:
    today = timezone.localdate()
    late = FollowUp.objects.create(
        owner=alice, description="Send the adjuvant poster", due=today - dt.timedelta(days=2)
    )
    FollowUp.objects.create(
        owner=alice, description="Call back about the trial", due=today - dt.timedelta(days=1)
    )
    page.set_viewport_size(TABLET)
    sign_in(page)
    assert page.locator("#nav-count-follow-ups").inner_text().endswith("2")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Follow-ups")
    ).click()
    page.wait_for_url(re.compile(r".*/engagement/follow-ups/$"))
    axe.check(page)
    row = page.locator(f"#follow-up-{late.pk}")
    assert "Overdue" in row.inner_text()
    row.get_by_role("button", name=re.compile("^Done")).click()
    page.locator(f"#follow-up-{late.pk}", has_text="Open again").wait_for()
    assert page.locator("#nav-count-follow-ups").inner_text().endswith("1")
    assert page.locator("#follow-up-overdue").inner_text() == "1 overdue"
    assert page.url.endswith("/engagement/follow-ups/")  # swapped in place
    axe.check(page)
    late.refresh_from_db()
    assert late.done_at is not None
