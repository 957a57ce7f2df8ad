"""Shared reads of core records, always starting from the policy's queryset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import QuerySet

from liaison.core import policy
from liaison.core.errors import NotFound, PermissionDenied
from liaison.core.models import AuditEvent, Job, Territory
from liaison.core.policy import AnyUser


@dataclass(frozen=True)
class AuditFilters:
    """The audit search: empty means no filter; dates are UTC days, both inclusive."""

    actor: str = ""
    record_type: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def may_view_any(user: AnyUser, model: type[models.Model]) -> bool:
    """Whether the policy lets ``user`` see records of ``model`` at all (no query)."""
    return policy.grants_any(user, "view", model)


def require_view_any(user: AnyUser, model: type[models.Model]) -> None:
    if not may_view_any(user, model):
        raise PermissionDenied(f"you may not view {model._meta.verbose_name_plural}")


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def audit_events(user: AnyUser, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events ``user`` may read, newest first."""
    queryset = policy.scope(user, "view", AuditEvent)
    if filters.actor.strip():
        queryset = queryset.filter(actor_label__istartswith=filters.actor.strip())
    if filters.record_type:
        queryset = queryset.filter(record_type=filters.record_type)
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.date_from:
        queryset = queryset.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return queryset.order_by("-sequence")


def audit_record_types(user: AnyUser) -> list[str]:
    """The record types an audit search offers: every model under the policy.

    Taken from the policy's registry rather than the trail, so the search form
    costs no scan of millions of events."""
    if not may_view_any(user, AuditEvent):
        return []
    return sorted(model._meta.label_lower for model in policy.registered_models())


def model_for_record_type(record_type: str) -> type[models.Model]:
    """The model named ``app_label.model_name`` (as audit events name it), or :class:`NotFound`."""
    try:
        return apps.get_model(record_type)
    except (LookupError, ValueError):
        raise NotFound(f"no such record type {record_type!r}") from None


def record_history(
    user: AnyUser, record_type: str, record_id: str
) -> tuple[models.Model | None, QuerySet[AuditEvent]]:
    """The record (``None`` when it was deleted) and its events, newest first.

    Whoever may view the record sees its history (or, for a model whose rules
    name another ``history_verb``, whoever may do that: an interaction's history
    holds its notes, for its readers only). A deleted record's history is shown
    to those who read the audit trail; to others it is a 404.
    """
    model = model_for_record_type(record_type)
    events = AuditEvent.objects.filter(
        record_type=model._meta.label_lower, record_id=record_id
    ).order_by("-sequence")
    verb = policy.rules_for(model).history_verb
    try:
        record: models.Model | None = policy.get_for(user, verb, model, pk=record_id)
    except NotFound:
        readable = policy.scope(user, "view", AuditEvent).filter(
            record_type=model._meta.label_lower, record_id=record_id
        )
        if not readable.exists():
            raise
        record = None
    return record, events


def jobs_of(user: AnyUser) -> QuerySet[Job]:
    """The user's jobs (administrators: everyone's), newest first."""
    return policy.scope(user, "view", Job).select_related("owner").order_by("-created_at", "-id")


def territories_of(user: AnyUser) -> QuerySet[Territory]:
    return policy.territories_of(user)
