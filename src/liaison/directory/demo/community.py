"""The demo HCPs as authors and investigators, and the communities they work in (pure).

A :class:`Person` is what the literature and trial generators know of an HCP:
name, ORCID, therapeutic areas and current institutions. :class:`Community`
draws people weighted by how productive each is (a heavy-tailed weight, key
experts three times more), from the same institution and area, the same
country and area, the same area anywhere, or anyone: co-authors cluster by
therapeutic area and institution/country, with occasional crossings.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from liaison.directory.demo.topics import PUBMED_COUNTRIES, area_affinity


@dataclass(frozen=True, slots=True)
class Place:
    """An institution as a publication or a trial site names it."""

    organization_id: int
    name: str
    city: str
    region: str  # ISO 3166-2 ("US-MA") or ""
    country: str  # ISO 3166-1 alpha-2

    @property
    def affiliation(self) -> str:
        """``"Boston Cancer Institute, Boston, MA, USA."``, as PubMed affiliations read."""
        parts = [self.name, self.city]
        if self.country == "US" and self.region.startswith("US-"):
            parts.append(self.region[3:])
        parts.append(PUBMED_COUNTRIES.get(self.country, self.country))
        return ", ".join(part for part in parts if part) + "."


@dataclass(frozen=True, slots=True)
class Person:
    hcp_id: int
    given: str
    family: str
    suffix: str
    credentials: tuple[str, ...]
    orcid: str | None
    areas: tuple[str, ...]  # codes, main area first
    place: Place  # primary institution
    second_place: Place | None  # another current institution
    key_expert: bool

    @property
    def initials(self) -> str:
        """``"AL"`` for "Anna-Lena", ``"JP"`` for "Jean Pierre" (PubMed's Initials)."""
        words = self.given.replace("-", " ").split()
        return "".join(word[0].upper() for word in words if word[0].isalpha())

    @property
    def registry_name(self) -> str:
        """``"Anna Müller, MD, PhD"``, as ClinicalTrials.gov lists officials."""
        parts = [f"{self.given} {self.family}", self.suffix, *self.credentials]
        return ", ".join(part for part in parts if part)


class _Pool:
    """People with cumulative weights, for O(log n) weighted draws."""

    def __init__(self, members: list[int], weights: Sequence[float]) -> None:
        self.members = members
        self.cumulative = list(itertools.accumulate(weights[index] for index in members))

    def draw(self, rng: random.Random) -> int:
        point = rng.random() * self.cumulative[-1]
        return self.members[bisect.bisect_right(self.cumulative, point)]


class Community:
    """The people who can author and run studies, grouped for co-author draws."""

    def __init__(self, people: Sequence[Person], rng: random.Random) -> None:
        self.people = [person for person in people if person.areas]
        self.weights = [
            min(rng.paretovariate(1.4), 30.0) * (3.0 if person.key_expert else 1.0)
            for person in self.people
        ]
        by_institution: dict[tuple[int, str], list[int]] = {}
        by_country: dict[tuple[str, str], list[int]] = {}
        by_area: dict[str, list[int]] = {}
        for index, person in enumerate(self.people):
            for area in person.areas:
                by_institution.setdefault((person.place.organization_id, area), []).append(index)
                by_country.setdefault((person.place.country, area), []).append(index)
                by_area.setdefault(area, []).append(index)
        self._institution = {
            key: _Pool(value, self.weights) for key, value in by_institution.items()
        }
        self._country = {key: _Pool(value, self.weights) for key, value in by_country.items()}
        self._area = {key: _Pool(value, self.weights) for key, value in by_area.items()}
        self._everyone = _Pool(list(range(len(self.people))), self.weights)
        self._index = {person.hcp_id: number for number, person in enumerate(self.people)}
        # Institutions of an area, weighted by the productivity of its people there and
        # by how well the institution fits the area (for trial sites).
        self.sites: dict[str, list[tuple[Place, float]]] = {}
        places: dict[int, Place] = {
            person.place.organization_id: person.place for person in self.people
        }
        for (organization_id, area), members in sorted(by_institution.items()):
            place = places[organization_id]
            weight = sum(self.weights[index] for index in members) * area_affinity(place.name, area)
            self.sites.setdefault(area, []).append((place, weight))

    @property
    def areas(self) -> list[str]:
        return sorted(self._area)

    def __len__(self) -> int:
        return len(self.people)

    def anyone(self, rng: random.Random) -> Person:
        return self.people[self._everyone.draw(rng)]

    def in_area(self, rng: random.Random, area: str) -> Person | None:
        pool = self._area.get(area)
        return self.people[pool.draw(rng)] if pool else None

    def at(self, rng: random.Random, place: Place, area: str) -> Person | None:
        pool = self._institution.get((place.organization_id, area))
        return self.people[pool.draw(rng)] if pool else None

    def weight(self, person: Person) -> float:
        return self.weights[self._index[person.hcp_id]]

    def coauthors(self, rng: random.Random, lead: Person, area: str, count: int) -> list[Person]:
        """``count`` people including ``lead``: mostly from the lead's institution and
        country in ``area``, some from the area elsewhere, a few from anywhere."""
        chosen = [lead]
        seen = {lead.hcp_id}
        pools = (
            (0.40, self._institution.get((lead.place.organization_id, area))),
            (0.88, self._country.get((lead.place.country, area))),
            (0.97, self._area.get(area)),
            (1.01, self._everyone),
        )
        attempts = 0
        while len(chosen) < count and attempts < count * 12:
            attempts += 1
            roll = rng.random()
            pool = next((pool for bound, pool in pools if roll < bound and pool), self._everyone)
            person = self.people[pool.draw(rng)]
            if person.hcp_id not in seen:
                seen.add(person.hcp_id)
                chosen.append(person)
        return chosen
