"""Engagement's home panels: an MSL's week, drafts, overdue follow-ups, coverage gaps,
new alerts about their HCPs and insights awaiting their answer; a manager's team
coverage and activity; an insights lead's new insights and rising themes; each
panel only for its role, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement import home
from liaison.engagement.models import (
    InsightComment,
    InsightStatus,
    InteractionDraft,
    MeetingStatus,
    Theme,
)
from liaison.engagement.tests import factories
from liaison.literature.models import Authorship, Publication
from liaison.surveillance.models import Alert, AlertKind
from liaison.surveillance.tests.factories import publication_watch

pytestmark = pytest.mark.django_db


def now() -> dt.datetime:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.now()


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


MSL_PANELS: list[Callable[[User], dict[str, Any] | None]] = [
    home.my_week,
    home.my_overdue_follow_ups,
    home.my_coverage_gaps,
    home.my_hcp_alerts,
    home.my_insights_awaiting_answer,
]
MANAGER_PANELS = [home.team_coverage]
INSIGHTS_PANELS = [home.new_insights, home.rising_themes]


def at_day(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def current_plan(msl: User, targets: list[tuple[HCP, str]]) -> None:
    factories.plan(
        msl,
        targets,
        name="Current plan",
        period_start=today() - dt.timedelta(days=200),
        period_end=today() + dt.timedelta(days=100),
    )


def test_each_panel_is_for_its_role(
    msl: User,
    field_manager: User,
    insights_lead: User,
    medinfo: User,
    compliance: User,
    admin_user: User,
) -> None:
    for user in (msl, field_manager, insights_lead, medinfo, compliance, admin_user):
        shown = {
            panel.__name__
            for panel in [*MSL_PANELS, *MANAGER_PANELS, *INSIGHTS_PANELS]
            if panel(user) is not None
        }
        expected = {
            msl: {panel.__name__ for panel in MSL_PANELS},
            field_manager: {panel.__name__ for panel in MANAGER_PANELS},
            insights_lead: {panel.__name__ for panel in INSIGHTS_PANELS},
        }.get(user, set())
        assert shown == expected, user.username


def test_the_week_holds_todays_and_this_weeks_planned_meetings(msl: User, other_msl: User) -> None:
    week_end = today() + dt.timedelta(days=7 - today().isoweekday())
    factories.meeting(msl, title="Today", starts_at=at_day(today(), 23) - dt.timedelta(minutes=30))
    if week_end > today():
        factories.meeting(msl, title="Later this week", starts_at=at_day(week_end))
    factories.meeting(msl, title="Next week", starts_at=at_day(week_end + dt.timedelta(days=1)))
    factories.meeting(
        msl, title="Cancelled", starts_at=at_day(today(), 22), status=MeetingStatus.CANCELLED
    )
    factories.meeting(other_msl, title="Bob's", starts_at=at_day(today(), 22))

    panel = home.my_week(msl)

    assert panel is not None
    assert [line.meeting.title for line in panel["today"]] == ["Today"]
    assert [line.meeting.title for line in panel["later"]] == (
        ["Later this week"] if week_end > today() else []
    )
    assert panel["log_url"] == reverse("engagement:interaction-create")


def test_the_week_lists_drafts_with_a_link_to_continue(msl: User, other_msl: User) -> None:
    hcp = factories.an_hcp("Drafted")
    mine = InteractionDraft.objects.create(owner=msl, hcp=hcp, data={"notes": "half"})
    InteractionDraft.objects.create(owner=other_msl, data={"notes": "Bob's"})

    panel = home.my_week(msl)

    assert panel is not None
    assert panel["draft_count"] == 1
    assert panel["drafts"][0]["label"] == "With Anna Drafted"
    assert panel["drafts"][0]["continue_url"] == (
        f"{reverse('engagement:interaction-create')}?draft={mine.pk}"
    )


def test_overdue_follow_ups_are_the_msls_open_ones_past_due(msl: User, other_msl: User) -> None:
    factories.follow_up(msl, description="Late", due=today() - dt.timedelta(days=3))
    factories.follow_up(msl, description="Later", due=today() + dt.timedelta(days=3))
    factories.follow_up(
        msl, description="Done", due=today() - dt.timedelta(days=3), done_at=timezone.now()
    )
    factories.follow_up(other_msl, description="Bob's", due=today() - dt.timedelta(days=3))

    panel = home.my_overdue_follow_ups(msl)

    assert panel is not None
    assert [item.description for item in panel["follow_ups"]] == ["Late"]
    assert panel["count"] == 1


def test_coverage_gaps_are_the_overdue_targets_of_the_current_plan(msl: User) -> None:
    late, fine, never = (
        factories.an_hcp("Late"),
        factories.an_hcp("Fine"),
        factories.an_hcp("Never"),
    )
    current_plan(msl, [(late, "1"), (fine, "1"), (never, "3")])
    factories.interaction(msl, [late], occurred_at=now() - dt.timedelta(days=50))
    factories.interaction(msl, [fine], occurred_at=now() - dt.timedelta(days=5))

    panel = home.my_coverage_gaps(msl)

    assert panel is not None
    assert [row.hcp.family_name for row in panel["overdue"]] == ["Late", "Never"]
    assert panel["count"] == 2
    assert panel["targets"] == 3


def publication_by(hcp: HCP, pmid: int) -> Publication:
    record = Publication.objects.create(pmid=pmid, title=f"Paper {pmid}")
    Authorship.objects.create(publication=record, position=1, family=hcp.family_name, hcp=hcp)
    return record


def alert(user: User, publication: Publication, **values: Any) -> Alert:
    return Alert.objects.create(
        watch=publication_watch(user, name=f"Watch {publication.pmid} {user.username}"),
        recipient=user,
        kind=AlertKind.NEW_PUBLICATION,
        publication=publication,
        title=f"Alert on {publication.title}",
        **values,
    )


def test_new_alerts_about_my_hcps_are_my_unread_ones_on_my_targets(
    msl: User, other_msl: User
) -> None:
    target, stranger = factories.an_hcp("Target"), factories.an_hcp("Stranger")
    current_plan(msl, [(target, "2")])
    theirs = publication_by(target, 9200001)
    alert(msl, theirs)
    alert(msl, publication_by(target, 9200002), read_at=timezone.now())
    alert(msl, publication_by(stranger, 9200003))
    alert(other_msl, theirs)

    panel = home.my_hcp_alerts(msl)

    assert panel is not None
    assert [item.title for item in panel["alerts"]] == ["Alert on Paper 9200001"]
    assert panel["count"] == 1


def test_insights_await_my_answer_when_a_reviewer_spoke_last(
    msl: User, insights_lead: User
) -> None:
    def insight(statement: str, comments: list[User], **values: Any) -> None:
        record = factories.insight(msl, statement=statement, **values)
        for minutes, author in enumerate(comments):
            InsightComment.objects.create(
                insight=record,
                author=author,
                text="…",
                created_at=now() - dt.timedelta(hours=1) + dt.timedelta(minutes=minutes),
            )

    insight("Asked", [insights_lead])
    insight("Answered", [insights_lead, msl])
    insight("Asked again", [insights_lead, msl, insights_lead])
    insight("Quiet", [])
    insight("Actioned", [insights_lead], status=InsightStatus.ACTIONED)

    panel = home.my_insights_awaiting_answer(msl)

    assert panel is not None
    assert sorted(item.statement for item in panel["insights"]) == ["Asked", "Asked again"]
    assert panel["count"] == 2


def test_the_manager_sees_the_teams_coverage_and_activity(
    msl: User, other_msl: User, field_manager: User
) -> None:
    one, two = factories.an_hcp("One"), factories.an_hcp("Two")
    current_plan(msl, [(one, "1"), (two, "2")])
    current_plan(other_msl, [(factories.an_hcp("Three", country="US"), "1")])
    factories.interaction(msl, [one], occurred_at=now() - dt.timedelta(days=5))
    factories.interaction(msl, [two], occurred_at=now() - dt.timedelta(days=45))
    factories.interaction(other_msl, [one], occurred_at=now() - dt.timedelta(days=1))

    panel = home.team_coverage(field_manager)

    assert panel is not None
    assert [row["name"] for row in panel["rows"]] == ["alice"]
    row = panel["rows"][0]
    assert (row["coverage"].targets, row["coverage"].engaged_90, row["coverage"].overdue) == (
        2,
        2,
        0,
    )
    assert row["interactions"] == 1  # the one of 45 days ago is past the 30 days
    assert panel["interactions"] == 1


def test_the_insights_lead_sees_new_insights_and_rising_themes(
    msl: User, insights_lead: User
) -> None:
    rising, falling, steady = (
        Theme.objects.create(label=label) for label in ("Rising", "Falling", "Steady")
    )
    plan = {rising: (4, 1), falling: (1, 3), steady: (2, 2)}
    for theme, (recent, before) in plan.items():
        for index in range(recent):
            factories.insight(msl, theme=theme, statement=f"{theme.label} now {index}")
        for index in range(before):
            record = factories.insight(
                msl,
                theme=theme,
                statement=f"{theme.label} then {index}",
                status=InsightStatus.REVIEWED,
            )
            type(record).objects.filter(pk=record.pk).update(
                created_at=now() - dt.timedelta(days=45)
            )

    themes = home.rising_themes(insights_lead)
    waiting = home.new_insights(insights_lead)

    assert themes is not None and waiting is not None
    assert [(theme.label, theme.recent, theme.before) for theme in themes["themes"]] == [
        ("Rising", 4, 1)
    ]
    assert waiting["count"] == 7
    assert all(item.status == InsightStatus.NEW for item in waiting["insights"])


def test_the_home_page_shows_the_msl_their_panels(client: Client, msl: User) -> None:
    factories.follow_up(msl, description="Send the poster now", due=today() - dt.timedelta(days=1))
    client.force_login(msl)

    page = client.get(reverse("core:home")).content.decode()

    assert "Your week" in page
    assert "Log an interaction" in page
    assert "Send the poster now" in page
    assert "Coverage gaps" in page
    assert "Your team&#x27;s coverage" not in page and "Rising themes" not in page


def test_the_home_page_shows_each_role_its_own(
    client: Client, field_manager: User, insights_lead: User
) -> None:
    client.force_login(field_manager)
    page = client.get(reverse("core:home")).content.decode()
    assert "coverage and activity" in page and "Your week" not in page

    client.force_login(insights_lead)
    page = client.get(reverse("core:home")).content.decode()
    assert "New insights" in page and "Rising themes" in page and "Your week" not in page


def test_the_msl_panels_take_the_same_queries_whatever_the_history(
    msl: User, insights_lead: User
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            for panel in MSL_PANELS:
                panel(msl)
        return len(queries)

    def add(index: int) -> None:
        hcp = factories.an_hcp(f"More{index}")
        factories.plan(
            msl,
            [(hcp, "2")],
            name=f"Also current {index}",
            period_start=today() - dt.timedelta(days=10),
            period_end=today() + dt.timedelta(days=10),
        )
        factories.meeting(msl, starts_at=at_day(today(), 23) - dt.timedelta(minutes=index + 1))
        InteractionDraft.objects.create(owner=msl, hcp=hcp)
        factories.follow_up(msl, due=today() - dt.timedelta(days=index + 1))
        alert(msl, publication_by(hcp, 9300000 + index))
        record = factories.insight(msl, statement=f"Insight {index}")
        InsightComment.objects.create(insight=record, author=insights_lead, text="Why?")

    add(0)  # one of each: the prefetches run
    small = count()
    for index in range(1, 7):
        add(index)

    assert count() == small
