"""Applying NPI Registry individuals to the directory.

Matching is on the NPI, and only on it: an HCP that already carries the NPI is
updated, never duplicated; an NPI that is not in the directory yet becomes a
new HCP (origin "imported"). What NPPES gives the directory:

* taxonomies -> specialties (``name`` = the taxonomy's description,
  ``taxonomy_code`` = its code; created on first use, like the imports do);
  an existing HCP keeps its specialties and gains the registry's;
* the primary practice address (``LOCATION``) -> country, city and region
  (``US-<state>`` when the state is an ISO 3166-2 subdivision). A US military
  mail address (APO, FPO, DPO: "state" or country ``AA``, ``AE``, ``AP``) does
  not say in which country the HCP practises, and a country code that is not
  one names none: such a provider is not created (the reason says what is
  wrong), and an HCP already in the directory keeps its place;
* the credential -> credentials (added to those already recorded);
* names only for a new HCP (the registry writes them in capitals; an existing
  HCP keeps the directory's spelling, except a suffix ``--`` that earlier
  versions copied from the registry's placeholder, which is cleared);
* ``npi_source`` = "NPI Registry".

Every change goes through :mod:`liaison.directory.services` (the policy decides,
the audit trail records it) with the audit source ``nppes``. Each provider is
applied in its own transaction: one that fails (an MSL outside their
territory, a bad NPI) is reported and leaves nothing behind, and the others
still apply. Organizations (NPI-2) are not HCPs and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory import services
from liaison.directory.identifiers import normalize_npi
from liaison.directory.models import HCP, Origin, Specialty, validate_country, validate_region
from liaison.directory.nppes import (
    ARMED_FORCES,
    Provider,
    Taxonomy,
    credentials_of,
    name_case,
)

NPPES_SOURCE = "NPI Registry"
AUDIT_SOURCE = "nppes"
DEFAULT_REASON = "Applied from the NPI Registry"

Action = Literal["created", "updated", "unchanged", "skipped"]
ACTIONS: tuple[Action, ...] = ("created", "updated", "unchanged", "skipped")


@dataclass(frozen=True, slots=True)
class Place:
    country: str
    region: str
    city: str


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the registry puts a provider's practice: a place, or why it gives none."""

    place: Place | None
    problem: str = ""


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    """What applying one provider did; ``reason`` says why it was skipped, ``note``
    what was left as it was (the place of an HCP whose address names no country)."""

    npi: str
    name: str
    action: Action
    hcp_id: int | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    reason: str = ""
    note: str = ""


@dataclass
class ApplyReport:
    outcomes: list[ApplyOutcome] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def summary(self) -> str:
        return ", ".join(f"{self.count(action)} {action}" for action in ACTIONS)


def placement_of(provider: Provider) -> Placement:
    """Country, region (``US-XX``) and city of the primary practice address, or why
    there are none, in words."""
    address = provider.practice_address
    if address is None:
        return Placement(None, "the registry gives no practice address, so no country")
    military = address.armed_forces
    if military is not None:
        what = f"{ARMED_FORCES[military]}: an APO, FPO or DPO mail address"
        if (address.country_code or "").upper() == military:
            problem = f"the practice address's country {military!r} ({what}) is not a country"
        else:
            problem = f"the practice address is in the state {military!r} ({what})"
        return Placement(None, f"{problem}; it does not say in which country the HCP practises")
    country = (address.country_code or "US").upper()
    try:
        validate_country(country)
    except ValidationError:
        name = f" ({address.country_name})" if address.country_name else ""
        return Placement(
            None, f"the practice address's country {country!r}{name} is not a country code"
        )
    region = ""
    if country == "US" and address.state:
        code = f"US-{address.state.upper()}"
        try:
            validate_region(code)
        except ValidationError:
            code = ""  # a state code without an ISO 3166-2 subdivision
        region = code
    return Placement(Place(country=country, region=region, city=name_case(address.city)[:120]))


