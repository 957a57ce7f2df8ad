"""Theme analytics and strategic-question coverage: counts of what each user may
see, by month, country, therapeutic area, HCP tier and strategic question."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.models import User
from liaison.directory.tests import factories as directory
from liaison.engagement import analytics
from liaison.engagement.models import Insight, Theme
from liaison.engagement.tests import factories


def cell(breakdown: analytics.Breakdown, row: str, column: str) -> int:
    columns = [c.label for c in breakdown.columns]
    counts = dict((label, counts) for label, counts in breakdown.rows)[row]
    return counts[columns.index(column)]


@pytest.fixture
def world(msl: User, other_msl: User) -> dict[str, Any]:
    dosing = Theme.objects.create(label="dosing", size=3)
    access = Theme.objects.create(label="access", size=2)
    area = directory.therapeutic_area()
    weber = factories.an_hcp("Weber")
    lee = factories.an_hcp("Lee", country="US")
    question = factories.strategic_question(therapeutic_area=area, code="SQ1")
    silent = factories.strategic_question(
        therapeutic_area=area, code="SQ2", text="What do payers ask?"
    )
    factories.plan(msl, [(weber, "1")], period_start=dt.date(2025, 1, 1))
    factories.plan(msl, [(weber, "3")], name="newer", period_start=dt.date(2026, 1, 1))
    mine = [
        factories.insight(
            msl, theme=dosing, hcp=weber, country="DE", therapeutic_area=area, statement="a"
        ),
        factories.insight(msl, theme=dosing, hcp=weber, country="DE", statement="b"),
        factories.insight(msl, theme=access, country="AT", statement="c"),
        factories.insight(msl, statement="no theme yet"),
    ]
    mine[0].strategic_questions.add(question)
    mine[2].strategic_questions.add(question)
    theirs = [
        factories.insight(other_msl, theme=dosing, hcp=lee, country="US", statement="d"),
        factories.insight(other_msl, theme=access, hcp=lee, country="US", statement="e"),
    ]
    theirs[0].strategic_questions.add(question)
    old = timezone.now() - dt.timedelta(days=400)
    Insight.objects.filter(pk=theirs[1].pk).update(created_at=old)
    return {
        "dosing": dosing,
        "access": access,
        "question": question,
        "silent": silent,
        "mine": mine,
        "theirs": theirs,
    }


def test_an_msl_counts_only_their_own_insights(world: dict[str, Any], msl: User) -> None:
    by_country = analytics.themes_by(msl, "country")
    assert [label for label, _ in by_country.rows] == ["Germany", "Austria", "Not stated"]
    assert cell(by_country, "Germany", "dosing") == 2
    assert cell(by_country, "Austria", "access") == 1
    assert cell(by_country, "Not stated", analytics.NO_THEME) == 1
    assert by_country.total == 4


def test_an_insights_lead_counts_everyone_s(world: dict[str, Any], insights_lead: User) -> None:
    by_country = analytics.themes_by(insights_lead, "country")
    assert cell(by_country, "United States", "dosing") == 1
    assert by_country.total == 6
    # Over the last twelve months: the 400-day-old insight is left out; every month listed.
    by_month = analytics.themes_by(insights_lead, "month")
    assert len(by_month.rows) == analytics.MONTHS
    assert by_month.total == 5
    this_month = f"{timezone.localdate():%b %Y}"
    assert by_month.rows[-1][0] == this_month


def test_tier_comes_from_the_hcp_s_newest_plan(world: dict[str, Any], msl: User) -> None:
    by_tier = analytics.themes_by(msl, "tier")
    rows = dict(by_tier.rows)
    assert sum(rows["Tier 3"]) == 2  # weber's newer plan says tier 3, the older tier 1
    assert sum(rows["Tier 1"]) == 0
    assert sum(rows["No tier"]) == 2


def test_by_area_and_question(world: dict[str, Any], insights_lead: User) -> None:
    by_area = analytics.themes_by(insights_lead, "therapeutic_area")
    assert sum(dict(by_area.rows)["No therapeutic area"]) == 5
    by_question = analytics.themes_by(insights_lead, "question")
    question = world["question"]
    rows = dict(by_question.rows)
    assert sum(rows[str(question)]) == 3
    assert cell(by_question, str(question), "dosing") == 2


def test_other_themes_are_counted_together(world: dict[str, Any], insights_lead: User) -> None:
    breakdown = analytics.themes_by(insights_lead, "country", top=1)
    assert [c.label for c in breakdown.columns] == ["dosing", analytics.OTHER, analytics.NO_THEME]
    assert cell(breakdown, "United States", analytics.OTHER) == 1


def test_a_user_who_reads_no_insight_sees_empty_analytics(
    world: dict[str, Any], medinfo: User
) -> None:
    assert analytics.themes_by(medinfo, "country").total == 0
    coverage = analytics.question_coverage(medinfo)
    assert coverage and all(row.insights == 0 for row in coverage)


def test_question_coverage_counts_insights_hcps_countries_and_the_newest(
    world: dict[str, Any], msl: User, insights_lead: User
) -> None:
    question, silent = world["question"], world["silent"]
    everyone = {row.question.pk: row for row in analytics.question_coverage(insights_lead)}
    row = everyone[question.pk]
    assert (row.insights, row.hcps, row.countries) == (3, 2, 3)
    newest = max(
        (i for i in [*world["mine"], *world["theirs"]] if i.strategic_questions.exists()),
        key=lambda i: (i.created_at, i.pk),
    )
    assert row.newest_id == newest.pk
    assert not everyone[silent.pk].answered
    alices = {row.question.pk: row for row in analytics.question_coverage(msl)}
    assert (alices[question.pk].insights, alices[question.pk].countries) == (2, 2)
