"""The directory's routes in the authorization matrix (see
``liaison.core.tests.authorization``): a German HCP, organization and affiliation
(alice's territory) and the same in California (the other MSL's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liaison.core.tests.authorization import (
    ADMIN_CHANGE,
    ADMIN_CREATE,
    ADMIN_DELETE,
    ADMIN_ONLY,
    API_READ,
    DACH_CHANGE,
    DACH_CREATE,
    DACH_DELETE,
    DACH_EDITORS,
    EVERYONE,
    FIELD_ADDERS,
    US_CHANGE,
    US_CREATE,
    US_DELETE,
    ApiCase,
    Route,
    World,
    api_map,
)
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    OrganizationType,
    Product,
    TherapeuticArea,
)


@dataclass
class DirectoryRecords:
    hcp: HCP
    organization: Organization
    affiliation: Affiliation
    product: Product
    indication: Indication
    area: TherapeuticArea
    # The same kind of records in California: other_msl's territory, not alice's.
    hcp_us: HCP
    organization_us: Organization
    affiliation_us: Affiliation


def build(world: World) -> None:
    area = TherapeuticArea.objects.create(code="oncology", name="Oncology")
    hcp = HCP.objects.create(given_name="Jürgen", family_name="Müller", country="DE")
    organization = Organization.objects.create(
        name="Charité", type=OrganizationType.ACADEMIC_MEDICAL_CENTER, country="DE", city="Berlin"
    )
    product = Product.objects.create(
        name="Oncovir", company="Us", is_own=True, therapeutic_area=area
    )
    hcp_us = HCP.objects.create(given_name="Sam", family_name="Lee", country="US", region="US-CA")
    organization_us = Organization.objects.create(
        name="Bay Hospital", type=OrganizationType.HOSPITAL, country="US", region="US-CA"
    )
    world.add(
        DirectoryRecords(
            hcp=hcp,
            organization=organization,
            affiliation=Affiliation.objects.create(
                hcp=hcp, organization=organization, role="Professor"
            ),
            product=product,
            indication=Indication.objects.create(product=product, country="DE", condition="NSCLC"),
            area=area,
            hcp_us=hcp_us,
            organization_us=organization_us,
            affiliation_us=Affiliation.objects.create(hcp=hcp_us, organization=organization_us),
        )
    )


def records(world: World) -> DirectoryRecords:
    return world.get(DirectoryRecords)


def hcp_pk(world: World) -> dict[str, Any]:
    return {"pk": records(world).hcp.pk}


def org_pk(world: World) -> dict[str, Any]:
    return {"pk": records(world).organization.pk}


def admin_upload(world: World) -> dict[str, Any]:
    # An upload of the administrator's (the import pages load it by id).
    from liaison.directory.views.transfers import save_upload

    upload = save_upload(
        owner=world.users["admin"],
        file_name="hcps.csv",
        chunks=[b"First Name,Last Name,Country\nA,B,DE\n"],
    )
    return {"upload": upload}


WEB_ROUTES: dict[str, Route] = {
    "directory:hcp-list": Route(EVERYONE),
    "directory:hcp-create": Route(FIELD_ADDERS),
    "directory:hcp-detail": Route(EVERYONE, kwargs=hcp_pk),
    "directory:hcp-edit": Route(DACH_EDITORS, kwargs=hcp_pk),
    "directory:hcp-delete": Route(
        DACH_EDITORS, method="post", kwargs=hcp_pk, data=lambda w: {"reason": "duplicate"}
    ),
    "directory:affiliation-create": Route(DACH_EDITORS, kwargs=hcp_pk),
    "directory:organization-list": Route(EVERYONE),
    "directory:organization-create": Route(FIELD_ADDERS),
    "directory:organization-detail": Route(EVERYONE, kwargs=org_pk),
    "directory:organization-edit": Route(DACH_EDITORS, kwargs=org_pk),
    "directory:hcp-export": Route(EVERYONE, query="format=csv"),
    "directory:import-start": Route(ADMIN_ONLY),
    "directory:import-mapping": Route(ADMIN_ONLY, kwargs=admin_upload),
    "directory:import-report": Route(ADMIN_ONLY, kwargs=admin_upload),
    # Without a last name the NPI Registry is not asked: the policy decides alone.
    "directory:nppes-lookup": Route(FIELD_ADDERS),
}

hcp_body = {"given_name": "Anna", "family_name": "Schmidt", "country": "DE"}
org_body = {"name": "Uniklinik Köln", "type": "hospital", "country": "DE", "city": "Köln"}


def hcp_id(world: World) -> dict[str, Any]:
    return {"hcp_id": records(world).hcp.pk}


def organization_id(world: World) -> dict[str, Any]:
    return {"organization_id": records(world).organization.pk}


def affiliation_id(world: World) -> dict[str, Any]:
    return {"affiliation_id": records(world).affiliation.pk}


def product_id(world: World) -> dict[str, Any]:
    return {"product_id": records(world).product.pk}


def indication_id(world: World) -> dict[str, Any]:
    return {"indication_id": records(world).indication.pk}


API_ROUTES: dict[str, Route] = {
    "GET /api/v1/hcps": Route(API_READ),
    "POST /api/v1/hcps": Route(DACH_CREATE, data=lambda w: hcp_body),
    "GET /api/v1/hcps/{hcp_id}": Route(API_READ, kwargs=hcp_id),
    "PATCH /api/v1/hcps/{hcp_id}": Route(
        DACH_CHANGE, kwargs=hcp_id, data=lambda w: {"city": "Berlin"}
    ),
    "DELETE /api/v1/hcps/{hcp_id}": Route(DACH_DELETE, kwargs=hcp_id),
    "GET /api/v1/organizations": Route(API_READ),
    "POST /api/v1/organizations": Route(DACH_CREATE, data=lambda w: org_body),
    "GET /api/v1/organizations/{organization_id}": Route(API_READ, kwargs=organization_id),
    "PATCH /api/v1/organizations/{organization_id}": Route(
        DACH_CHANGE, kwargs=organization_id, data=lambda w: {"city": "Berlin-Mitte"}
    ),
    "DELETE /api/v1/organizations/{organization_id}": Route(DACH_DELETE, kwargs=organization_id),
    "GET /api/v1/affiliations": Route(API_READ),
    # The HCP's territory decides, not the organization's (this one is Californian).
    "POST /api/v1/affiliations": Route(
        DACH_CREATE,
        data=lambda w: {
            "hcp_id": records(w).hcp.pk,
            "organization_id": records(w).organization_us.pk,
            "role": "Lecturer",
        },
    ),
    "GET /api/v1/affiliations/{affiliation_id}": Route(API_READ, kwargs=affiliation_id),
    "PATCH /api/v1/affiliations/{affiliation_id}": Route(
        DACH_CHANGE, kwargs=affiliation_id, data=lambda w: {"role": "Chair"}
    ),
    "DELETE /api/v1/affiliations/{affiliation_id}": Route(DACH_DELETE, kwargs=affiliation_id),
    "GET /api/v1/products": Route(API_READ),
    "POST /api/v1/products": Route(
        ADMIN_CREATE, data=lambda w: {"name": "Cardiox", "company": "Us", "is_own": True}
    ),
    "GET /api/v1/products/{product_id}": Route(API_READ, kwargs=product_id),
    "PATCH /api/v1/products/{product_id}": Route(
        ADMIN_CHANGE, kwargs=product_id, data=lambda w: {"generic_name": "oncovirumab"}
    ),
    "DELETE /api/v1/products/{product_id}": Route(ADMIN_DELETE, kwargs=product_id),
    "GET /api/v1/products/{product_id}/indications": Route(API_READ, kwargs=product_id),
    "POST /api/v1/products/{product_id}/indications": Route(
        ADMIN_CREATE, kwargs=product_id, data=lambda w: {"country": "FR", "condition": "NSCLC"}
    ),
    "GET /api/v1/indications/{indication_id}": Route(API_READ, kwargs=indication_id),
    "PATCH /api/v1/indications/{indication_id}": Route(
        ADMIN_CHANGE, kwargs=indication_id, data=lambda w: {"label_reference": "SmPC 2026"}
    ),
    "DELETE /api/v1/indications/{indication_id}": Route(ADMIN_DELETE, kwargs=indication_id),
    "GET /api/v1/therapeutic-areas": Route(API_READ),
    "GET /api/v1/hcps/export": Route(API_READ),
    # Every member may export what they see, as a job too.
    "POST /api/v1/hcps/export": Route(api_map("202")),
}


def hcp_us(world: World) -> dict[str, Any]:
    return {"hcp_id": records(world).hcp_us.pk}


API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        "POST /api/v1/hcps",
        "in France, nobody's territory",
        Route(ADMIN_CREATE, data=lambda w: {**hcp_body, "country": "FR"}),
    ),
    ApiCase(
        "POST /api/v1/hcps",
        "in California",
        Route(US_CREATE, data=lambda w: {**hcp_body, "country": "US", "region": "US-CA"}),
    ),
    ApiCase("GET /api/v1/hcps/{hcp_id}", "in California", Route(API_READ, kwargs=hcp_us)),
    ApiCase(
        "PATCH /api/v1/hcps/{hcp_id}",
        "in California",
        Route(US_CHANGE, kwargs=hcp_us, data=lambda w: {"city": "Fresno"}),
    ),
    ApiCase("DELETE /api/v1/hcps/{hcp_id}", "in California", Route(US_DELETE, kwargs=hcp_us)),
    ApiCase(
        "PATCH /api/v1/organizations/{organization_id}",
        "in California",
        Route(
            US_CHANGE,
            kwargs=lambda w: {"organization_id": records(w).organization_us.pk},
            data=lambda w: {"city": "Los Angeles"},
        ),
    ),
    ApiCase(
        "POST /api/v1/affiliations",
        "of a Californian HCP with a German organization",
        Route(
            US_CREATE,
            data=lambda w: {
                "hcp_id": records(w).hcp_us.pk,
                "organization_id": records(w).organization.pk,
            },
        ),
    ),
    ApiCase(
        "PATCH /api/v1/affiliations/{affiliation_id}",
        "of a Californian HCP",
        Route(
            US_CHANGE,
            kwargs=lambda w: {"affiliation_id": records(w).affiliation_us.pk},
            data=lambda w: {"role": "Chair"},
        ),
    ),
]
