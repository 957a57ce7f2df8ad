"""The turnaround clock: targets by priority, due days over weekends and holidays of
the requester's country (and region), breaches, and the query that finds them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liaison.core.models import User
from liaison.lib.clocks import ClockState
from liaison.medinfo import turnaround
from liaison.medinfo.models import Inquiry, InquiryStatus, Priority
from liaison.medinfo.tests import factories


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


# An inquiry received on Monday 30 November 2026 in Germany and due on Friday
# 4 December, four business days later.
MONDAY = dt.date(2026, 11, 30)
FRIDAY = dt.date(2026, 12, 4)


def test_targets_by_priority_default_to_the_brief() -> None:
    assert [turnaround.target_days(priority) for priority in Priority.values] == [1, 3, 5, 10]


def test_targets_are_configurable_priority_by_priority(settings: Any) -> None:
    settings.LIAISON_INQUIRY_TARGET_DAYS = {"urgent": 2}

    assert turnaround.target_days(Priority.URGENT) == 2
    assert turnaround.target_days(Priority.LOW) == 10


def test_an_unknown_priority_has_no_target() -> None:
    with pytest.raises(ValueError, match="'asap' is not a priority"):
        turnaround.target_days("asap")


def test_due_day_over_christmas_in_germany() -> None:
    # Thursday 24 December 2026; 25 and 26 December are holidays, 27 a Sunday.
    christmas_eve = at(dt.date(2026, 12, 24))

    assert turnaround.due_on(christmas_eve, Priority.URGENT, "DE") == dt.date(2026, 12, 28)
    # 28, 29, 30, 31 December, then 1 January is a holiday and 2-3 a weekend.
    assert turnaround.due_on(christmas_eve, Priority.NORMAL, "DE") == dt.date(2027, 1, 4)


def test_due_day_over_the_french_national_day() -> None:
    # Monday 13 July 2026; Tuesday 14 July is a holiday in France, not in Germany.
    monday = at(dt.date(2026, 7, 13))

    assert turnaround.due_on(monday, Priority.URGENT, "FR") == dt.date(2026, 7, 15)
    assert turnaround.due_on(monday, Priority.URGENT, "DE") == dt.date(2026, 7, 14)


def test_due_day_counts_the_regional_holidays_of_an_hcp(msl: User) -> None:
    bavarian = factories.hcp("Huber", region="DE-BY")
    # Wednesday 3 June 2026; Thursday 4 June is Corpus Christi in Bavaria only.
    received = at(dt.date(2026, 6, 3))
    inquiry = factories.inquiry(msl, requester_hcp=bavarian, received_at=received)
    berliner = factories.inquiry(msl, received_at=received)

    region = turnaround.subdivision_of(inquiry)

    assert region == "DE-BY"
    assert turnaround.due_on(received, Priority.URGENT, "DE", region) == dt.date(2026, 6, 5)
    assert turnaround.subdivision_of(berliner) is None


def open_inquiry(user: User, **values: Any) -> Inquiry:
    values.setdefault("received_at", at(MONDAY))
    values.setdefault("due_on", FRIDAY)
    return factories.inquiry(user, **values)


def test_the_clock_of_an_open_inquiry(msl: User) -> None:
    inquiry = open_inquiry(msl)
    clock = turnaround.clock(inquiry)

    assert clock.state(dt.date(2026, 12, 1)) == ClockState.ON_TIME
    assert clock.remaining_text(dt.date(2026, 12, 1)) == "3 business days left"
    assert clock.state(FRIDAY) == ClockState.DUE_TODAY
    assert not turnaround.breached(inquiry, FRIDAY)
    # The weekend passes: Monday 7 December it is three days overdue.
    assert turnaround.breached(inquiry, dt.date(2026, 12, 7))
    assert clock.remaining_text(dt.date(2026, 12, 7)) == "overdue by 3 days"


def test_an_answer_on_the_due_day_is_on_time(msl: User) -> None:
    inquiry = open_inquiry(msl, status=InquiryStatus.ANSWERED, answered_at=at(FRIDAY, 16))

    assert turnaround.clock(inquiry).state(dt.date(2027, 1, 1)) == ClockState.MET
    assert not turnaround.breached(inquiry, dt.date(2027, 1, 1))
    assert turnaround.business_days_taken(inquiry) == 4


def test_a_late_answer_stays_breached(msl: User) -> None:
    inquiry = open_inquiry(msl, status=InquiryStatus.ANSWERED, answered_at=at(dt.date(2026, 12, 7)))

    assert turnaround.clock(inquiry).state(dt.date(2027, 1, 1)) == ClockState.MET_LATE
    assert turnaround.breached(inquiry, dt.date(2027, 1, 1))
    assert turnaround.business_days_taken(inquiry) == 5


def test_an_unanswered_inquiry_has_taken_no_days(msl: User) -> None:
    assert turnaround.business_days_taken(open_inquiry(msl)) is None


def test_cancelling_stops_the_clock(msl: User) -> None:
    inquiry = open_inquiry(msl, status=InquiryStatus.CANCELLED, closed_at=at(dt.date(2026, 12, 2)))

    assert turnaround.clock(inquiry).stopped_at == dt.date(2026, 12, 2)
    assert not turnaround.breached(inquiry, dt.date(2027, 1, 1))


@pytest.mark.parametrize("today", [dt.date(2026, 12, 3), FRIDAY, dt.date(2026, 12, 7)])
def test_the_breach_query_agrees_with_the_clock(msl: User, today: dt.date) -> None:
    late = at(dt.date(2026, 12, 7))
    inquiries = [
        open_inquiry(msl),
        open_inquiry(msl, due_on=dt.date(2026, 12, 2)),
        open_inquiry(msl, status=InquiryStatus.IN_PROGRESS, due_on=dt.date(2026, 12, 3)),
        open_inquiry(msl, status=InquiryStatus.ANSWERED, answered_at=at(FRIDAY)),
        open_inquiry(msl, status=InquiryStatus.ANSWERED, answered_at=late),
        open_inquiry(msl, status=InquiryStatus.CLOSED, answered_at=late, closed_at=late),
        open_inquiry(msl, status=InquiryStatus.CANCELLED, closed_at=late),
    ]
    expected = {inquiry.pk for inquiry in inquiries if turnaround.breached(inquiry, today)}

    found = set(
        turnaround.filter_breached(Inquiry.objects.all(), today).values_list("pk", flat=True)
    )
    others = set(
        turnaround.filter_breached(Inquiry.objects.all(), today, breached=False).values_list(
            "pk", flat=True
        )
    )

    assert found == expected
    assert others == {inquiry.pk for inquiry in inquiries} - expected
