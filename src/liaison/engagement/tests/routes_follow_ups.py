"""The authorization matrix's entries for follow-ups (see ``matrix.py``): alice's
follow-up, seen by her manager, compliance and administrators, changed (done,
reopened, edited) by alice and administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import (
    API_READ,
    EVERYONE,
    ApiCase,
    Route,
    World,
    api_map,
    outcome_map,
)
from liaison.directory.tests.matrix import DirectoryRecords
from liaison.engagement.models import FollowUp


def a_follow_up(world: World) -> dict[str, Any]:
    follow_up, _ = FollowUp.objects.get_or_create(
        description="Matrix follow-up",
        defaults={
            "owner": world.users["msl"],
            "due": timezone.localdate() + dt.timedelta(days=5),
            "hcp": world.get(DirectoryRecords).hcp,
        },
    )
    return {"pk": follow_up.pk}


def follow_up_id(world: World) -> dict[str, Any]:
    return {"follow_up_id": a_follow_up(world)["pk"]}


FOLLOW_UP_CHANGED = outcome_map("404", msl="ok", manager="403", compliance="403", admin="ok")

WEB_ROUTES: dict[str, Route] = {
    "engagement:follow-up-list": Route(EVERYONE),
    "engagement:follow-up-done": Route(FOLLOW_UP_CHANGED, method="post", kwargs=a_follow_up),
    "engagement:follow-up-reopen": Route(FOLLOW_UP_CHANGED, method="post", kwargs=a_follow_up),
    "engagement:follow-up-edit": Route(FOLLOW_UP_CHANGED, kwargs=a_follow_up),
}

API_ROUTES: dict[str, Route] = {
    "GET /api/v1/follow-ups": Route(API_READ),
    "POST /api/v1/follow-ups": Route(
        api_map("403", msl="201", other_msl="201", manager="201", admin="201"),
        data=lambda w: {
            "description": "Send the poster",
            "due": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
            "hcp_id": w.get(DirectoryRecords).hcp.pk,
        },
    ),
    "GET /api/v1/follow-ups/{follow_up_id}": Route(
        api_map("404", msl="200", manager="200", compliance="200", admin="200"),
        kwargs=follow_up_id,
    ),
    "PATCH /api/v1/follow-ups/{follow_up_id}": Route(
        api_map("404", msl="200", manager="403", compliance="403", admin="200"),
        kwargs=follow_up_id,
        data=lambda w: {"done": True},
    ),
}

API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        "PATCH /api/v1/follow-ups/{follow_up_id}",
        "a new due date is a change: the owner's, not the readers'",
        Route(
            api_map("404", msl="200", manager="403", compliance="403", admin="200"),
            kwargs=follow_up_id,
            data=lambda w: {"due": (timezone.localdate() + dt.timedelta(days=9)).isoformat()},
        ),
    ),
]
