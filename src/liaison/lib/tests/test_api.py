"""The API helpers every app shares, called directly (the routes that use them
have their own tests in each app)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from ninja import Schema
from ninja.errors import ValidationError
from pydantic import ValidationError as SchemaError
from pytest_django.fixtures import Settings

from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import Territory, User
from liaison.directory.models import HCP, TherapeuticArea
from liaison.lib.api import (
    MAX_INTEGER,
    NUL_REFUSED,
    SURROGATE_REFUSED,
    Id,
    InputSchema,
    PageQuery,
    PatchIn,
    Records,
    by_codes,
    by_id,
    delete_reason,
    paginate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db: None) -> list[TherapeuticArea]:
    return [
        TherapeuticArea.objects.create(code=code, name=code.title())
        for code in ("oncology", "cardiology", "neurology")
    ]


@pytest.fixture
def hcp_in_us(db: None) -> HCP:
    return HCP.objects.create(given_name="Jane", family_name="Smith", country="US")


@pytest.fixture
def hcp_in_de(db: None) -> HCP:
    return HCP.objects.create(given_name="Jürgen", family_name="Müller", country="DE")


def test_by_codes_keeps_the_order_given_without_blanks_or_repeats(
    msl: User, areas: list[TherapeuticArea]
) -> None:
    found = by_codes(msl, TherapeuticArea, ["neurology", " ", "oncology ", "neurology"], "areas")
    assert [area.code for area in found] == ["neurology", "oncology"]


def test_by_codes_names_the_first_unknown_code_and_the_field(
    msl: User, areas: list[TherapeuticArea]
) -> None:
    with pytest.raises(LiaisonError) as caught:
        by_codes(msl, TherapeuticArea, ["oncology", "dermatology", "x"], "therapeutic_areas")
    assert caught.value.message == (
        "therapeutic_areas: no therapeutic area with code 'dermatology'"
    )
    assert caught.value.field == "therapeutic_areas"
    assert caught.value.status_code == 400


def test_by_codes_looks_up_another_key(msl: User, territory_de: Territory) -> None:
    assert by_codes(msl, Territory, [territory_de.name], "territories", key="name") == [
        territory_de
    ]


def test_by_id_returns_a_record_the_user_sees(msl: User, hcp_in_de: HCP) -> None:
    assert by_id(msl, HCP, hcp_in_de.pk, "hcp_id") == hcp_in_de


def test_by_id_of_an_unseen_record_is_a_bad_value_not_a_404(outsider: User, hcp_in_us: HCP) -> None:
    with pytest.raises(LiaisonError) as caught:
        by_id(outsider, HCP, hcp_in_us.pk, "hcp_id")
    assert not isinstance(caught.value, NotFound)
    assert caught.value.message == f"hcp_id: no HCP with id {hcp_in_us.pk}"
    assert caught.value.details == {"hcp_id": caught.value.message}


def test_paginate_counts_all_and_returns_the_page(areas: list[TherapeuticArea]) -> None:
    page = paginate(TherapeuticArea.objects.order_by("code"), PageQuery(page=2, page_size=2))
    assert page["count"] == 3
    assert (page["page"], page["page_size"]) == (2, 2)
    assert [area.code for area in page["results"]] == ["oncology"]


def test_paginate_holds_a_maximum_lowered_after_start(
    settings: Settings, areas: list[TherapeuticArea]
) -> None:
    query = PageQuery(page=1, page_size=50)
    settings.LIAISON_API_MAX_PAGE_SIZE = 10
    with pytest.raises(ValidationError) as caught:
        paginate(TherapeuticArea.objects.all(), query)
    assert caught.value.errors[0]["loc"] == ["query", "page_size"]


def test_paginate_past_the_last_page_is_empty_and_asks_no_page(
    areas: list[TherapeuticArea], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):  # the count; no OFFSET beyond what the database holds
        page = paginate(TherapeuticArea.objects.all(), PageQuery(page=MAX_INTEGER, page_size=500))
    assert (page["count"], page["results"]) == (3, [])


class Nested(Schema):
    label: str


class ExampleInput(InputSchema):
    name: str = ""
    tags: list[str] = []
    nested: Nested | None = None
    extra: dict[str, Any] = {}
    count: int = 0
    ref: Id | None = None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "Jane\x00"}, "name"),
        ({"tags": ["ok", "\x00"]}, "tags"),
        ({"nested": {"label": "a\x00b"}}, "nested"),
        ({"extra": {"key\x00": "value"}}, "extra"),
        ({"extra": {"key": ["deep\x00"]}}, "extra"),
    ],
)
def test_an_input_schema_refuses_nul_in_any_string(values: dict[str, Any], field: str) -> None:
    with pytest.raises(SchemaError) as caught:
        ExampleInput(**values)
    [error] = caught.value.errors()
    assert (error["loc"], error["msg"]) == ((field,), NUL_REFUSED)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        # JSON's "\ud800": no character; SQLite's and PostgreSQL's drivers fail to
        # encode it (a 500, found by tests/test_api_fuzz.py in a body's list of codes).
        ({"tags": ["\ud800"]}, "tags"),
        ({"name": "Zo\udfffe"}, "name"),
        ({"extra": {"key": ["\udc80"]}}, "extra"),
    ],
)
def test_an_input_schema_refuses_a_lone_surrogate_in_any_string(
    values: dict[str, Any], field: str
) -> None:
    with pytest.raises(SchemaError) as caught:
        ExampleInput(**values)
    [error] = caught.value.errors()
    assert (error["loc"], error["msg"]) == ((field,), SURROGATE_REFUSED)


@pytest.mark.parametrize(
    ("values", "field"),
    [({"count": 2**63}, "count"), ({"count": -(2**63) - 1}, "count"), ({"ref": 2**63}, "ref")],
)
def test_an_input_schema_refuses_integers_beyond_64_bits(
    values: dict[str, Any], field: str
) -> None:
    with pytest.raises(SchemaError) as caught:
        ExampleInput(**values)
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


def test_an_input_schema_keeps_good_values() -> None:
    given = ExampleInput(name="Zoë", tags=["a"], count=MAX_INTEGER, ref=1, extra={"a": [1]})
    assert (given.name, given.count, given.ref) == ("Zoë", MAX_INTEGER, 1)


def test_a_patch_refuses_nul_too() -> None:
    with pytest.raises(SchemaError, match="NUL"):
        ExamplePatch(name="a\x00")


class ExamplePatch(PatchIn):
    nullable = frozenset({"end_date"})

    name: str | None = None
    end_date: str | None = None


def test_patch_refuses_null_except_where_it_clears() -> None:
    assert ExamplePatch(end_date=None).model_dump(exclude_unset=True) == {"end_date": None}
    with pytest.raises(SchemaError, match="may not be null"):
        ExamplePatch(name=None)


@dataclass
class Body:
    reason: str


def request_of(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_delete_reason_takes_the_body_before_the_query() -> None:
    assert delete_reason("query", Body("body")) == "body"
    assert delete_reason("query", Body("")) == "query"
    assert delete_reason("query", None) == "query"


def test_unseen_record_is_404_and_seen_but_not_allowed_is_403(
    outsider: User, msl: User, hcp_in_us: HCP
) -> None:
    """An MSL reads every HCP but deletes only those of their territories."""
    records = Records(HCP)
    with pytest.raises(NotFound):
        records.show(request_of(outsider), hcp_in_us.pk)
    assert records.show(request_of(msl), hcp_in_us.pk) == hcp_in_us
    with pytest.raises(PermissionDenied):
        records.load(msl, "delete", hcp_in_us.pk)


def test_adding_asks_the_policy_before_the_body_is_read(medinfo: User, msl: User) -> None:
    records = Records(HCP)
    with pytest.raises(PermissionDenied):
        records.adding(request_of(medinfo))
    assert records.adding(request_of(msl)) == msl


def test_created_answers_201_with_the_record_as_shown(msl: User, hcp_in_de: HCP) -> None:
    shown: list[int] = []

    def profile(user: User, pk: int) -> HCP:
        shown.append(pk)
        return hcp_in_de

    status = Records(HCP, shown=profile).created(msl, hcp_in_de)
    assert (status.status_code, status.value, shown) == (201, hcp_in_de, [hcp_in_de.pk])
