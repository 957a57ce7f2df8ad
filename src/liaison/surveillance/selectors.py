"""Shared reads of surveillance, always starting from the policy's queryset."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.surveillance.models import Alert, Watch, WatchRun


@dataclass(frozen=True)
class AlertFilters:
    """What the inbox shows; empty values do not filter."""

    unread: bool = False
    state: str = ""  # a triage state; "untriaged" for none yet
    watch: int | None = None
    kind: str = ""


def alert_queryset(user: AnyUser, filters: AlertFilters) -> QuerySet[Alert]:
    """``user``'s alerts matching ``filters``, newest first, with what a row shows."""
    queryset = policy.scope(user, "view", Alert)
    if filters.unread:
        queryset = queryset.filter(read_at__isnull=True)
    if filters.state == "untriaged":
        queryset = queryset.filter(triage_state="")
    elif filters.state:
        queryset = queryset.filter(triage_state=filters.state)
    if filters.watch is not None:
        queryset = queryset.filter(watch_id=filters.watch)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset.select_related(
        "watch", "publication", "trial", "status_change", "shared_by"
    ).order_by("-created_at", "-id")


def unread_count(user: AnyUser) -> int:
    """How many alerts ``user`` has not read: one indexed COUNT, cheap on every page."""
    return policy.scope(user, "view", Alert).filter(read_at__isnull=True).count()


def watch_queryset(user: AnyUser) -> QuerySet[Watch]:
    return policy.scope(user, "view", Watch).select_related(
        "owner", "team", "therapeutic_area", "product"
    )


def watch_detail(user: AnyUser, pk: int) -> Watch:
    return policy.get_for(user, "view", watch_queryset(user), pk=pk)


def watch_runs(user: AnyUser, watch: Watch, limit: int = 20) -> list[WatchRun]:
    return list(policy.scope(user, "view", WatchRun).filter(watch=watch)[:limit])


def watch_hits(user: AnyUser, watch: Watch) -> QuerySet[Alert]:
    """The watch's alerts in ``user``'s own inbox."""
    return alert_queryset(user, AlertFilters(watch=watch.pk))
