"""An inquiry's today is its local date where it was taken (its ``time_zone``), not
the server's UTC date: whether it is due today or overdue, in the clock, the queue's
breach filter, the breach count, the home panel, the report, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.lib.clocks import ClockState
from liaison.medinfo import home, selectors, turnaround
from liaison.medinfo.models import Inquiry, InquiryStatus
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DUE = dt.date(2026, 12, 10)
# 20:00 on the due day in Los Angeles: already 04:00 on 11 December in UTC.
LA_EVENING = dt.datetime(2026, 12, 10, 20, tzinfo=LOS_ANGELES)
# Half past midnight the day after in Los Angeles: the due day is over there.
LA_NEXT_DAY = dt.datetime(2026, 12, 11, 0, 30, tzinfo=LOS_ANGELES)
# 16:00 on the due day in UTC: already 01:00 on 11 December in Tokyo.
UTC_AFTERNOON = dt.datetime(2026, 12, 10, 16, tzinfo=dt.UTC)


def due_on_the_10th(user: User, zone: str, **values: object) -> Inquiry:
    return factories.inquiry(
        user,
        due_on=DUE,
        time_zone=zone,
        requester_country="US",
        received_at=dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC),
        **values,
    )


def breached_references(user: User, now: dt.datetime) -> set[str]:
    return {i.reference for i in selectors.queue_inquiries(user, breached=True, now=now)}


def test_the_instants_are_the_days_they_claim() -> None:
    assert LA_EVENING.astimezone(dt.UTC) == dt.datetime(2026, 12, 11, 4, tzinfo=dt.UTC)
    assert UTC_AFTERNOON.astimezone(TOKYO).date() == dt.date(2026, 12, 11)


def test_the_clock_reads_a_los_angeles_inquiry_on_its_local_day(medinfo: User) -> None:
    inquiry = due_on_the_10th(medinfo, "America/Los_Angeles")

    assert turnaround.today_of(inquiry, LA_EVENING) == DUE
    assert not turnaround.breached(inquiry, LA_EVENING)
    row = selectors.queue_row(inquiry, LA_EVENING)
    assert (row.state, row.breached, row.remaining) == (ClockState.DUE_TODAY, False, "due today")

    assert turnaround.today_of(inquiry, LA_NEXT_DAY) == DUE + dt.timedelta(days=1)
    assert turnaround.breached(inquiry, LA_NEXT_DAY)
    row = selectors.queue_row(inquiry, LA_NEXT_DAY)
    assert (row.state, row.remaining) == (ClockState.OVERDUE, "overdue by 1 day")


def test_the_queue_filter_and_the_count_read_each_inquiry_on_its_local_day(
    medinfo: User,
) -> None:
    los_angeles = due_on_the_10th(medinfo, "America/Los_Angeles")
    # Read at the same instant on the server's (UTC) day, 11 December: overdue.
    server = due_on_the_10th(medinfo, "")

    assert breached_references(medinfo, LA_EVENING) == {server.reference}
    on_time = selectors.queue_inquiries(medinfo, breached=False, now=LA_EVENING)
    assert {i.reference for i in on_time} == {los_angeles.reference}
    assert selectors.open_breach_count(medinfo, LA_EVENING) == 1

    assert breached_references(medinfo, LA_NEXT_DAY) == {los_angeles.reference, server.reference}
    assert selectors.open_breach_count(medinfo, LA_NEXT_DAY) == 2


def test_the_home_panel_reads_each_inquiry_on_its_local_day(medinfo: User) -> None:
    los_angeles = due_on_the_10th(medinfo, "America/Los_Angeles")

    panel = home.overdue_inquiries(medinfo, LA_EVENING)
    assert panel is not None
    assert (panel["count"], panel["rows"]) == (0, [])

    panel = home.overdue_inquiries(medinfo, LA_NEXT_DAY)
    assert panel is not None
    assert panel["count"] == 1
    assert [(r["inquiry"].reference, r["days_overdue"]) for r in panel["rows"]] == [
        (los_angeles.reference, 1)
    ]


def test_a_tokyo_inquiry_is_overdue_once_its_local_day_is_over(medinfo: User) -> None:
    tokyo = due_on_the_10th(medinfo, "Asia/Tokyo")
    server = due_on_the_10th(medinfo, "")

    assert turnaround.breached(tokyo, UTC_AFTERNOON)
    assert selectors.queue_row(tokyo, UTC_AFTERNOON).remaining == "overdue by 1 day"
    # Still the 10th in UTC: the server's inquiry is due today.
    assert selectors.queue_row(server, UTC_AFTERNOON).state == ClockState.DUE_TODAY
    assert breached_references(medinfo, UTC_AFTERNOON) == {tokyo.reference}
    assert selectors.open_breach_count(medinfo, UTC_AFTERNOON) == 1
    panel = home.overdue_inquiries(medinfo, UTC_AFTERNOON)
    assert panel is not None
    assert [r["days_overdue"] for r in panel["rows"]] == [1]


@pytest.mark.parametrize("now", [LA_EVENING, LA_NEXT_DAY, UTC_AFTERNOON])
def test_the_breach_query_agrees_with_the_clock_in_every_zone(
    medinfo: User, now: dt.datetime
) -> None:
    zones = ("America/Los_Angeles", "Asia/Tokyo", "Europe/Berlin", "UTC", "")
    inquiries = [due_on_the_10th(medinfo, zone) for zone in zones]
    answered = dt.datetime(2026, 12, 10, 23, 30, tzinfo=dt.UTC)
    inquiries += [
        due_on_the_10th(medinfo, zone, status=InquiryStatus.ANSWERED, answered_at=answered)
        for zone in zones
    ]

    expected = {i.pk for i in inquiries if turnaround.breached(i, now)}
    found = set(turnaround.filter_breached(Inquiry.objects.all(), now).values_list("pk", flat=True))
    others = turnaround.filter_breached(Inquiry.objects.all(), now, breached=False)

    assert found == expected
    assert set(others.values_list("pk", flat=True)) == {i.pk for i in inquiries} - expected


def test_the_count_is_one_query_whatever_the_zones(medinfo: User) -> None:
    for zone in ("America/Los_Angeles", "Asia/Tokyo", "Europe/Berlin", ""):
        due_on_the_10th(medinfo, zone)

    with CaptureQueriesContext(connection) as queries:
        count = selectors.open_breach_count(medinfo, LA_EVENING)

    assert count == 3
    assert len(queries) == 1


def test_the_report_counts_open_breaches_on_each_inquirys_local_day(medinfo: User) -> None:
    due_on_the_10th(medinfo, "America/Los_Angeles")
    due_on_the_10th(medinfo, "")

    def open_breaches(now: dt.datetime) -> int:
        report = selectors.turnaround_report(medinfo, dt.date(2026, 12, 1), DUE, now=now)
        return report.total.open_breaches

    assert open_breaches(LA_EVENING) == 1
    assert open_breaches(LA_NEXT_DAY) == 2


def test_the_api_and_the_cli_read_each_inquiry_on_its_local_day(
    medinfo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    inquiry = due_on_the_10th(medinfo, "America/Los_Angeles")
    api = ApiClient(medinfo)
    monkeypatch.setattr("django.utils.timezone.now", lambda: LA_EVENING.astimezone(dt.UTC))

    listed = api.get("/medinfo/inquiries?breached=false").json()["results"]
    assert [(i["reference"], i["clock"]["state"]) for i in listed] == [
        (inquiry.reference, "due_today")
    ]
    assert api.get("/medinfo/inquiries?breached=true").json()["results"] == []
    out = io.StringIO()
    call_command("medinfo", "inquiries", "--as", medinfo.username, "--format", "json", stdout=out)
    assert [row["clock"]["state"] for row in json.loads(out.getvalue())] == ["due_today"]