def specialty_for(*, actor: User, taxonomy: Taxonomy) -> Specialty:
    """The specialty of a NUCC taxonomy: by code, else by name (gaining the code), else new.

    Reference data created on first use, as the directory imports do (audited)."""
    existing = Specialty.objects.filter(taxonomy_code=taxonomy.code).first()
    if existing is not None:
        return existing
    name = (taxonomy.description or taxonomy.code)[:120]
    existing = Specialty.objects.filter(name__iexact=name).first()
    with transaction.atomic():
        if existing is not None:
            if not existing.taxonomy_code:
                audit.update_record(
                    actor=actor, instance=existing, values={"taxonomy_code": taxonomy.code}
                )
            return existing
        specialty = Specialty(name=name, taxonomy_code=taxonomy.code)
        audit.create_record(actor=actor, instance=specialty)
        return specialty


def _specialties(actor: User, provider: Provider) -> list[Specialty]:
    found: dict[int, Specialty] = {}
    for taxonomy in provider.taxonomies:
        specialty = specialty_for(actor=actor, taxonomy=taxonomy)
        found.setdefault(specialty.pk, specialty)
    return list(found.values())


def _name_of(provider: Provider) -> str:
    person = provider.individual
    if person is None:
        return provider.display_name
    return " ".join(name_case(part) for part in (person.first_name, person.last_name) if part)


def apply_provider(
    *, actor: User, provider: Provider, reason: str = DEFAULT_REASON
) -> ApplyOutcome:
    """Create or update the HCP carrying ``provider``'s NPI; see the module docstring."""
    name = _name_of(provider)
    if provider.kind != "individual" or provider.individual is None:
        return ApplyOutcome(
            provider.npi, name, "skipped", reason="an organization (NPI-2) is not an HCP"
        )
    try:
        npi = normalize_npi(provider.npi)
        existing = HCP.objects.filter(npi=npi).first()
        if existing is not None:
            policy.require(actor, "change", existing)
        else:
            policy.require(actor, "add", HCP)
        placement = placement_of(provider)
        place = placement.place
        if existing is None and place is None:
            raise LiaisonError(
                f"{placement.problem}: add the HCP by hand with the country they practise in"
            )
        with audit.source(AUDIT_SOURCE), transaction.atomic():
            specialties = _specialties(actor, provider)
            credentials = list(credentials_of(provider.individual.credential))
            if existing is None:
                assert place is not None
                hcp = services.create_hcp(
                    actor=actor,
                    data={
                        "given_name": name_case(provider.individual.first_name)[:120],
                        "family_name": name_case(provider.individual.last_name)[:120],
                        "suffix": (provider.individual.suffix or "")[:20],
                        "credentials": credentials,
                        "npi": npi,
                        "npi_source": NPPES_SOURCE,
                        "country": place.country,
                        "region": place.region,
                        "city": place.city,
                        "specialties": specialties,
                        "origin": Origin.IMPORTED,
                    },
                    reason=reason,
                )
                return ApplyOutcome(npi, name, "created", hcp.pk)
            kept = list(existing.specialties.all())
            data: services.HCPData = {
                "credentials": [
                    *existing.credentials,
                    *(item for item in credentials if item not in existing.credentials),
                ],
                "specialties": [
                    *kept,
                    *(specialty for specialty in specialties if specialty not in kept),
                ],
            }
            if not existing.npi_source:
                data["npi_source"] = NPPES_SOURCE
            if existing.suffix and not any(char.isalnum() for char in existing.suffix):
                data["suffix"] = (provider.individual.suffix or "")[:20]
            note = ""
            if place is not None:
                data.update({"country": place.country, "region": place.region, "city": place.city})
            else:
                note = f"country, region and city kept: {placement.problem}"
            changes = services.update_hcp(actor=actor, hcp=existing, data=data, reason=reason)
            action: Action = "updated" if changes else "unchanged"
            return ApplyOutcome(npi, name, action, existing.pk, changes, note=note)
    except LiaisonError as error:
        return ApplyOutcome(provider.npi, name, "skipped", reason=error.message)


def apply_nppes(
    *, actor: User, providers: Iterable[Provider], reason: str = DEFAULT_REASON
) -> ApplyReport:
    """Apply every provider (each in its own transaction) and report what happened to each."""
    report = ApplyReport()
    for provider in providers:
        report.outcomes.append(apply_provider(actor=actor, provider=provider, reason=reason))
    return report


__all__ = [
    "AUDIT_SOURCE",
    "NPPES_SOURCE",
    "ApplyOutcome",
    "ApplyReport",
    "Place",
    "Placement",
    "apply_nppes",
    "apply_provider",
    "placement_of",
    "specialty_for",
]
