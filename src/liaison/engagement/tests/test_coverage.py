"""Coverage of engagement plans: the 30/90/180-day windows, due days and overdue per
tier, whose interactions count (the plan's MSL or the team), what a manager and an
MSL see, and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.models import Role, Team, User
from liaison.directory.models import HCP
from liaison.engagement import coverage
from liaison.engagement.models import EngagementPlan
from liaison.engagement.tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def current_plan(msl: User, targets: list[tuple[HCP, str]], **values: object) -> EngagementPlan:
    values.setdefault("period_start", TODAY - dt.timedelta(days=200))
    values.setdefault("period_end", TODAY + dt.timedelta(days=100))
    return factories.plan(msl, targets, **values)


def met(msl: User, hcp: HCP, days: int) -> None:
    factories.interaction(msl, [hcp], occurred_at=days_ago(days))


def rows_by_name(result: coverage.PlanCoverage) -> dict[str, coverage.TargetCoverage]:
    return {row.hcp.family_name: row for row in result.rows}


def test_windows_count_the_newest_interaction(msl: User) -> None:
    hcps = {days: factories.an_hcp(f"Met{days}") for days in (10, 60, 120, 300)}
    never = factories.an_hcp("Never")
    plan = current_plan(msl, [(hcp, "3") for hcp in [*hcps.values(), never]])
    for days, hcp in hcps.items():
        met(msl, hcp, days)
    met(msl, hcps[300], 400)  # an older one changes nothing

    rows = rows_by_name(coverage.plan_coverage(plan, now=NOW))

    expected = {
        "Met10": {30: True, 90: True, 180: True},
        "Met60": {30: False, 90: True, 180: True},
        "Met120": {30: False, 90: False, 180: True},
        "Met300": {30: False, 90: False, 180: False},
        "Never": {30: False, 90: False, 180: False},
    }
    assert {name: row.engaged for name, row in rows.items()} == expected
    assert rows["Met300"].last_engaged == days_ago(300)
    assert rows["Never"].last_engaged is None


def test_due_day_and_overdue_follow_the_tier_frequency(msl: User) -> None:
    cases = {
        # name: (tier, days since last engagement or None, overdue?)
        "TierOneLate": ("1", 40, True),
        "TierOneFine": ("1", 20, False),
        "TierTwoFine": ("2", 60, False),
        "TierTwoLate": ("2", 100, True),
        "TierThreeFine": ("3", 120, False),
        "TierThreeNever": ("3", None, True),  # plan started 200 days ago: due after 180
        "TierTwoNever": ("2", None, True),
    }
    hcps = {name: factories.an_hcp(name) for name in cases}
    plan = current_plan(msl, [(hcps[name], tier) for name, (tier, _, _) in cases.items()])
    for name, (_, days, _) in cases.items():
        if days is not None:
            met(msl, hcps[name], days)

    result = coverage.plan_coverage(plan, now=NOW)
    rows = rows_by_name(result)

    assert {name: row.overdue for name, row in rows.items()} == {
        name: overdue for name, (_, _, overdue) in cases.items()
    }
    assert rows["TierOneLate"].due == TODAY - dt.timedelta(days=10)
    assert rows["TierOneLate"].days_overdue == 10
    assert rows["TierTwoFine"].due == TODAY + dt.timedelta(days=30)
    assert rows["TierThreeNever"].due == plan.period_start + dt.timedelta(days=180)
    assert result.totals.overdue == 4
    assert result.totals.targets == 7


def test_a_plan_sets_its_own_frequencies(msl: User) -> None:
    hcp = factories.an_hcp("Weekly")
    plan = current_plan(msl, [(hcp, "1")], tier_frequency_days={"1": 7, "2": 90, "3": 180})
    met(msl, hcp, 10)

    row = coverage.plan_coverage(plan, now=NOW).rows[0]

    assert row.frequency_days == 7
    assert row.overdue
    assert coverage.team_coverage(msl, basis="msl", now=NOW).totals.overdue == 1


def test_a_target_never_engaged_of_a_new_plan_is_not_overdue_yet(msl: User) -> None:
    hcp = factories.an_hcp("Fresh")
    plan = current_plan(msl, [(hcp, "2")], period_start=TODAY - dt.timedelta(days=10))

    row = coverage.plan_coverage(plan, now=NOW).rows[0]

    assert not row.overdue
    assert row.due == TODAY + dt.timedelta(days=80)


def test_the_team_basis_counts_colleagues_the_msl_basis_does_not(
    msl: User, field_manager: User, other_msl: User
) -> None:
    colleague = User.objects.create_user("carol", role=Role.MSL)
    Team.objects.get(manager=field_manager).members.add(colleague)
    by_colleague, by_manager, by_stranger = (
        factories.an_hcp("ByColleague"),
        factories.an_hcp("ByManager"),
        factories.an_hcp("ByStranger"),
    )
    plan = current_plan(msl, [(by_colleague, "1"), (by_manager, "1"), (by_stranger, "1")])
    met(colleague, by_colleague, 5)
    met(field_manager, by_manager, 5)
    met(other_msl, by_stranger, 5)

    own = rows_by_name(coverage.plan_coverage(plan, basis="msl", now=NOW))
    team = rows_by_name(coverage.plan_coverage(plan, basis="team", now=NOW))

    assert [name for name, row in own.items() if row.engaged[30]] == []
    assert sorted(name for name, row in team.items() if row.engaged[30]) == [
        "ByColleague",
        "ByManager",
    ]
    assert team["ByStranger"].last_engaged is None


def make_world(msl: User, other_msl: User) -> tuple[EngagementPlan, EngagementPlan]:
    mine = [factories.an_hcp(f"Alice{i}") for i in range(4)]
    theirs = [factories.an_hcp(f"Bob{i}", country="US") for i in range(3)]
    alice_plan = current_plan(msl, [(mine[0], "1"), (mine[1], "1"), (mine[2], "2"), (mine[3], "3")])
    bob_plan = current_plan(other_msl, [(hcp, "2") for hcp in theirs])
    for hcp, days in zip(mine, (5, 45, 100, 170), strict=True):
        met(msl, hcp, days)
    met(other_msl, theirs[0], 20)
    return alice_plan, bob_plan


def test_the_team_totals_agree_with_the_plan_rows(
    msl: User, other_msl: User, field_manager: User
) -> None:
    alice_plan, _ = make_world(msl, other_msl)
    rows = coverage.plan_coverage(alice_plan, basis="team", now=NOW)

    team = coverage.team_coverage(field_manager, now=NOW)

    assert [entry.msl_id for entry in team.by_msl] == [msl.pk]
    totals = team.by_msl[0].totals
    assert totals.targets == rows.totals.targets == 4
    assert totals.engaged == rows.totals.engaged == {30: 1, 90: 2, 180: 4}
    assert totals.overdue == rows.totals.overdue == 2  # tier 1 at 45 days, tier 2 at 100
    assert team.totals.targets == 4


def test_a_manager_sees_the_team_an_msl_their_own_an_administrator_all(
    msl: User, other_msl: User, field_manager: User, admin_user: User, medinfo: User
) -> None:
    make_world(msl, other_msl)

    def msls(user: User) -> set[int]:
        return {entry.msl_id for entry in coverage.team_coverage(user, now=NOW).by_msl}

    assert msls(field_manager) == {msl.pk}
    assert msls(msl) == {msl.pk}
    assert msls(other_msl) == {other_msl.pk}
    assert msls(admin_user) == {msl.pk, other_msl.pk}
    assert msls(medinfo) == set()


def test_plans_outside_their_period_are_not_current(msl: User) -> None:
    hcp = factories.an_hcp("Past")
    current_plan(
        msl,
        [(hcp, "1")],
        period_start=TODAY - dt.timedelta(days=400),
        period_end=TODAY - dt.timedelta(days=35),
    )

    assert coverage.team_coverage(msl, now=NOW).by_msl == []


def test_team_coverage_takes_the_same_queries_whatever_its_size(
    msl: User, other_msl: User, field_manager: User
) -> None:
    make_world(msl, other_msl)
    with CaptureQueriesContext(connection) as small:
        coverage.team_coverage(field_manager, now=NOW)
    team = Team.objects.get(manager=field_manager)
    for index in range(3):
        member = User.objects.create_user(f"msl{index}", role=Role.MSL)
        team.members.add(member)
        hcps = [factories.an_hcp(f"Target{index}x{i}") for i in range(6)]
        current_plan(
            member,
            [(hcp, str(1 + i % 3)) for i, hcp in enumerate(hcps)],
            tier_frequency_days={"1": 14 + index, "2": 60, "3": 120},
        )
        for hcp in hcps[::2]:
            met(member, hcp, 3 + 20 * index)

    with CaptureQueriesContext(connection) as large:
        team_result = coverage.team_coverage(field_manager, now=NOW)

    assert len(team_result.by_msl) == 4
    assert len(large) == len(small) <= 4
    # Counted in SQL, each MSL's totals agree with their plan's rows (own frequencies).
    for entry in team_result.by_msl:
        plan = EngagementPlan.objects.get(msl_id=entry.msl_id)
        with CaptureQueriesContext(connection) as one_plan:
            rows = coverage.plan_coverage(plan, basis="team", now=NOW)
        assert len(one_plan) <= 4
        assert (entry.totals.targets, entry.totals.engaged, entry.totals.overdue) == (
            rows.totals.targets,
            rows.totals.engaged,
            rows.totals.overdue,
        )
