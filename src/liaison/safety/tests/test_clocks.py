"""The clocks of a case (forwarding in business days of its country, the regulatory
report in calendar days) and its four minimum criteria. Pure: unsaved records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays
import pytest

from liaison.safety import clocks
from liaison.safety.models import Case, CaseProduct, Expectedness, ProductRole, Reaction


def _case(day_zero: dt.date, country: str = "DE", **values: Any) -> Case:
    return Case(day_zero=day_zero, country=country, **values)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _serious() -> Reaction:
    return Reaction(verbatim="anaphylaxis", hospitalisation=True)


def _non_serious() -> Reaction:
    return Reaction(verbatim="mild rash")


# --- forwarding ---------------------------------------------------------------------


def test_forwarding_is_due_the_next_business_day() -> None:
    wednesday = dt.date(2026, 3, 4)
    assert clocks.forwarding_clock(_case(wednesday)).due == dt.date(2026, 3, 5)


def test_forwarding_due_after_a_friday_is_the_monday() -> None:
    friday = dt.date(2026, 3, 6)
    assert friday.weekday() == 4
    assert clocks.forwarding_clock(_case(friday, "US")).due == dt.date(2026, 3, 9)


def test_forwarding_skips_the_countrys_public_holidays() -> None:
    christmas_eve = dt.date(2026, 12, 24)  # a Thursday, a working day in Germany
    german = holidays.country_holidays("DE", years=2026)
    assert christmas_eve not in german
    assert dt.date(2026, 12, 25) in german and dt.date(2026, 12, 26) in german
    assert clocks.forwarding_clock(_case(christmas_eve, "DE")).due == dt.date(2026, 12, 28)


def test_forwarding_follows_the_case_country_not_another_calendar() -> None:
    # Good Friday and Easter Monday are German holidays, not American ones.
    maundy_thursday = dt.date(2026, 4, 2)
    assert dt.date(2026, 4, 3) in holidays.country_holidays("DE", years=2026)
    assert dt.date(2026, 4, 3) not in holidays.country_holidays("US", years=2026)
    assert clocks.forwarding_clock(_case(maundy_thursday, "DE")).due == dt.date(2026, 4, 7)
    assert clocks.forwarding_clock(_case(maundy_thursday, "US")).due == dt.date(2026, 4, 3)


def test_forwarding_business_days_are_configurable(settings: Any) -> None:
    settings.LIAISON_AE_FORWARD_BUSINESS_DAYS = 2
    clock = clocks.forwarding_clock(_case(dt.date(2026, 3, 5), "US"))  # a Thursday
    assert clock.due == dt.date(2026, 3, 9)
    assert "2 business days" in clock.why


def test_forwarding_met_on_the_due_day() -> None:
    day_zero = dt.date(2026, 3, 4)
    clock = clocks.forwarding_clock(_case(day_zero, forwarded_at=_at(dt.date(2026, 3, 5))))
    assert clock.state(today=dt.date(2026, 3, 20)) == "met"
    assert not clock.breached(today=dt.date(2026, 3, 20))


def test_forwarding_after_the_due_day_is_met_late_and_breached() -> None:
    day_zero = dt.date(2026, 3, 4)
    clock = clocks.forwarding_clock(_case(day_zero, forwarded_at=_at(dt.date(2026, 3, 6))))
    assert clock.state(today=dt.date(2026, 3, 20)) == "met_late"
    assert clock.breached(today=dt.date(2026, 3, 20))
    assert clock.text(today=dt.date(2026, 3, 20)).startswith("late by 1 day")


def test_forwarding_not_done_runs_then_is_due_then_overdue() -> None:
    clock = clocks.forwarding_clock(_case(dt.date(2026, 3, 4)))
    assert clock.state(today=dt.date(2026, 3, 4)) == "running"
    assert clock.state(today=dt.date(2026, 3, 5)) == "due_today"
    assert not clock.breached(today=dt.date(2026, 3, 5))
    assert clock.state(today=dt.date(2026, 3, 7)) == "overdue"
    assert clock.breached(today=dt.date(2026, 3, 7))
    assert clock.text(today=dt.date(2026, 3, 7)).startswith("overdue by 2 days")


# --- the regulatory report ------------------------------------------------------------


def test_serious_unexpected_is_due_in_15_calendar_days_in_the_us() -> None:
    day_zero = dt.date(2026, 3, 4)
    case = _case(day_zero, "US", expectedness=Expectedness.UNEXPECTED)
    clock = clocks.regulatory_clock(case, [_serious()])
    assert clock.due == day_zero + dt.timedelta(days=15)
    assert "unexpected" in clock.why


def test_serious_expected_is_due_in_15_days_where_eu_rules_apply() -> None:
    day_zero = dt.date(2026, 3, 4)
    case = _case(day_zero, "FR", expectedness=Expectedness.EXPECTED)
    clock = clocks.regulatory_clock(case, [_non_serious(), _serious()])
    assert clock.due == day_zero + dt.timedelta(days=15)
    assert "EU" in clock.why


def test_non_serious_is_due_in_90_days_where_eu_rules_apply() -> None:
    day_zero = dt.date(2026, 3, 4)
    clock = clocks.regulatory_clock(_case(day_zero, "DE"), [_non_serious()])
    assert clock.due == day_zero + dt.timedelta(days=90)


def test_non_serious_in_the_us_has_no_clock_and_says_why() -> None:
    clock = clocks.regulatory_clock(_case(dt.date(2026, 3, 4), "US"), [_non_serious()])
    assert clock.due is None
    assert clock.state(today=dt.date(2027, 1, 1)) == "none"
    assert not clock.breached(today=dt.date(2027, 1, 1))
    assert "periodic" in clock.text(today=dt.date(2027, 1, 1))


def test_serious_expected_in_the_us_has_no_expedited_clock() -> None:
    case = _case(dt.date(2026, 3, 4), "US", expectedness=Expectedness.EXPECTED)
    assert clocks.regulatory_clock(case, [_serious()]).due is None


def test_serious_not_yet_assessed_in_the_us_asks_for_expectedness() -> None:
    clock = clocks.regulatory_clock(_case(dt.date(2026, 3, 4), "US"), [_serious()])
    assert clock.due is None
    assert "expectedness" in clock.why


@pytest.mark.parametrize(("country", "days"), [("DE", 15), ("US", 15)])
def test_a_follow_ups_clock_runs_from_its_information_not_day_zero(country: str, days: int) -> None:
    day_zero, received = dt.date(2026, 3, 4), dt.date(2026, 5, 11)
    case = _case(
        day_zero,
        country,
        expectedness=Expectedness.UNEXPECTED,
        version_kind="follow_up",
        latest_received_on=received,
        clock_started_on=received,  # received after the case was submitted
    )
    clock = clocks.regulatory_clock(case, [_serious()])
    assert clock.due == received + dt.timedelta(days=days)
    assert "new information received 11 May 2026" in clock.why
    assert clock.state(today=dt.date(2026, 5, 20)) == "running"
    assert clocks.forwarding_clock(case).due == dt.date(2026, 3, 5)  # still Day 0's


def test_new_information_before_any_submission_leaves_the_first_deadline() -> None:
    day_zero, received = dt.date(2026, 3, 4), dt.date(2026, 5, 11)
    case = _case(
        day_zero,
        "DE",
        expectedness=Expectedness.UNEXPECTED,
        version_kind="follow_up",
        latest_received_on=received,
    )
    clock = clocks.regulatory_clock(case, [_serious()])
    assert clock.due == day_zero + dt.timedelta(days=15)
    assert clock.state(today=dt.date(2026, 5, 20)) == "overdue"
    assert "from Day 0" in clock.why


def test_a_follow_up_with_no_expedited_report_still_says_why() -> None:
    case = _case(dt.date(2026, 3, 4), "US", latest_received_on=dt.date(2026, 4, 1))
    clock = clocks.regulatory_clock(case, [_non_serious()])
    assert clock.due is None and "periodic" in clock.why


def test_no_reaction_means_no_regulatory_clock_yet() -> None:
    clock = clocks.regulatory_clock(_case(dt.date(2026, 3, 4), "DE"), [])
    assert clock.due is None
    assert "no reaction" in clock.why


def test_submission_stops_the_regulatory_clock() -> None:
    day_zero = dt.date(2026, 3, 4)
    on_time = _case(day_zero, "DE", submitted_at=_at(dt.date(2026, 3, 18)))
    late = _case(day_zero, "DE", submitted_at=_at(dt.date(2026, 3, 25)))
    later = dt.date(2026, 6, 1)
    assert clocks.regulatory_clock(on_time, [_serious()]).state(today=later) == "met"
    assert clocks.regulatory_clock(late, [_serious()]).state(today=later) == "met_late"


# --- minimum criteria -------------------------------------------------------------------


def _criteria(case: Case, reactions: list[Reaction], products: list[CaseProduct]) -> set[str]:
    return {item.name for item in clocks.missing_criteria(case, reactions, products)}


def test_a_complete_case_meets_the_four_criteria() -> None:
    case = _case(dt.date(2026, 3, 4), patient_age=54, reporter_given_name="Anna")
    products = [CaseProduct(name="Oncovirumab", role=ProductRole.SUSPECT)]
    assert _criteria(case, [_non_serious()], products) == set()
    assert [item.met for item in clocks.minimum_criteria(case, [_non_serious()], products)] == [
        True
    ] * 4


def test_an_empty_case_misses_all_four_and_says_what() -> None:
    missing = clocks.missing_criteria(_case(dt.date(2026, 3, 4)), [], [])
    assert [item.name for item in missing] == ["patient", "reporter", "product", "event"]
    assert all(item.missing for item in missing)


def test_each_criterion_is_met_by_its_own_facts() -> None:
    day_zero = dt.date(2026, 3, 4)
    assert "patient" not in _criteria(_case(day_zero, patient_sex="female"), [], [])
    assert "patient" not in _criteria(_case(day_zero, patient_age=0), [], [])
    assert "reporter" not in _criteria(_case(day_zero, reporter_contact="+49 30 1234"), [], [])
    assert "event" not in _criteria(_case(day_zero), [_non_serious()], [])


def test_a_concomitant_product_is_not_a_suspect_one() -> None:
    concomitant = [CaseProduct(name="Aspirin", role=ProductRole.CONCOMITANT)]
    interacting = [CaseProduct(name="Warfarin", role=ProductRole.INTERACTING)]
    assert "product" in _criteria(_case(dt.date(2026, 3, 4)), [], concomitant)
    assert "product" not in _criteria(_case(dt.date(2026, 3, 4)), [], interacting)


@pytest.mark.parametrize(("adverse_event", "expected_missing"), [(True, True), (False, False)])
def test_a_product_complaint_alone_needs_no_reaction(
    adverse_event: bool, expected_missing: bool
) -> None:
    case = _case(dt.date(2026, 3, 4), is_adverse_event=adverse_event, is_product_complaint=True)
    assert ("event" in _criteria(case, [], [])) is expected_missing
