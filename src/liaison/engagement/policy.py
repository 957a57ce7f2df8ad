"""Access rules of field engagement (registered with core.policy).

Interactions: every medical-affairs user ``view``s that an interaction happened
(date, MSL, channel, HCPs); its content (notes, outcome, materials, insights) is
``read`` by its author, the manager of the author's team, compliance and
administrators. Its author ``change``s it for ``LIAISON_INTERACTION_EDIT_DAYS``
days after logging it; after that the author (or an administrator) ``amend``s it,
with a reason. Field users (MSLs, field managers) and administrators log them;
only administrators delete one.

Insights are seen by their author, the author's manager, insights leads,
compliance and administrators; insights leads and administrators ``review``
them, and ``shape`` themes (rename, merge, split, pin) and ``recompute`` them.
Every member sees the themes (aggregates, no statements) and comments on the
insights they see.

Meetings, follow-ups and engagement plans are their owner's, seen by the
manager of the owner's team and administrators (follow-ups also by compliance);
a plan is kept by its MSL, their manager or an administrator. Drafts and the
calendar feed are their owner's alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from liaison.core.models import Role, User
from liaison.core.policy import (
    AnyUser,
    OwnedRules,
    ReadAllAdminWrites,
    Rules,
    Verb,
    is_admin,
    is_member,
    register,
)
from liaison.engagement.models import (
    CalendarFeed,
    EngagementPlan,
    FollowUp,
    Insight,
    InsightCategory,
    InsightComment,
    Interaction,
    InteractionDraft,
    Meeting,
    PlanTarget,
    StrategicQuestion,
    Theme,
    edit_window_days,
)

FIELD_ROLES = (Role.MSL, Role.FIELD_MANAGER)


def _user(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and is_member(user) else None


def is_field_user(user: AnyUser) -> bool:
    member = _user(user)
    return member is not None and member.role in FIELD_ROLES


def is_insights_lead(user: AnyUser) -> bool:
    member = _user(user)
    return member is not None and member.has_role(Role.INSIGHTS_LEAD)


def is_compliance(user: AnyUser) -> bool:
    member = _user(user)
    return member is not None and member.has_role(Role.COMPLIANCE)


def team_q(user: User, field: str) -> Q:
    """Records whose ``field`` (a user) is ``user`` or one of the team members ``user``
    manages. The members are a sub-query, not a join: no duplicate rows, so no
    DISTINCT, and the ``(field, date)`` indexes serve the lists."""
    members = User.objects.filter(teams__manager=user).values("pk")
    return Q(**{field: user}) | Q(**{f"{field}__in": members})


def window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=edit_window_days())


class InteractionRules(Rules):
    #: ``read``: the content (notes, outcome, insights); ``amend``: change after the edit window.
    record_verbs = Rules.record_verbs | {"read", "amend"}
    # Its audit history holds the notes and outcome: for those who read them.
    history_verb = "read"

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _user(user)
        if member is None:
            return queryset.none()
        admin = is_admin(member)
        if action == "view":
            return queryset
        if action == "read":
            if admin or is_compliance(member):
                return queryset
            return queryset.filter(team_q(member, "msl"))
        if action == "change":
            return queryset.filter(msl=member, created_at__gte=window_start())
        if action == "amend":
            if admin:
                return queryset
            return queryset.filter(msl=member, created_at__lt=window_start())
        if action == "delete" and admin:
            return queryset
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user) or is_field_user(user)

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        member = _user(user)
        if obj.pk is None or member is None:
            return False
        assert isinstance(obj, Interaction)
        if action == "view":
            return True
        if action == "change":
            return obj.msl_id == member.pk and obj.created_at >= window_start()
        if action == "amend":
            return is_admin(member) or (obj.msl_id == member.pk and obj.created_at < window_start())
        return super().can(user, action, obj)


class InsightRules(Rules):
    #: ``review``: status and the review workflow; ``comment``: add a comment; ``export``.
    record_verbs = Rules.record_verbs | {"review", "comment", "export"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _user(user)
        if member is None:
            return queryset.none()
        sees_all = is_admin(member) or is_insights_lead(member) or is_compliance(member)
        if action in ("view", "comment", "export"):
            if sees_all:
                return queryset
            return queryset.filter(team_q(member, "msl"))
        if action == "review":
            return queryset if is_admin(member) or is_insights_lead(member) else queryset.none()
        if action == "change":
            if is_admin(member):
                return queryset
            return queryset.filter(msl=member)
        if action == "delete" and is_admin(member):
            return queryset
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user) or is_field_user(user)


class InsightCommentRules(Rules):
    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _user(user)
        if member is None:
            return queryset.none()
        if action == "view":
            visible = InsightRules().scope(member, "view", Insight.objects.all())
            return queryset.filter(insight__in=visible.values("pk"))
        if is_admin(member):
            return queryset
        return queryset.filter(author=member) if action in ("change", "delete") else queryset

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)


class ThemeRules(Rules):
    """Themes are aggregates every member reads; insights leads shape and recompute them."""

    record_verbs = Rules.record_verbs | {"shape"}
    model_verbs = Rules.model_verbs | {"recompute"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _user(user)
        if member is None:
            return queryset.none()
        if action == "view" or is_admin(member) or is_insights_lead(member):
            return queryset
        return queryset.none()

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        if verb == "recompute":
            return is_admin(user) or is_insights_lead(user)
        return super().can_model(user, verb)

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user) or is_insights_lead(user)


class OwnerAndManagerRules(Rules):
    """The owner (``owner_field``) and administrators do everything; the manager of
    the owner's team (and, with ``auditors_read``, compliance) reads."""

    owner_field = "owner"
    auditors_read = False

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _user(user)
        if member is None:
            return queryset.none()
        if is_admin(member):
            return queryset
        if action == "view":
            if self.auditors_read and is_compliance(member):
                return queryset
            return queryset.filter(team_q(member, self.owner_field))
        return queryset.filter(**{self.owner_field: member})

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user) or is_field_user(user)


