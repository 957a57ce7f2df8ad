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
when that day has passed.

A fixed number of queries, whatever the number of MSLs, plans, targets or
interactions: the targets; the newest interaction per target HCP and MSL
(grouped in SQL over the HCPs' links to interactions, an index look-up per HCP);
for the team basis, who is in each MSL's team. The totals are counted from those
rows, so a plan's rows and the team's totals agree by construction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Max, QuerySet
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import Team, User
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


def engagers(msl_ids: set[int], basis: Basis) -> dict[int, set[int]]:
    """For each MSL, whose interactions engage their targets: the MSL alone
    (``msl``), or also every member and the manager of each of the MSL's teams
    (``team``). Two queries for the team basis, none for the MSL's."""
    result = {msl_id: {msl_id} for msl_id in msl_ids}
    if basis != "team" or not msl_ids:
        return result
    Membership = Team.members.through
    teams_of_msl: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Membership.objects.filter(user_id__in=msl_ids).values_list(
        "user_id", "team_id"
    ):
        teams_of_msl[user_id].add(team_id)
    team_ids = set().union(*teams_of_msl.values()) if teams_of_msl else set()
    people: dict[int, set[int]] = defaultdict(set)
    for team_id, member_id, manager_id in Membership.objects.filter(
        team_id__in=team_ids
    ).values_list("team_id", "user_id", "team__manager_id"):
        people[team_id].add(member_id)
        if manager_id is not None:
            people[team_id].add(manager_id)
    for msl_id, teams in teams_of_msl.items():
        for team_id in teams:
            result[msl_id] |= people[team_id]
    return result


def last_engagements(targets: QuerySet[PlanTarget]) -> dict[tuple[int, int], dt.datetime]:
    """The newest interaction per (HCP, MSL) for the targets' HCPs: one query, grouped
    in SQL over the HCPs' links to interactions.

    It reads every MSL's links of those HCPs (the caller keeps the MSLs that
    count): a filter on the MSL would let SQLite walk the MSL's interactions and
    probe each against every HCP, a thousand times slower."""
    links = (
        Interaction.hcps.through.objects.filter(hcp_id__in=targets.values("hcp_id"))
        .order_by()
        .values_list("hcp_id", "interaction__msl_id")
        .annotate(last=Max("interaction__occurred_at"))
    )
    return {(hcp_id, msl_id): last for hcp_id, msl_id, last in links}


def _rows(targets: QuerySet[PlanTarget], basis: Basis, at: Moment) -> list[TargetCoverage]:
    """The coverage of each target of ``targets`` (with their plan and HCP loaded)."""
    targets = targets.select_related("hcp", "plan", "plan__msl")
    loaded = list(targets)
    teams = engagers({target.plan.msl_id for target in loaded}, basis)
    newest = last_engagements(targets) if loaded else {}
    rows = []
    for target in loaded:
        dates = [
            newest[(target.hcp_id, msl_id)]
            for msl_id in teams[target.plan.msl_id]
            if (target.hcp_id, msl_id) in newest
        ]
        rows.append(_row(target.plan, target, max(dates) if dates else None, at))
    return rows


def _totals(rows: list[TargetCoverage]) -> Totals:
    totals = Totals()
    for row in rows:
        totals.targets += 1
        totals.overdue += row.overdue
        for days in WINDOWS:
            totals.engaged[days] += row.engaged[days]
    return totals


def plan_coverage(
    plan: EngagementPlan, *, basis: Basis = "msl", now: dt.datetime | None = None
) -> PlanCoverage:
    """Each target of ``plan`` (the caller has loaded it through the policy) with its
    last engagement, windows, due day and whether it is overdue."""
    at = moment(now)
    targets = PlanTarget.objects.filter(plan=plan).order_by(
        "tier", "hcp__family_name", "hcp__given_name", "pk"
    )
    rows = _rows(targets, basis, at)
    return PlanCoverage(plan=plan, basis=basis, rows=rows, totals=_totals(rows))


def targets_coverage(
    plans: QuerySet[EngagementPlan], *, basis: Basis = "msl", now: dt.datetime | None = None
) -> list[TargetCoverage]:
    """The coverage rows of every target of ``plans`` (already the user's, through the
    policy), most overdue first."""
    targets = PlanTarget.objects.filter(plan__in=plans.values("pk")).order_by("pk")
    rows = _rows(targets, basis, moment(now))
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
    narrows them): how many, engaged within each window, overdue."""
    at = moment(now)
    visible = current_plans(user, now=at.now, queryset=plans)
    rows = _rows(PlanTarget.objects.filter(plan__in=visible.values("pk")), basis, at)
    per_msl: dict[int, list[TargetCoverage]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in rows:
        msl = row.target.plan.msl
        per_msl[msl.pk].append(row)
        names[msl.pk] = msl.get_full_name() or msl.get_username()
    by_msl = [
        MslCoverage(msl_id=msl_id, name=names[msl_id], totals=_totals(msl_rows))
        for msl_id, msl_rows in per_msl.items()
    ]
    by_msl.sort(key=lambda entry: (entry.name.casefold(), entry.msl_id))
    return TeamCoverage(basis=basis, by_msl=by_msl, totals=_totals(rows))
