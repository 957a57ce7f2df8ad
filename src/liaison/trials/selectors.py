"""Shared reads of trials, always starting from the policy's queryset: the list
and its filters, a trial's page, the competitor landscape, status changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Count, Prefetch, Q, QuerySet

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.directory.models import Product
from liaison.lib.text import fold
from liaison.trials.models import (
    PHASE_LABELS,
    STATUS_LABELS,
    Trial,
    TrialOfficial,
    TrialSite,
    TrialStatusChange,
    phase_label,
    sponsor_class_label,
    status_label,
)

TRIAL_SORTS: dict[str, tuple[str, ...]] = {
    "-updated": ("-last_update_posted", "nct_id"),
    "updated": ("last_update_posted", "nct_id"),
    "-start": ("-start_on", "nct_id"),
    "start": ("start_on", "nct_id"),
    "nct_id": ("nct_id",),
    "-nct_id": ("-nct_id",),
}

#: The columns of the landscape's phase table (a trial of two phases counts in both).
LANDSCAPE_PHASES = tuple(PHASE_LABELS)
NONE = "none"


@dataclass(frozen=True)
class TrialFilters:
    """What the list, the landscape's links and the API filter on. Empty means no filter."""

    q: str = ""
    condition: str = ""  # words of a condition or MeSH term, each from its start: "lung canc"
    intervention: str = ""  # words of an intervention name or other name, each from its start
    status: str = ""  # an overall status; "none": no status given
    phase: str = ""  # one phase: PHASE2 also finds PHASE2/PHASE3 trials; "none": no phase
    country: str = ""  # as the registry names it: "United States", "Germany"
    sponsor_class: str = ""
    sponsor: str = ""  # the lead sponsor's name, exactly
    product: int | None = None  # directory Product id, matched against interventions
    sort: str = "-updated"
    extra: dict[str, str] = field(default_factory=dict)


def text_query(text: str) -> Q:
    """Every word of ``text`` appears in the title, acronym, conditions,
    interventions, sponsors or keywords (accents optional)."""
    query = Q()
    for token in fold(text).split():
        query &= Q(search_text__contains=token)
    return query


def product_query(product: Product) -> Q:
    """Trials with an intervention named like the product (brand or generic name, whole words)."""
    query = Q(pk__in=[])
    for name in (product.name, product.generic_name):
        key = fold(name or "")
        if key:
            query |= Q(intervention_text__contains=f" {key} ")
    return query


def trial_queryset(user: AnyUser, filters: TrialFilters) -> QuerySet[Trial]:
    """Trials ``user`` may see, filtered and sorted."""
    queryset = policy.scope(user, "view", Trial)
    if filters.q.strip():
        queryset = queryset.filter(text_query(filters.q))
    if filters.condition.strip():
        queryset = queryset.filter(condition_text__contains=f" {fold(filters.condition)}")
    if filters.intervention.strip():
        queryset = queryset.filter(intervention_text__contains=f" {fold(filters.intervention)}")
    if filters.status == NONE:
        queryset = queryset.filter(overall_status="")
    elif filters.status:
        queryset = queryset.filter(overall_status=filters.status)
    if filters.phase == NONE:
        queryset = queryset.filter(phase_key="")
    elif filters.phase:
        queryset = queryset.filter(phase_key__contains=f"|{filters.phase}|")
    if filters.country:
        queryset = queryset.filter(
            pk__in=TrialSite.objects.filter(country=filters.country).values("trial_id")
        )
    if filters.sponsor_class:
        queryset = queryset.filter(lead_sponsor_class=filters.sponsor_class)
    if filters.sponsor:
        queryset = queryset.filter(lead_sponsor_name=filters.sponsor)
    if filters.product is not None:
        product = policy.scope(user, "view", Product).filter(pk=filters.product).first()
        queryset = queryset.filter(product_query(product)) if product else queryset.none()
    return queryset.order_by(*TRIAL_SORTS.get(filters.sort, TRIAL_SORTS["-updated"]))


