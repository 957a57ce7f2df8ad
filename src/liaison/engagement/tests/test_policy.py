"""Engagement's access rules: who sees an interaction's content, the edit window and
amendments, insights for reviewers, and the personal records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import User
from liaison.engagement.models import Insight, Interaction, InteractionDraft, Meeting, Theme
from liaison.engagement.tests import factories

pytestmark = pytest.mark.django_db


def test_everyone_sees_that_it_happened_only_the_team_reads_it(
    msl: User,
    other_msl: User,
    field_manager: User,
    compliance: User,
    medinfo: User,
    insights_lead: User,
    admin_user: User,
    outsider: User,
) -> None:
    record = factories.interaction(msl)
    for user in (msl, other_msl, field_manager, compliance, medinfo, insights_lead, admin_user):
        assert policy.can(user, "view", record), user.username
    readers = {msl, field_manager, compliance, admin_user}
    for user in (msl, other_msl, field_manager, compliance, medinfo, insights_lead, admin_user):
        assert policy.can(user, "read", record) == (user in readers), user.username
    assert not policy.can(outsider, "view", record)
    assert set(policy.scope(other_msl, "read", Interaction)) == set()


@override_settings(LIAISON_INTERACTION_EDIT_DAYS=7)
def test_author_edits_within_the_window_then_amends(msl: User, admin_user: User) -> None:
    fresh = factories.interaction(msl)
    eight_days_ago = timezone.now() - dt.timedelta(days=8)
    old = factories.interaction(msl, occurred_at=eight_days_ago, created_at=eight_days_ago)
    assert policy.can(msl, "change", fresh) and not policy.can(msl, "amend", fresh)
    assert not policy.can(msl, "change", old) and policy.can(msl, "amend", old)
    assert not policy.can(admin_user, "change", fresh)
    assert policy.can(admin_user, "amend", fresh) and policy.can(admin_user, "delete", old)
    assert not policy.can(msl, "delete", fresh)


@override_settings(LIAISON_INTERACTION_EDIT_DAYS=30)
def test_the_window_is_configurable(msl: User) -> None:
    eight_days_ago = timezone.now() - dt.timedelta(days=8)
    old = factories.interaction(msl, occurred_at=eight_days_ago, created_at=eight_days_ago)
    assert policy.can(msl, "change", old)


def test_insights_are_seen_by_author_manager_and_reviewers(
    msl: User,
    other_msl: User,
    field_manager: User,
    insights_lead: User,
    compliance: User,
    medinfo: User,
) -> None:
    insight = factories.insight(msl)
    for user, sees in (
        (msl, True),
        (field_manager, True),
        (insights_lead, True),
        (compliance, True),
        (other_msl, False),
        (medinfo, False),
    ):
        assert policy.can(user, "view", insight) == sees, user.username
    assert policy.can(insights_lead, "review", insight)
    assert not policy.can(msl, "review", insight)
    assert not policy.can(field_manager, "review", insight)
    assert list(policy.scope(other_msl, "view", Insight)) == []


def test_themes_are_read_by_all_and_shaped_by_insights_leads(
    msl: User, insights_lead: User
) -> None:
    theme = Theme.objects.create(label="Access")
    assert policy.can(msl, "view", theme) and not policy.can(msl, "shape", theme)
    assert policy.can(insights_lead, "shape", theme)
    assert policy.can(insights_lead, "recompute", Theme)
    assert not policy.can(msl, "recompute", Theme)


def test_meetings_are_the_organizers_and_seen_by_their_manager(
    msl: User, other_msl: User, field_manager: User
) -> None:
    meeting = factories.meeting(msl)
    assert policy.can(msl, "change", meeting)
    assert policy.can(field_manager, "view", meeting)
    assert not policy.can(field_manager, "change", meeting)
    assert not policy.can(other_msl, "view", meeting)
    assert list(policy.scope(other_msl, "view", Meeting)) == []


def test_drafts_are_their_authors_alone(msl: User, admin_user: User) -> None:
    draft = InteractionDraft.objects.create(owner=msl, data={})
    assert policy.can(msl, "change", draft)
    assert not policy.can(admin_user, "view", draft)


def test_only_field_users_and_administrators_log_interactions(
    msl: User, field_manager: User, medinfo: User, admin_user: User
) -> None:
    assert policy.can(msl, "add", Interaction) and policy.can(field_manager, "add", Interaction)
    assert policy.can(admin_user, "add", Interaction)
    assert not policy.can(medinfo, "add", Interaction)
