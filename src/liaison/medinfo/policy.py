"""Access rules of medical information (registered with core.policy).

Any medical-affairs user takes an inquiry (``add``: an MSL in the field, medical
information on the phone). An inquiry is seen by medical information,
pharmacovigilance (its screening for adverse events), compliance and
administrators, by the employee who received it and by the manager of that
employee's team. Its receiver ``change``s and ``forward``s it while it is still
with them; medical information (and administrators) ``work`` it: assign,
prioritise, answer, deliver, close.

Standard responses and their versions are medical information's documents, read
by compliance and administrators too. A draft is ``change``d (and submitted) by
its author alone, and ``approve``d (or rejected) by medical information or
compliance, never by its author (four eyes), with an electronic signature: so no
reviewer signs words they wrote into someone else's draft. Answers follow their
inquiry.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from liaison.core.models import Role, User
from liaison.core.policy import AnyUser, Rules, Verb, is_admin, is_member, register
from liaison.engagement.policy import team_q
from liaison.medinfo.models import (
    Answer,
    Handoff,
    Inquiry,
    InquiryStatus,
    ResponseVersion,
    StandardResponse,
    VersionStatus,
)


def _member(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and is_member(user) else None


def is_medical_information(user: AnyUser) -> bool:
    member = _member(user)
    return member is not None and member.has_role(Role.MEDICAL_INFORMATION)


def _sees_all(user: User) -> bool:
    return user.has_role(
        Role.MEDICAL_INFORMATION, Role.PHARMACOVIGILANCE, Role.COMPLIANCE
    ) or is_admin(user)


class InquiryRules(Rules):
    record_verbs = Rules.record_verbs | {"forward", "work"}
    model_verbs = Rules.model_verbs | {"report"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _member(user)
        if member is None:
            return queryset.none()
        if action == "view":
            if _sees_all(member):
                return queryset
            return queryset.filter(team_q(member, "received_by"))
        if action in ("change", "forward"):
            return queryset.filter(received_by=member, status=InquiryStatus.RECEIVED)
        if action == "work":
            return queryset if is_medical_information(member) else queryset.none()
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_member(user)

    def can_model(self, user: AnyUser, verb: Verb) -> bool:
        if verb == "report":
            member = _member(user)
            return member is not None and (
                member.has_role(Role.MEDICAL_INFORMATION, Role.COMPLIANCE, Role.FIELD_MANAGER)
            )
        return super().can_model(user, verb)


class InquiryPartRules(Rules):
    """Hand-offs and answers: seen with their inquiry, written by its services."""

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        verb = "view" if action == "view" else "work"
        inquiries = InquiryRules().scope(user, verb, Inquiry.objects.all())
        return queryset.filter(inquiry__in=inquiries.values("pk"))


class StandardResponseRules(Rules):
    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _member(user)
        if member is None:
            return queryset.none()
        if action == "view" and member.has_role(Role.MEDICAL_INFORMATION, Role.COMPLIANCE):
            return queryset
        if action == "change" and is_medical_information(member):
            return queryset
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_medical_information(user)


class ResponseVersionRules(Rules):
    record_verbs = Rules.record_verbs | {"approve"}

    def scope(
        self, user: AnyUser, action: Verb, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        member = _member(user)
        if member is None:
            return queryset.none()
        if action == "view":
            if member.has_role(Role.MEDICAL_INFORMATION, Role.COMPLIANCE):
                return queryset
            # A custom response is seen with its inquiry.
            inquiries = InquiryRules().scope(member, "view", Inquiry.objects.all())
            return queryset.filter(
                inquiry__in=inquiries.values("pk"), status=VersionStatus.APPROVED
            )
        if action == "change" and is_medical_information(member):
            return queryset.filter(status=VersionStatus.DRAFT, author=member)
        if action == "approve" and member.has_role(Role.MEDICAL_INFORMATION, Role.COMPLIANCE):
            return queryset.filter(status=VersionStatus.IN_REVIEW).exclude(author=member)
        return queryset.none()

    def can_add(self, user: AnyUser) -> bool:
        return is_medical_information(user)


register(Inquiry, InquiryRules())
register(Handoff, InquiryPartRules())
register(Answer, InquiryPartRules())
register(StandardResponse, StandardResponseRules())
register(ResponseVersion, ResponseVersionRules())
