"""The directory's typed services: policy, transaction, audit and the checks after a write."""

from __future__ import annotations

from typing import Any

import pytest
from ninja import Schema

from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Territory, User
from liaison.directory import services
from liaison.directory.models import HCP, Affiliation, Organization, Specialty, TherapeuticArea
from liaison.directory.schemas import (
    AffiliationCreateIn,
    AffiliationPatchIn,
    HCPCreateIn,
    HCPPatchIn,
    IndicationCreateIn,
    IndicationPatchIn,
    OrganizationCreateIn,
    OrganizationPatchIn,
    ProductCreateIn,
    ProductPatchIn,
)


def test_msl_cannot_pull_a_foreign_hcp_into_reach_with_an_explicit_territory(
    msl: User, territory_de: Territory
) -> None:
    with pytest.raises(PermissionDenied, match="territories"):
        services.create_hcp(
            actor=msl,
            data={
                "given_name": "Léa",
                "family_name": "Martin",
                "country": "FR",
                "territories": [territory_de],
            },
        )
    assert not HCP.objects.exists()
    assert not AuditEvent.objects.exists()


def test_msl_cannot_create_hcp_outside_territory(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        services.create_hcp(
            actor=msl, data={"given_name": "Léa", "family_name": "Martin", "country": "FR"}
        )
    assert not HCP.objects.exists()


def test_msl_creates_hcp_in_own_territory(msl: User) -> None:
    hcp = services.create_hcp(
        actor=msl, data={"given_name": "Anna", "family_name": "Groß", "country": "AT"}
    )
    assert hcp.search_name == "gross anna"


def test_administrator_assigns_territories(admin_user: User, territory_de: Territory) -> None:
    hcp = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "Léa",
            "family_name": "Martin",
            "country": "FR",
            "territories": [territory_de],
        },
    )
    assert list(hcp.territories.all()) == [territory_de]


def test_lower_case_country_is_refused_naming_the_field(admin_user: User) -> None:
    with pytest.raises(LiaisonError) as caught:
        services.create_hcp(
            actor=admin_user, data={"given_name": "A", "family_name": "B", "country": "de"}
        )
    assert "country" in caught.value.details


def test_unchanged_update_writes_no_event(admin_user: User) -> None:
    hcp = services.create_hcp(
        actor=admin_user, data={"given_name": "A", "family_name": "B", "country": "DE"}
    )
    before = AuditEvent.objects.count()
    assert services.update_hcp(actor=admin_user, hcp=hcp, data={"given_name": "A"}) == {}
    assert AuditEvent.objects.count() == before


def test_specialty_named_by_a_new_name_is_created_and_audited(admin_user: User) -> None:
    hcp = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "A",
            "family_name": "B",
            "country": "DE",
            "specialties": ["Neurology", " "],
        },
    )
    assert [specialty.name for specialty in hcp.specialties.all()] == ["Neurology"]
    assert AuditEvent.objects.filter(record_type="directory.specialty").count() == 1


def test_refused_create_leaves_no_specialty_it_named(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        services.create_hcp(
            actor=msl,
            data={
                "given_name": "A",
                "family_name": "B",
                "country": "FR",
                "specialties": ["Neurology"],
            },
        )
    assert not Specialty.objects.exists()


def test_msl_cannot_move_an_hcp_out_of_reach_and_keeps_the_stored_values(msl: User) -> None:
    hcp = services.create_hcp(
        actor=msl, data={"given_name": "A", "family_name": "B", "country": "AT"}
    )
    with pytest.raises(PermissionDenied, match="outside what you may edit"):
        services.update_hcp(actor=msl, hcp=hcp, data={"country": "FR"})
    assert hcp.country == "AT"
    assert HCP.objects.get(pk=hcp.pk).country == "AT"


def test_a_key_that_is_no_field_is_refused(admin_user: User) -> None:
    data: Any = {"given_name": "A", "family_name": "B", "country": "DE", "nickname": "AB"}
    with pytest.raises(LiaisonError, match="unknown field"):
        services.create_hcp(actor=admin_user, data=data)


def test_affiliating_needs_the_right_to_change_the_hcp(msl: User, admin_user: User) -> None:
    hcp = services.create_hcp(
        actor=admin_user, data={"given_name": "A", "family_name": "B", "country": "US"}
    )
    clinic = Organization.objects.create(name="Klinik", type="clinic", country="AT")
    with pytest.raises(PermissionDenied):
        services.create_affiliation(actor=msl, hcp=hcp, data={"organization": clinic})
    assert not Affiliation.objects.exists()


def test_therapeutic_area_in_use_is_a_conflict(admin_user: User) -> None:
    area = services.create_therapeutic_area(
        actor=admin_user, data={"code": "onc", "name": "Oncology"}
    )
    services.create_product(
        actor=admin_user, data={"name": "X", "company": "Y", "therapeutic_area": area}
    )
    with pytest.raises(Conflict, match="still in use"):
        services.delete_therapeutic_area(actor=admin_user, area=area)
    assert TherapeuticArea.objects.filter(pk=area.pk).exists()


@pytest.mark.parametrize(
    ("schema", "data", "apart"),
    [
        (HCPCreateIn, services.HCPData, set()),
        (HCPPatchIn, services.HCPData, set()),
        (OrganizationCreateIn, services.OrganizationData, {"parent_id"}),
        (OrganizationPatchIn, services.OrganizationData, {"parent_id"}),
        (AffiliationCreateIn, services.AffiliationData, {"hcp_id", "organization_id"}),
        (AffiliationPatchIn, services.AffiliationData, {"organization_id"}),
        (ProductCreateIn, services.ProductData, set()),
        (ProductPatchIn, services.ProductData, set()),
        (IndicationCreateIn, services.IndicationData, set()),
        (IndicationPatchIn, services.IndicationData, set()),
    ],
)
def test_api_bodies_name_the_fields_of_the_services_data(
    schema: type[Schema], data: type[Any], apart: set[str]
) -> None:
    """The API hands a body's fields to the service as its typed data (ids turned
    into records are named apart): a field the data does not know would be refused."""
    assert set(schema.model_fields) - {"reason"} - apart <= set(data.__annotations__)


def test_a_specialty_name_too_long_is_refused_before_any_query(admin_user: User) -> None:
    from liaison.core.errors import LiaisonError

    with pytest.raises(LiaisonError, match="at most 120 characters"):
        services.create_hcp(
            actor=admin_user,
            data={
                "given_name": "Anna",
                "family_name": "Schmidt",
                "country": "DE",
                "specialties": ["x" * 70_000],
            },
        )
