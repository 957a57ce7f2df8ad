"""/api/v1/organizations."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core.models import AuditEvent, Territory, User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def charite(db: None) -> Organization:
    return Organization.objects.create(
        name="Charité – Universitätsmedizin Berlin",
        type="academic_medical_center",
        city="Berlin",
        country="DE",
    )


@pytest.fixture
def stanford(db: None) -> Organization:
    return Organization.objects.create(
        name="Stanford Health Care", type="hospital", country="US", region="US-CA"
    )


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/organizations"),
        ("post", "/organizations"),
        ("get", "/organizations/1"),
        ("patch", "/organizations/1"),
        ("delete", "/organizations/1"),
    ],
)
def test_anonymous_is_401(method: str, path: str) -> None:
    assert getattr(ApiClient(), method)(path).status_code == 401


def test_list_is_paginated_with_count(
    msl: User, charite: Organization, stanford: Organization
) -> None:
    body = ApiClient(msl).get("/organizations", {"page_size": 1}).json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 1)
    assert len(body["results"]) == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "universitatsmedizin"}, ["Charité – Universitätsmedizin Berlin"]),
        ({"q": "charite"}, ["Charité – Universitätsmedizin Berlin"]),
        ({"country": "US"}, ["Stanford Health Care"]),
        ({"type": "hospital"}, ["Stanford Health Care"]),
        ({}, ["Charité – Universitätsmedizin Berlin", "Stanford Health Care"]),
    ],
)
def test_list_filters(
    msl: User,
    charite: Organization,
    stanford: Organization,
    params: dict[str, str],
    expected: list[str],
) -> None:
    assert names(ApiClient(msl).get("/organizations", params)) == expected


def test_unknown_type_is_422_naming_type(msl: User) -> None:
    response = ApiClient(msl).get("/organizations", {"type": "castle"})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"type"}


def test_a_search_of_thousands_of_words_is_422_naming_q(msl: User) -> None:
    # Each word is a condition: 3,000 of them were a 503 on SQLite ("Expression tree
    # is too large") after seconds of work. The web's search box holds 200 characters.
    response = ApiClient(msl).get("/organizations", {"q": "ab " * 3000})
    assert response.status_code == 422
    assert response.json()["details"] == {"q": "String should have at most 200 characters"}
    assert ApiClient(msl).get("/organizations", {"q": "ab " * 66}).status_code == 200


def test_page_size_above_the_maximum_is_422(msl: User) -> None:
    response = ApiClient(msl).get("/organizations", {"page_size": 10_000})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"page_size"}


def test_get_one(medinfo: User, charite: Organization, territory_de: Territory) -> None:
    charite.territories.add(territory_de)
    body = ApiClient(medinfo).get(f"/organizations/{charite.pk}").json()
    assert body["name"].startswith("Charité")
    assert body["type"] == "academic_medical_center"
    assert body["territories"] == ["dach"]
    assert body["parent"] is None


def test_msl_creates_organization_in_territory_with_parent(
    msl: User, charite: Organization
) -> None:
    response = ApiClient(msl).post(
        "/organizations",
        {
            "name": "Charité Comprehensive Cancer Center",
            "type": "research_institute",
            "city": "Berlin",
            "country": "DE",
            "parent_id": charite.pk,
            "reason": "new centre",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == {"id": charite.pk, "name": charite.name}
    assert body["territories"] == []
    event = AuditEvent.objects.get(record_type="directory.organization", action="create")
    assert (event.source, event.reason) == ("api", "new centre")


def test_create_with_unknown_parent_names_parent_id(msl: User) -> None:
    response = ApiClient(msl).post(
        "/organizations", {"name": "X", "type": "clinic", "country": "DE", "parent_id": 999999}
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"parent_id"}
    assert not Organization.objects.exists()


def test_create_with_a_lone_surrogate_in_a_code_is_422_naming_the_field(msl: User) -> None:
    # JSON's "\ud800" reached the territory look-up and the driver failed to encode it: a 500.
    body = {"name": "X", "type": "clinic", "country": "DE", "territories": ["\ud800"]}
    response = ApiClient(msl).post("/organizations", body)
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"territories"}
    assert not Organization.objects.exists()


def test_create_with_unknown_type_is_422_naming_type(msl: User) -> None:
    response = ApiClient(msl).post("/organizations", {"name": "X", "type": "pub", "country": "DE"})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"type"}


def test_create_duplicate_names_the_rule(admin_user: User, charite: Organization) -> None:
    response = ApiClient(admin_user).post(
        "/organizations",
        {"name": charite.name, "type": "hospital", "city": "Berlin", "country": "DE"},
    )
    assert response.status_code in (400, 409)
    assert response.json()["message"]
    assert Organization.objects.count() == 1


def test_msl_cannot_create_organization_outside_territory(msl: User) -> None:
    response = ApiClient(msl).post(
        "/organizations", {"name": "Mayo Clinic", "type": "hospital", "country": "US"}
    )
    assert response.status_code == 403
    assert not Organization.objects.exists()


def test_patch_changes_only_sent_fields(msl: User, charite: Organization) -> None:
    response = ApiClient(msl).patch(f"/organizations/{charite.pk}", {"postal_code": "10117"})
    assert response.status_code == 200, response.content
    charite.refresh_from_db()
    assert (charite.postal_code, charite.city) == ("10117", "Berlin")
    event = AuditEvent.objects.get(record_type="directory.organization", action="update")
    assert event.changes == {"postal_code": ["", "10117"]}
    assert event.source == "api"


def test_patch_cannot_make_organization_its_own_parent(
    admin_user: User, charite: Organization
) -> None:
    response = ApiClient(admin_user).patch(
        f"/organizations/{charite.pk}", {"parent_id": charite.pk}
    )
    assert response.status_code == 400
    assert "parent" in response.json()["details"]


def test_msl_cannot_patch_organization_outside_territory(msl: User, stanford: Organization) -> None:
    assert (
        ApiClient(msl).patch(f"/organizations/{stanford.pk}", {"city": "Palo Alto"}).status_code
        == 403
    )


def test_patch_unknown_organization_is_404(msl: User) -> None:
    assert ApiClient(msl).patch("/organizations/999999", {"city": "X"}).status_code == 404


def test_admin_deletes_organization_with_reason(admin_user: User, stanford: Organization) -> None:
    response = ApiClient(admin_user).delete(f"/organizations/{stanford.pk}?reason=closed")
    assert response.status_code == 204
    assert not Organization.objects.filter(pk=stanford.pk).exists()
    event = AuditEvent.objects.get(record_type="directory.organization", action="delete")
    assert event.reason == "closed"


def test_read_only_role_cannot_delete(compliance: User, charite: Organization) -> None:
    assert ApiClient(compliance).delete(f"/organizations/{charite.pk}").status_code == 403
    assert Organization.objects.filter(pk=charite.pk).exists()


def test_list_query_count_does_not_grow_with_page_size(
    msl: User, charite: Organization, territory_de: Territory
) -> None:
    for index in range(40):
        organization = Organization.objects.create(
            name=f"Praxis {index:02}", type="clinic", country="AT", parent=charite
        )
        organization.territories.add(territory_de)
    client = ApiClient(msl)
    client.get("/organizations")  # the token's last_used_at is written on first use only

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/organizations", {"page_size": page_size})
        rows = response.json()["results"]
        assert len(rows) == page_size
        assert rows[-1]["territories"] == ["dach"]
        return len(captured.captured_queries)

    assert queries(5) == queries(35)
