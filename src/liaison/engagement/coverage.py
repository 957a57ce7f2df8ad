"""Coverage of engagement plans: when each target HCP was last engaged, whether
within the last 30, 90 and 180 days, when they are next due and who is overdue.

*Last engaged* is the newest interaction with the target HCP by

* the plan's MSL (``basis="msl"``: the MSL's own coverage, on a plan's page and
  the MSL's home), or
* anyone in the plan's MSL's team (``basis="team"``: the MSL, the team's other
  members and its manager; the manager's coverage page), since a colleague's
  visit also engages the HCP for the company.

Every member may know that an interaction happened (``view``), so dates are read
from all interactions; nothing of their content is.

A target is *due* one tier period (the plan's ``tier_frequency_days``) after its
last engagement, or after the plan's start when never engaged; it is *overdue*
when that day has passed. The per-target rows are one query; the per-MSL totals
are counted in SQL, one query for the plans and one for the counts, whatever
the number of MSLs, plans or targets.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.models import (
    DEFAULT_TIER_FREQUENCY_DAYS,
    EngagementPlan,
    Interaction,
    PlanTarget,
)

Basis = Literal["msl", "team"]
BASES: dict[str, str] = {
    "msl": "by the plan's MSL",
    "team": "by anyone in the MSL's team",
}
#: The windows of "engaged in the last N days".
WINDOWS = (30, 90, 180)


def frequency_of(plan: EngagementPlan, tier: str) -> int:
    """Days between engagements the plan sets for ``tier`` (the default when unset)."""
    days = (plan.tier_frequency_days or {}).get(tier)
    if isinstance(days, int) and days > 0:
        return days
    return DEFAULT_TIER_FREQUENCY_DAYS.get(tier, DEFAULT_TIER_FREQUENCY_DAYS["2"])


def last_engagement(basis: Basis) -> Subquery:
    """The newest interaction date with the target's HCP (a ``PlanTarget`` annotation)."""
    interactions = Interaction.objects.filter(hcps=OuterRef("hcp_id"))
    msl = OuterRef("plan__msl_id")
    if basis == "team":
        interactions = interactions.filter(
            Q(msl=msl) | Q(msl__teams__members=msl) | Q(msl__managed_teams__members=msl)
        )
    else:
        interactions = interactions.filter(msl=msl)
    return Subquery(interactions.order_by("-occurred_at").values("occurred_at")[:1])


