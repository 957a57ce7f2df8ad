"""The sites of the query's trials, ranked (:func:`find_sites`): grouped by their
directory organization once resolved, else by facility, city and country as
registered, and counted in the database (one grouped query with conditional
counts, as :func:`~liaison.experts.finder.experience.experience_of` counts)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import (
    Case,
    Count,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.directory.models import Organization
from liaison.experts.finder.experience import (
    ACCRUAL_WORDS,
    COMPLETED,
    ONGOING,
    PHASE_BINS,
    SUSPENDED,
    TERMINATED,
    WITHDRAWN,
    Experience,
    experience_points,
    reasons,
    recent_since,
)
from liaison.experts.finder.names import is_investigator
from liaison.experts.finder.query import FinderQuery
from liaison.experts.finder.rows import SiteRow, ranked
from liaison.experts.finder.trials import (
    TRIALS_SHOWN,
    chunks,
    matching_trials,
    newest_first,
    trial_links,
)
from liaison.lib import countries
from liaison.trials.models import TrialSite, TrialStatusChange


def _site_country_names(user: AnyUser, code: str) -> list[str]:
    """The registry's names of the country ``code`` among the sites' countries."""
    names = (
        policy.scope(user, "view", TrialSite)
        .exclude(country="")
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return [name for name in names if countries.code_for(name) == code]


def _site_key() -> Case:
    """An organization once resolved, else the facility, city and country as registered."""
    return Case(
        When(
            organization__isnull=False,
            then=Concat(
                Value("o:"), Cast("organization_id", TextField()), output_field=TextField()
            ),
        ),
        default=Concat(
            Value("f:"),
            Lower("facility"),
            Value("|"),
            Lower("city"),
            Value("|"),
            Lower("country"),
            output_field=TextField(),
        ),
        output_field=TextField(),
    )


def _aggregates(today: dt.date) -> dict[str, Any]:
    """Conditional counts over a site's trials, as :func:`experience_of` counts them."""

    def has(phase: str) -> Q:
        return Q(trial__phase_key__contains=f"|{phase}|")

    phase4 = has("PHASE4")
    phase3 = has("PHASE3") & ~phase4
    phase2 = has("PHASE2") & ~has("PHASE3") & ~phase4
    phase1 = (has("PHASE1") | has("EARLY_PHASE1")) & ~has("PHASE2") & ~has("PHASE3") & ~phase4
    stopped = Q(trial__overall_status__in=(TERMINATED, WITHDRAWN))
    accrual = Q(pk__in=[])
    for word in ACCRUAL_WORDS:
        accrual |= Q(trial__why_stopped__icontains=word)
    ongoing = Q(trial__overall_status__in=ONGOING)
    ever_suspended = Q(trial__overall_status=SUSPENDED) | Q(
        trial_id__in=TrialStatusChange.objects.filter(new_status=SUSPENDED).values("trial_id")
    )

    def trials(condition: Q | None = None) -> Count:
        return Count("trial_id", distinct=True, filter=condition)

    return {
        "n_trials": trials(),
        "n_phase4": trials(phase4),
        "n_phase3": trials(phase3),
        "n_phase2": trials(phase2),
        "n_phase1": trials(phase1),
        "n_completed": trials(Q(trial__overall_status=COMPLETED)),
        "n_terminated": trials(Q(trial__overall_status=TERMINATED)),
        "n_withdrawn": trials(Q(trial__overall_status=WITHDRAWN)),
        "n_accrual": trials(stopped & accrual),
        "n_suspended": trials(ever_suspended),
        "n_ongoing": trials(ongoing),
        "n_recent": trials(Q(trial__start_on__gte=recent_since(today))),
        "first_start": Min("trial__start_on"),
        "last_start": Max("trial__start_on"),
        "last_completion": Max("trial__completion_on", filter=Q(trial__overall_status=COMPLETED)),
        "enrolled": Sum("trial__enrollment_count", filter=Q(trial__enrollment_type="ACTUAL")),
        "planned": Sum(
            "trial__enrollment_count", filter=ongoing & ~Q(trial__enrollment_type="ACTUAL")
        ),
    }


