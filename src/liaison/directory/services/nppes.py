"""Applying NPI Registry individuals to the directory.

Matching is on the NPI, and only on it: an HCP that already carries the NPI is
updated, never duplicated; an NPI that is not in the directory yet becomes a
new HCP (origin "imported"). What NPPES gives the directory:

* taxonomies -> specialties (``name`` = the taxonomy's description,
  ``taxonomy_code`` = its code; created on first use, like the imports do);
  an existing HCP keeps its specialties and gains the registry's;
* the primary practice address (``LOCATION``) -> country, city and region
  (``US-<state>`` when the state is an ISO 3166-2 subdivision);
* the credential -> credentials (added to those already recorded);
* names only for a new HCP (the registry writes them in capitals; an existing
  HCP keeps the directory's spelling);
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
from liaison.directory.nppes import Provider, Taxonomy, credentials_of, name_case

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
class ApplyOutcome:
    npi: str
    name: str
    action: Action
    hcp_id: int | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    reason: str = ""


@dataclass
class ApplyReport:
    outcomes: list[ApplyOutcome] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def summary(self) -> str:
        return ", ".join(f"{self.count(action)} {action}" for action in ACTIONS)


def place_of(provider: Provider) -> Place | None:
    """Country, region (``US-XX``) and city of the primary practice address."""
    address = provider.practice_address
    if address is None:
        return None
    country = (address.country_code or "US").upper()
    try:
        validate_country(country)
    except ValidationError:
        return None
    region = ""
    if country == "US" and address.state:
        code = f"US-{address.state.upper()}"
        try:
            validate_region(code)
        except ValidationError:
            code = ""  # armed forces (AE, AP) and the like: no ISO 3166-2 code
        region = code
    return Place(country=country, region=region, city=name_case(address.city)[:120])


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
        place = place_of(provider)
        if existing is None and place is None:
            raise LiaisonError("the registry gives no practice address, so no country")
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
            if place is not None:
                data.update({"country": place.country, "region": place.region, "city": place.city})
            changes = services.update_hcp(actor=actor, hcp=existing, data=data, reason=reason)
            action: Action = "updated" if changes else "unchanged"
            return ApplyOutcome(npi, name, action, existing.pk, changes)
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
    "apply_nppes",
    "apply_provider",
    "place_of",
    "specialty_for",
]
