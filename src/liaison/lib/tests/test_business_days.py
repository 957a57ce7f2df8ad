"""Business days: weekends, public holidays of FR, DE and the US, subdivisions, fallbacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib import business_days
from liaison.lib.business_days import add_business_days, business_days_between, is_business_day

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_calendars() -> Iterator[None]:
    business_days._days_off.cache_clear()
    yield
    business_days._days_off.cache_clear()


def test_weekend_days_are_skipped() -> None:
    friday = D(2026, 12, 4)
    assert add_business_days(friday, 1, "FR") == D(2026, 12, 7)
    assert add_business_days(friday, 5, "FR") == D(2026, 12, 11)


def test_one_business_day_after_a_saturday_is_the_monday() -> None:
    assert add_business_days(D(2026, 12, 5), 1, "DE") == D(2026, 12, 7)


@pytest.mark.parametrize("country", ["FR", "DE", "US"])
def test_christmas_day_is_skipped_but_christmas_eve_is_a_business_day(country: str) -> None:
    assert is_business_day(D(2026, 12, 24), country)
    assert not is_business_day(D(2026, 12, 25), country)
    # Thursday 24th + 1: Friday 25th is Christmas, then the weekend.
    assert add_business_days(D(2026, 12, 24), 1, country) == D(2026, 12, 28)


def test_bastille_day_is_a_holiday_in_france_only() -> None:
    assert not is_business_day(D(2026, 7, 14), "FR")
    assert is_business_day(D(2026, 7, 14), "DE")
    assert add_business_days(D(2026, 7, 13), 1, "FR") == D(2026, 7, 15)
    assert add_business_days(D(2026, 7, 13), 1, "DE") == D(2026, 7, 14)


def test_thanksgiving_is_a_holiday_in_the_us_only() -> None:
    assert not is_business_day(D(2026, 11, 26), "US")
    assert is_business_day(D(2026, 11, 26), "FR")
    assert add_business_days(D(2026, 11, 25), 1, "US") == D(2026, 11, 27)


def test_an_observed_holiday_counts_as_a_day_off() -> None:
    # 4 July 2026 is a Saturday: the US observes it on Friday 3 July.
    assert add_business_days(D(2026, 7, 2), 1, "US") == D(2026, 7, 6)


def test_counting_runs_over_the_new_year() -> None:
    assert add_business_days(D(2026, 12, 31), 1, "FR") == D(2027, 1, 4)


def test_starting_on_a_holiday_counts_from_the_next_days() -> None:
    assert add_business_days(D(2026, 12, 25), 1, "FR") == D(2026, 12, 28)
    assert add_business_days(D(2026, 12, 25), 2, "FR") == D(2026, 12, 29)


def test_zero_days_keeps_a_business_day() -> None:
    assert add_business_days(D(2026, 12, 24), 0, "FR") == D(2026, 12, 24)


def test_zero_days_from_a_holiday_moves_to_the_next_business_day() -> None:
    assert add_business_days(D(2026, 12, 25), 0, "DE") == D(2026, 12, 28)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="days: -1"):
        add_business_days(D(2026, 12, 24), -1, "FR")


def test_a_subdivision_adds_its_own_holidays() -> None:
    # Epiphany (6 January) is a holiday in Bavaria, not in Germany as a whole.
    assert is_business_day(D(2026, 1, 6), "DE")
    assert not is_business_day(D(2026, 1, 6), "DE", "BY")
    assert add_business_days(D(2026, 1, 5), 1, "DE", "DE-BY") == D(2026, 1, 7)


def test_unknown_country_counts_weekends_only() -> None:
    assert add_business_days(D(2026, 12, 24), 1, "XX") == D(2026, 12, 25)
    assert not is_business_day(D(2026, 12, 26), "XX")


def test_unknown_subdivision_counts_the_national_holidays() -> None:
    assert add_business_days(D(2026, 12, 24), 1, "DE", "ZZ") == D(2026, 12, 28)
    assert is_business_day(D(2026, 1, 6), "DE", "ZZ")


def test_country_codes_are_read_in_any_case() -> None:
    assert not is_business_day(D(2026, 7, 14), " fr ")


def test_days_between_counts_business_days_after_the_start_up_to_the_end() -> None:
    assert business_days_between(D(2026, 12, 24), D(2026, 12, 28), "FR") == 1
    assert business_days_between(D(2026, 12, 24), D(2026, 12, 24), "FR") == 0
    assert business_days_between(D(2026, 12, 28), D(2026, 12, 24), "FR") == -1
    assert business_days_between(D(2026, 11, 23), D(2026, 11, 30), "US") == 4


def test_calendars_are_built_once_per_country_and_year(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[tuple[str, Any]] = []
    real = holidays.country_holidays

    def counting(country: str, **kwargs: Any) -> holidays.HolidayBase:
        built.append((country, kwargs.get("years")))
        return real(country, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", counting)
    for _ in range(3):
        add_business_days(D(2026, 12, 20), 10, "FR")
    assert sorted(built) == [("FR", 2026), ("FR", 2027)]


@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31)),
    days=st.integers(min_value=1, max_value=40),
    country=st.sampled_from(["FR", "DE", "US", "XX"]),
)
def test_days_between_undoes_adding_business_days(start: dt.date, days: int, country: str) -> None:
    due = add_business_days(start, days, country)
    assert is_business_day(due, country)
    assert business_days_between(start, due, country) == days


@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31)),
    country=st.sampled_from(["FR", "DE", "US"]),
)
def test_zero_days_gives_the_first_business_day_from_the_start(
    start: dt.date, country: str
) -> None:
    due = add_business_days(start, 0, country)
    assert due >= start and is_business_day(due, country)
    assert business_days_between(start, due, country) == (0 if due == start else 1)