@dataclass(frozen=True)
class Moment:
    """The instant coverage is computed for, and what follows from it."""

    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def window_start(self, days: int) -> dt.datetime:
        return self.now - dt.timedelta(days=days)

    def overdue_before(self, frequency: int) -> dt.date:
        """A target is overdue when its base day (last engagement, or the plan's
        start) is before this day: base + frequency < today."""
        return self.today - dt.timedelta(days=frequency)

    def start_of(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def moment(now: dt.datetime | None = None) -> Moment:
    return Moment(now or timezone.now())


@dataclass(frozen=True)
class TargetCoverage:
    """One target of a plan and how well it is covered."""

    target: PlanTarget
    frequency_days: int
    last_engaged: dt.datetime | None
    due: dt.date
    overdue: bool
    #: Days past the due day (0 when not overdue).
    days_overdue: int
    engaged: dict[int, bool]

    @property
    def hcp(self) -> HCP:
        return self.target.hcp

    @property
    def engaged_30(self) -> bool:
        return self.engaged[30]

    @property
    def engaged_90(self) -> bool:
        return self.engaged[90]

    @property
    def engaged_180(self) -> bool:
        return self.engaged[180]


@dataclass
class Totals:
    """Counts of targets: how many, engaged within each window, overdue."""

    targets: int = 0
    engaged: dict[int, int] = field(default_factory=lambda: dict.fromkeys(WINDOWS, 0))
    overdue: int = 0

    def add(self, other: Totals) -> None:
        self.targets += other.targets
        self.overdue += other.overdue
        for days in WINDOWS:
            self.engaged[days] += other.engaged[days]

    def percent(self, days: int) -> int:
        return round(100 * self.engaged[days] / self.targets) if self.targets else 0

    @property
    def engaged_30(self) -> int:
        return self.engaged[30]

    @property
    def engaged_90(self) -> int:
        return self.engaged[90]

    @property
    def engaged_180(self) -> int:
        return self.engaged[180]

    @property
    def percent_30(self) -> int:
        return self.percent(30)

    @property
    def percent_90(self) -> int:
        return self.percent(90)

    @property
    def percent_180(self) -> int:
        return self.percent(180)


@dataclass
class PlanCoverage:
    plan: EngagementPlan
    basis: Basis
    rows: list[TargetCoverage]
    totals: Totals

    @property
    def basis_label(self) -> str:
        return BASES[self.basis]

    @property
    def overdue_rows(self) -> list[TargetCoverage]:
        return [row for row in self.rows if row.overdue]


def plan_coverage(
    plan: EngagementPlan, *, basis: Basis = "msl", now: dt.datetime | None = None
) -> PlanCoverage:
    """Each target of ``plan`` (the caller has loaded it through the policy) with its
    last engagement, windows, due day and whether it is overdue: one query."""
    at = moment(now)
    targets = (
        PlanTarget.objects.filter(plan=plan)
        .select_related("hcp")
        .annotate(last_engaged=last_engagement(basis))
        .order_by("tier", "hcp__family_name", "hcp__given_name", "pk")
    )
    rows = [_row(plan, target, target.last_engaged, at) for target in targets]
    totals = Totals()
    for row in rows:
        totals.targets += 1
        totals.overdue += row.overdue
        for days in WINDOWS:
            totals.engaged[days] += row.engaged[days]
    return PlanCoverage(plan=plan, basis=basis, rows=rows, totals=totals)


def targets_coverage(
    plans: QuerySet[EngagementPlan], *, basis: Basis = "msl", now: dt.datetime | None = None
) -> list[TargetCoverage]:
    """The coverage rows of every target of ``plans`` (already the user's, through the
    policy), most overdue first: one query."""
    at = moment(now)
    targets = (
        PlanTarget.objects.filter(plan__in=plans.values("pk"))
        .select_related("hcp", "plan")
        .annotate(last_engaged=last_engagement(basis))
    )
    rows = [_row(target.plan, target, target.last_engaged, at) for target in targets]
    return sorted(rows, key=lambda row: (-row.days_overdue, row.due, row.target.pk))


def _row(
    plan: EngagementPlan, target: PlanTarget, last: dt.datetime | None, at: Moment
) -> TargetCoverage:
    frequency = frequency_of(plan, target.tier)
    base = timezone.localdate(last) if last is not None else plan.period_start
    due = base + dt.timedelta(days=frequency)
    return TargetCoverage(
        target=target,
        frequency_days=frequency,
        last_engaged=last,
        due=due,
        overdue=due < at.today,
        days_overdue=max((at.today - due).days, 0),
        engaged={days: last is not None and last >= at.window_start(days) for days in WINDOWS},
    )


def current_plans(
    user: User, *, now: dt.datetime | None = None, queryset: QuerySet[EngagementPlan] | None = None
) -> QuerySet[EngagementPlan]:
    """The plans ``user`` sees (their own; a manager's team's; all for an administrator)
    whose period holds today."""
    today = moment(now).today
    plans = policy.scope(user, "view", queryset if queryset is not None else EngagementPlan)
    return plans.filter(period_start__lte=today, period_end__gte=today)


def _overdue_q(plans: list[tuple[int, dict[str, Any]]], at: Moment) -> Q:
    """Targets past their due day, as one condition: the plans grouped by their tier
    frequencies (most share the defaults), each tier with its own threshold."""
    groups: dict[tuple[tuple[str, int], ...], list[int]] = defaultdict(list)
    for plan_id, frequencies in plans:
        plan = EngagementPlan(tier_frequency_days=frequencies)
        key = tuple(
            (tier, frequency_of(plan, tier)) for tier in sorted(DEFAULT_TIER_FREQUENCY_DAYS)
        )
        groups[key].append(plan_id)
    condition = Q(pk__in=[])
    for key, plan_ids in groups.items():
        for tier, frequency in key:
            before = at.overdue_before(frequency)
            condition |= Q(plan_id__in=plan_ids, tier=tier) & (
                Q(last_engaged__lt=at.start_of(before))
                | Q(last_engaged__isnull=True, plan__period_start__lt=before)
            )
    return condition


@dataclass
class MslCoverage:
    msl_id: int
    name: str
    totals: Totals


@dataclass
class TeamCoverage:
    basis: Basis
    by_msl: list[MslCoverage]
    totals: Totals

    @property
    def basis_label(self) -> str:
        return BASES[self.basis]


def team_coverage(
    user: User,
    *,
    basis: Basis = "team",
    now: dt.datetime | None = None,
    plans: QuerySet[EngagementPlan] | None = None,
) -> TeamCoverage:
    """Per MSL and in all, the targets of the current plans ``user`` sees (``plans``
    narrows them): how many, engaged within each window, overdue. Two queries."""
    at = moment(now)
    visible = current_plans(user, now=at.now, queryset=plans)
    plan_rows = list(visible.values_list("pk", "tier_frequency_days"))
    windows = {
        f"engaged_{days}": Count("pk", filter=Q(last_engaged__gte=at.window_start(days)))
        for days in WINDOWS
    }
    counts = (
        PlanTarget.objects.filter(plan_id__in=[pk for pk, _ in plan_rows])
        .annotate(last_engaged=last_engagement(basis))
        .values(
            "plan__msl_id", "plan__msl__username", "plan__msl__first_name", "plan__msl__last_name"
        )
        .annotate(
            targets=Count("pk"), overdue=Count("pk", filter=_overdue_q(plan_rows, at)), **windows
        )
        .order_by("plan__msl__last_name", "plan__msl__first_name", "plan__msl__username")
    )
    by_msl: list[MslCoverage] = []
    team = Totals()
    for row in counts if plan_rows else []:
        totals = Totals(
            targets=row["targets"],
            engaged={days: row[f"engaged_{days}"] for days in WINDOWS},
            overdue=row["overdue"],
        )
        full_name = f"{row['plan__msl__first_name']} {row['plan__msl__last_name']}".strip()
        by_msl.append(
            MslCoverage(
                msl_id=row["plan__msl_id"],
                name=full_name or row["plan__msl__username"],
                totals=totals,
            )
        )
        team.add(totals)
    return TeamCoverage(basis=basis, by_msl=by_msl, totals=team)
