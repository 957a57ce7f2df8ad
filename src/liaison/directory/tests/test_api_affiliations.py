"""/api/v1/affiliations: changing an affiliation needs the right to change its HCP."""

from __future__ import annotations

import pytest

from liaison.core.models import AuditEvent, User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory.models import HCP, Affiliation, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def hcp_de(db: None) -> HCP:
    return HCP.objects.create(given_name="Lena", family_name="Vogel", country="DE")


@pytest.fixture
def hcp_us(db: None) -> HCP:
    return HCP.objects.create(given_name="Sam", family_name="Lee", country="US", region="US-CA")


@pytest.fixture
def clinic(db: None) -> Organization:
    return Organization.objects.create(name="Klinikum Nord", type="hospital", country="DE")


@pytest.fixture
def hospital(db: None) -> Organization:
    return Organization.objects.create(name="Bay Hospital", type="hospital", country="US")


def test_anonymous_is_401() -> None:
    assert ApiClient().get("/affiliations").status_code == 401
    assert ApiClient().post("/affiliations", {}).status_code == 401


def test_list_filters_by_hcp_and_organization(
    msl: User, hcp_de: HCP, hcp_us: HCP, clinic: Organization, hospital: Organization
) -> None:
    first = Affiliation.objects.create(hcp=hcp_de, organization=clinic)
    second = Affiliation.objects.create(hcp=hcp_us, organization=hospital)
    client = ApiClient(msl)
    all_rows = client.get("/affiliations").json()
    assert all_rows["count"] == 2
    by_hcp = client.get("/affiliations", {"hcp": hcp_us.pk}).json()["results"]
    assert [row["id"] for row in by_hcp] == [second.pk]
    by_org = client.get("/affiliations", {"organization": clinic.pk}).json()["results"]
    assert [row["id"] for row in by_org] == [first.pk]
    assert by_org[0]["hcp"] == {"id": hcp_de.pk, "full_name": "Lena Vogel"}
    assert by_org[0]["organization"] == {"id": clinic.pk, "name": "Klinikum Nord"}


def test_msl_affiliates_hcp_of_own_territory(
    msl: User, hcp_de: HCP, hospital: Organization
) -> None:
    response = ApiClient(msl).post(
        "/affiliations",
        {
            "hcp_id": hcp_de.pk,
            "organization_id": hospital.pk,
            "role": "Visiting professor",
            "start_date": "2024-09-01",
            "reason": "sabbatical",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == "Visiting professor"
    assert body["start_date"] == "2024-09-01"
    event = AuditEvent.objects.get(record_type="directory.affiliation", action="create")
    assert (event.source, event.reason) == ("api", "sabbatical")


def test_msl_cannot_affiliate_hcp_outside_territory(
    msl: User, hcp_us: HCP, clinic: Organization
) -> None:
    response = ApiClient(msl).post(
        "/affiliations", {"hcp_id": hcp_us.pk, "organization_id": clinic.pk}
    )
    assert response.status_code == 403
    assert not Affiliation.objects.exists()


def test_create_with_unknown_hcp_names_hcp_id(msl: User, clinic: Organization) -> None:
    response = ApiClient(msl).post(
        "/affiliations", {"hcp_id": 999999, "organization_id": clinic.pk}
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"hcp_id"}


def test_create_with_end_before_start_names_end_date(
    msl: User, hcp_de: HCP, clinic: Organization
) -> None:
    response = ApiClient(msl).post(
        "/affiliations",
        {
            "hcp_id": hcp_de.pk,
            "organization_id": clinic.pk,
            "start_date": "2024-01-01",
            "end_date": "2023-01-01",
        },
    )
    assert response.status_code == 400
    assert "end_date" in response.json()["details"]


def test_create_with_bad_date_is_422_naming_it(
    msl: User, hcp_de: HCP, clinic: Organization
) -> None:
    response = ApiClient(msl).post(
        "/affiliations",
        {"hcp_id": hcp_de.pk, "organization_id": clinic.pk, "start_date": "01/02/2024"},
    )
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"start_date"}


def test_patch_and_delete_follow_the_hcp(
    msl: User, hcp_de: HCP, hcp_us: HCP, clinic: Organization, hospital: Organization
) -> None:
    mine = Affiliation.objects.create(hcp=hcp_de, organization=clinic)
    theirs = Affiliation.objects.create(hcp=hcp_us, organization=hospital)
    client = ApiClient(msl)

    response = client.patch(f"/affiliations/{mine.pk}", {"is_primary": True, "role": "Head"})
    assert response.status_code == 200, response.content
    mine.refresh_from_db()
    assert (mine.is_primary, mine.role) == (True, "Head")

    assert client.patch(f"/affiliations/{theirs.pk}", {"role": "X"}).status_code == 403
    assert client.delete(f"/affiliations/{theirs.pk}").status_code == 403
    assert client.delete(f"/affiliations/{mine.pk}?reason=ended").status_code == 204
    assert not Affiliation.objects.filter(pk=mine.pk).exists()
    assert Affiliation.objects.filter(pk=theirs.pk).exists()


def test_get_unknown_affiliation_is_404(msl: User) -> None:
    assert ApiClient(msl).get("/affiliations/999999").status_code == 404
