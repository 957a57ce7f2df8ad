"""The API helpers every app shares, called directly (the routes that use them
have their own tests in each app)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from ninja.errors import ValidationError
from pydantic import ValidationError as SchemaError
from pytest_django.fixtures import Settings

from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import Territory, User
from liaison.directory.models import HCP, TherapeuticArea
from liaison.lib.api import PageQuery, PatchIn, Records, by_codes, by_id, paginate

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


class ExamplePatch(PatchIn):
    nullable = frozenset({"end_date"})

    name: str | None = None
    end_date: str | None = None


def test_patch_refuses_null_except_where_it_clears() -> None:
    assert ExamplePatch(end_date=None).model_dump(exclude_unset=True) == {"end_date": None}
    with pytest.raises(SchemaError, match="may not be null"):
        ExamplePatch(name=None)


@dataclass
class Recorded:
    """Stands in for an app's update and delete services."""

    calls: list[tuple[str, int, Any, str]] = field(default_factory=list)

    def update(
        self, actor: User, instance: HCP, values: Mapping[str, Any], /, *, reason: str = ""
    ) -> None:
        self.calls.append(("update", instance.pk, dict(values), reason))

    def delete(self, actor: User, instance: HCP, /, *, reason: str = "") -> None:
        self.calls.append(("delete", instance.pk, None, reason))


@dataclass
class Body:
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)

    def dict(self, *, exclude_unset: bool = False) -> dict[str, Any]:
        return {**self.fields, "reason": self.reason}


def request_of(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


def records(recorded: Recorded) -> Records[HCP]:
    return Records(HCP, recorded.update, recorded.delete)


def test_update_hands_the_service_the_values_and_the_reason(msl: User, hcp_in_de: HCP) -> None:
    recorded = Recorded()
    answer = records(recorded).update(
        request_of(msl),
        hcp_in_de.pk,
        Body("moved", {"city": "Berlin"}),
        lambda user, data: {key: value for key, value in data.items() if key != "reason"},
    )
    assert answer == hcp_in_de
    assert recorded.calls == [("update", hcp_in_de.pk, {"city": "Berlin"}, "moved")]


def test_delete_takes_the_reason_of_the_body_before_the_query(
    admin_user: User, hcp_in_de: HCP
) -> None:
    recorded = Recorded()
    status = records(recorded).delete(request_of(admin_user), hcp_in_de.pk, "query", Body("body"))
    records(recorded).delete(request_of(admin_user), hcp_in_de.pk, "query", Body(""))
    records(recorded).delete(request_of(admin_user), hcp_in_de.pk, "query", None)
    assert status.status_code == 204
    assert [call[3] for call in recorded.calls] == ["body", "query", "query"]


def test_unseen_record_is_404_and_seen_but_not_allowed_is_403(
    outsider: User, msl: User, hcp_in_us: HCP
) -> None:
    """An MSL reads every HCP but deletes only those of their territories."""
    recorded = Recorded()
    with pytest.raises(NotFound):
        records(recorded).show(request_of(outsider), hcp_in_us.pk)
    with pytest.raises(PermissionDenied):
        records(recorded).delete(request_of(msl), hcp_in_us.pk, "", None)
    assert recorded.calls == []