def site_countries(user: AnyUser) -> list[str]:
    """Countries with at least one site of a visible trial, by name."""
    sites = policy.scope(user, "view", TrialSite).exclude(country="")
    return list(sites.order_by("country").values_list("country", flat=True).distinct())


def sponsor_classes(user: AnyUser) -> list[str]:
    trials = policy.scope(user, "view", Trial).exclude(lead_sponsor_class="")
    return list(
        trials.order_by("lead_sponsor_class")
        .values_list("lead_sponsor_class", flat=True)
        .distinct()
    )


def statuses(user: AnyUser) -> list[str]:
    trials = policy.scope(user, "view", Trial).exclude(overall_status="")
    return list(
        trials.order_by("overall_status").values_list("overall_status", flat=True).distinct()
    )


def trial_detail(user: AnyUser, nct_id: str) -> Trial:
    """One trial with its sites, officials and status history (404 when unseen)."""
    queryset = policy.scope(user, "view", Trial).prefetch_related(
        Prefetch(
            "sites",
            queryset=policy.scope(user, "view", TrialSite)
            .select_related("organization")
            .order_by("position"),
        ),
        Prefetch(
            "officials",
            queryset=policy.scope(user, "view", TrialOfficial)
            .select_related("hcp")
            .order_by("position"),
        ),
        Prefetch(
            "status_changes",
            queryset=policy.scope(user, "view", TrialStatusChange).order_by("-seen_at", "-id"),
        ),
    )
    return policy.get_for(user, "view", queryset, nct_id=nct_id.upper())


@dataclass(frozen=True)
class LinkedPublication:
    pmid: int
    title: str  # empty when the library does not hold the publication
    url: str


def linked_publications(user: AnyUser, trial: Trial) -> list[LinkedPublication]:
    """Publications of a trial: the registry's reference PMIDs and, when the
    literature app holds them, publications that name the trial's NCT ID."""
    titles: dict[int, str] = {int(pmid): "" for pmid in trial.reference_pmids}
    try:
        link_model = apps.get_model("literature", "PublicationTrial")
    except LookupError:
        link_model = None
    if link_model is not None:
        try:
            links = policy.scope(user, "view", link_model).filter(nct_id=trial.nct_id)
            for pmid, title in links.values_list("publication__pmid", "publication__title"):
                titles[int(pmid)] = title or ""
        except (FieldError, TypeError, ValueError):
            pass  # the literature app's schema differs: keep the registry's PMIDs
    return [
        LinkedPublication(pmid, titles[pmid], f"/literature/{pmid}/") for pmid in sorted(titles)
    ]


def status_changes_since(
    user: AnyUser,
    since: dt.datetime,
    *,
    nct_ids: Iterable[str] | None = None,
    notable_only: bool = False,
) -> list[TrialStatusChange]:
    """Status changes loads have seen since ``since``, oldest first, with their trial.

    For surveillance: ``nct_ids`` narrows to watched trials; ``notable_only``
    keeps moves worth an alert (RECRUITING -> ACTIVE_NOT_RECRUITING or
    COMPLETED, recruitment opening, a trial stopped: ``TrialStatusChange.is_notable``).
    """
    queryset = (
        policy.scope(user, "view", TrialStatusChange)
        .filter(seen_at__gte=since)
        .select_related("trial")
        .order_by("seen_at", "id")
    )
    if nct_ids is not None:
        queryset = queryset.filter(trial__nct_id__in=list(nct_ids))
    changes = list(queryset)
    return [change for change in changes if change.is_notable] if notable_only else changes


# --- the competitor landscape ---------------------------------------------------------


@dataclass(frozen=True)
class LandscapeRow:
    """One product or sponsor: its trial count per phase and per status."""

    label: str
    detail: str  # a product's generic name and company; a sponsor's class, in words
    query: dict[str, str]  # the list filters that select its trials
    total: int
    by_phase: dict[str, int]
    by_status: dict[str, int]


