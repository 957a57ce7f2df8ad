"""The authorization matrix's entries for the interactions API (see ``matrix.py``):
every member sees that alice's interaction happened; field users and
administrators log interactions; alice changes hers within the edit window and
amends it (with a reason) after, administrators amend any."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import API_READ, ApiCase, Route, World, api_map
from liaison.directory.tests.matrix import DirectoryRecords
from liaison.engagement.models import Channel, Interaction, InteractionKind


def _interaction(world: World, notes: str, age: dt.timedelta) -> dict[str, Any]:
    record, created = Interaction.objects.get_or_create(
        notes=notes,
        defaults={
            "msl": world.users["msl"],
            "occurred_at": timezone.now() - age - dt.timedelta(hours=1),
            "time_zone": "Europe/Berlin",
            "channel": Channel.IN_PERSON,
            "kind": InteractionKind.ONE_TO_ONE,
        },
    )
    if created:
        Interaction.objects.filter(pk=record.pk).update(created_at=timezone.now() - age)
        record.hcps.add(world.get(DirectoryRecords).hcp)
    return {"interaction_id": record.pk}


def an_interaction(world: World) -> dict[str, Any]:
    """Alice's interaction, logged now: in its edit window."""
    return _interaction(world, "Matrix interaction", dt.timedelta(0))


def an_old_interaction(world: World) -> dict[str, Any]:
    """Alice's interaction of a month ago: past its edit window."""
    return _interaction(world, "Matrix interaction of last month", dt.timedelta(days=30))


def new_interaction(world: World) -> dict[str, Any]:
    return {
        "hcp_ids": [world.get(DirectoryRecords).hcp.pk],
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "channel": "in_person",
        "kind": "one_to_one",
        "notes": "Matrix visit",
        "insights": [{"statement": "Matrix insight", "category": "unmet_medical_need"}],
        "follow_ups": [{"description": "Send the poster", "due": timezone.localdate().isoformat()}],
    }


def a_change(world: World) -> dict[str, Any]:
    return {"outcome": "Changed by the matrix", "reason": "authorization matrix"}


# Field users and administrators log; the others are refused.
LOGGERS = api_map("403", msl="201", other_msl="201", manager="201", admin="201")
# Alice changes (in the window) or amends (after it) her own; administrators amend any.
CHANGERS = api_map("403", msl="200", admin="200")

API_ROUTES: dict[str, Route] = {
    "GET /api/v1/interactions": Route(API_READ),
    "POST /api/v1/interactions": Route(LOGGERS, method="post", data=new_interaction),
    "GET /api/v1/interactions/{interaction_id}": Route(API_READ, kwargs=an_interaction),
    "PATCH /api/v1/interactions/{interaction_id}": Route(
        CHANGERS, method="patch", kwargs=an_interaction, data=a_change
    ),
}

WEB_ROUTES: dict[str, Route] = {}

API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        "PATCH /api/v1/interactions/{interaction_id}",
        "past the edit window: alice amends her own with a reason, administrators any",
        Route(CHANGERS, method="patch", kwargs=an_old_interaction, data=a_change),
    ),
    ApiCase(
        "GET /api/v1/interactions/{interaction_id}",
        "an interaction past its window is still seen by every member",
        Route(API_READ, kwargs=an_old_interaction),
    ),
]
