"""/api/v1/products, their indications and /api/v1/therapeutic-areas:
administrators write, every medical-affairs role reads."""

from __future__ import annotations

import pytest

from liaison.core.models import AuditEvent, User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory.models import Indication, Product, TherapeuticArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def oncology(db: None) -> TherapeuticArea:
    return TherapeuticArea.objects.create(code="oncology", name="Oncology")


@pytest.fixture
def ours(oncology: TherapeuticArea) -> Product:
    return Product.objects.create(
        name="Oncovir",
        generic_name="oncovirimab",
        company="Us",
        is_own=True,
        therapeutic_area=oncology,
    )


@pytest.fixture
def theirs(db: None) -> Product:
    return Product.objects.create(name="Rivalex", company="Rival Pharma")


@pytest.fixture
def label_de(ours: Product, oncology: TherapeuticArea) -> Indication:
    return Indication.objects.create(
        product=ours, country="DE", condition="Metastatic NSCLC", therapeutic_area=oncology
    )


def test_anonymous_is_401() -> None:
    client = ApiClient()
    for path in (
        "/products",
        "/products/1",
        "/products/1/indications",
        "/indications/1",
        "/therapeutic-areas",
    ):
        assert client.get(path).status_code == 401, path


def test_every_role_reads_products(pv: User, ours: Product, theirs: Product) -> None:
    body = ApiClient(pv).get("/products").json()
    assert body["count"] == 2
    assert [row["name"] for row in body["results"]] == ["Oncovir", "Rivalex"]
    assert body["results"][0]["therapeutic_area"] == "oncology"
    assert body["results"][0]["is_own"] is True


def test_product_filters(msl: User, ours: Product, theirs: Product) -> None:
    client = ApiClient(msl)
    assert [r["name"] for r in client.get("/products", {"is_own": "false"}).json()["results"]] == [
        "Rivalex"
    ]
    assert [r["name"] for r in client.get("/products", {"q": "rival"}).json()["results"]] == [
        "Rivalex"
    ]


def test_admin_creates_product(admin_user: User, oncology: TherapeuticArea) -> None:
    response = ApiClient(admin_user).post(
        "/products",
        {"name": "Cardiomax", "company": "Us", "is_own": True, "therapeutic_area": "oncology"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["therapeutic_area"] == "oncology"
    event = AuditEvent.objects.get(record_type="directory.product")
    assert (event.action, event.source) == ("create", "api")


def test_create_with_unknown_area_names_the_field(admin_user: User) -> None:
    response = ApiClient(admin_user).post(
        "/products", {"name": "X", "company": "Y", "therapeutic_area": "alchemy"}
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"therapeutic_area"}


def test_msl_cannot_create_change_or_delete_products(msl: User, ours: Product) -> None:
    client = ApiClient(msl)
    assert client.post("/products", {"name": "X", "company": "Y"}).status_code == 403
    assert client.patch(f"/products/{ours.pk}", {"company": "Z"}).status_code == 403
    assert client.delete(f"/products/{ours.pk}").status_code == 403
    assert Product.objects.get(pk=ours.pk).company == "Us"


def test_admin_patches_and_deletes_product(admin_user: User, ours: Product) -> None:
    client = ApiClient(admin_user)
    response = client.patch(f"/products/{ours.pk}", {"therapeutic_area": None})
    assert response.status_code == 200
    assert response.json()["therapeutic_area"] is None
    assert client.delete(f"/products/{ours.pk}?reason=withdrawn").status_code == 204
    assert not Product.objects.filter(pk=ours.pk).exists()


def test_unknown_product_is_404(msl: User) -> None:
    assert ApiClient(msl).get("/products/999999").status_code == 404
    assert ApiClient(msl).get("/products/999999/indications").status_code == 404


def test_indications_of_a_product(msl: User, ours: Product, label_de: Indication) -> None:
    Indication.objects.create(product=ours, country="US", condition="Metastatic NSCLC")
    client = ApiClient(msl)
    body = client.get(f"/products/{ours.pk}/indications").json()
    assert body["count"] == 2
    only_de = client.get(f"/products/{ours.pk}/indications", {"country": "DE"}).json()["results"]
    assert [row["id"] for row in only_de] == [label_de.pk]
    assert only_de[0]["product"] == {"id": ours.pk, "name": "Oncovir"}
    assert only_de[0]["therapeutic_area"] == "oncology"


def test_admin_adds_changes_and_removes_indication(admin_user: User, ours: Product) -> None:
    client = ApiClient(admin_user)
    response = client.post(
        f"/products/{ours.pk}/indications",
        {"country": "FR", "condition": "Adjuvant melanoma", "approved_on": "2025-03-01"},
    )
    assert response.status_code == 201, response.content
    indication_id = response.json()["id"]
    assert Indication.objects.get(pk=indication_id).product_id == ours.pk

    response = client.patch(f"/indications/{indication_id}", {"label_reference": "SmPC 4.1"})
    assert response.status_code == 200
    assert response.json()["label_reference"] == "SmPC 4.1"
    assert client.get(f"/indications/{indication_id}").json()["country"] == "FR"

    assert (
        client.delete(f"/indications/{indication_id}", {"reason": "label change"}).status_code
        == 204
    )
    event = AuditEvent.objects.get(record_type="directory.indication", action="delete")
    assert (event.reason, event.source) == ("label change", "api")


def test_indication_with_bad_country_is_422(admin_user: User, ours: Product) -> None:
    response = ApiClient(admin_user).post(
        f"/products/{ours.pk}/indications", {"country": "France", "condition": "X"}
    )
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"country"}


def test_msl_cannot_add_indication(msl: User, ours: Product) -> None:
    response = ApiClient(msl).post(
        f"/products/{ours.pk}/indications", {"country": "DE", "condition": "X"}
    )
    assert response.status_code == 403
    assert not Indication.objects.exists()


def test_therapeutic_areas_list(medinfo: User, oncology: TherapeuticArea) -> None:
    TherapeuticArea.objects.create(code="cardiology", name="Cardiology")
    body = ApiClient(medinfo).get("/therapeutic-areas").json()
    assert [row["code"] for row in body] == ["cardiology", "oncology"]
