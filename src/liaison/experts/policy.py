"""Access rules of the experts app (registered with core.policy).

Scores, tiers, networks and the site finder are derived from public evidence:
every medical-affairs role reads them. Administrators edit an area's evidence
definition and weights (``add`` a weight set) and recompute scores; insights
leads recompute too. The identity-resolution queue and its decisions are worked
by administrators and insights leads (``decide``); running the resolver over
the whole library (``resolve``) is an administrator's.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from liaison.core.models import Role, User
from liaison.core.policy import AnyUser, ReadAllAdminWrites, Rules, Verb, is_admin, register
from liaison.experts.models import (
    AreaDefinition,
    Discovery,
    ExpertScore,
    MentionDecision,
    PersonDecision,
    Proposal,
    ResolutionRun,
    ScoreContribution,
    WeightSet,
)


def works_resolution_queue(user: AnyUser) -> bool:
    """Administrators and insights leads confirm, reject, merge and split."""
    return isinstance(user, User) and user.has_role(Role.INSIGHTS_LEAD)


class ScoreRules(ReadAllAdminWrites):
    """Every member reads scores; administrators and insights leads ``recompute`` them."""

    model_verbs = ReadAllAdminWrites.model_verbs | {"recompute"}

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        if verb == "recompute":
            return works_resolution_queue(user)
        return super().can_model(user, verb)


class ResolutionRules(Rules):
    """The queue and its decisions: seen and decided by administrators and insights
    leads; a whole run (``resolve``) by administrators."""

    record_verbs: ClassVar[frozenset[Verb]] = frozenset({"view", "decide"})
    model_verbs: ClassVar[frozenset[Verb]] = frozenset({"add", "resolve"})

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action in self.record_verbs and works_resolution_queue(user):
            return queryset
        return queryset.none()

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        return obj.pk is not None and action in self.record_verbs and works_resolution_queue(user)

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        if verb == "resolve":
            return is_admin(user)
        if verb == "add":
            return works_resolution_queue(user)
        return False


register(ExpertScore, ScoreRules())
evidence: tuple[type[models.Model], ...] = (
    ScoreContribution,
    AreaDefinition,
    WeightSet,
    Discovery,
    ResolutionRun,
)
for model in evidence:
    register(model, ReadAllAdminWrites())
for decided in (Proposal, MentionDecision, PersonDecision):
    register(decided, ResolutionRules())
