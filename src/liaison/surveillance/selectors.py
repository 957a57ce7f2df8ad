"""Shared reads of surveillance.

What a user reads starts from the policy's queryset (the inbox, watches, runs,
what a watch matches in the library and the trial registry as its first
recipient sees them). The scheduler's reads (which watches are due, who a watch
alerts, who gets a digest) are the system's, over every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import NotFound
from liaison.core.models import Team, User
from liaison.core.policy import AnyUser
from liaison.literature.models import Publication
from liaison.literature.selectors import PublicationFilters, publication_queryset
from liaison.surveillance.models import Alert, DigestPreference, Watch, WatchKind, WatchRun
from liaison.trials import selectors as trial_selectors
from liaison.trials.models import Trial, TrialSite


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


def selected_alerts(user: AnyUser, ids: list[int]) -> list[Alert]:
    """The alerts ``ids`` (the inbox's selection) in ``user``'s inbox, in that order.

    One id that is not there (another user's alert, or one deleted with its watch)
    refuses the whole selection: :class:`NotFound`, so that nothing is half-applied."""
    found = {alert.pk: alert for alert in alert_queryset(user, AlertFilters()).filter(pk__in=ids)}
    missing = sum(1 for pk in ids if pk not in found)
    if missing:
        raise NotFound(
            f"{missing} of the {len(ids)} selected alerts {'is' if missing == 1 else 'are'} "
            "not in your inbox (another user's, or deleted with its watch): nothing was changed"
        )
    return [found[pk] for pk in ids]


def alerted_ids(
    user: AnyUser, watch: Watch, field: str, records: Iterable[models.Model]
) -> set[int]:
    """Which of ``records`` (publications or trials, by ``field``: ``publication_id``,
    ``trial_id``) the watch has alerted to ``user``."""
    ids = [record.pk for record in records]
    alerted = policy.scope(user, "view", Alert).filter(watch=watch, **{f"{field}__in": ids})
    return set(alerted.values_list(field, flat=True))


def first_run(watch: Watch) -> WatchRun | None:
    """The watch's first run that completed, the one ``FIRST_RUN_HITS`` caps (the
    caller loaded ``watch`` through the policy: who sees a watch sees its runs)."""
    return (
        WatchRun.objects.filter(watch=watch, error="", finished_at__isnull=False)
        .order_by("started_at", "pk")
        .first()
    )


def watch_matches(user: AnyUser, watch: Watch) -> QuerySet[Publication] | QuerySet[Trial]:
    """What the watch matches now among what ``user`` sees, newest first: the whole
    set its runs alert from (a first run alerts only the newest of them). A query
    that cannot be read raises :class:`liaison.lib.query.QueryError`."""
    if not isinstance(user, User):
        return Publication.objects.none()
    if watch.kind == WatchKind.PUBLICATION:
        return library_publications(user, watch.query).order_by(
            models.F("published_on").desc(nulls_last=True), "-pmid"
        )
    return trial_matches(user, watch).order_by(
        models.F("last_update_posted").desc(nulls_last=True), "nct_id"
    )


# --- the scheduler's reads ---------------------------------------------------------------


def recipients(watch: Watch) -> list[User]:
    """Who a watch alerts: its owner, or every active member of its team and its manager."""
    if watch.owner_id is not None:
        return list(User.objects.filter(pk=watch.owner_id, is_active=True))
    return list(
        User.objects.filter(
            Q(teams__pk=watch.team_id) | Q(managed_teams__pk=watch.team_id), is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def due_watches(now: dt.datetime | None = None) -> list[Watch]:
    """Active scheduled watches whose interval has passed since their last run."""
    now = now or timezone.now()
    candidates = Watch.objects.filter(active=True).exclude(schedule="manual").order_by("pk")
    return [watch for watch in candidates if watch.is_due(now)]


# --- what a watch matches ----------------------------------------------------------------


def library_publications(viewer: User, query: str) -> models.QuerySet[Publication]:
    """The publications ``viewer`` sees that match a watch's query: the library's own
    search (:func:`liaison.literature.selectors.publication_queryset`), so a query
    finds the same publications in a watch and in the library. A query that cannot
    be read raises :class:`liaison.lib.query.QueryError` (the run keeps it)."""
    return publication_queryset(viewer, PublicationFilters(q=query, sort="date"))


def already_alerted(watch: Watch, field: str) -> models.QuerySet[Alert, dict[str, Any]]:
    """The ids in ``field`` (``publication``, ``trial``) the watch has alerted already,
    as a subquery."""
    ids: models.QuerySet[Alert, dict[str, Any]] = Alert.objects.filter(
        watch=watch, **{f"{field}__isnull": False}
    ).values(field)
    return ids


def trial_matches(
    viewer: User, watch: Watch, *, with_status: bool = True
) -> models.QuerySet[Trial]:
    """The trials ``viewer`` sees that match a trial watch's criteria: the trial
    list's condition and intervention filters (words from their start), the
    sponsor among the lead sponsor and collaborators, any of the statuses and
    phases, a site in the country."""
    queryset = trial_selectors.trial_queryset(
        viewer,
        trial_selectors.TrialFilters(condition=watch.condition, intervention=watch.intervention),
    ).order_by()
    if watch.sponsor.strip():
        queryset = queryset.filter(
            Q(lead_sponsor_name__icontains=watch.sponsor.strip())
            | trial_selectors.text_query(watch.sponsor)
        )
    if with_status and watch.statuses:
        queryset = queryset.filter(overall_status__in=watch.statuses)
    if watch.phases:
        phases = Q(pk__in=[])
        for phase in watch.phases:
            phases |= Q(phase_key__contains=f"|{phase}|")
        queryset = queryset.filter(phases)
    if watch.country.strip():
        queryset = queryset.filter(
            pk__in=TrialSite.objects.filter(country__iexact=watch.country.strip()).values(
                "trial_id"
            )
        )
    return queryset


# --- alerts and digests --------------------------------------------------------------------


def teammates(actor: User, alert: Alert) -> list[User]:
    """Who an alert shared with the team reaches: the active members and managers of
    the watch's team (for a personal watch: of ``actor``'s teams), ``actor`` aside."""
    if alert.watch.team_id is not None:
        teams: models.QuerySet[Team] = Team.objects.filter(pk=alert.watch.team_id)
    else:
        teams = policy.teams_of(actor)
    return list(
        User.objects.filter(Q(teams__in=teams) | Q(managed_teams__in=teams), is_active=True)
        .exclude(pk=actor.pk)
        .distinct()
    )


def digest_enabled(user: User) -> bool:
    """Whether ``user`` gets the daily digest (on unless they turned it off)."""
    preference = DigestPreference.objects.filter(user=user).first()
    return preference is None or preference.enabled


def digest_recipients() -> QuerySet[User]:
    """Active users with an e-mail address and at least one unread alert."""
    return (
        User.objects.filter(is_active=True, alerts__read_at__isnull=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def digest_alerts(user: User, since: dt.datetime | None, *, limit: int) -> list[Alert]:
    """``user``'s unread alerts created after ``since`` (all when None), grouped by
    watch (by name), newest first within a watch; at most ``limit``."""
    alerts = Alert.objects.filter(recipient=user, read_at__isnull=True).select_related(
        "watch", "publication", "trial"
    )
    if since is not None:
        alerts = alerts.filter(created_at__gt=since)
    return list(alerts.order_by("watch__name", "watch_id", "-created_at")[:limit])
