"""Engagement records for tests, written directly (services are tested on their own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.directory.tests import factories as directory
from liaison.engagement.models import (
    Channel,
    EngagementPlan,
    FollowUp,
    Insight,
    InsightCategory,
    Interaction,
    InteractionKind,
    Meeting,
    PlanTarget,
    StrategicQuestion,
)


def category(code: str = "unmet_medical_need") -> InsightCategory:
    """A seeded category (the migration seeds eight; a live-server test's flush removes
    them, so it is made again there)."""
    found, _ = InsightCategory.objects.get_or_create(
        code=code, defaults={"name": code.replace("_", " ").capitalize()}
    )
    return found


def an_hcp(family_name: str = "Weber", **values: Any) -> HCP:
    values.setdefault("country", "DE")
    return directory.hcp(family_name, **values)


def interaction(msl: User, hcps: list[HCP] | None = None, **values: Any) -> Interaction:
    values.setdefault("occurred_at", timezone.now() - dt.timedelta(hours=2))
    values.setdefault("time_zone", "Europe/Berlin")
    values.setdefault("channel", Channel.IN_PERSON)
    values.setdefault("kind", InteractionKind.ONE_TO_ONE)
    values.setdefault("notes", "Discussed the phase 3 data.")
    created_at = values.pop("created_at", None)
    record = Interaction.objects.create(msl=msl, **values)
    if created_at is not None:
        Interaction.objects.filter(pk=record.pk).update(created_at=created_at)
        record.refresh_from_db()
    record.hcps.set(hcps if hcps is not None else [an_hcp()])
    return record


def insight(msl: User, **values: Any) -> Insight:
    values.setdefault("statement", "Clinicians want data in elderly patients.")
    values.setdefault("category", category())
    return Insight.objects.create(msl=msl, **values)


def meeting(organizer: User, **values: Any) -> Meeting:
    starts = values.pop("starts_at", timezone.now() + dt.timedelta(days=1))
    values.setdefault("title", "Visit")
    values.setdefault("time_zone", "Europe/Berlin")
    values.setdefault("ends_at", starts + dt.timedelta(hours=1))
    return Meeting.objects.create(organizer=organizer, starts_at=starts, **values)


def follow_up(owner: User, **values: Any) -> FollowUp:
    values.setdefault("description", "Send the poster")
    values.setdefault("due", timezone.localdate() + dt.timedelta(days=7))
    return FollowUp.objects.create(owner=owner, **values)


def strategic_question(**values: Any) -> StrategicQuestion:
    values.setdefault("therapeutic_area", directory.therapeutic_area())
    values.setdefault("text", "What limits first-line use in elderly patients?")
    values.setdefault("period_start", dt.date(2026, 1, 1))
    values.setdefault("period_end", dt.date(2026, 12, 31))
    return StrategicQuestion.objects.create(**values)


def plan(msl: User, targets: list[tuple[HCP, str]] = (), **values: Any) -> EngagementPlan:  # type: ignore[assignment]
    values.setdefault("name", "2026 plan")
    values.setdefault("period_start", dt.date(2026, 1, 1))
    values.setdefault("period_end", dt.date(2026, 12, 31))
    record = EngagementPlan.objects.create(msl=msl, **values)
    for hcp, tier in targets:
        PlanTarget.objects.create(plan=record, hcp=hcp, tier=tier)
    return record
