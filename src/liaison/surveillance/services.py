"""What users and the scheduler do with watches and alerts.

Watches are created, changed and deleted by users (audited, policy-checked).
:func:`run_watch` is the scheduler's and the "run now" task's: it matches the
library (after fetching the source first in live mode) and writes one alert per
new hit and recipient. Alerts are machine-written like the evidence they point
at; a user's triage of an alert is audited. :func:`send_digests` mails each user
their unread alerts once a day.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Team, User
from liaison.lib.progress import ProgressSink
from liaison.lib.validation import validation_error
from liaison.literature.clients.eutils import DEFAULT_EUTILS_URL, fetch_pubmed
from liaison.literature.loading.writer import LoadReport as PubmedLoadReport
from liaison.literature.loading.writer import store_records
from liaison.literature.models import Publication
from liaison.literature.pubmed import Citation, Deletion, PubmedParseError, parse_pubmed
from liaison.literature.selectors import PublicationFilters, publication_queryset
from liaison.surveillance.models import (
    Alert,
    AlertKind,
    DigestPreference,
    TriageState,
    Watch,
    WatchKind,
    WatchMode,
    WatchRun,
)
from liaison.trials import selectors as trial_selectors
from liaison.trials.clients.ctgov import DEFAULT_CTGOV_URL, fetch_studies
from liaison.trials.ctgov import Study
from liaison.trials.models import Trial, TrialSite
from liaison.trials.services import load_studies

#: A watch's first run shows the newest matches only, not a whole therapeutic area.
FIRST_RUN_HITS = 20
#: No run floods an inbox: at most this many new alerts per recipient and run.
MAX_ALERTS_PER_RUN = 500
#: How far back a live watch's first run asks PubMed or ClinicalTrials.gov.
LIVE_LOOKBACK = dt.timedelta(days=30)

#: What a user may set on a watch (the rest is the scheduler's).
WATCH_FIELDS = (
    "name",
    "kind",
    "team",
    "mode",
    "query",
    "condition",
    "intervention",
    "sponsor",
    "statuses",
    "phases",
    "country",
    "therapeutic_area",
    "product",
    "is_competitor",
    "schedule",
    "active",
)


@dataclass(frozen=True)
class LiveSources:
    """Where live watches fetch from (built from settings by the callers)."""

    eutils_url: str = DEFAULT_EUTILS_URL
    ncbi_api_key: str | None = None
    ncbi_email: str | None = None
    ncbi_tool: str = "liaison"
    ctgov_url: str = DEFAULT_CTGOV_URL


# --- watches ------------------------------------------------------------------------------


def _check_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(WATCH_FIELDS))
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of a watch", field=unknown[0])
    return values


def _check_team(actor: User, team: Team | None) -> None:
    if team is not None and not policy.can(actor, "share", team):
        raise PermissionDenied(f"you are not in team {team.name}", field="team")


def create_watch(*, actor: User, values: dict[str, Any]) -> Watch:
    """Create a watch owned by ``actor``, or by a team ``actor`` belongs to."""
    policy.require(actor, "add", Watch)
    values = _check_values(dict(values))
    team = values.get("team")
    _check_team(actor, team)
    watch = Watch(**values, owner=None if team is not None else actor, created_by=actor)
    try:
        with transaction.atomic():
            audit.create_record(actor=actor, instance=watch)
    except ValidationError as error:
        raise validation_error(error) from None
    return watch


def update_watch(*, actor: User, watch: Watch, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Change a watch's search, tags or schedule; returns the audited diff."""
    policy.require(actor, "change", watch)
    values = _check_values(dict(values))
    if "team" in values:
        team = values["team"]
        _check_team(actor, team)
        # Moving a watch to a team takes it from its owner, and back.
        values["owner"] = None if team is not None else (watch.owner or actor)
    try:
        with transaction.atomic():
            changes = audit.update_record(actor=actor, instance=watch, values=values)
            if not policy.can(actor, "view", watch):
                raise PermissionDenied("you would no longer see this watch")
    except ValidationError as error:
        raise validation_error(error) from None
    return changes


def delete_watch(*, actor: User, watch: Watch) -> None:
    """Delete a watch with its runs and alerts."""
    policy.require(actor, "delete", watch)
    with transaction.atomic():
        audit.delete_record(actor=actor, instance=watch)


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


# --- matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    publication_id: int | None = None
    trial_id: int | None = None
    status_change_id: int | None = None


