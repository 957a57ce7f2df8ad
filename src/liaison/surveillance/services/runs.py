"""Running a watch: the scheduler's and the "run now" task's.

:func:`run_watch` matches the library (after fetching the source first in live
mode) and writes one alert per new hit and recipient. A watch on the library
matches its query as the library's search does (``docs/query-language.md``); a
live one sends it to PubMed and alerts what PubMed answers. Alerts are
machine-written, like the evidence they point at; what a watch matches is
:mod:`liaison.surveillance.selectors`'.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.lib.progress import ProgressSink
from liaison.lib.query import QueryError
from liaison.literature.clients.eutils import DEFAULT_EUTILS_URL, fetch_pubmed
from liaison.literature.loading.writer import LoadReport as PubmedLoadReport
from liaison.literature.loading.writer import store_records
from liaison.literature.models import Publication
from liaison.literature.pubmed import Citation, Deletion, PubmedParseError, parse_pubmed
from liaison.surveillance import selectors
from liaison.surveillance.models import (
    Alert,
    AlertKind,
    Watch,
    WatchKind,
    WatchMode,
    WatchRun,
)
from liaison.trials import selectors as trial_selectors
from liaison.trials.clients.ctgov import DEFAULT_CTGOV_URL, fetch_studies
from liaison.trials.ctgov import Study
from liaison.trials.services import load_studies

#: A watch's first run shows the newest matches only, not a whole therapeutic area.
FIRST_RUN_HITS = 20
#: No run floods an inbox: at most this many new alerts per recipient and run.
MAX_ALERTS_PER_RUN = 500
#: How far back a live watch's first run asks PubMed or ClinicalTrials.gov.
LIVE_LOOKBACK = dt.timedelta(days=30)


@dataclass(frozen=True)
class LiveSources:
    """Where live watches fetch from (built from settings by the callers)."""

    eutils_url: str = DEFAULT_EUTILS_URL
    ncbi_api_key: str | None = None
    ncbi_email: str | None = None
    ncbi_tool: str = "liaison"
    ctgov_url: str = DEFAULT_CTGOV_URL


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    publication_id: int | None = None
    trial_id: int | None = None
    status_change_id: int | None = None


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
        try:
            matches = selectors.library_publications(viewer, watch.query)
        except QueryError as error:  # saved before the language was checked on save
            raise LiaisonError(
                f"the watch's query cannot be read: {error.message}", field="query"
            ) from None
        if watch.last_run_at is not None:
            matches = matches.filter(loaded_at__gte=watch.last_run_at)
    run.matched = matches.count()
    fresh = matches.exclude(pk__in=selectors.already_alerted(watch, "publication")).order_by(
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
    matches = selectors.trial_matches(viewer, watch)
    run.matched = matches.count()
    fresh = matches.exclude(
        pk__in=selectors.already_alerted(watch, "trial").filter(kind="new_trial")
    )
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
                selectors.trial_matches(viewer, watch, with_status=False)
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
    people = selectors.recipients(watch)
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
