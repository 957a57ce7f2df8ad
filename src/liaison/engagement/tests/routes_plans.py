"""The authorization matrix's entries for engagement plans (see ``matrix.py``): alice's
plan (hers, her manager's and administrators'; unseen by others) with one target,
made when a route asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.core.tests.authorization import (
    EVERYONE,
    FIELD_ADDERS,
    ApiCase,
    Route,
    World,
    outcome_map,
)
from liaison.directory.models import HCP
from liaison.engagement.models import EngagementPlan, PlanTarget

#: Alice's plan: alice, her manager and administrators keep it; others do not see it.
PLAN_KEEPERS = outcome_map("404", msl="ok", manager="ok", admin="ok")


def _hcp(name: str) -> HCP:
    hcp, _ = HCP.objects.get_or_create(
        family_name=name, defaults={"given_name": "Matrix", "country": "DE"}
    )
    return hcp


def a_plan(world: World) -> dict[str, Any]:
    plan, _ = EngagementPlan.objects.get_or_create(
        name="Matrix plan",
        defaults={
            "msl": world.users["msl"],
            "period_start": dt.date(2026, 1, 1),
            "period_end": dt.date(2026, 12, 31),
        },
    )
    return {"pk": plan.pk}


def a_target(world: World) -> dict[str, Any]:
    target, _ = PlanTarget.objects.get_or_create(
        plan_id=a_plan(world)["pk"], hcp=_hcp("Planned"), defaults={"tier": "2"}
    )
    return {"pk": target.pk}


def new_target(world: World) -> dict[str, Any]:
    return {"hcp": _hcp(f"Target{PlanTarget.objects.count()}").pk, "tier": "1"}


WEB_ROUTES: dict[str, Route] = {
    "engagement:plan-list": Route(EVERYONE),
    "engagement:plan-create": Route(FIELD_ADDERS),
    "engagement:plan-detail": Route(PLAN_KEEPERS, kwargs=a_plan),
    "engagement:plan-edit": Route(PLAN_KEEPERS, kwargs=a_plan),
    "engagement:plan-delete": Route(PLAN_KEEPERS, kwargs=a_plan),
    "engagement:plan-target-add": Route(
        PLAN_KEEPERS, method="post", kwargs=a_plan, data=new_target
    ),
    "engagement:plan-target-tier": Route(
        PLAN_KEEPERS, method="post", kwargs=a_target, data=lambda w: {"tier": "1"}
    ),
    "engagement:plan-target-remove": Route(PLAN_KEEPERS, method="post", kwargs=a_target),
    # Everyone may ask; each sees the plans they may see (an MSL their own, a manager the team's).
    "engagement:coverage": Route(EVERYONE),
}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
