"""The house's refusals: a service's one error naming every field in words
(:mod:`liaison.core.refusals`), and the API's 422 naming the body's fields
(:mod:`liaison.core.api_refusals`). No database: nothing here reads a row."""

from __future__ import annotations

import pytest

from liaison.core import api_refusals, refusals
from liaison.core.api_refusals import Unprocessable, body_name, body_refusals, unprocessable
from liaison.core.errors import Conflict, LiaisonError, NotFound, PermissionDenied
from liaison.core.models import Territory
from liaison.lib.query import QueryError


def _words(field: str) -> str:
    return field.replace("_", " ").capitalize()


# Services: one error naming every field.


def test_a_refusal_names_every_field_in_words_and_keeps_the_names_in_details() -> None:
    errors = {"due": "give the date it is due", "description": "say what was promised"}
    error = refusals.refusal(errors, _words)
    assert error.message == "Due: give the date it is due; Description: say what was promised"
    assert (error.field, error.details) == ("due", errors)
    assert error.status_code == 400


def test_a_reason_about_the_whole_record_stands_alone_and_is_not_the_field() -> None:
    error = refusals.refusal({"__all__": "ends before it starts", "ends_at": "too early"}, _words)
    assert error.message == "ends before it starts; Ends at: too early"
    assert error.field == "ends_at"


def test_a_refusal_of_the_whole_record_alone_names_no_field() -> None:
    error = refusals.refusal({"__all__": "ends before it starts"}, _words)
    assert (error.message, error.field) == ("ends before it starts", None)
    assert error.details == {"__all__": "ends before it starts"}


@pytest.mark.parametrize(
    ("field", "item"),
    [
        ("references.1.pmid", ("references", 1, "pmid")),
        ("reactions.0", ("reactions", 0, "")),
        ("insights.12.strategic_questions", ("insights", 12, "strategic_questions")),
        ("references", None),
        ("references.", None),
        ("references.first.pmid", None),
        ("asked_by", None),
    ],
)
def test_an_items_field_is_told_from_the_records_own(
    field: str, item: tuple[str, int, str] | None
) -> None:
    assert refusals.item_of(field) == item


def test_errors_of_gives_every_reason_django_refuses_a_record_for() -> None:
    errors = refusals.errors_of(Territory(code="not a slug", name=""))
    assert set(errors) == {"code", "name"}
    assert "blank" in errors["name"]


def test_errors_of_skips_the_excluded_fields_and_is_empty_for_a_valid_record() -> None:
    assert set(refusals.errors_of(Territory(code="bad slug", name=""), exclude=("code",))) == {
        "name"
    }
    assert refusals.errors_of(Territory(code="north", name="North")) == {}


def test_an_unknown_key_is_refused_by_name_the_first_in_order() -> None:
    with pytest.raises(LiaisonError) as refused:
        refusals.check_keys({"name": "x", "zone": 1, "colour": 2}, ("name",), "a territory")
    assert refused.value.message == "colour: not a field of a territory"
    assert refused.value.field == "colour"


def test_known_keys_pass() -> None:
    refusals.check_keys({"name": "x"}, ("name", "code"), "a territory")


# The API: a 422 naming the body's fields.

NAMES = {"hcps": "hcp_ids", "strategic_questions": "strategic_question_ids", "keep": "keep_id"}


def test_a_body_names_a_services_field_part_by_part() -> None:
    assert body_name("insights.0.strategic_questions", NAMES) == (
        "insights.0.strategic_question_ids"
    )
    assert body_name("statement", NAMES) == "statement"


def test_a_refusal_becomes_a_422_under_the_bodys_names() -> None:
    error = LiaisonError(
        "hcps: choose at least one HCP; statement: say what you heard",
        field="hcps",
        details={"hcps": "choose at least one HCP", "statement": "say what you heard"},
    )
    answer = unprocessable(error, NAMES)
    assert isinstance(answer, Unprocessable) and answer.status_code == 422
    assert answer.message == "hcp_ids: choose at least one HCP; statement: say what you heard"
    assert answer.field == "hcp_ids"
    assert answer.details == {
        "hcp_ids": "choose at least one HCP",
        "statement": "say what you heard",
    }


def test_reasons_alone_drop_the_field_name_the_service_put_before_them() -> None:
    error = LiaisonError("keep: keep one of the two HCPs", field="keep")
    assert unprocessable(error, NAMES).details == {"keep_id": "keep: keep one of the two HCPs"}
    alone = unprocessable(error, NAMES, reasons_alone=True)
    assert alone.details == {"keep_id": "keep one of the two HCPs"}
    assert alone.message == "keep_id: keep one of the two HCPs"


def test_a_refusal_naming_no_field_names_the_whole_body_when_asked() -> None:
    error = LiaisonError("the inquiry is closed")
    assert unprocessable(error).details == {}
    whole = unprocessable(error, {"__all__": "payload"}, reasons_alone=True, whole_body=True)
    assert whole.details == {"payload": "the inquiry is closed"}
    assert (whole.message, whole.field) == ("the inquiry is closed", None)


def test_field_first_leads_a_reason_given_alone_with_its_field() -> None:
    error = LiaisonError("no HCP with id 7", field="keep")
    assert unprocessable(error, NAMES).message == "no HCP with id 7"
    led = unprocessable(error, NAMES, reasons_alone=True, field_first=True)
    assert (led.message, led.details) == (
        "keep_id: no HCP with id 7",
        {"keep_id": "no HCP with id 7"},
    )


def test_field_first_leaves_a_message_that_names_its_fields() -> None:
    named = LiaisonError("keep: keep one of the two HCPs", field="keep")
    assert unprocessable(named, NAMES, field_first=True).message == (
        "keep_id: keep one of the two HCPs"
    )
    several = LiaisonError("two reasons", field="a", details={"a": "x", "b": "y"})
    assert unprocessable(several, field_first=True).message == "two reasons"


def test_body_refusals_turn_a_refusal_of_a_value_into_a_422() -> None:
    with pytest.raises(Unprocessable) as refused, body_refusals(NAMES):
        raise LiaisonError("hcps: choose at least one HCP", field="hcps")
    assert refused.value.field == "hcp_ids"
    assert refused.value.__suppress_context__


@pytest.mark.parametrize(
    "error",
    [
        PermissionDenied("you may not change this interaction"),
        NotFound("no such HCP", field="hcps"),
        Conflict("already closed"),
        QueryError("cancer[xx]: unknown tag", 7, field="search_query"),
        Unprocessable("already a 422", field="file"),
    ],
)
def test_body_refusals_let_every_other_error_pass_as_it_was(error: LiaisonError) -> None:
    with pytest.raises(LiaisonError) as raised, body_refusals(NAMES):
        raise error
    assert raised.value is error


def test_body_refusals_turn_what_the_caller_says_is_refused() -> None:
    def bad_request(error: LiaisonError) -> bool:
        return error.status_code == 400

    error = QueryError("search_query: cancer[xx] has an unknown tag", 7, field="search_query")
    with pytest.raises(Unprocessable) as refused, body_refusals(refused=bad_request):
        raise error
    assert refused.value.details == {"search_query": "search_query: cancer[xx] has an unknown tag"}
    with pytest.raises(NotFound), body_refusals(refused=bad_request):
        raise NotFound("no such area")


def test_a_refusal_of_a_value_is_a_plain_liaison_error_only() -> None:
    assert api_refusals.value_refusal(LiaisonError("x"))
    assert not api_refusals.value_refusal(Conflict("x"))
    assert not api_refusals.value_refusal(QueryError("x", 1))
