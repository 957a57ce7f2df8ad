"""Directory access rules.

Every medical-affairs role reads the directory. Administrators change all of
it; MSLs and field medical managers change HCPs, organizations and affiliations
of their own territories (a manager: their team's). Reference data (therapeutic
areas, specialties, products, indications) is the administrators'.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from liaison.core.models import Role, User
from liaison.core.policy import (
    Action,
    AnyUser,
    ReadAllAdminWrites,
    Rules,
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


class TerritoryScopedRules(Rules):
    """Read by all; changed by administrators and by field users in their territories.

    ``prefix`` leads from the model to the record that carries the territory
    (an affiliation's HCP)."""

    prefix = ""

    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_admin(user) or (action == "view" and is_member(user)):
            return queryset
        if is_field_user(user):
            return queryset.filter(
                in_territories_q(territories_of(user), prefix=self.prefix)
            ).distinct()
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user) or is_field_user(user)

    def can(self, user: AnyUser, action: Action, obj: models.Model) -> bool:
        if obj.pk is None:
            return False
        if is_admin(user) or (action == "view" and is_member(user)):
            return True
        return is_field_user(user) and super().can(user, action, obj)


class AffiliationRules(TerritoryScopedRules):
    prefix = "hcp__"


register(HCP, TerritoryScopedRules())
register(Organization, TerritoryScopedRules())
register(Affiliation, AffiliationRules())
for reference_model in (TherapeuticArea, Specialty, Product, Indication):
    register(reference_model, ReadAllAdminWrites())


def may_import(user: AnyUser) -> bool:
    """Bulk imports touch records across territories: administrators only."""
    return is_admin(user)