_FIELD_TAG = re.compile(r"\[[^\]]*\]")
_NOT_CLAUSE = re.compile(r"\bNOT\s+(\"[^\"]*\"|\S+)")
_OR = re.compile(r"\bOR\b")
_OPERATOR = re.compile(r"\b(AND)\b")


def library_alternatives(query: str) -> list[str]:
    """A PubMed query as word lists the library's full-text search takes.

    The library matches every word of one alternative: ``OR`` separates
    alternatives, ``AND`` and field tags (``[tiab]``, ``[mh]``) are dropped, and
    ``NOT`` drops the term after it (the library search cannot exclude). For
    example ``(nivolumab OR pembrolizumab) AND melanoma[mh]`` becomes
    ``["nivolumab melanoma", "pembrolizumab melanoma"]``: only a top-level
    grouping is expanded this way, so keep live mode for complex queries.
    """
    text = _NOT_CLAUSE.sub(" ", _FIELD_TAG.sub(" ", query))
    group = re.search(r"\(([^()]*)\)", text)
    if group and _OR.search(group.group(1)):
        rest = (text[: group.start()] + " " + text[group.end() :]).strip()
        alternatives = [f"{option} {rest}" for option in _OR.split(group.group(1))]
    else:
        alternatives = _OR.split(text.replace("(", " ").replace(")", " "))
    cleaned = []
    for option in alternatives:
        words = _OPERATOR.sub(" ", option.replace("(", " ").replace(")", " ")).replace('"', " ")
        words = " ".join(words.split())
        if words and words not in cleaned:
            cleaned.append(words)
    return cleaned


def _library_publications(viewer: User, query: str) -> models.QuerySet[Publication]:
    matches = Q(pk__in=[])
    for words in library_alternatives(query):
        found = publication_queryset(viewer, PublicationFilters(q=words))
        matches |= Q(pk__in=found.order_by().values("pk"))
    return policy.scope(viewer, "view", Publication).filter(matches)


def _already_alerted(watch: Watch, field: str) -> models.QuerySet[Alert, dict[str, Any]]:
    ids: models.QuerySet[Alert, dict[str, Any]] = Alert.objects.filter(
        watch=watch, **{f"{field}__isnull": False}
    ).values(field)
    return ids


def _fetch_pubmed(watch: Watch, sources: LiveSources, since: dt.date, run: WatchRun) -> list[int]:
    pmids: list[int] = []
    report = PubmedLoadReport()

    def on_error(error: PubmedParseError) -> None:
        report.failed += 1
        report.error(error.message)

    def records() -> Iterator[Citation | Deletion]:
        batches = fetch_pubmed(
            watch.query,
            since,
            datetype="edat",
            api_key=sources.ncbi_api_key,
            email=sources.ncbi_email,
            tool=sources.ncbi_tool,
            base_url=sources.eutils_url,
        )
        for number, batch in enumerate(batches, start=1):
            for record in parse_pubmed(
                io.BytesIO(batch), name=f"watch {watch.pk}, answer {number}", on_error=on_error
            ):
                if isinstance(record, Citation):
                    pmids.append(record.pmid)
                yield record

    store_records(records(), report=report)
    run.fetched = len(pmids)
    return pmids


def _publication_hits(watch: Watch, viewer: User, sources: LiveSources, run: WatchRun) -> list[Hit]:
    if watch.mode == WatchMode.LIVE:
        since = (
            watch.last_run_at.date() - dt.timedelta(days=1)
            if watch.last_run_at is not None
            else timezone.now().date() - LIVE_LOOKBACK
        )
        pmids = _fetch_pubmed(watch, sources, since, run)
        matches = policy.scope(viewer, "view", Publication).filter(pmid__in=pmids)
    else:
        matches = _library_publications(viewer, watch.query)
        if watch.last_run_at is not None:
            matches = matches.filter(loaded_at__gte=watch.last_run_at)
    run.matched = matches.count()
    fresh = matches.exclude(pk__in=_already_alerted(watch, "publication")).order_by(
        models.F("published_on").desc(nulls_last=True), "-pmid"
    )
    limit = FIRST_RUN_HITS if watch.last_run_at is None else MAX_ALERTS_PER_RUN
    hits = [
        Hit(AlertKind.NEW_PUBLICATION, title or f"PMID {pmid}", publication_id=pk)
        for pk, pmid, title in fresh.values_list("pk", "pmid", "title")[:limit]
    ]
    newest = matches.order_by("-pmid").values_list("pmid", flat=True).first()
    if newest is not None:
        watch.last_seen = str(newest)
    return hits


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


