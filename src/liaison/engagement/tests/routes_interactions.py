"""The authorization matrix's entries for interactions (see ``matrix.py``): alice's
interaction within its edit window and alice's draft, made when a route asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import (
    ADMIN_ONLY,
    EVERYONE,
    FIELD_ADDERS,
    ApiCase,
    Route,
    World,
    outcome_map,
)
from liaison.directory.models import HCP
from liaison.engagement.models import Interaction, InteractionDraft


def an_hcp() -> HCP:
    hcp, _ = HCP.objects.get_or_create(
        family_name="Matrixmann", given_name="Ina", defaults={"country": "DE"}
    )
    return hcp


def an_interaction(world: World) -> dict[str, Any]:
    alice = world.users["msl"]
    record = Interaction.objects.filter(msl=alice, notes="Matrix interaction").first()
    if record is None:
        record = Interaction.objects.create(
            msl=alice,
            occurred_at=timezone.now() - dt.timedelta(hours=3),
            time_zone="Europe/Berlin",
            channel="in_person",
            kind="one_to_one",
            notes="Matrix interaction",
        )
        record.hcps.set([an_hcp()])
    return {"pk": record.pk}


def a_draft(world: World) -> dict[str, Any]:
    draft, _ = InteractionDraft.objects.get_or_create(
        owner=world.users["msl"], data={"notes": "Matrix draft"}
    )
    return {"pk": draft.pk}


# Alice changes her interaction in its edit window; an administrator amends any.
AUTHOR_OR_ADMIN = outcome_map("403", msl="ok", admin="ok")
# A draft is its owner's alone, administrators included.
DRAFT_OWNER = outcome_map("404", msl="ok")

WEB_ROUTES: dict[str, Route] = {
    "engagement:interaction-list": Route(EVERYONE),
    "engagement:interaction-create": Route(FIELD_ADDERS),
    "engagement:interaction-detail": Route(EVERYONE, kwargs=an_interaction),
    "engagement:interaction-edit": Route(AUTHOR_OR_ADMIN, kwargs=an_interaction),
    "engagement:interaction-delete": Route(ADMIN_ONLY, kwargs=an_interaction),
    "engagement:draft-list": Route(EVERYONE),
    "engagement:interaction-draft-save": Route(
        FIELD_ADDERS, method="post", data=lambda w: {"notes": "typed"}
    ),
    "engagement:draft-delete": Route(DRAFT_OWNER, method="post", kwargs=a_draft),
    "engagement:interaction-off-label": Route(EVERYONE, query="products=1&hcps=1"),
    "engagement:pick-hcps": Route(EVERYONE, query="q=matrix"),
    "engagement:pick-products": Route(EVERYONE, query="q=onco"),
    "engagement:pick-publications": Route(EVERYONE, query="q=1234"),
    "engagement:pick-trials": Route(EVERYONE, query="q=NCT0"),
}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
