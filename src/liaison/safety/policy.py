"""Access rules of adverse events (registered with core.policy).

Any medical-affairs user reports an adverse event (``add``). A case is seen by
pharmacovigilance, compliance and administrators, by the employee who reported it
and by the manager of that employee's team. Pharmacovigilance ``work``s a case
(reactions, MedDRA codes, seriousness, expectedness, status, follow-up
requests), ``export``s it as E2B(R3) (and marks its files sent) and imports
files (``import``). While a case
is still at intake its reporter may ``change`` and ``forward`` it.

Patient details (initials, date of birth, age, sex, weight, height, history) are
``read_patient``: pharmacovigilance only; not administrators, and not the reporter,
who types them at intake but does not read them back (personal health data,
minimised).

Flags raised by adverse-event language are seen by their author, the author's
manager, pharmacovigilance, compliance and administrators; the author ``handle``s
(confirms or dismisses) a flag, and pharmacovigilance may handle one too.
The reconciliation report (``reconcile``) is for pharmacovigilance, compliance
and administrators. Nothing here is deleted: a case is nullified.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from liaison.core.models import Role, User
from liaison.core.policy import AnyUser, Rules, Verb, is_admin, is_member, register
from liaison.engagement.policy import team_q
from liaison.safety.models import (
    Case,
    CaseProduct,
    CaseStatus,
    Flag,
    FollowUpRequest,
    Reaction,
    Submission,
)


def _member(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and is_member(user) else None


def is_pharmacovigilance(user: AnyUser) -> bool:
    """Pharmacovigilance itself (administrators hold every role but this one: patient data)."""
    member = _member(user)
    return member is not None and member.role == Role.PHARMACOVIGILANCE


def _oversees_all(user: User) -> bool:
    return is_pharmacovigilance(user) or is_admin(user) or user.role == Role.COMPLIANCE


class CaseRules(Rules):
    record_verbs = Rules.record_verbs | {"read_patient", "work", "export", "forward"}
    model_verbs = Rules.model_verbs | {"import", "reconcile"}
    # The history holds the patient's details.
    history_verb = "read_patient"

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _member(user)
        if member is None:
            return queryset.none()
        pv = is_pharmacovigilance(member)
        if action == "view":
            if _oversees_all(member):
                return queryset
            return queryset.filter(team_q(member, "reported_by"))
        if action in ("read_patient", "work", "export"):
            return queryset if pv else queryset.none()
        if action in ("change", "forward"):
            return queryset.filter(reported_by=member, status=CaseStatus.INTAKE)
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        member = _member(user)
        if member is None:
            return False
        if verb == "import":
            return is_pharmacovigilance(member)
        if verb == "reconcile":
            return _oversees_all(member)
        return super().can_model(user, verb)

    def can(self, user: AnyUser, action: Verb, obj: models.Model) -> bool:
        member = _member(user)
        if obj.pk is None or member is None:
            return False
        assert isinstance(obj, Case)
        if action in ("read_patient", "work", "export"):
            return is_pharmacovigilance(member)
        if action in ("change", "forward"):
            return obj.reported_by_id == member.pk and obj.status == CaseStatus.INTAKE
        if action == "view" and (_oversees_all(member) or obj.reported_by_id == member.pk):
            return True
        return super().can(user, action, obj)


class CasePartRules(Rules):
    """Reactions, products, submissions and follow-up requests: seen with their
    case, written by the services of the case (pharmacovigilance's ``work``)."""

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        cases = CaseRules().scope(user, "work" if action != "view" else "view", Case.objects.all())
        return queryset.filter(case__in=cases.values("pk"))


class FlagRules(Rules):
    record_verbs = Rules.record_verbs | {"handle"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _member(user)
        if member is None:
            return queryset.none()
        if action == "view":
            if _oversees_all(member):
                return queryset
            return queryset.filter(team_q(member, "author"))
        if action == "handle":
            if is_pharmacovigilance(member):
                return queryset.filter(status="open")
            return queryset.filter(author=member, status="open")
        return queryset.none()


register(Case, CaseRules())
register(Flag, FlagRules())
for part in (Reaction, CaseProduct, Submission, FollowUpRequest):
    register(part, CasePartRules())
