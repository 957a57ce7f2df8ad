"""The directory's part of the demo world (see ``liaison.core.demo``).

Two steps, declared in ``liaison.directory.apps``:

* ``directory`` (order 200, after core's territories and users): therapeutic
  areas and specialties, about 300 organizations, the requested number of HCPs
  with their affiliations (:mod:`.hcps`), the products and their labelled
  indications (:mod:`.products`); every record audited.
* ``community`` (order 250): the HCPs as the literature and trial builders see
  them, authors and investigators grouped for co-author draws
  (:mod:`.evidence`, :mod:`.community`): data both of those apps share, so it
  lives here, on the layer below them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models

from liaison.core import demo
from liaison.core.demo import DemoContext, Slot
from liaison.directory.demo import hcps, products
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Product,
    Specialty,
    TherapeuticArea,
)

#: The therapeutic areas by code (the watches are tagged with them).
AREAS = Slot[dict[str, TherapeuticArea]]("therapeutic areas")


def build(context: DemoContext) -> None:
    """Reference data, organizations, HCPs and products, drawn from ``context.rng``."""
    report = context.progress
    report("reference data", 0, 1)
    areas, specialties = hcps.build_reference()
    report("reference data", 1, 1)
    organization_plans = hcps.plan_organizations(context.rng)
    report("organizations", 0, len(organization_plans))
    organizations = hcps.build_organizations(organization_plans)
    report("organizations", len(organizations), len(organization_plans))
    context.counts["hcps"] = hcps.build_hcps(
        hcps.plan_hcps(context.rng, context.hcps, organization_plans),
        total=context.hcps,
        organizations=organizations,
        areas=areas,
        specialties=specialties,
        key_experts=context.take(demo.TERRITORIES)[demo.KEY_EXPERTS],
        progress=report,
    )
    report("products", 0, 1)
    built = products.build_products(areas)
    report("products", 1, 1)
    context.counts["organizations"] = len(organizations)
    context.counts["products"] = len(built)
    context.leave(AREAS, areas)


def clear(context: DemoContext) -> None:
    """Remove the whole directory, products and reference data, one audited delete
    event per record."""
    Organization.objects.update(parent=None)
    querysets: list[models.QuerySet[Any]] = [
        Affiliation.objects.all(),
        HCP.objects.all(),
        Organization.objects.all(),
        Indication.objects.all(),
        Product.objects.all(),
        Specialty.objects.all(),
        TherapeuticArea.objects.all(),
    ]
    for queryset in querysets:
        demo.delete_audited(queryset, _labels(queryset))


def _labels(queryset: models.QuerySet[Any]) -> Iterator[tuple[int, str]] | None:
    """Labels without a query per row (an affiliation's str() reads two more rows)."""
    if queryset.model is HCP:
        return (
            (pk, f"{given} {family}")
            for pk, given, family in queryset.values_list("pk", "given_name", "family_name")
        )
    if queryset.model is Affiliation:
        return (
            (pk, f"HCP {hcp_id} at organization {organization_id}")
            for pk, hcp_id, organization_id in queryset.values_list(
                "pk", "hcp_id", "organization_id"
            )
        )
    return None
