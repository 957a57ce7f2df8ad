"""Clocks: states at their boundaries, the time left in words, deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.lib.clocks import (
    Clock,
    ClockState,
    business_deadline,
    calendar_deadline,
)

D = dt.date
UTC = dt.UTC
PARIS_WINTER = dt.timezone(dt.timedelta(hours=1), "CET")


def at(day: int, hour: int = 0, minute: int = 0, microsecond: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, 0, microsecond, tzinfo=UTC)


def due_on(day: dt.date, *, stopped_at: dt.date | dt.datetime | None = None) -> Clock:
    return Clock("Answer the inquiry", D(2026, 12, 1), day, stopped_at)


# --- deadlines ---------------------------------------------------------------------------


def test_calendar_deadline_counts_every_day_from_day_zero() -> None:
    assert calendar_deadline(D(2026, 12, 1), 15) == D(2026, 12, 16)
    assert calendar_deadline(at(1, 23, 59), 15) == D(2026, 12, 16)
    assert calendar_deadline(D(2026, 12, 1), 0) == D(2026, 12, 1)


def test_business_deadline_skips_weekends_and_holidays() -> None:
    assert business_deadline(D(2026, 12, 24), 1, "FR") == D(2026, 12, 28)
    assert business_deadline(at(24, 16), 1, "US") == D(2026, 12, 28)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="days: -15"):
        calendar_deadline(D(2026, 12, 1), -15)
    with pytest.raises(ValueError, match="days: -1"):
        business_deadline(D(2026, 12, 1), -1, "FR")


def test_business_clock_started_on_a_friday_is_due_on_monday() -> None:
    clock = Clock.in_business_days("Forward to pharmacovigilance", D(2026, 12, 4), 1, "DE")
    assert clock.due == D(2026, 12, 7)
    saturday = D(2026, 12, 5)
    assert clock.state(saturday) is ClockState.ON_TIME
    assert clock.remaining_text(saturday) == "1 business day left"


# --- states of a clock due on a day ------------------------------------------------------


def test_day_clock_is_on_time_before_its_day() -> None:
    assert due_on(D(2026, 12, 16)).state(D(2026, 12, 15)) is ClockState.ON_TIME


def test_day_clock_is_due_today_through_the_last_minute_of_its_day() -> None:
    clock = due_on(D(2026, 12, 16))
    assert clock.state(D(2026, 12, 16)) is ClockState.DUE_TODAY
    assert clock.state(at(16, 23, 59)) is ClockState.DUE_TODAY


def test_day_clock_is_overdue_from_the_next_day() -> None:
    clock = due_on(D(2026, 12, 16))
    assert clock.state(D(2026, 12, 17)) is ClockState.OVERDUE
    assert clock.state(at(17, 0, 0)) is ClockState.OVERDUE
    assert clock.is_breached(D(2026, 12, 17))
    assert not clock.is_breached(D(2026, 12, 16))


def test_day_clock_stopped_on_its_day_is_met() -> None:
    clock = due_on(D(2026, 12, 16), stopped_at=at(16, 23, 59))
    assert clock.state(D(2027, 1, 30)) is ClockState.MET
    assert not clock.is_breached(D(2027, 1, 30))


def test_day_clock_stopped_the_day_after_is_met_late() -> None:
    clock = due_on(D(2026, 12, 16), stopped_at=D(2026, 12, 17))
    assert clock.state(D(2026, 12, 17)) is ClockState.MET_LATE
    assert clock.is_breached(D(2026, 12, 17))


# --- states of a clock due at a time -----------------------------------------------------


def test_time_clock_is_due_today_up_to_the_due_instant() -> None:
    clock = Clock("Call back", at(1), at(4, 17))
    assert clock.state(at(3, 23, 59)) is ClockState.ON_TIME
    assert clock.state(at(4, 0, 0)) is ClockState.DUE_TODAY
    assert clock.state(at(4, 17)) is ClockState.DUE_TODAY


def test_time_clock_is_overdue_a_microsecond_after() -> None:
    clock = Clock("Call back", at(1), at(4, 17))
    assert clock.state(at(4, 17, 0, 1)) is ClockState.OVERDUE
    assert clock.remaining_text(at(4, 17, 30)) == "overdue since 17:00 UTC"
    assert clock.remaining_text(at(6, 9)) == "overdue by 2 days"


def test_time_clock_stopped_at_the_due_instant_is_met_and_a_microsecond_later_late() -> None:
    assert Clock("Call back", at(1), at(4, 17), at(4, 17)).state(at(9)) is ClockState.MET
    late = Clock("Call back", at(1), at(4, 17), at(4, 17, 0, 1))
    assert late.state(at(9)) is ClockState.MET_LATE
    assert late.remaining_text(at(9)) == "met on 4 Dec 2026, after the due time"


def test_time_in_another_zone_is_read_in_the_zone_of_the_due_time() -> None:
    clock = Clock("Call back", at(1), at(4, 23, 30))
    # 00:10 in Paris on the 5th is 23:10 UTC on the 4th: due today, not overdue.
    paris = dt.datetime(2026, 12, 5, 0, 10, tzinfo=PARIS_WINTER)
    assert clock.state(paris) is ClockState.DUE_TODAY
    assert clock.state(paris + dt.timedelta(minutes=21)) is ClockState.OVERDUE


# --- the time left in words --------------------------------------------------------------


def test_calendar_clock_counts_days_left() -> None:
    clock = Clock.in_calendar_days("Report to regulators", D(2026, 12, 1), 15)
    assert clock.remaining_text(D(2026, 12, 14)) == "2 days left"
    assert clock.remaining_text(D(2026, 12, 15)) == "1 day left"
    assert clock.remaining_text(D(2026, 12, 16)) == "due today"
    assert clock.remaining_text(D(2026, 12, 19)) == "overdue by 3 days"


def test_business_clock_counts_business_days_left_over_holidays() -> None:
    clock = Clock.in_business_days("Answer the inquiry", D(2026, 12, 23), 3, "FR")
    assert clock.due == D(2026, 12, 29)
    # Christmas Day and the weekend leave Monday 28th and Tuesday 29th from Thursday on.
    assert clock.remaining_text(D(2026, 12, 24)) == "2 business days left"
    assert clock.remaining_text(D(2026, 12, 26)) == "2 business days left"
    assert clock.remaining_text(D(2026, 12, 28)) == "1 business day left"


def test_business_clock_due_on_a_day_off_names_the_day() -> None:
    clock = Clock("Report", D(2026, 12, 1), D(2026, 12, 6), country="FR")  # a Sunday
    assert clock.remaining_text(D(2026, 12, 5)) == "due on 6 Dec 2026"


def test_time_clock_due_today_names_the_time_and_zone() -> None:
    clock = Clock("Call back", at(1), at(4, 17))
    assert clock.remaining_text(at(4, 9)) == "due today at 17:00 UTC"


def test_met_clock_names_the_day_it_was_met() -> None:
    assert due_on(D(2026, 12, 16), stopped_at=D(2026, 12, 4)).remaining_text(D(2026, 12, 20)) == (
        "met on 4 Dec 2026"
    )


def test_late_clock_says_how_late() -> None:
    clock = due_on(D(2026, 12, 4), stopped_at=at(6, 10))
    assert clock.remaining_text(D(2026, 12, 20)) == "met on 6 Dec 2026, 2 days late"
    assert due_on(D(2026, 12, 4), stopped_at=D(2026, 12, 5)).remaining_text(D(2026, 12, 20)) == (
        "met on 5 Dec 2026, 1 day late"
    )


def test_states_have_words_for_pages() -> None:
    assert ClockState.OVERDUE.label == "Overdue"
    assert ClockState.MET_LATE.label == "Met late"