def _experience_from(row: dict[str, Any]) -> Experience:
    by_phase = {key: int(row[f"n_{key.lower()}"]) for key in PHASE_BINS[:-1]}
    by_phase["OTHER"] = int(row["n_trials"]) - sum(by_phase.values())
    return Experience(
        trials=int(row["n_trials"]),
        by_phase={key: by_phase[key] for key in PHASE_BINS if by_phase[key]},
        completed=int(row["n_completed"]),
        terminated=int(row["n_terminated"]),
        withdrawn=int(row["n_withdrawn"]),
        stopped_for_accrual=int(row["n_accrual"]),
        suspended=int(row["n_suspended"]),
        ongoing=int(row["n_ongoing"]),
        recent=int(row["n_recent"]),
        first_start=row["first_start"],
        last_start=row["last_start"],
        last_completion=row["last_completion"],
        enrolled=int(row["enrolled"] or 0),
        planned=int(row["planned"] or 0),
    )


def matching_sites(user: AnyUser, query: FinderQuery) -> QuerySet[TrialSite]:
    """The sites ``user`` sees of the query's trials (in its country, when one is asked)."""
    sites = policy.scope(user, "view", TrialSite).filter(trial__in=matching_trials(user, query))
    if query.country:
        sites = sites.filter(country__in=_site_country_names(user, query.country))
    return sites.order_by()


def find_sites(user: AnyUser, query: FinderQuery, *, today: dt.date | None = None) -> list[SiteRow]:
    """Every site of the query's trials, ranked (without their trials: :func:`with_site_trials`).

    One grouped query (plus the country names when a country is asked)."""
    today = today or timezone.localdate()
    grouped = (
        matching_sites(user, query)
        .annotate(site_key=_site_key())
        .values("site_key")
        .annotate(
            site_facility=Max("facility"),
            site_city=Max("city"),
            site_state=Max("state"),
            site_country=Max("country"),
            site_organization=Max("organization_id"),
            **_aggregates(today),
        )
    )
    rows = []
    for row in grouped:
        experience = _experience_from(row)
        rows.append(
            SiteRow(
                key=row["site_key"],
                facility=row["site_facility"] or "",
                city=row["site_city"] or "",
                state=row["site_state"] or "",
                country=row["site_country"] or "",
                organization_id=row["site_organization"],
                experience=experience,
                points=experience_points(experience),
                reasons=reasons(experience, query.condition_label, today=today),
            )
        )
    return ranked(rows)


def with_site_trials(
    user: AnyUser, query: FinderQuery, rows: Sequence[SiteRow], *, shown: int = TRIALS_SHOWN
) -> Sequence[SiteRow]:
    """Fill the trials, NCT IDs, named investigators and organization names of ``rows``
    (a page, or an export): a query per 500 rows, then one for their trials and one
    for the organizations."""
    by_key = {row.key: row for row in rows}
    trial_ids: dict[str, set[int]] = defaultdict(set)
    people: dict[str, Counter[str]] = defaultdict(Counter)
    sites = matching_sites(user, query).annotate(site_key=_site_key())
    for keys in chunks(list(by_key)):
        for key, trial_id, contacts in sites.filter(site_key__in=list(keys)).values_list(
            "site_key", "trial_id", "contacts"
        ):
            trial_ids[key].add(trial_id)
            for contact in contacts or []:
                if is_investigator(contact):
                    people[key][str(contact["name"]).strip()] += 1
    links = trial_links({pk for ids in trial_ids.values() for pk in ids})
    organizations = dict(
        policy.scope(user, "view", Organization)
        .filter(pk__in=[row.organization_id for row in rows if row.organization_id])
        .values_list("id", "name")
    )
    for key, row in by_key.items():
        ordered = newest_first(links[pk] for pk in trial_ids.get(key, ()) if pk in links)
        row.trials = ordered[:shown]
        row.nct_ids = [link.nct_id for link in ordered]
        row.investigators = [name for name, _count in people[key].most_common(3)]
        if row.organization_id:
            row.organization_name = organizations.get(row.organization_id, "")
    return rows
