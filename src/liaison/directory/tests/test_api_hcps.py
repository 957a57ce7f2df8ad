"""/api/v1/hcps over the test client with real API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from liaison.core.models import AuditEvent, Territory, User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory.models import (
    HCP,
    Affiliation,
    Organization,
    Origin,
    Specialty,
    TherapeuticArea,
)

pytestmark = pytest.mark.django_db

VALID_NPI = "1234567893"
VALID_ORCID = "0000-0002-1825-0097"


@pytest.fixture
def oncology(db: None) -> TherapeuticArea:
    return TherapeuticArea.objects.create(code="oncology", name="Oncology")


@pytest.fixture
def cardiology(db: None) -> TherapeuticArea:
    return TherapeuticArea.objects.create(code="cardiology", name="Cardiology")


@pytest.fixture
def muller(oncology: TherapeuticArea) -> HCP:
    hcp = HCP.objects.create(
        given_name="Jürgen",
        family_name="Müller",
        country="DE",
        npi=VALID_NPI,
        orcid=VALID_ORCID,
        origin=Origin.IMPORTED,
    )
    hcp.therapeutic_areas.add(oncology)
    hcp.specialties.add(Specialty.objects.create(name="Medical Oncology"))
    charite = Organization.objects.create(
        name="Charité", type="academic_medical_center", country="DE"
    )
    Affiliation.objects.create(hcp=hcp, organization=charite, role="Professor", is_primary=True)
    return hcp


@pytest.fixture
def smith(cardiology: TherapeuticArea) -> HCP:
    hcp = HCP.objects.create(given_name="Jane", family_name="Smith", country="US", region="US-CA")
    hcp.therapeutic_areas.add(cardiology)
    return hcp


def results(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["family_name"] for row in response.json()["results"]]


# --- authentication -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/hcps"),
        ("post", "/hcps"),
        ("get", "/hcps/1"),
        ("patch", "/hcps/1"),
        ("delete", "/hcps/1"),
    ],
)
def test_anonymous_is_401_on_every_hcp_route(method: str, path: str) -> None:
    response = getattr(ApiClient(), method)(path)
    assert response.status_code == 401
    assert set(response.json()) == {"message", "details"}


# --- list ---------------------------------------------------------------------


def test_list_is_paginated(msl: User) -> None:
    for index in range(7):
        HCP.objects.create(given_name="A", family_name=f"Name{index}", country="DE")
    client = ApiClient(msl)
    first = client.get("/hcps", {"page_size": 3}).json()
    assert (first["count"], first["page"], first["page_size"]) == (7, 1, 3)
    assert [row["family_name"] for row in first["results"]] == ["Name0", "Name1", "Name2"]
    last = client.get("/hcps", {"page_size": 3, "page": 3}).json()
    assert [row["family_name"] for row in last["results"]] == ["Name6"]


def test_default_page_size_is_50(msl: User) -> None:
    assert ApiClient(msl).get("/hcps").json()["page_size"] == 50


def test_page_size_above_the_maximum_is_422_naming_page_size(msl: User) -> None:
    response = ApiClient(msl).get("/hcps", {"page_size": 501})
    assert response.status_code == 422
    body = response.json()
    assert set(body["details"]) == {"page_size"}
    assert "500" in body["details"]["page_size"]


def test_page_size_maximum_follows_the_setting(msl: User, settings: Settings) -> None:
    settings.LIAISON_API_MAX_PAGE_SIZE = 5
    client = ApiClient(msl)
    assert client.get("/hcps", {"page_size": 5}).status_code == 200
    response = client.get("/hcps", {"page_size": 6})
    assert response.status_code == 422
    assert "page_size" in response.json()["details"]


def test_page_zero_is_422_naming_page(msl: User) -> None:
    response = ApiClient(msl).get("/hcps", {"page": 0})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"page"}


def test_q_without_accents_finds_accented_name(msl: User, muller: HCP, smith: HCP) -> None:
    assert results(ApiClient(msl).get("/hcps", {"q": "muller"})) == ["Müller"]
    assert results(ApiClient(msl).get("/hcps", {"q": "jurgen mul"})) == ["Müller"]


def test_q_finds_by_npi_and_by_orcid(msl: User, muller: HCP, smith: HCP) -> None:
    client = ApiClient(msl)
    assert results(client.get("/hcps", {"q": VALID_NPI})) == ["Müller"]
    assert results(client.get("/hcps", {"q": "https://orcid.org/" + VALID_ORCID})) == ["Müller"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"therapeutic_area": "cardiology"}, ["Smith"]),
        ({"territory": "dach"}, ["Müller"]),
        ({"territory": "us-west"}, ["Smith"]),
        ({"country": "us"}, ["Smith"]),
        ({"specialty": "medical oncology"}, ["Müller"]),
        ({"origin": "imported"}, ["Müller"]),
        ({"origin": "manual"}, ["Smith"]),
        ({"sort": "-name"}, ["Smith", "Müller"]),
        ({}, ["Müller", "Smith"]),
    ],
)
def test_list_filters(
    msl: User,
    other_msl: User,
    muller: HCP,
    smith: HCP,
    params: dict[str, str],
    expected: list[str],
) -> None:
    assert results(ApiClient(msl).get("/hcps", params)) == expected


def test_unknown_sort_is_422_naming_sort(msl: User) -> None:
    response = ApiClient(msl).get("/hcps", {"sort": "salary"})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"sort"}


def test_unknown_origin_is_422_naming_origin(msl: User) -> None:
    response = ApiClient(msl).get("/hcps", {"origin": "stolen"})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"origin"}


def test_list_rows_carry_relations(msl: User, muller: HCP, territory_de: Territory) -> None:
    muller.territories.add(territory_de)
    row = ApiClient(msl).get("/hcps").json()["results"][0]
    assert row["full_name"] == "Jürgen Müller"
    assert row["specialties"] == ["Medical Oncology"]
    assert row["therapeutic_areas"] == ["oncology"]
    assert row["territories"] == ["dach"]
    assert row["npi"] == VALID_NPI and row["orcid"] == VALID_ORCID
    [affiliation] = row["affiliations"]
    assert affiliation["organization"]["name"] == "Charité"
    assert affiliation["role"] == "Professor" and affiliation["is_primary"] is True


def test_list_query_count_does_not_grow_with_page_size(
    msl: User, oncology: TherapeuticArea, cardiology: TherapeuticArea, territory_de: Territory
) -> None:
    specialty = Specialty.objects.create(name="Cardiology")
    organization = Organization.objects.create(name="Klinikum", type="hospital", country="DE")
    for index in range(120):
        hcp = HCP.objects.create(given_name="G", family_name=f"F{index:03}", country="DE")
        hcp.therapeutic_areas.add(oncology, cardiology)
        hcp.specialties.add(specialty)
        hcp.territories.add(territory_de)
        Affiliation.objects.create(hcp=hcp, organization=organization)
    client = ApiClient(msl)
    client.get("/hcps")  # the token's last_used_at is written on first use only

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/hcps", {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured.captured_queries)

    assert queries(10) == queries(100)


# --- one HCP -------------------------------------------------------------------


def test_get_one_hcp(medinfo: User, muller: HCP) -> None:
    response = ApiClient(medinfo).get(f"/hcps/{muller.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == muller.pk
    assert body["family_name"] == "Müller"
    assert body["origin"] == "imported"
    assert {"created_at", "updated_at", "consent_date", "contact_channels"} <= set(body)


def test_get_missing_hcp_is_404(msl: User) -> None:
    response = ApiClient(msl).get("/hcps/999999")
    assert response.status_code == 404
    assert response.json()["message"] == "no such HCP"


def test_account_without_role_is_403_saying_why(outsider: User, muller: HCP) -> None:
    client = ApiClient(outsider)
    for response in (client.get(f"/hcps/{muller.pk}"), client.get("/hcps")):
        assert response.status_code == 403
        assert "no role" in response.json()["message"]


# --- create -------------------------------------------------------------------


def new_hcp(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "given_name": "Zoë",
        "family_name": "Brandt",
        "country": "DE",
        "credentials": ["MD", "PhD"],
        "specialties": ["Neurology"],
        "therapeutic_areas": ["oncology"],
        "npi": VALID_NPI,
        "orcid": VALID_ORCID,
        "emails": ["zoe.brandt@example.org"],
        "languages": ["de", "en"],
        "contact_channels": ["email", "visit"],
        "consent_date": "2026-01-15",
        "consent_source": "signed form",
        "reason": "met at ESMO",
    }
    body.update(overrides)
    return body


def test_msl_creates_hcp_in_own_territory(msl: User, oncology: TherapeuticArea) -> None:
    response = ApiClient(msl).post("/hcps", new_hcp())
    assert response.status_code == 201, response.content
    body = response.json()
    hcp = HCP.objects.get(pk=body["id"])
    assert hcp.family_name == "Brandt" and hcp.given_name == "Zoë"
    assert body["specialties"] == ["Neurology"]
    assert body["therapeutic_areas"] == ["oncology"]
    assert body["consent_date"] == "2026-01-15"
    assert body["origin"] == "manual"


def test_create_writes_audit_event_from_api_with_reason(
    msl: User, oncology: TherapeuticArea
) -> None:
    hcp_id = ApiClient(msl).post("/hcps", new_hcp()).json()["id"]
    event = AuditEvent.objects.get(record_type="directory.hcp", record_id=str(hcp_id))
    assert (event.action, event.source, event.actor_id) == ("create", "api", msl.pk)
    assert event.reason == "met at ESMO"
    assert event.changes["family_name"] == [None, "Brandt"]


def test_create_with_bad_npi_names_npi(msl: User) -> None:
    response = ApiClient(msl).post("/hcps", new_hcp(npi="1234567890", therapeutic_areas=[]))
    assert response.status_code == 400
    body = response.json()
    assert set(body["details"]) == {"npi"}
    assert "check digit" in body["details"]["npi"]
    assert not HCP.objects.exists()


def test_create_with_bad_orcid_names_orcid(msl: User) -> None:
    response = ApiClient(msl).post(
        "/hcps", new_hcp(orcid="0000-0002-1825-0098", therapeutic_areas=[])
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"orcid"}


def test_create_with_unknown_therapeutic_area_names_the_field(msl: User) -> None:
    response = ApiClient(msl).post("/hcps", new_hcp(therapeutic_areas=["astrology"]))
    assert response.status_code == 400
    body = response.json()
    assert set(body["details"]) == {"therapeutic_areas"}
    assert "astrology" in body["message"]
    assert not HCP.objects.exists()
    # The specialty named in the refused request is not left behind.
    assert not Specialty.objects.filter(name="Neurology").exists()


def test_create_with_unknown_territory_names_the_field(msl: User) -> None:
    response = ApiClient(msl).post("/hcps", new_hcp(therapeutic_areas=[], territories=["mars"]))
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"territories"}


def test_create_without_family_name_is_422_naming_it(msl: User) -> None:
    body = new_hcp()
    del body["family_name"]
    response = ApiClient(msl).post("/hcps", body)
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"family_name"}


def test_create_with_lower_case_country_is_422_naming_country(msl: User) -> None:
    response = ApiClient(msl).post("/hcps", new_hcp(country="de"))
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"country"}


def test_create_with_unknown_country_names_country(msl: User, admin_user: User) -> None:
    response = ApiClient(admin_user).post("/hcps", new_hcp(country="XX", therapeutic_areas=[]))
    assert response.status_code == 400
    assert "country" in response.json()["details"]


def test_create_with_taken_npi_names_npi(msl: User, muller: HCP, oncology: TherapeuticArea) -> None:
    response = ApiClient(msl).post("/hcps", new_hcp(orcid=None))
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"npi"}
    assert HCP.objects.count() == 1


def test_msl_cannot_create_hcp_outside_territory(msl: User, oncology: TherapeuticArea) -> None:
    response = ApiClient(msl).post("/hcps", new_hcp(country="FR"))
    assert response.status_code == 403
    assert not HCP.objects.exists()
    assert not AuditEvent.objects.exists()


def test_read_only_role_cannot_create_hcp(medinfo: User, oncology: TherapeuticArea) -> None:
    assert ApiClient(medinfo).post("/hcps", new_hcp()).status_code == 403


# --- update -------------------------------------------------------------------


def test_msl_patches_hcp_in_own_territory(msl: User, muller: HCP) -> None:
    response = ApiClient(msl).patch(
        f"/hcps/{muller.pk}", {"city": "Berlin", "therapeutic_areas": [], "reason": "moved"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Berlin"
    assert response.json()["therapeutic_areas"] == []
    muller.refresh_from_db()
    assert muller.city == "Berlin"
    assert muller.family_name == "Müller"  # not sent, not changed
    assert muller.npi == VALID_NPI


def test_patch_writes_audit_event_from_api(msl: User, muller: HCP) -> None:
    ApiClient(msl).patch(f"/hcps/{muller.pk}", {"city": "Berlin", "reason": "moved"})
    event = AuditEvent.objects.get(record_type="directory.hcp", action="update")
    assert event.source == "api"
    assert event.reason == "moved"
    assert event.changes == {"city": ["", "Berlin"]}


def test_patch_null_npi_removes_it(msl: User, muller: HCP) -> None:
    response = ApiClient(msl).patch(f"/hcps/{muller.pk}", {"npi": None})
    assert response.status_code == 200
    muller.refresh_from_db()
    assert muller.npi is None


def test_patch_null_on_a_text_field_is_422(msl: User, muller: HCP) -> None:
    response = ApiClient(msl).patch(f"/hcps/{muller.pk}", {"city": None})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"city"}


def test_patch_with_bad_npi_names_npi_and_changes_nothing(msl: User, muller: HCP) -> None:
    response = ApiClient(msl).patch(f"/hcps/{muller.pk}", {"npi": "12345", "city": "Bonn"})
    assert response.status_code == 400
    assert "npi" in response.json()["details"]
    muller.refresh_from_db()
    assert (muller.npi, muller.city) == (VALID_NPI, "")


def test_msl_cannot_patch_hcp_outside_territory(msl: User, smith: HCP) -> None:
    response = ApiClient(msl).patch(f"/hcps/{smith.pk}", {"city": "Fresno"})
    assert response.status_code == 403
    assert set(response.json()) == {"message", "details"}
    smith.refresh_from_db()
    assert smith.city == ""


def test_msl_cannot_move_hcp_out_of_territory(msl: User, muller: HCP) -> None:
    response = ApiClient(msl).patch(f"/hcps/{muller.pk}", {"country": "FR"})
    assert response.status_code == 403
    muller.refresh_from_db()
    assert muller.country == "DE"


def test_patch_unseen_hcp_is_404(msl: User) -> None:
    response = ApiClient(msl).patch("/hcps/999999", {"city": "X"})
    assert response.status_code == 404
    assert response.json()["message"] == "no such HCP"


# --- delete -------------------------------------------------------------------


def test_delete_with_reason_in_query(admin_user: User, smith: HCP) -> None:
    response = ApiClient(admin_user).delete(f"/hcps/{smith.pk}?reason=duplicate")
    assert response.status_code == 204
    assert not HCP.objects.filter(pk=smith.pk).exists()
    event = AuditEvent.objects.get(record_type="directory.hcp", action="delete")
    assert (event.reason, event.source) == ("duplicate", "api")


def test_delete_with_reason_in_body(admin_user: User, smith: HCP) -> None:
    response = ApiClient(admin_user).delete(f"/hcps/{smith.pk}", {"reason": "left the field"})
    assert response.status_code == 204
    event = AuditEvent.objects.get(record_type="directory.hcp", action="delete")
    assert event.reason == "left the field"


def test_msl_cannot_delete_hcp_outside_territory(msl: User, smith: HCP) -> None:
    assert ApiClient(msl).delete(f"/hcps/{smith.pk}").status_code == 403
    assert HCP.objects.filter(pk=smith.pk).exists()