def _fetch_trials(watch: Watch, sources: LiveSources, since: dt.date, run: WatchRun) -> None:
    def studies() -> Iterator[Study]:
        for page in fetch_studies(
            watch.condition or None,
            watch.intervention or None,
            watch.sponsor or None,
            since,
            statuses=watch.statuses,
            base_url=sources.ctgov_url,
        ):
            run.fetched += len(page.studies)
            yield from page.studies

    load_studies(actor=None, studies=studies())


def _trial_hits(watch: Watch, viewer: User, sources: LiveSources, run: WatchRun) -> list[Hit]:
    if watch.mode == WatchMode.LIVE:
        since = (
            watch.last_run_at.date() - dt.timedelta(days=1)
            if watch.last_run_at is not None
            else timezone.now().date() - LIVE_LOOKBACK
        )
        _fetch_trials(watch, sources, since, run)
    matches = trial_matches(viewer, watch)
    run.matched = matches.count()
    fresh = matches.exclude(pk__in=_already_alerted(watch, "trial").filter(kind="new_trial"))
    if watch.last_run_at is not None:
        fresh = fresh.filter(created_at__gte=watch.last_run_at)
    limit = FIRST_RUN_HITS if watch.last_run_at is None else MAX_ALERTS_PER_RUN
    hits = [
        Hit(AlertKind.NEW_TRIAL, f"{trial.nct_id}: {trial.title}", trial_id=trial.pk)
        for trial in fresh.order_by("-last_update_posted", "nct_id")[:limit]
    ]
    newest = matches.order_by("-last_update_posted").values_list("last_update_posted", flat=True)
    latest = newest.first()
    if latest is not None:
        watch.last_seen = latest.isoformat()
    if watch.last_run_at is not None:
        changes = trial_selectors.status_changes_since(viewer, watch.last_run_at, notable_only=True)
        if changes:
            watched = set(
                trial_matches(viewer, watch, with_status=False)
                .filter(pk__in={change.trial_id for change in changes})
                .values_list("pk", flat=True)
            )
            hits.extend(
                Hit(
                    AlertKind.TRIAL_STATUS_CHANGE,
                    f"{change.trial.nct_id}: {change.old_label} → {change.new_label} "
                    f"({change.trial.title})",
                    trial_id=change.trial_id,
                    status_change_id=change.pk,
                )
                for change in changes
                if change.trial_id in watched
            )
    return hits


