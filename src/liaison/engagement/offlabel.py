"""Off-label: a product discussed outside its labelled indications.

The directory lists each product's labelled indications by country
(:class:`~liaison.directory.models.Indication`). A product discussed with an HCP
is off-label for that HCP when it has no indication in the HCP's country, or
when the interaction's therapeutic areas include one that none of the product's
indications in that country covers. An indication without a therapeutic area
covers its product's own therapeutic area.

The findings are said in words ("Oncovirumab has no labelled indication in
France"), one per product, country and therapeutic area, whatever the number of
attendees from that country.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from liaison.directory.models import HCP, Indication, Product, TherapeuticArea
from liaison.lib.countries import name as country_name


@dataclass(frozen=True)
class Finding:
    """One reason an interaction is off-label."""

    product: str
    country: str
    #: The therapeutic area the product is not labelled for there (None: no indication at all).
    therapeutic_area: str | None
    text: str

    def __str__(self) -> str:
        return self.text


def off_label_findings(
    hcps: Iterable[HCP],
    products: Iterable[Product],
    therapeutic_areas: Iterable[TherapeuticArea] = (),
) -> list[Finding]:
    """Why discussing ``products`` (about ``therapeutic_areas``) with ``hcps`` is
    off-label; empty when it is not. One query."""
    countries = sorted({hcp.country for hcp in hcps if hcp.country})
    product_list = list({product.pk: product for product in products}.values())
    areas = list({area.pk: area for area in therapeutic_areas}.values())
    if not countries or not product_list:
        return []
    # (product id, country) -> therapeutic area ids its indications cover
    covered: dict[tuple[int, str], set[int | None]] = defaultdict(set)
    rows = Indication.objects.filter(
        product__in=[product.pk for product in product_list], country__in=countries
    ).values_list("product_id", "country", "therapeutic_area_id")
    for product_id, country, area_id in rows:
        covered[(product_id, country)].add(area_id)
    findings: list[Finding] = []
    for product in sorted(product_list, key=lambda item: item.name):
        for country in countries:
            where = country_name(country) or country
            key = (product.pk, country)
            if key not in covered:
                findings.append(
                    Finding(
                        product=product.name,
                        country=country,
                        therapeutic_area=None,
                        text=f"{product.name} has no labelled indication in {where}",
                    )
                )
                continue
            labelled = {
                area_id if area_id is not None else product.therapeutic_area_id
                for area_id in covered[key]
            }
            for area in sorted(areas, key=lambda item: item.name):
                if area.pk not in labelled:
                    findings.append(
                        Finding(
                            product=product.name,
                            country=country,
                            therapeutic_area=area.name,
                            text=f"{product.name} is not labelled for {area.name} in {where}",
                        )
                    )
    return findings