class MeetingRules(OwnerAndManagerRules):
    owner_field = "organizer"


class FollowUpRules(OwnerAndManagerRules):
    owner_field = "owner"
    auditors_read = True


class PlanRules(OwnerAndManagerRules):
    """A plan is kept by its MSL and by the manager of the MSL's team."""

    owner_field = "msl"

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _user(user)
        if member is None:
            return queryset.none()
        if is_admin(member):
            return queryset
        return queryset.filter(team_q(member, self.owner_field))


class PlanTargetRules(PlanRules):
    owner_field = "plan__msl"


class OwnerAloneRules(OwnedRules):
    """Records their owner (``owner_field``) alone sees and changes, administrators
    included: unfinished work, a personal secret."""

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _user(user)
        if member is None:
            return queryset.none()
        return queryset.filter(**{self.owner_field: member})

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        member = _user(user)
        return (
            obj.pk is not None
            and member is not None
            and getattr(obj, f"{self.owner_field}_id") == member.pk
        )


class DraftRules(OwnerAloneRules):
    """A draft of the interaction form: field users and administrators write them."""

    owner_field = "owner"

    def can_add(self, user: AnyUser) -> bool:
        return is_admin(user) or is_field_user(user)


class CalendarFeedRules(OwnerAloneRules):
    """A calendar feed: every member has one."""

    owner_field = "user"

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)


register(Interaction, InteractionRules())
register(Insight, InsightRules())
register(InsightComment, InsightCommentRules())
register(Theme, ThemeRules())
register(Meeting, MeetingRules())
register(FollowUp, FollowUpRules())
register(EngagementPlan, PlanRules())
register(PlanTarget, PlanTargetRules())
register(InteractionDraft, DraftRules())
register(CalendarFeed, CalendarFeedRules())
register(InsightCategory, ReadAllAdminWrites())
register(StrategicQuestion, ReadAllAdminWrites())
