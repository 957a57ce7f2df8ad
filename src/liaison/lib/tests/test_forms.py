"""What every app's forms share: domain errors beside their fields, choices set at
run time, the filter bar's marks and the widgets (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from liaison.core.errors import Conflict, LiaisonError
from liaison.lib.forms import (
    DateInput,
    SearchInput,
    add_field_problems,
    add_liaison_error,
    mark_filter_selects,
    set_choices,
)


class WatchLikeForm(forms.Form):
    name = forms.CharField()
    country = forms.ChoiceField(required=False, choices=[("", "Any")])
    since = forms.DateField(required=False, widget=DateInput())
    q = forms.CharField(required=False, widget=SearchInput())


def bound() -> WatchLikeForm:
    form = WatchLikeForm({"name": "Oncology watch"})
    assert form.is_valid()
    return form


def test_a_reason_for_a_field_of_the_form_goes_beside_it_without_the_field_key() -> None:
    form = bound()
    add_liaison_error(form, LiaisonError("name: already taken", field="name"))
    assert form.errors == {"name": ["already taken"]}
    assert "name" not in form.cleaned_data


def test_record_wide_reasons_go_above_the_form() -> None:
    form = bound()
    add_liaison_error(
        form, LiaisonError("nope", details={"__all__": "the end is before the start"})
    )
    assert form.non_field_errors() == ["the end is before the start"]


def test_a_reason_for_a_field_the_form_lacks_goes_above_it_naming_the_field() -> None:
    form = bound()
    add_liaison_error(
        form,
        LiaisonError(
            "x", details={"name": "too long", "team": "not one of yours", "npi_source": "unknown"}
        ),
    )
    assert form.errors["name"] == ["too long"]
    assert form.non_field_errors() == ["Team: not one of yours", "NPI source: unknown"]


def test_every_field_an_error_names_gets_its_reason_at_once() -> None:
    form = bound()
    add_liaison_error(
        form,
        LiaisonError(
            "x",
            details={
                "name": "name: too long",
                "country": "not a country",
                "since": "in the future",
            },
        ),
    )
    assert form.errors == {
        "name": ["too long"],
        "country": ["not a country"],
        "since": ["in the future"],
    }


def test_service_problems_join_the_forms_own_without_replacing_them() -> None:
    form = WatchLikeForm({"name": "", "since": "2024-02-30", "q": "x"})
    assert not form.is_valid()
    add_field_problems(
        form,
        LiaisonError("x", details={"name": "ignored", "q": "q: unreadable", "country": "unknown"}),
    )
    assert form.errors["name"] == ["This field is required."]
    assert form.errors["q"] == ["unreadable"]
    assert form.errors["country"] == ["unknown"]
    assert "since" in form.errors
    add_field_problems(form, None)


def test_an_error_without_details_shows_its_message_above_the_form() -> None:
    form = bound()
    add_liaison_error(form, Conflict("another user changed this record meanwhile"))
    assert form.non_field_errors() == ["another user changed this record meanwhile"]
    assert form.errors.keys() == {"__all__"}


def test_set_choices_puts_the_blank_choice_first() -> None:
    form = WatchLikeForm()
    set_choices(form, "country", "Any country", [(code, code) for code in ["DE", "FR"]])
    field = form.fields["country"]
    assert isinstance(field, forms.ChoiceField)
    assert field.choices == [("", "Any country"), ("DE", "DE"), ("FR", "FR")]
    # Per form instance: the class's field keeps its own choices.
    other = WatchLikeForm().fields["country"]
    assert isinstance(other, forms.ChoiceField)
    assert other.choices == [("", "Any")]


def test_set_choices_refuses_a_field_without_choices() -> None:
    with pytest.raises(TypeError, match="name"):
        set_choices(WatchLikeForm(), "name", "Any", [])


def test_filter_selects_are_marked_and_the_text_box_is_not() -> None:
    form = WatchLikeForm()
    mark_filter_selects(form)
    assert "data-filter" in form.fields["country"].widget.attrs
    assert "data-filter" not in form.fields["q"].widget.attrs


def test_widgets_render_a_search_box_and_an_iso_date_picker() -> None:
    form = WatchLikeForm(initial={"since": dt.date(2024, 5, 17)})
    assert 'type="search"' in str(form["q"])
    since = str(form["since"])
    assert 'type="date"' in since
    assert 'value="2024-05-17"' in since