def _write_alerts(watch: Watch, people: Iterable[User], hits: list[Hit]) -> int:
    """One alert per hit and recipient; hits already alerted are skipped. Returns how many."""
    before = Alert.objects.filter(watch=watch).count()
    now = timezone.now()
    Alert.objects.bulk_create(
        [
            Alert(
                watch=watch,
                recipient=person,
                kind=hit.kind,
                publication_id=hit.publication_id,
                trial_id=hit.trial_id,
                status_change_id=hit.status_change_id,
                title=hit.title[:2000],
                created_at=now,
            )
            for person in people
            for hit in hits
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return Alert.objects.filter(watch=watch).count() - before


def run_watch(
    watch_id: int,
    *,
    progress: ProgressSink | None = None,
    sources: LiveSources | None = None,
    job_id: int | None = None,
) -> WatchRun:
    """Run one watch now: match, write alerts for new hits, remember the run.

    The scheduler and the "run now" task call it (the caller decided who may);
    a failure (a live service down) is kept on the run and raised, and the
    watch's last run stays where it was, so the next run covers the gap.
    """
    watch = Watch.objects.select_related("owner", "team").get(pk=watch_id)
    started = timezone.now()
    run = WatchRun.objects.create(watch=watch, job_id=job_id, started_at=started)
    people = recipients(watch)
    if progress is not None:
        progress.set_total(3)
    try:
        hits: list[Hit] = []
        if people:
            viewer = people[0]
            if watch.kind == WatchKind.PUBLICATION:
                hits = _publication_hits(watch, viewer, sources or LiveSources(), run)
            else:
                hits = _trial_hits(watch, viewer, sources or LiveSources(), run)
        if progress is not None:
            progress.advance(2, matched=run.matched, fetched=run.fetched)
        with transaction.atomic():
            run.alerts_created = _write_alerts(watch, people, hits)
            run.finished_at = timezone.now()
            run.save()
            watch.last_run_at = started
            watch.save(update_fields=["last_run_at", "last_seen"])
        if progress is not None:
            progress.advance(1, alerts=run.alerts_created)
    except LiaisonError as error:
        WatchRun.objects.filter(pk=run.pk).update(
            error=error.message, finished_at=timezone.now(), fetched=run.fetched
        )
        raise
    return run


# --- triage and reading ---------------------------------------------------------------------


def _teammates(actor: User, alert: Alert) -> list[User]:
    if alert.watch.team_id is not None:
        teams: models.QuerySet[Team] = Team.objects.filter(pk=alert.watch.team_id)
    else:
        teams = policy.teams_of(actor)
    return list(
        User.objects.filter(Q(teams__in=teams) | Q(managed_teams__in=teams), is_active=True)
        .exclude(pk=actor.pk)
        .distinct()
    )


def triage_alert(*, actor: User, alert: Alert, state: str, note: str = "") -> Alert:
    """Record ``actor``'s triage of their alert (audited); it counts as read.

    ``share_with_team`` also puts the alert in the inbox of every colleague of
    the watch's team (for a personal watch: of ``actor``'s teams).
    """
    policy.require(actor, "triage", alert)
    if state not in TriageState.values:
        raise LiaisonError(
            f"state: {state!r} is not one of {', '.join(TriageState.values)}", field="state"
        )
    now = timezone.now()
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=alert,
            values={
                "triage_state": state,
                "triage_note": note.strip(),
                "triaged_at": now,
                "triaged_by": actor,
                "read_at": alert.read_at or now,
            },
        )
        if state == TriageState.SHARE_WITH_TEAM:
            shared = [
                Alert(
                    watch=alert.watch,
                    recipient=colleague,
                    kind=alert.kind,
                    publication_id=alert.publication_id,
                    trial_id=alert.trial_id,
                    status_change_id=alert.status_change_id,
                    title=alert.title,
                    created_at=now,
                    shared_by=actor,
                )
                for colleague in _teammates(actor, alert)
            ]
            Alert.objects.bulk_create(shared, ignore_conflicts=True)
    return alert


def mark_alert(*, actor: User, alert: Alert, read: bool) -> Alert:
    """Mark ``actor``'s alert read or unread."""
    policy.require(actor, "change", alert)
    wanted = (alert.read_at or timezone.now()) if read else None
    if wanted != alert.read_at:
        alert.read_at = wanted
        alert.save(update_fields=["read_at"])
    return alert


def mark_all_read(*, actor: User) -> int:
    """Mark every unread alert of ``actor`` read; returns how many."""
    return (
        policy.scope(actor, "change", Alert)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


# --- the daily digest -----------------------------------------------------------------------


def set_digest(*, actor: User, enabled: bool) -> DigestPreference:
    """Turn ``actor``'s daily digest on or off."""
    preference, _ = DigestPreference.objects.get_or_create(user=actor)
    if preference.enabled != enabled:
        with transaction.atomic():
            audit.update_record(actor=actor, instance=preference, values={"enabled": enabled})
    return preference


def digest_enabled(user: User) -> bool:
    preference = DigestPreference.objects.filter(user=user).first()
    return preference is None or preference.enabled


def send_digests(
    *, base_url: str, from_email: str | None = None, now: dt.datetime | None = None
) -> int:
    """Mail each user with unread alerts newer than their last digest one digest, at
    most one a day; returns how many were sent. Users without an e-mail address
    or who turned the digest off get none.

    ``base_url`` (e.g. ``https://liaison.example.org``) makes the links absolute.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = (
        User.objects.filter(is_active=True, alerts__read_at__isnull=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for user in users:
        preference, _ = DigestPreference.objects.get_or_create(user=user)
        if not preference.enabled or preference.last_digest_on == today:
            continue
        alerts = Alert.objects.filter(recipient=user, read_at__isnull=True).select_related(
            "watch", "publication", "trial"
        )
        if preference.last_digest_at is not None:
            alerts = alerts.filter(created_at__gt=preference.last_digest_at)
        listed = list(
            alerts.order_by("watch__name", "watch_id", "-created_at")[:MAX_ALERTS_PER_RUN]
        )
        if not listed:
            continue
        groups: dict[int, tuple[Watch, list[Alert]]] = {}
        for alert in listed:
            groups.setdefault(alert.watch_id, (alert.watch, []))[1].append(alert)
        context = {
            "user": user,
            "groups": list(groups.values()),
            "count": len(listed),
            "base_url": base_url.rstrip("/"),
        }
        send_mail(
            subject=f"Liaison: {len(listed)} new alert{'s' if len(listed) != 1 else ''}",
            message=render_to_string("surveillance/digest.txt", context),
            from_email=from_email,
            recipient_list=[user.email],
        )
        DigestPreference.objects.filter(pk=preference.pk).update(
            last_digest_at=now, last_digest_on=today
        )
        sent += 1
    return sent
