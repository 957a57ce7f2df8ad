"""The demo world: a plausible medical-affairs organisation built from a seed.

:func:`build_demo` is the entry point (``liaison demo`` and the first run of
``liaison serve`` call it). It runs the builders in order inside one
transaction; later issues add their builders (interactions, publications,
trials...) as further steps in the same way: a function of the seeded random
generator and of what was built before it, called from :func:`build_demo`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import Q

from liaison.core import audit
from liaison.core.errors import Conflict
from liaison.core.models import AuditAction, Team, Territory, User
from liaison.demo import directory, evidence, surveillance, users
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Product,
    Specialty,
    TherapeuticArea,
)
from liaison.surveillance.models import Watch

Progress = Callable[[str, int, int], None]
DEFAULT_SEED = 42
DEFAULT_HCPS = 2000


@dataclass(frozen=True, slots=True)
class DemoWorld:
    hcps: int
    organizations: int
    products: int
    publications: int
    trials: int
    logins: list[users.Login]
    logins_file: Path


def _quiet(step: str, done: int, total: int) -> None:
    return None


def has_directory() -> bool:
    return HCP.objects.exists() or Organization.objects.exists()


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    hcps: int = DEFAULT_HCPS,
    data_dir: Path,
    progress: Progress | None = None,
    force: bool = False,
) -> DemoWorld:
    """Build the demo world; the same ``seed`` gives the same directory.

    Refuses (:class:`Conflict`) when the database already holds a directory or
    demo users, unless ``force``, which first removes them (audited).
    Every record written is audited with the actor "system" and source "demo".
    """
    report = progress or _quiet
    rng = random.Random(seed)
    demo_usernames = [row[0] for row in users.DEMO_USERS]
    with audit.source("demo"), transaction.atomic():
        if has_directory() or User.objects.filter(username__in=demo_usernames).exists():
            if not force:
                raise Conflict(
                    "the database already holds a directory or demo users; "
                    "use --force to replace them with the demo world"
                )
            clear_demo(demo_usernames)
        report("reference data", 0, 1)
        areas, specialties = directory.build_reference()
        territories = users.build_territories()
        report("reference data", 1, 1)
        organization_plans = directory.plan_organizations(rng)
        report("organizations", 0, len(organization_plans))
        organizations = directory.build_organizations(organization_plans)
        report("organizations", len(organizations), len(organization_plans))
        built = directory.build_hcps(
            directory.plan_hcps(rng, hcps, organization_plans),
            total=hcps,
            organizations=organizations,
            areas=areas,
            specialties=specialties,
            key_experts=territories["key-experts"],
            progress=report,
        )
        report("products", 0, 1)
        products = directory.build_products(areas)
        report("products", 1, 1)
        report("users", 0, len(users.DEMO_USERS))
        demo_users, logins = users.build_users()
        users.build_teams(demo_users)
        report("users", len(demo_users), len(users.DEMO_USERS))
        corpus = evidence.build_evidence(rng, progress=report)
        surveillance.build_watches(demo_users, areas)
        logins_file = users.write_logins(data_dir, logins)
    return DemoWorld(
        hcps=built,
        organizations=len(organizations),
        products=len(products),
        publications=corpus.publications,
        trials=corpus.trials,
        logins=logins,
        logins_file=logins_file,
    )


def clear_demo(usernames: list[str]) -> None:
    """Remove the directory, products, territories, teams and demo users, one
    delete event per removed record (``--force``)."""
    evidence.clear_evidence()  # the demo's publications and trials (evidence: not audited)
    Organization.objects.update(parent=None)
    querysets: list[models.QuerySet[Any]] = [
        Watch.objects.filter(Q(owner__username__in=usernames) | Q(team__isnull=False)),
        Affiliation.objects.all(),
        HCP.objects.all(),
        Organization.objects.all(),
        Indication.objects.all(),
        Product.objects.all(),
        Specialty.objects.all(),
        TherapeuticArea.objects.all(),
        Team.objects.all(),
        User.objects.filter(username__in=usernames),
        Territory.objects.all(),
    ]
    for queryset in querysets:
        record_type = audit.record_type_of(queryset.model)
        events = (
            audit.PendingEvent(
                action=AuditAction.DELETE,
                record_type=record_type,
                record_id=str(pk),
                record_label=label[:300],
                changes={},
            )
            for pk, label in _labels(queryset)
        )
        audit.record_events(actor=None, events=events, reason="demo world rebuilt (--force)")
        queryset.delete()


def _labels(queryset: models.QuerySet[Any]) -> Iterator[tuple[int, str]]:
    """Labels without a query per row (an affiliation's str() reads two more rows)."""
    if queryset.model is HCP:
        for pk, given, family in queryset.values_list("pk", "given_name", "family_name"):
            yield pk, f"{given} {family}"
    elif queryset.model is Affiliation:
        for pk, hcp_id, organization_id in queryset.values_list("pk", "hcp_id", "organization_id"):
            yield pk, f"HCP {hcp_id} at organization {organization_id}"
    else:
        for item in queryset.iterator():
            yield item.pk, str(item)
