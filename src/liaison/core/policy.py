"""The access policy: the one judge of who may do what to which record.

Two questions, which must agree:

* :func:`can` — may this user do ``verb`` to this record? Or, for a
  *model-level* verb (``add``, ``load``, ``import``), to this model?
* :func:`scope` — which records of a model may this user do ``verb`` to?

Each app registers a :class:`Rules` object per model in its own ``policy.py``.
The rules name the verbs the model answers: every model answers ``view``,
``change`` and ``delete`` of a record and ``add`` of the model; an app adds its
own (``export`` of an HCP, ``triage`` of an alert, ``load`` of publications)
by extending :attr:`Rules.record_verbs` or :attr:`Rules.model_verbs`. Asking a
verb the model does not answer raises :class:`ValueError`, so a typo fails
loudly instead of silently denying or allowing.

A model without rules is invisible to everyone: forgetting to register fails
closed. Views, API routes, CLI commands and services load records through
:func:`get_for`, so an unseen record is a 404 and a seen but read-only record a
403.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, TypeVar

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

#: A verb of the policy: ``view``, ``add``, ``change``, ``delete`` or one an app registered.
Verb = str
#: The older name of :data:`Verb`.
Action = Verb
M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser

#: Every role that works in medical affairs; all of them read the directory.
MEDICAL_AFFAIRS_ROLES = tuple(Role.values)

_VERB_SHAPE = re.compile(r"[a-z][a-z_]*\Z")


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


def _signed_in(user: AnyUser) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


class Rules:
    """Rules for one model.

    ``record_verbs`` are asked of one record (:meth:`can`) and of the model's
    records (:meth:`scope`); ``model_verbs`` are asked of the model class
    (:meth:`can_model`), for actions with no record yet (``add``) or over the
    whole model (``load``). A subclass that adds a verb extends the set and
    answers it.

    Subclasses override :meth:`scope` and, where a cheaper answer exists,
    :meth:`can`. The default ``can`` asks ``scope``, so the two answers agree
    by construction; an override must agree too (a test checks every model).
    """

    record_verbs: ClassVar[frozenset[Verb]] = frozenset({"view", "change", "delete"})
    model_verbs: ClassVar[frozenset[Verb]] = frozenset({"add"})
    #: The record verb that shows a record's audit history (its values, old and new):
    #: ``view`` unless viewing a record is less than reading all of it.
    history_verb: ClassVar[Verb] = "view"

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        return queryset.none()

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        """The answer to a model-level verb; ``add`` asks :meth:`can_add`."""
        return verb == "add" and self.can_add(user)

    def can_add(self, user: AnyUser) -> bool:
        return False

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        if obj.pk is None:
            return False
        manager = type(obj)._default_manager
        return self.scope(user, action, manager.all()).filter(pk=obj.pk).exists()


class ReadAllAdminWrites(Rules):
    """Every medical-affairs role reads; administrators do everything else."""

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and is_member(user):
            return queryset
        if is_admin(user):
            return queryset
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user)

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        return obj.pk is not None and (is_admin(user) or (action == "view" and is_member(user)))


class AdminLoads(ReadAllAdminWrites):
    """Evidence read by every role and loaded in bulk (files, registries) by
    administrators alone: a load writes across the whole library for everyone."""

    model_verbs = ReadAllAdminWrites.model_verbs | {"load"}

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        if verb == "load":
            return is_admin(user)
        return super().can_model(user, verb)


_registry: dict[type[models.Model], Rules] = {}


def register(model: type[models.Model], rules: Rules) -> None:
    """Make ``rules`` the judge of ``model``, with the verbs they declare."""
    for verb in rules.record_verbs | rules.model_verbs:
        if not _VERB_SHAPE.match(verb):
            raise ValueError(f"{model.__name__}: {verb!r} is not a verb (lower-case letters)")
    both = rules.record_verbs & rules.model_verbs
    if both:
        raise ValueError(
            f"{model.__name__}: {', '.join(sorted(both))} cannot be asked both of a record "
            "and of the model"
        )
    _registry[model] = rules


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


def rules_for(model: type[models.Model]) -> Rules:
    return _registry.get(model, Rules())


def record_verbs(model: type[models.Model]) -> frozenset[Verb]:
    """The verbs asked of one record of ``model`` (and of :func:`scope`)."""
    return rules_for(model).record_verbs


def model_verbs(model: type[models.Model]) -> frozenset[Verb]:
    """The verbs asked of ``model`` itself."""
    return rules_for(model).model_verbs


def _check_verb(rules: Rules, model: type[models.Model], verb: Verb, *, of_model: bool) -> None:
    """Refuse a verb the model does not answer in this form: a typo must not pass."""
    expected, other = (
        (rules.model_verbs, rules.record_verbs)
        if of_model
        else (rules.record_verbs, rules.model_verbs)
    )
    if verb in expected:
        return
    name = model._meta.label
    if verb in other:
        asked = "the model class" if of_model else "a record"
        needed = "a record" if of_model else "the model class"
        raise ValueError(f"{verb!r} is asked of {needed} of {name}, not of {asked}")
    known = ", ".join(sorted(rules.record_verbs | rules.model_verbs))
    raise ValueError(f"{name} has no verb {verb!r} (it answers {known})")


def can(user: AnyUser, action: Verb, target: models.Model | type[models.Model]) -> bool:
    """May ``user`` do ``action`` to ``target``: a record, or the model class
    for a model-level verb (``add``, ``load``, ``import``)?

    Raises :class:`ValueError` when ``target``'s model does not answer ``action``
    (in that form)."""
    if isinstance(target, type):
        rules = rules_for(target)
        _check_verb(rules, target, action, of_model=True)
        return _signed_in(user) and rules.can_model(user, action)
    rules = rules_for(type(target))
    _check_verb(rules, type(target), action, of_model=False)
    return _signed_in(user) and rules.can(user, action, target)


def scope(user: AnyUser, action: Verb, target: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """The records of ``target`` that ``user`` may do ``action`` to (a record verb)."""
    queryset = target._default_manager.all() if isinstance(target, type) else target
    rules = rules_for(queryset.model)
    _check_verb(rules, queryset.model, action, of_model=False)
    if not _signed_in(user):
        return queryset.none()
    return rules.scope(user, action, queryset)


def grants_any(user: AnyUser, action: Verb, model: type[models.Model]) -> bool:
    """Whether the policy lets ``user`` do ``action`` to any record of ``model``
    at all: for a page or command that acts on a whole selection (an export).

    Answered without a query: rules return ``none()`` when they grant nothing."""
    return not scope(user, action, model).query.is_empty()


def require(user: AnyUser, action: Verb, target: models.Model | type[models.Model]) -> None:
    if not can(user, action, target):
        name = target._meta.verbose_name
        raise PermissionDenied(f"you may not {action} this {name}")


def get_for(user: AnyUser, action: Verb, target: type[M] | models.QuerySet[M], **lookup: Any) -> M:
    """Load one record the way every entry point must: unseen is
    :class:`NotFound` (404), seen but not allowed is :class:`PermissionDenied` (403)."""
    queryset = scope(user, "view", target)
    if action != "view":
        _check_verb(rules_for(queryset.model), queryset.model, action, of_model=False)
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
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
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
    """Compliance and administrators read the trail, verify its chain and
    ``erase`` personal values from it (privacy requests); nobody changes it."""

    model_verbs = Rules.model_verbs | {"verify", "erase"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and _is_auditor(user):
            return queryset
        return queryset.none()

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        # Whoever may read every event may check them all, and erase from them.
        return verb in ("verify", "erase") and _is_auditor(user)

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        return obj.pk is not None and action == "view" and _is_auditor(user)


def _is_auditor(user: AnyUser) -> bool:
    return isinstance(user, User) and user.has_role(Role.COMPLIANCE)


def teams_of(user: AnyUser) -> models.QuerySet[Team]:
    """Teams ``user`` belongs to, as a member or as their manager."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(models.Q(members=user) | models.Q(manager=user)).distinct()


