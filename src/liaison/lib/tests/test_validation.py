"""Django's ValidationError as one domain error (no database)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from liaison.lib.validation import validation_error


def test_every_field_keeps_its_reasons_and_the_message_names_them() -> None:
    error = validation_error(
        ValidationError(
            {
                "npi": ["'12345' is not 10 digits", "checksum fails"],
                "country": "this field cannot be blank",
            }
        )
    )
    assert error.details == {
        "npi": "'12345' is not 10 digits; checksum fails",
        "country": "this field cannot be blank",
    }
    assert error.message == (
        "NPI: '12345' is not 10 digits; checksum fails; Country: this field cannot be blank"
    )


def test_record_wide_reasons_go_under_all_without_a_field_name() -> None:
    error = validation_error(
        ValidationError({NON_FIELD_ERRORS: ["the end is before the start"], "name": "too long"})
    )
    assert error.details == {"__all__": "the end is before the start", "name": "too long"}
    assert error.message == "the end is before the start; Name: too long"


def test_an_error_without_fields_is_record_wide() -> None:
    error = validation_error(ValidationError(["first reason", "second reason"]))
    assert error.details == {"__all__": "first reason; second reason"}
    assert error.message == "first reason; second reason"
    assert error.status_code == 400


def test_parameters_are_filled_into_the_reason() -> None:
    error = validation_error(
        ValidationError(
            {"name": ValidationError("at most %(limit)d characters", params={"limit": 120})}
        )
    )
    assert error.details == {"name": "at most 120 characters"}


def test_the_message_names_fields_by_the_models_labels() -> None:
    from liaison.directory.models import HCP

    error = validation_error(
        ValidationError({"orcid": "not an ORCID iD", "family_name": "required", "extra": "x"}),
        model=HCP,
    )
    assert error.message == "ORCID: not an ORCID iD; Family name: required; Extra: x"
    assert set(error.details) == {"orcid", "family_name", "extra"}
