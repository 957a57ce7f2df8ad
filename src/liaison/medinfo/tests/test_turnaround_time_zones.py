"""An inquiry's days are those of the place it was taken (its ``time_zone``), not the
server's UTC days: the day received, the due day, the day answered, breaches, the
business days taken and the turnaround report."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.engagement.tests import factories as engagement
from liaison.medinfo import selectors, turnaround
from liaison.medinfo.models import Inquiry, InquiryStatus, Priority
from liaison.medinfo.services import create_follow_up_inquiry, set_priority, take_inquiry
from liaison.medinfo.tests import factories
from liaison.medinfo.tests.intake import phone_inquiry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Wednesday 3 December 2025 (in the past, whenever the tests run); the clock is
# read the Monday after.
WEDNESDAY = dt.date(2025, 12, 3)
THURSDAY = dt.date(2025, 12, 4)
MONDAY = dt.date(2025, 12, 8)


def local(day: dt.date, hour: int, minute: int, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def test_received_at_half_past_midnight_in_berlin_counts_from_that_day(medinfo: User) -> None:
    received = local(WEDNESDAY, 0, 30, BERLIN)
    assert received.astimezone(dt.UTC).date() == WEDNESDAY - dt.timedelta(days=1)

    inquiry = take_inquiry(
        actor=medinfo, data=phone_inquiry(received_at=received, time_zone="Europe/Berlin")
    )
    in_utc = take_inquiry(actor=medinfo, data=phone_inquiry(received_at=received, time_zone="UTC"))

    assert inquiry.time_zone == "Europe/Berlin"
    assert turnaround.clock(inquiry).started_at == WEDNESDAY
    # Five business days from Wednesday 3 December: Thursday, Friday, Monday to Wednesday.
    assert inquiry.due_on == dt.date(2025, 12, 10)
    # Counted from the UTC day, Tuesday 2 December, it falls due a day early.
    assert in_utc.due_on == dt.date(2025, 12, 9)


def test_a_time_without_an_offset_is_read_in_the_inquirys_zone(medinfo: User) -> None:
    inquiry = take_inquiry(
        actor=medinfo,
        data=phone_inquiry(
            received_at=dt.datetime.combine(WEDNESDAY, dt.time(0, 30)), time_zone="Europe/Berlin"
        ),
    )

    assert inquiry.received_at == local(WEDNESDAY, 0, 30, BERLIN)


def test_a_new_york_evening_inquiry_answered_the_next_evening_is_on_time(
    medinfo: User,
) -> None:
    # 19:00 on Wednesday in New York is already Thursday in UTC.
    received = local(WEDNESDAY, 19, 0, NEW_YORK)
    assert received.astimezone(dt.UTC).date() == THURSDAY
    inquiry = take_inquiry(
        actor=medinfo,
        data=phone_inquiry(
            requester_country="US",
            priority=Priority.URGENT,
            received_at=received,
            time_zone="America/New_York",
        ),
    )
    assert inquiry.due_on == THURSDAY
    # Answered at 20:00 on Thursday in New York: Friday 01:00 in UTC.
    answered = local(THURSDAY, 20, 0, NEW_YORK)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=InquiryStatus.ANSWERED, answered_at=answered
    )
    inquiry.refresh_from_db()

    assert turnaround.clock(inquiry).stopped_at == THURSDAY
    assert not turnaround.breached(inquiry, MONDAY)
    assert turnaround.business_days_taken(inquiry) == 1
    on_time = turnaround.filter_breached(Inquiry.objects.all(), MONDAY, breached=False)
    assert list(on_time) == [inquiry]
    assert not turnaround.filter_breached(Inquiry.objects.all(), MONDAY).exists()


def test_the_breach_query_reads_each_inquiry_in_its_own_zone(msl: User) -> None:
    # Both answered at 23:30 UTC on Wednesday, due Wednesday: still Wednesday in New
    # York (on time), already Thursday in Berlin (late).
    answered = local(WEDNESDAY, 23, 30, zoneinfo.ZoneInfo("UTC"))
    values = {
        "status": InquiryStatus.ANSWERED,
        "received_at": answered - dt.timedelta(days=2),
        "answered_at": answered,
        "due_on": WEDNESDAY,
    }
    berlin = factories.inquiry(msl, time_zone="Europe/Berlin", **values)
    new_york = factories.inquiry(msl, time_zone="America/New_York", **values)
    server = factories.inquiry(msl, time_zone="", **values)

    found = set(turnaround.filter_breached(Inquiry.objects.all(), MONDAY))

    assert found == {berlin}
    assert {i for i in (berlin, new_york, server) if turnaround.breached(i, MONDAY)} == found


def test_the_report_counts_an_answer_on_the_day_it_was_where_it_was_taken(
    medinfo: User,
) -> None:
    # 23:30 UTC on Sunday 30 November is Monday 1 December in Berlin; received Friday.
    answered = local(dt.date(2025, 11, 30), 23, 30, zoneinfo.ZoneInfo("UTC"))
    factories.inquiry(
        medinfo,
        time_zone="Europe/Berlin",
        status=InquiryStatus.ANSWERED,
        received_at=local(dt.date(2025, 11, 28), 10, 0, BERLIN),
        answered_at=answered,
        due_on=dt.date(2025, 12, 5),
    )

    december = selectors.turnaround_report(medinfo, dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    november = selectors.turnaround_report(medinfo, dt.date(2025, 11, 1), dt.date(2025, 11, 30))

    assert (december.total.answered, december.total.on_time) == (1, 1)
    assert december.total.median_business_days == 1
    assert november.total.answered == 0


def test_field_intake_takes_the_interactions_zone_unless_given(msl: User) -> None:
    hcp = factories.hcp("Weber")
    visit = engagement.interaction(
        msl, [hcp], occurred_at=local(WEDNESDAY, 0, 30, BERLIN), time_zone="Europe/Berlin"
    )
    question = "Is there data in the elderly?"

    taken = take_inquiry(actor=msl, data={"interaction": visit, "question": question})
    given = take_inquiry(
        actor=msl, data={"interaction": visit, "question": question, "time_zone": "Asia/Tokyo"}
    )

    assert taken.time_zone == "Europe/Berlin"
    assert turnaround.clock(taken).started_at == WEDNESDAY
    assert given.time_zone == "Asia/Tokyo"


def test_without_a_zone_the_servers_is_kept(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry())

    assert inquiry.time_zone == "UTC"


# A folder of the zone database and a path out of it are no zones either.
@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "Europe", "../etc/passwd"])
def test_an_unknown_zone_is_refused_naming_the_field(medinfo: User, name: str) -> None:
    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(time_zone=name))

    assert refused.value.field == "time_zone"
    assert f"Time zone: “{name}” is not a time zone" in refused.value.message
    assert not Inquiry.objects.exists()


def test_a_follow_up_and_a_new_priority_keep_the_zone(medinfo: User) -> None:
    parent = take_inquiry(
        actor=medinfo,
        data=phone_inquiry(received_at=local(WEDNESDAY, 0, 30, BERLIN), time_zone="Europe/Berlin"),
    )

    follow_up = create_follow_up_inquiry(actor=medinfo, parent=parent, question="And in children?")
    set_priority(actor=medinfo, inquiry=parent, priority=Priority.URGENT, reason="a patient waits")

    assert follow_up.time_zone == "Europe/Berlin"
    parent.refresh_from_db()
    # One business day from Wednesday 3 December (Berlin), not from Tuesday.
    assert parent.due_on == THURSDAY
