"""The access policy: the one judge of who may see and change what.

Two questions, which must agree:

* :func:`can` — may this user do ``action`` to this record (or, for ``add``,
  to this model)?
* :func:`scope` — which records of a model may this user do ``action`` to?

Each app registers a :class:`Rules` object per model in its own ``policy.py``.
A model without rules is invisible to everyone: forgetting to register fails
closed. Views, API routes, CLI commands and services load records through
:func:`get_for`, so an unseen record is a 404 and a seen but read-only record a
403.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from liaison.core.errors import NotFound, PermissionDenied
from liaison.core.models import (
    ApiToken,
    AuditEvent,
    Job,
    Role,
    Team,
    Territory,
    User,
)

Action = Literal["view", "add", "change", "delete"]
M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser

#: Every role that works in medical affairs; all of them read the directory.
MEDICAL_AFFAIRS_ROLES = tuple(Role.values)


def is_member(user: AnyUser) -> bool:
    """Signed in, active and holding a role (or a superuser)."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and (bool(user.role) or user.is_superuser)
    )


def is_admin(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_administrator


class Rules:
    """Rules for one model. Subclasses override :meth:`scope` and, where a
    cheaper answer exists, :meth:`can`. The default ``can`` asks ``scope``,
    so the two answers agree by construction."""

    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return False

    def can(self, user: AnyUser, action: Action, obj: models.Model) -> bool:
        if obj.pk is None:
            return False
        manager = type(obj)._default_manager
        return self.scope(user, action, manager.all()).filter(pk=obj.pk).exists()


class ReadAllAdminWrites(Rules):
    """Every medical-affairs role reads; administrators write."""

    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and is_member(user):
            return queryset
        if is_admin(user):
            return queryset
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user)

    def can(self, user: AnyUser, action: Action, obj: models.Model) -> bool:
        return obj.pk is not None and (is_admin(user) or (action == "view" and is_member(user)))


_registry: dict[type[models.Model], Rules] = {}


def register(model: type[models.Model], rules: Rules) -> None:
    _registry[model] = rules


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


def rules_for(model: type[models.Model]) -> Rules:
    return _registry.get(model, Rules())


def can(user: AnyUser, action: Action, target: models.Model | type[models.Model]) -> bool:
    """May ``user`` do ``action`` to ``target`` (a record; for ``add``, a model)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if isinstance(target, type):
        if action != "add":
            raise ValueError("a model class only answers the 'add' action")
        return rules_for(target).can_add(user)
    return rules_for(type(target)).can(user, action, target)


def scope(
    user: AnyUser, action: Action, target: type[M] | models.QuerySet[M]
) -> models.QuerySet[M]:
    """The records of ``target`` that ``user`` may do ``action`` to."""
    queryset = target._default_manager.all() if isinstance(target, type) else target
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return rules_for(queryset.model).scope(user, action, queryset)


def require(user: AnyUser, action: Action, target: models.Model | type[models.Model]) -> None:
    if not can(user, action, target):
        name = target._meta.verbose_name
        raise PermissionDenied(f"you may not {action} this {name}")


def get_for(
    user: AnyUser, action: Action, target: type[M] | models.QuerySet[M], **lookup: Any
) -> M:
    """Load one record the way every entry point must: unseen is
    :class:`NotFound` (404), seen but not allowed is :class:`PermissionDenied` (403)."""
    queryset = scope(user, "view", target)
    try:
        obj = queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound(f"no such {queryset.model._meta.verbose_name}") from None
    if action != "view":
        require(user, action, obj)
    return obj


# --- core's own rules -------------------------------------------------------


class UserRules(Rules):
    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_admin(user):
            return queryset
        if action == "view" and isinstance(user, User) and user.has_role(Role.FIELD_MANAGER):
            return queryset.filter(models.Q(teams__manager=user) | models.Q(pk=user.pk)).distinct()
        if action == "view" and is_member(user):
            return queryset.filter(pk=user.pk)
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user)


class AuditEventRules(Rules):
    """Compliance and administrators read the trail; nobody changes it."""

    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and isinstance(user, User) and user.has_role(Role.COMPLIANCE):
            return queryset
        return queryset.none()

    def can(self, user: AnyUser, action: Action, obj: models.Model) -> bool:
        return action == "view" and isinstance(user, User) and user.has_role(Role.COMPLIANCE)


class OwnedRules(Rules):
    """Records that belong to one user (API tokens, jobs): the owner and administrators."""

    owner_field = "user"

    def scope(
        self, user: AnyUser, action: Action, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_admin(user):
            return queryset
        if is_member(user):
            return queryset.filter(**{self.owner_field: user})
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)

    def can(self, user: AnyUser, action: Action, obj: models.Model) -> bool:
        return is_admin(user) or (
            is_member(user) and getattr(obj, f"{self.owner_field}_id") == getattr(user, "pk", None)
        )


class JobRules(OwnedRules):
    owner_field = "owner"


register(User, UserRules())
register(Team, ReadAllAdminWrites())
register(Territory, ReadAllAdminWrites())
register(AuditEvent, AuditEventRules())
register(ApiToken, OwnedRules())
register(Job, JobRules())


def territories_of(user: AnyUser) -> models.QuerySet[Territory]:
    """Territories whose records ``user`` works on: an MSL's own, a manager's team's."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Territory.objects.none()
    if user.role == Role.FIELD_MANAGER:
        return Territory.objects.filter(
            models.Q(covered_by=user) | models.Q(covered_by__teams__manager=user)
        ).distinct()
    return Territory.objects.filter(covered_by=user)
