"""Directory records for tests, written straight to the database (not audited):
for tests of rules and reads, not of the services that write them."""

from __future__ import annotations

from typing import Any

from liaison.core.models import Territory
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    OrganizationType,
    Product,
    Specialty,
    TherapeuticArea,
)


def hcp(
    family_name: str = "Müller",
    *,
    country: str = "DE",
    region: str = "",
    territories: list[Territory] | None = None,
    **values: Any,
) -> HCP:
    values.setdefault("given_name", "Anna")
    record = HCP.objects.create(family_name=family_name, country=country, region=region, **values)
    if territories:
        record.territories.set(territories)
    return record


def organization(
    name: str = "Charité",
    *,
    country: str = "DE",
    region: str = "",
    territories: list[Territory] | None = None,
    **values: Any,
) -> Organization:
    values.setdefault("type", OrganizationType.HOSPITAL)
    record = Organization.objects.create(name=name, country=country, region=region, **values)
    if territories:
        record.territories.set(territories)
    return record


def affiliation(of: HCP, at: Organization, **values: Any) -> Affiliation:
    return Affiliation.objects.create(hcp=of, organization=at, **values)


def therapeutic_area(code: str = "oncology", name: str = "Oncology") -> TherapeuticArea:
    return TherapeuticArea.objects.get_or_create(code=code, defaults={"name": name})[0]


def specialty(name: str = "Medical Oncology") -> Specialty:
    return Specialty.objects.get_or_create(name=name)[0]


def product(name: str = "Oncovirumab", **values: Any) -> Product:
    values.setdefault("company", "Acme Pharma")
    return Product.objects.create(name=name, **values)


def indication(of: Product, country: str = "DE", condition: str = "Melanoma") -> Indication:
    return Indication.objects.create(product=of, country=country, condition=condition)
