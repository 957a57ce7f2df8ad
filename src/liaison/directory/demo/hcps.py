"""The demo directory: therapeutic areas, specialties, organizations, HCPs and
their affiliations (the products are in :mod:`.products`).

Planning is pure and deterministic (``random.Random(seed)`` in, plain
dataclasses out), so the same seed gives the same names, NPIs and ORCIDs.
Writing uses bulk inserts and appends one audit event per created record.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from liaison.core import audit
from liaison.core.models import AuditAction, Territory
from liaison.directory.demo.names import (
    AFFILIATION_ROLES,
    CONSENT_SOURCES,
    CONTACT_CHANNELS,
    COUNTRIES,
    ORGANIZATION_KINDS,
    OTHER_CREDENTIALS,
    SUFFIXES,
    THERAPEUTIC_AREAS,
    US_CREDENTIALS,
    Country,
)
from liaison.directory.identifiers import luhn_check_digit, orcid_check_character
from liaison.directory.models import (
    HCP,
    Affiliation,
    Organization,
    Origin,
    Specialty,
    TherapeuticArea,
)
from liaison.lib.progress import Report
from liaison.lib.text import fold

CHUNK = 2000
TA_WEIGHTS = {"oncology": 35, "cardiology": 25, "neurology": 20, "immunology": 20}
DEMO_SOURCE_NPI = "NPPES registry (demo)"
DEMO_SOURCE_ORCID = "ORCID registry (demo)"


# --- identifiers ----------------------------------------------------------------


def make_npi(rng: random.Random) -> str:
    """A valid NPI: nine digits starting with 1 and the Luhn digit over 80840 + them."""
    payload = "1" + "".join(str(rng.randrange(10)) for _ in range(8))
    return payload + str(luhn_check_digit("80840" + payload))


def make_orcid(rng: random.Random) -> str:
    """A valid ORCID iD in the 0000-0001 .. 0000-0003 blocks ORCID assigns."""
    digits = "000" + str(rng.randint(1, 3)) + "".join(str(rng.randrange(10)) for _ in range(11))
    digits += orcid_check_character(digits)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


# --- plans (pure) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganizationPlan:
    name: str
    type: str
    country: str
    city: str
    region: str
    parent_name: str = ""


@dataclass(frozen=True, slots=True)
class AffiliationPlan:
    organization: int  # index into the organization plans
    role: str
    start_date: dt.date | None
    end_date: dt.date | None
    is_primary: bool


@dataclass(frozen=True, slots=True)
class HCPPlan:
    given_name: str
    family_name: str
    suffix: str
    credentials: tuple[str, ...]
    npi: str | None
    orcid: str | None
    emails: tuple[str, ...]
    country: str
    region: str
    city: str
    languages: tuple[str, ...]
    therapeutic_areas: tuple[str, ...]  # codes
    specialties: tuple[str, ...]  # names
    key_expert: bool
    contact_channels: tuple[str, ...]
    consent_date: dt.date | None
    consent_source: str
    origin: str
    affiliations: tuple[AffiliationPlan, ...] = field(default=())


def organization_type(name: str) -> str:
    for marker, kind in ORGANIZATION_KINDS.items():
        if marker in name:
            return kind
    return "hospital"


def plan_organizations(rng: random.Random, total: int = 300) -> list[OrganizationPlan]:
    """About ``total`` institutions spread over the countries by their weight;
    research institutes belong to the academic centre of their city when there is one."""
    weight_sum = sum(country.weight for country in COUNTRIES)
    plans: list[OrganizationPlan] = []
    for country in COUNTRIES:
        wanted = max(4, round(total * country.weight / weight_sum))
        candidates = [
            (pattern.format(city=city), city, region)
            for city, region in country.cities
            for pattern in country.hospital_patterns
        ]
        rng.shuffle(candidates)
        chosen = candidates[:wanted]
        academic = {
            city: name
            for name, city, _ in chosen
            if organization_type(name) == "academic_medical_center"
        }
        for name, city, region in chosen:
            kind = organization_type(name)
            parent = academic.get(city, "") if kind == "research_institute" else ""
            plans.append(OrganizationPlan(name, kind, country.code, city, region, parent))
    plans.append(
        OrganizationPlan(
            "Transatlantic Oncology Trials Group", "cooperative_group", "US", "Boston", "US-MA"
        )
    )
    plans.append(
        OrganizationPlan(
            "Arbeitsgemeinschaft Herzforschung Süd", "cooperative_group", "DE", "München", "DE-BY"
        )
    )
    plans.append(OrganizationPlan("Société d'Immunologie Clinique", "society", "FR", "Paris", ""))
    return plans


def _weighted_country(rng: random.Random) -> Country:
    return rng.choices(COUNTRIES, weights=[country.weight for country in COUNTRIES])[0]


def _email_domain(organization: OrganizationPlan) -> str:
    words = fold(organization.name).split()
    return "-".join(words[:3])[:40].strip("-") + ".example"


def _random_date(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def plan_hcps(
    rng: random.Random, count: int, organizations: Sequence[OrganizationPlan]
) -> Iterator[HCPPlan]:
    """``count`` HCPs, one at a time (a 100,000-HCP world never sits in memory)."""
    by_country: dict[str, list[int]] = {}
    for index, organization in enumerate(organizations):
        if organization.type not in ("society", "cooperative_group"):
            by_country.setdefault(organization.country, []).append(index)
    specialties = {code: [name for name, _ in items] for code, _, items in THERAPEUTIC_AREAS}
    ta_codes = list(TA_WEIGHTS)
    npis: set[str] = set()
    orcids: set[str] = set()
    emails: set[str] = set()
    for _ in range(count):
        country = _weighted_country(rng)
        given = rng.choice(country.given_names)
        family = rng.choice(country.family_names)
        is_us = country.code == "US"
        suffix = rng.choice(SUFFIXES) if is_us and rng.random() < 0.03 else ""
        credentials = rng.choice(US_CREDENTIALS if is_us else OTHER_CREDENTIALS)
        npi = None
        if is_us:
            npi = make_npi(rng)
            while npi in npis:
                npi = make_npi(rng)
            npis.add(npi)
        orcid = None
        if rng.random() < 0.4:
            orcid = make_orcid(rng)
            while orcid in orcids:
                orcid = make_orcid(rng)
            orcids.add(orcid)
        area = rng.choices(ta_codes, weights=list(TA_WEIGHTS.values()))[0]
        areas = [area]
        if rng.random() < 0.1:
            areas.append(rng.choice([code for code in ta_codes if code != area]))
        chosen_specialties = rng.sample(specialties[area], k=1 if rng.random() < 0.8 else 2)

        home = by_country[country.code]
        primary = rng.choice(home)
        affiliations = [
            AffiliationPlan(
                primary,
                rng.choice(AFFILIATION_ROLES),
                _random_date(rng, dt.date(2000, 1, 1), 8000),
                None,
                True,
            )
        ]
        if rng.random() < 0.3 and len(home) > 1:
            other = rng.choice([index for index in home if index != primary])
            start = _random_date(rng, dt.date(1995, 1, 1), 6000)
            ended = rng.random() < 0.5
            end = start + dt.timedelta(days=rng.randrange(365, 3000)) if ended else None
            affiliations.append(
                AffiliationPlan(other, rng.choice(AFFILIATION_ROLES), start, end, False)
            )
        organization = organizations[primary]

        local = f"{fold(given).replace(' ', '')[:1]}.{fold(family).replace(' ', '-')}"
        email = f"{local}@{_email_domain(organization)}"
        number = 2
        while email in emails:
            email = f"{local}{number}@{_email_domain(organization)}"
            number += 1
        emails.add(email)

        languages = list(country.languages)
        if "en" not in languages and rng.random() < 0.6:
            languages.append("en")
        channels: tuple[str, ...] = ()
        consent_date = None
        consent_source = ""
        if rng.random() < 0.7:
            picked = set(rng.sample(CONTACT_CHANNELS, k=rng.randint(1, len(CONTACT_CHANNELS))))
            channels = tuple(channel for channel in CONTACT_CHANNELS if channel in picked)
            consent_date = _random_date(rng, dt.date(2022, 1, 1), 1400)
            consent_source = rng.choice(CONSENT_SOURCES)
        origin = rng.choices(
            [Origin.IMPORTED, Origin.MANUAL, Origin.DISCOVERED], weights=[70, 20, 10]
        )[0]
        yield HCPPlan(
            given_name=given,
            family_name=family,
            suffix=suffix,
            credentials=tuple(credentials),
            npi=npi,
            orcid=orcid,
            emails=(email,),
            country=country.code,
            region=organization.region,
            city=organization.city,
            languages=tuple(languages),
            therapeutic_areas=tuple(areas),
            specialties=tuple(chosen_specialties),
            key_expert=area == "oncology" and rng.random() < 0.08,
            contact_channels=channels,
            consent_date=consent_date,
            consent_source=consent_source,
            origin=str(origin),
            affiliations=tuple(affiliations),
        )


# --- writing ------------------------------------------------------------------------


def created_event(
    instance: models.Model, *, m2m: dict[str, list[int]] | None = None
) -> audit.PendingEvent:
    """The create event :func:`audit.create_record` would write, for a bulk-inserted row."""
    state = audit.snapshot(
        instance, exclude=tuple(field.name for field in instance._meta.many_to_many)
    )
    state.update({name: sorted(ids) for name, ids in (m2m or {}).items()})
    return audit.PendingEvent(
        action=AuditAction.CREATE,
        record_type=audit.record_type_of(instance),
        record_id=str(instance.pk),
        record_label=str(instance)[:300],
        changes={
            key: [None, value] for key, value in state.items() if value not in (None, "", [], {})
        },
    )


def create_audited(instances: Iterable[models.Model]) -> list[models.Model]:
    """Validate, insert and audit a few records one by one (reference data)."""
    created = []
    for instance in instances:
        audit.create_record(actor=None, instance=instance)
        created.append(instance)
    return created


def build_reference() -> tuple[dict[str, TherapeuticArea], dict[str, Specialty]]:
    areas: dict[str, TherapeuticArea] = {}
    specialties: dict[str, Specialty] = {}
    for code, name, items in THERAPEUTIC_AREAS:
        area = TherapeuticArea(code=code, name=name)
        audit.create_record(actor=None, instance=area)
        areas[code] = area
        for specialty_name, taxonomy in items:
            specialty = Specialty(name=specialty_name, taxonomy_code=taxonomy)
            audit.create_record(actor=None, instance=specialty)
            specialties[specialty_name] = specialty
    return areas, specialties


def build_organizations(plans: Sequence[OrganizationPlan]) -> list[Organization]:
    """Organizations, parents first (so children can point at them)."""
    by_name: dict[str, Organization] = {}
    ordered = sorted(range(len(plans)), key=lambda index: bool(plans[index].parent_name))
    created: dict[int, Organization] = {}
    for index in ordered:
        plan = plans[index]
        organization = Organization(
            name=plan.name,
            type=plan.type,
            country=plan.country,
            city=plan.city,
            region=plan.region,
            parent=by_name.get(plan.parent_name),
            origin=Origin.IMPORTED,
        )
        audit.create_record(actor=None, instance=organization)
        by_name[plan.name] = organization
        created[index] = organization
    return [created[index] for index in range(len(plans))]


def build_hcps(
    plans: Iterable[HCPPlan],
    *,
    total: int,
    organizations: Sequence[Organization],
    areas: dict[str, TherapeuticArea],
    specialties: dict[str, Specialty],
    key_experts: Territory,
    progress: Report,
) -> int:
    """Insert HCPs with their relations in chunks, auditing every record."""
    done = 0
    chunk: list[HCPPlan] = []
    for plan in plans:
        chunk.append(plan)
        if len(chunk) == CHUNK:
            _write_hcp_chunk(chunk, organizations, areas, specialties, key_experts)
            done += len(chunk)
            progress("HCPs", done, total)
            chunk = []
    if chunk:
        _write_hcp_chunk(chunk, organizations, areas, specialties, key_experts)
        done += len(chunk)
        progress("HCPs", done, total)
    return done


def _write_hcp_chunk(
    chunk: Sequence[HCPPlan],
    organizations: Sequence[Organization],
    areas: dict[str, TherapeuticArea],
    specialties: dict[str, Specialty],
    key_experts: Territory,
) -> None:
    hcps = [
        HCP(
            given_name=plan.given_name,
            family_name=plan.family_name,
            suffix=plan.suffix,
            # bulk_create skips save(), which keeps this search key in step.
            search_name=fold(f"{plan.family_name} {plan.given_name}"),
            credentials=list(plan.credentials),
            npi=plan.npi,
            npi_source=DEMO_SOURCE_NPI if plan.npi else "",
            orcid=plan.orcid,
            orcid_source=DEMO_SOURCE_ORCID if plan.orcid else "",
            emails=list(plan.emails),
            country=plan.country,
            region=plan.region,
            city=plan.city,
            languages=list(plan.languages),
            contact_channels=list(plan.contact_channels),
            consent_date=plan.consent_date,
            consent_source=plan.consent_source,
            origin=plan.origin,
        )
        for plan in chunk
    ]
    HCP.objects.bulk_create(hcps)
    specialty_rows = []
    area_rows = []
    territory_rows = []
    affiliations: list[Affiliation] = []
    m2m: list[dict[str, list[int]]] = []
    for hcp, plan in zip(hcps, chunk, strict=True):
        ids = {
            "specialties": [specialties[name].pk for name in plan.specialties],
            "therapeutic_areas": [areas[code].pk for code in plan.therapeutic_areas],
            "territories": [key_experts.pk] if plan.key_expert else [],
        }
        m2m.append(ids)
        specialty_rows += [
            HCP.specialties.through(hcp_id=hcp.pk, specialty_id=pk) for pk in ids["specialties"]
        ]
        area_rows += [
            HCP.therapeutic_areas.through(hcp_id=hcp.pk, therapeuticarea_id=pk)
            for pk in ids["therapeutic_areas"]
        ]
        territory_rows += [
            HCP.territories.through(hcp_id=hcp.pk, territory_id=pk) for pk in ids["territories"]
        ]
        affiliations += [
            Affiliation(
                hcp=hcp,
                organization=organizations[item.organization],
                role=item.role,
                start_date=item.start_date,
                end_date=item.end_date,
                is_primary=item.is_primary,
            )
            for item in plan.affiliations
        ]
    HCP.specialties.through.objects.bulk_create(specialty_rows)
    HCP.therapeutic_areas.through.objects.bulk_create(area_rows)
    HCP.territories.through.objects.bulk_create(territory_rows)
    Affiliation.objects.bulk_create(affiliations)
    events: list[audit.PendingEvent] = [
        created_event(hcp, m2m=ids) for hcp, ids in zip(hcps, m2m, strict=True)
    ]
    events += [created_event(affiliation) for affiliation in affiliations]
    audit.record_events(actor=None, events=events)


def plan_summary(plans: Iterable[HCPPlan]) -> list[dict[str, Any]]:
    """Names and identifiers of planned HCPs, for checking determinism."""
    return [
        {"name": f"{plan.given_name} {plan.family_name}", "npi": plan.npi, "orcid": plan.orcid}
        for plan in plans
    ]
