"""What the demo's literature and trial builders share (they sit on one layer and
may not import each other; both import the directory).

The ``community`` step reads the demo HCPs back from the database as
:class:`~.community.Person` records and groups them into a
:class:`~.community.Community`, the first draw from the generator after the
directory. Then, through the context:

* the trials step plans the trials from it and leaves, for each, the
  :class:`TrialFacts` a publication about it may state (:data:`TRIALS`);
* the literature step plans the publications (the trials' own among them),
  stores them, and leaves each trial's :class:`Reference` list
  (:data:`REFERENCES`);
* the trials step stores the trials, naming those references.

Dates are relative to :data:`AS_OF`, a fixed day, so the same seed gives the
same corpus on any day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from liaison.core import demo
from liaison.core.demo import DemoContext, Slot
from liaison.directory.demo.community import Community, Person, Place
from liaison.directory.demo.topics import Condition
from liaison.directory.models import HCP, Affiliation, Organization

AS_OF = dt.date(2026, 11, 1)


@dataclass(frozen=True, slots=True)
class TrialFacts:
    """A planned demo trial as its publications describe it."""

    nct_id: str
    area: str
    condition: Condition
    drug: str  # the product's generic name
    comparator: str  # "" when single-arm or observational
    phases: tuple[str, ...]
    interventional: bool
    acronym: str | None
    status: str  # the current one
    start: dt.date
    results_after: dt.date | None  # when results could be published, if it got there
    enrollment: int
    sponsor: str | None  # the lead sponsor's name
    officials: tuple[Person, ...]  # the HCPs among its overall officials, in order
    site_investigators: tuple[Person, ...]  # one per site, in site order


@dataclass(frozen=True, slots=True)
class Reference:
    """A publication that names a trial: its PMID and publication date."""

    pmid: int
    published: dt.date


COMMUNITY = Slot[Community]("community")
TRIALS = Slot[list[TrialFacts]]("trial facts")
#: Each trial's publications by NCT ID, in publication order.
REFERENCES = Slot[dict[str, list[Reference]]]("trial references")


def build_community(context: DemoContext) -> None:
    """The ``community`` step: see the module's docstring."""
    context.leave(COMMUNITY, Community(read_people(), context.rng))


def read_people() -> list[Person]:
    """The HCPs with a therapeutic area and a current institution, in id order."""
    places = {
        pk: Place(pk, name, city, region, country)
        for pk, name, city, region, country in Organization.objects.values_list(
            "pk", "name", "city", "region", "country"
        )
    }
    areas: dict[int, list[str]] = {}
    for hcp_id, code in HCP.therapeutic_areas.through.objects.order_by("pk").values_list(
        "hcp_id", "therapeuticarea__code"
    ):
        areas.setdefault(hcp_id, []).append(code)
    current: dict[int, list[int]] = {}
    for hcp_id, organization_id in (
        Affiliation.objects.filter(end_date__isnull=True)
        .order_by("-is_primary", "pk")
        .values_list("hcp_id", "organization_id")
    ):
        current.setdefault(hcp_id, []).append(organization_id)
    experts = set(
        HCP.territories.through.objects.filter(territory__code=demo.KEY_EXPERTS).values_list(
            "hcp_id", flat=True
        )
    )
    people = []
    for pk, given, family, suffix, credentials, orcid in HCP.objects.order_by("pk").values_list(
        "pk", "given_name", "family_name", "suffix", "credentials", "orcid"
    ):
        institutions = current.get(pk)
        if not institutions or pk not in areas:
            continue
        people.append(
            Person(
                hcp_id=pk,
                given=given,
                family=family,
                suffix=suffix,
                credentials=tuple(str(item) for item in credentials or ()),
                orcid=orcid or None,
                areas=tuple(areas[pk]),
                place=places[institutions[0]],
                second_place=places[institutions[1]] if len(institutions) > 1 else None,
                key_expert=pk in experts,
            )
        )
    return people
