"""The directory's records in the policy's world (``tests/test_policy_agreement.py``):
HCPs and organizations in and out of each territory, by country, by region and by
explicit assignment, their affiliations, and reference data."""

from __future__ import annotations

from liaison.core.tests.authorization import World
from liaison.directory.tests import factories


def build(world: World) -> None:
    dach, us_west = world.territories["dach"], world.territories["us-west"]
    hcps = [
        factories.hcp("Müller", country="DE"),
        factories.hcp("Gruber", country="AT"),
        factories.hcp("Lee", country="US", region="US-CA"),
        factories.hcp("Kim", country="US", region="US-NY"),
        factories.hcp("Dupont", country="FR", territories=[dach]),
        factories.hcp("Rossi", country="IT"),
    ]
    organizations = [
        factories.organization("Charité", country="DE"),
        factories.organization("Bay Hospital", country="US", region="US-CA"),
        factories.organization("Institut Curie", country="FR", territories=[us_west]),
    ]
    for hcp, organization in zip(hcps, organizations * 2, strict=True):
        factories.affiliation(hcp, organization)
    area = factories.therapeutic_area()
    factories.specialty()
    product = factories.product(therapeutic_area=area)
    factories.indication(product, country="DE")
    factories.indication(product, country="US")
