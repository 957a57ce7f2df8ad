"""Engagement's records in the policy's world (``tests/test_policy_agreement.py``):
interactions of alice (fresh and past the edit window) and of the other MSL,
their insights with a comment, meetings, follow-ups, plans, drafts, calendar
feeds and a theme."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.core.tests.authorization import World
from liaison.engagement.models import CalendarFeed, InsightComment, InteractionDraft, Theme
from liaison.engagement.tests import factories


def build(world: World) -> None:
    users = world.users
    alice, other = users["msl"], users["other_msl"]
    hcp = factories.an_hcp("Engel")
    long_ago = timezone.now() - dt.timedelta(days=60)
    fresh = factories.interaction(alice, [hcp])
    old = factories.interaction(alice, [hcp], occurred_at=long_ago, created_at=long_ago)
    theirs = factories.interaction(other, [factories.an_hcp("Lee", country="US")])
    theme = Theme.objects.create(label="Elderly data")
    for interaction in (fresh, old, theirs):
        insight = factories.insight(interaction.msl, interaction=interaction, theme=theme)
        InsightComment.objects.create(insight=insight, author=interaction.msl, text="Noted")
    factories.insight(users["manager"])
    for user in (alice, other, users["manager"]):
        factories.meeting(user)
        factories.follow_up(user, hcp=hcp)
        factories.plan(user, [(hcp, "1")])
        InteractionDraft.objects.create(owner=user, data={"notes": "half"})
        CalendarFeed.objects.create(user=user)
    factories.strategic_question()
