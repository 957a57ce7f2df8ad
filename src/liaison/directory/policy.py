"""Directory access rules.

Every medical-affairs role reads the directory, and exports the HCPs it reads.
Administrators change all of it and alone import files into it (an import
touches records across territories); MSLs and field medical managers change
HCPs, organizations and affiliations of their own territories (a manager: their
team's). Reference data (therapeutic areas, specialties, products, indications)
is the administrators'.

A record belongs to a territory by explicit assignment, or by its country or
region (:func:`~liaison.directory.models.in_territories_q` selects them;
:func:`territories_holding` names a record's territories).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from liaison.core.models import Role, Territory, User
from liaison.core.policy import (
    AnyUser,
    ReadAllAdminWrites,
    Rules,
    Verb,
    is_admin,
    is_member,
    register,
    territories_of,
)
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Product,
    Specialty,
    TherapeuticArea,
    in_territories_q,
)

FIELD_ROLES = (Role.MSL, Role.FIELD_MANAGER)


def is_field_user(user: AnyUser) -> bool:
    return isinstance(user, User) and is_member(user) and user.role in FIELD_ROLES


#: Record verbs every member is granted on every directory record.
READ_VERBS = frozenset({"view", "export"})


class TerritoryScopedRules(Rules):
    """Read by all; changed by administrators and by field users in their territories.

    ``prefix`` leads from the model to the record that carries the territory
    (an affiliation's HCP)."""

    prefix = ""

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_admin(user) or (action in READ_VERBS and is_member(user)):
            return queryset
        if is_field_user(user):
            return queryset.filter(
                in_territories_q(territories_of(user), prefix=self.prefix)
            ).distinct()
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user) or is_field_user(user)

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        if obj.pk is None:
            return False
        if is_admin(user) or (action in READ_VERBS and is_member(user)):
            return True
        return is_field_user(user) and super().can(user, action, obj)


class HCPRules(TerritoryScopedRules):
    """HCPs add ``export`` (every member, the HCPs they read) and ``import``
    (files into the directory: administrators)."""

    record_verbs = TerritoryScopedRules.record_verbs | {"export"}
    model_verbs = TerritoryScopedRules.model_verbs | {"import"}

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        if verb == "import":
            return is_admin(user)
        return super().can_model(user, verb)


class AffiliationRules(TerritoryScopedRules):
    prefix = "hcp__"


register(HCP, HCPRules())
register(Organization, TerritoryScopedRules())
register(Affiliation, AffiliationRules())
for reference_model in (TherapeuticArea, Specialty, Product, Indication):
    register(reference_model, ReadAllAdminWrites())


def territories_holding(record: HCP | Organization) -> list[Territory]:
    """The territories ``record`` belongs to: explicitly, or by country or region.

    The same membership :func:`~liaison.directory.models.in_territories_q`
    selects in SQL, decided here for one loaded record (a test checks that the
    two agree); two queries whatever the number of territories, one when the
    record's territories are prefetched."""
    explicit = {territory.pk for territory in record.territories.all()}
    return [
        territory
        for territory in Territory.objects.all()
        if territory.pk in explicit
        or record.country in (territory.countries or [])
        or (bool(record.region) and record.region in (territory.regions or []))
    ]
