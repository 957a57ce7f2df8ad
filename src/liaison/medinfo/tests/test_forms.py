"""The forms read a date and time in the browser's time zone (the hidden
``time_zone``), show an initial one in the zone they were given and send that zone
back, refuse an unknown zone and a time the clocks skipped."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from liaison.directory.models import HCP
from liaison.medinfo import forms

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def delivery(**values: str) -> forms.DeliveryForm:
    return forms.DeliveryForm({"method": "email", **values})


def test_a_time_typed_in_berlin_is_read_in_berlin() -> None:
    form = delivery(delivered_at="2026-01-15T00:30", time_zone="Europe/Berlin")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["delivered_at"] == dt.datetime(2026, 1, 14, 23, 30, tzinfo=dt.UTC)
    assert form.zone == BERLIN


def test_summer_time_is_read_with_its_own_offset() -> None:
    form = delivery(delivered_at="2026-07-15T00:30", time_zone="Europe/Berlin")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["delivered_at"] == dt.datetime(2026, 7, 14, 22, 30, tzinfo=dt.UTC)


def test_without_a_zone_the_time_is_the_servers() -> None:
    form = delivery(delivered_at="2026-01-15T00:30")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["delivered_at"] == dt.datetime(2026, 1, 15, 0, 30, tzinfo=dt.UTC)


def test_an_unknown_zone_is_refused_by_name() -> None:
    form = delivery(delivered_at="2026-01-15T00:30", time_zone="Mars/Olympus_Mons")

    assert not form.is_valid()
    assert "Time zone: “Mars/Olympus_Mons” is not a time zone" in form.non_field_errors()[0]


def test_a_time_the_clocks_skipped_is_refused_beside_its_field() -> None:
    form = delivery(delivered_at="2026-03-29T02:30", time_zone="Europe/Berlin")

    assert not form.is_valid()
    assert "did not happen in Europe/Berlin" in form.errors["delivered_at"][0]


def test_a_time_the_clocks_passed_twice_is_the_first() -> None:
    form = delivery(delivered_at="2026-10-25T02:30", time_zone="Europe/Berlin")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["delivered_at"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_what_is_not_a_date_and_time_is_refused_with_what_was_typed() -> None:
    form = delivery(delivered_at="yesterday", time_zone="Europe/Berlin")

    assert not form.is_valid()
    assert form.errors["delivered_at"] == [
        "“yesterday” is not a date and time: use the date picker"
    ]


def test_an_initial_time_is_shown_in_the_given_zone_and_sends_it_back() -> None:
    moment = dt.datetime(2026, 1, 14, 23, 30, tzinfo=dt.UTC)
    form = forms.InquiryForm(
        initial={"received_at": moment}, hcps=HCP.objects.none(), time_zone="Europe/Berlin"
    )

    html = str(form["received_at"]) + str(form["time_zone"])

    assert 'value="2026-01-15T00:30"' in html
    assert 'value="Europe/Berlin"' in html


def test_a_form_without_an_initial_time_leaves_the_zone_to_the_browser() -> None:
    form = forms.FollowUpForm()

    assert form["time_zone"].value() in (None, "")
    assert "data-browser-time-zone" in str(form["time_zone"])