class TeamRules(ReadAllAdminWrites):
    """Teams are read by every role and kept by administrators. ``share``: the
    teams a user may share work with (give a watch to): their own teams, as a
    member or as the manager; administrators every team."""

    record_verbs = ReadAllAdminWrites.record_verbs | {"share"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "share" and not is_admin(user):
            return queryset.filter(pk__in=teams_of(user).values("pk"))
        return super().scope(user, action, queryset)

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        if action == "share":
            return Rules.can(self, user, action, obj)
        return super().can(user, action, obj)


class TerritoryRules(ReadAllAdminWrites):
    """Territories are read by every role and kept by administrators. ``assign``:
    the territories a user may put records into or take them out of. Explicit
    membership decides who may edit a record, so only administrators assign it:
    an MSL could otherwise pull any HCP into reach."""

    record_verbs = ReadAllAdminWrites.record_verbs | {"assign"}


class OwnedRules(Rules):
    """Records that belong to one user (API tokens, jobs): the owner and administrators."""

    owner_field = "user"

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if is_admin(user):
            return queryset
        if is_member(user):
            return queryset.filter(**{self.owner_field: user})
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        return obj.pk is not None and (
            is_admin(user)
            or (
                is_member(user)
                and getattr(obj, f"{self.owner_field}_id") == getattr(user, "pk", None)
            )
        )


class JobRules(OwnedRules):
    owner_field = "owner"


register(User, UserRules())
register(Team, TeamRules())
register(Territory, TerritoryRules())
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
