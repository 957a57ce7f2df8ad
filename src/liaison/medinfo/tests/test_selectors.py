"""Reads of medical information: the queue with its clocks and filters, the
turnaround report, an HCP's inquiry history, the chain of custody; each for the
roles that may see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liaison.core.errors import PermissionDenied
from liaison.core.models import User
from liaison.lib.clocks import ClockState
from liaison.medinfo import selectors
from liaison.medinfo.models import Handoff, Inquiry, InquiryStatus, Priority
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

# Read on Monday 7 December 2026; inquiries received on Monday 30 November.
TODAY = dt.date(2026, 12, 7)
RECEIVED = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def received(user: User, due_on: dt.date, **values: Any) -> Inquiry:
    values.setdefault("received_at", RECEIVED)
    return factories.inquiry(user, due_on=due_on, **values)


# The queue


def test_queue_lists_open_inquiries_soonest_due_first_with_their_clocks(medinfo: User) -> None:
    later = received(medinfo, dt.date(2026, 12, 9))
    overdue = received(medinfo, dt.date(2026, 12, 3))
    received(medinfo, dt.date(2026, 12, 1), status=InquiryStatus.CLOSED, closed_at=RECEIVED)

    rows = selectors.queue(medinfo, now=TODAY)

    assert [row.inquiry for row in rows] == [overdue, later]
    assert [(row.state, row.breached) for row in rows] == [
        (ClockState.OVERDUE, True),
        (ClockState.ON_TIME, False),
    ]
    assert rows[0].remaining == "overdue by 4 days"
    assert rows[1].remaining == "2 business days left"


def test_queue_filters_breaches(medinfo: User) -> None:
    received(medinfo, dt.date(2026, 12, 9))
    overdue = received(medinfo, dt.date(2026, 12, 3))

    breached = selectors.queue(medinfo, breached=True, now=TODAY)
    fine = selectors.queue(medinfo, breached=False, now=TODAY)

    assert [row.inquiry for row in breached] == [overdue]
    assert overdue not in [row.inquiry for row in fine] and len(fine) == 1


def test_queue_filters_status_priority_product_and_assignee(medinfo: User) -> None:
    colleague = factories.user("max", "medical_information")
    product = factories.own_product()
    due = dt.date(2026, 12, 9)
    urgent = received(medinfo, due, priority=Priority.URGENT)
    about = received(medinfo, due, product=product)
    assigned = received(medinfo, due, assigned_to=colleague, status=InquiryStatus.IN_PROGRESS)
    answered = received(medinfo, due, status=InquiryStatus.ANSWERED, answered_at=RECEIVED)

    def listed(**filters: Any) -> list[Inquiry]:
        return list(selectors.queue_inquiries(medinfo, now=TODAY, **filters))

    assert listed(priority=Priority.URGENT) == [urgent]
    assert listed(product=product) == [about]
    assert listed(assigned_to=colleague) == [assigned]
    assert listed(status=InquiryStatus.ANSWERED) == [answered]
    assert answered not in listed()
    assert set(listed(status=selectors.ALL)) == {urgent, about, assigned, answered}
    assert set(listed(status=[InquiryStatus.ANSWERED, InquiryStatus.IN_PROGRESS])) == {
        assigned,
        answered,
    }


@pytest.mark.parametrize(
    ("who", "count"),
    [("msl", 1), ("other_msl", 0), ("medinfo", 2), ("pv", 2), ("compliance", 2), ("outsider", 0)],
)
def test_queue_holds_what_the_role_sees(
    msl: User,
    other_msl: User,
    medinfo: User,
    pv: User,
    compliance: User,
    outsider: User,
    who: str,
    count: int,
) -> None:
    received(msl, dt.date(2026, 12, 9))
    received(medinfo, dt.date(2026, 12, 9))
    users = {
        "msl": msl,
        "other_msl": other_msl,
        "medinfo": medinfo,
        "pv": pv,
        "compliance": compliance,
        "outsider": outsider,
    }

    assert len(selectors.queue(users[who], now=TODAY)) == count


# The turnaround report


def test_turnaround_report_counts_by_priority(medinfo: User) -> None:
    due = dt.date(2026, 12, 4)
    # Answered after 2, 4 and 5 business days; the last one late.
    for day in (dt.date(2026, 12, 2), dt.date(2026, 12, 4), dt.date(2026, 12, 7)):
        received(medinfo, due, status=InquiryStatus.ANSWERED, answered_at=at(day))
    received(
        medinfo,
        dt.date(2026, 12, 1),
        priority=Priority.URGENT,
        status=InquiryStatus.ANSWERED,
        answered_at=at(dt.date(2026, 12, 1)),
    )
    received(medinfo, dt.date(2026, 12, 2), priority=Priority.URGENT)  # open, overdue
    received(medinfo, dt.date(2026, 12, 9))  # open, on time
    # Answered outside the period: not counted.
    received(medinfo, due, status=InquiryStatus.ANSWERED, answered_at=at(dt.date(2026, 11, 30)))

    report = selectors.turnaround_report(
        medinfo, dt.date(2026, 12, 1), dt.date(2026, 12, 31), now=TODAY
    )

    by_priority = {row.priority: row for row in report.rows}
    normal, urgent = by_priority[Priority.NORMAL], by_priority[Priority.URGENT]
    assert (normal.answered, normal.on_time, normal.late) == (3, 2, 1)
    assert normal.median_business_days == 4
    assert normal.open_breaches == 0
    assert (urgent.answered, urgent.on_time, urgent.median_business_days) == (1, 1, 1)
    assert urgent.open_breaches == 1
    assert by_priority[Priority.LOW].median_business_days is None
    assert (report.total.answered, report.total.late, report.total.open_breaches) == (4, 1, 1)
    assert report.total.median_business_days == 3


def test_field_manager_reports_on_their_team_only(
    msl: User, other_msl: User, field_manager: User
) -> None:
    answered = {"status": InquiryStatus.ANSWERED, "answered_at": at(dt.date(2026, 12, 2))}
    received(msl, dt.date(2026, 12, 4), **answered)
    received(other_msl, dt.date(2026, 12, 4), **answered)

    report = selectors.turnaround_report(
        field_manager, dt.date(2026, 12, 1), dt.date(2026, 12, 31), now=TODAY
    )

    assert report.total.answered == 1


def test_msl_does_not_read_the_turnaround_report(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        selectors.turnaround_report(msl, dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def test_open_breach_count(medinfo: User, other_msl: User) -> None:
    received(medinfo, dt.date(2026, 12, 3))
    received(medinfo, dt.date(2026, 12, 9))

    assert selectors.open_breach_count(medinfo, TODAY) == 1
    assert selectors.open_breach_count(other_msl, TODAY) == 0


# An HCP's history and the chain


def test_inquiries_of_an_hcp_for_those_who_see_them(
    msl: User, other_msl: User, medinfo: User, pv: User
) -> None:
    weber = factories.hcp("Weber")
    first = received(msl, dt.date(2026, 12, 9), requester_hcp=weber)
    second = received(
        medinfo, dt.date(2026, 12, 9), requester_hcp=weber, received_at=at(dt.date(2026, 12, 1))
    )
    received(medinfo, dt.date(2026, 12, 9))

    assert list(selectors.inquiries_of_hcp(medinfo, weber)) == [second, first]
    assert list(selectors.inquiries_of_hcp(pv, weber)) == [second, first]
    assert list(selectors.inquiries_of_hcp(msl, weber)) == [first]
    assert list(selectors.inquiries_of_hcp(other_msl, weber)) == []


def test_chain_of_custody_in_order_for_those_who_see_the_inquiry(
    msl: User, other_msl: User, medinfo: User
) -> None:
    inquiry = received(msl, dt.date(2026, 12, 9))
    kept = Handoff.objects.create(inquiry=inquiry, from_user=msl, to_user=msl, at=RECEIVED)
    handed = Handoff.objects.create(
        inquiry=inquiry, from_user=msl, to_user=medinfo, at=at(dt.date(2026, 12, 1))
    )

    assert list(selectors.chain_of_custody(medinfo, inquiry)) == [kept, handed]
    assert list(selectors.chain_of_custody(other_msl, inquiry)) == []