@dataclass(frozen=True)
class Landscape:
    by: str  # "product" or "sponsor"
    rows: list[LandscapeRow]
    phases: list[tuple[str, str]]  # (value, label), NONE last
    statuses: list[tuple[str, str]]


def _tally(
    pairs: Iterable[tuple[str, str, int]],
) -> tuple[int, dict[str, int], dict[str, int]]:
    total = 0
    by_phase: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for phase_key, status, count in pairs:
        total += count
        phases = [phase for phase in phase_key.split("|") if phase] or [NONE]
        for phase in phases:
            by_phase[phase] = by_phase.get(phase, 0) + count
        key = status or NONE
        by_status[key] = by_status.get(key, 0) + count
    return total, by_phase, by_status


def _grouped(queryset: QuerySet[Trial]) -> list[tuple[str, str, int]]:
    return list(
        queryset.order_by().values_list("phase_key", "overall_status").annotate(count=Count("id"))
    )


def landscape(
    user: AnyUser, *, by: str = "product", sponsor_class: str = "", limit: int = 40
) -> Landscape:
    """Trials by product (its names matched against interventions) or by lead
    sponsor (the ``limit`` sponsors with most trials), counted by phase and status."""
    trials = policy.scope(user, "view", Trial)
    if sponsor_class:
        trials = trials.filter(lead_sponsor_class=sponsor_class)
    rows: list[LandscapeRow] = []
    if by == "sponsor":
        counts = (
            trials.exclude(lead_sponsor_name="")
            .order_by()
            .values_list("lead_sponsor_name", "lead_sponsor_class")
            .annotate(count=Count("id"))
            .order_by("-count", "lead_sponsor_name")[:limit]
        )
        names = [(name, sponsor_class_of) for name, sponsor_class_of, _count in counts]
        grouped: dict[str, list[tuple[str, str, int]]] = {name: [] for name, _ in names}
        for name, phase_key, status, count in (
            trials.filter(lead_sponsor_name__in=list(grouped))
            .order_by()
            .values_list("lead_sponsor_name", "phase_key", "overall_status")
            .annotate(count=Count("id"))
        ):
            grouped[name].append((phase_key, status, count))
        for name, class_of in names:
            total, by_phase, by_status = _tally(grouped[name])
            query = {"sponsor": name}
            if sponsor_class:
                query["sponsor_class"] = sponsor_class
            rows.append(
                LandscapeRow(name, sponsor_class_label(class_of), query, total, by_phase, by_status)
            )
    else:
        for product in policy.scope(user, "view", Product).order_by("-is_own", "name"):
            total, by_phase, by_status = _tally(_grouped(trials.filter(product_query(product))))
            detail = ", ".join(part for part in (product.generic_name, product.company) if part)
            query = {"product": str(product.pk)}
            if sponsor_class:
                query["sponsor_class"] = sponsor_class
            rows.append(LandscapeRow(product.name, detail, query, total, by_phase, by_status))
    seen_phases = {phase for row in rows for phase in row.by_phase}
    seen_statuses = {status for row in rows for status in row.by_status}
    phases = [(phase, phase_label(phase)) for phase in LANDSCAPE_PHASES if phase in seen_phases]
    phases += [
        (phase, phase_label(phase))
        for phase in sorted(seen_phases)
        if phase not in LANDSCAPE_PHASES and phase != NONE
    ]
    if NONE in seen_phases:
        phases.append((NONE, "No phase given"))
    order = {status: index for index, status in enumerate(STATUS_LABELS)}
    status_list = [
        (status, status_label(status) if status != NONE else "No status given")
        for status in sorted(seen_statuses, key=lambda status: (order.get(status, 99), status))
    ]
    return Landscape(by, rows, phases, status_list)
