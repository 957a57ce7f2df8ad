"""The API of follow-ups (`/api/v1/follow-ups`): list, create, read, change,
complete (``{"done": true}``) or reopen.

Same policy as the web: a follow-up is its owner's; the manager of the owner's
team, compliance and administrators see it (unseen: 404; seen, not theirs to
change: 403).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from liaison.core.api_refusals import body_refusals
from liaison.directory.models import HCP
from liaison.engagement import selectors
from liaison.engagement.models import FollowUp, Interaction
from liaison.engagement.schemas.follow_ups import (
    FollowUpCreateIn,
    FollowUpListQuery,
    FollowUpOut,
    FollowUpPageOut,
    FollowUpPatchIn,
)
from liaison.engagement.services import follow_ups as services
from liaison.engagement.services.data import FollowUpData
from liaison.lib.api import Id, Records, acting_user, by_id, paginate, query_error

router = Router(tags=["follow-ups"])
#: The service's field names as the body names them.
BODY_NAMES = {"hcp": "hcp_id", "interaction": "interaction_id"}
FOLLOW_UPS = Records(FollowUp, related=("owner", "hcp"))


@router.get(
    "",
    response=FollowUpPageOut,
    summary="List follow-ups",
    description=(
        "Your follow-ups (`scope=mine`) or every one you see (`scope=team`), open ones "
        "first, soonest due first; `status` open, done or all; `overdue=true` keeps the "
        "open ones past their due date."
    ),
)
def list_follow_ups(request: HttpRequest, query: Query[FollowUpListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    if query.status not in selectors.FOLLOW_UP_STATUS:
        raise query_error("status", f"use one of {', '.join(selectors.FOLLOW_UP_STATUS)}")
    if query.scope not in selectors.SCOPES:
        raise query_error("scope", f"use one of {', '.join(selectors.SCOPES)}")
    follow_ups = selectors.follow_up_queryset(user, status=query.status, scope=query.scope)
    if query.overdue:
        follow_ups = follow_ups.filter(done_at__isnull=True, due__lt=timezone.localdate())
    return paginate(follow_ups, query)


@router.post(
    "",
    response={201: FollowUpOut},
    summary="Create a follow-up",
    description=(
        "Records something you promised, by `due`; of an interaction (`interaction_id`, "
        "yours), it is due on or after the interaction's day."
    ),
)
def create_follow_up(request: HttpRequest, payload: FollowUpCreateIn) -> Status[FollowUp]:
    user = FOLLOW_UPS.adding(request)
    with body_refusals(BODY_NAMES):
        data = FollowUpData(description=payload.description, due=payload.due)
        if payload.hcp_id is not None:
            data["hcp"] = by_id(user, HCP, payload.hcp_id, "hcp_id")
        if payload.interaction_id is not None:
            data["interaction"] = by_id(user, Interaction, payload.interaction_id, "interaction_id")
        follow_up = services.create_follow_up(actor=user, data=data)
    return FOLLOW_UPS.created(user, follow_up)


@router.get(
    "/{follow_up_id}",
    response=FollowUpOut,
    summary="Get a follow-up",
    description="One follow-up: what was promised, to whom, by when, done or not.",
)
def get_follow_up(request: HttpRequest, follow_up_id: Id) -> FollowUp:
    return FOLLOW_UPS.show(request, follow_up_id)


@router.patch(
    "/{follow_up_id}",
    response=FollowUpOut,
    summary="Change, complete or reopen a follow-up",
    description=(
        'Changes only the fields sent. `"done": true` marks it done now, `false` opens it '
        "again. The owner's (or an administrator's); their manager and compliance read only "
        "(403)."
    ),
)
def update_follow_up(request: HttpRequest, follow_up_id: Id, payload: FollowUpPatchIn) -> FollowUp:
    user = acting_user(request)
    follow_up = FOLLOW_UPS.load(user, "change", follow_up_id)
    body = payload.dict(exclude_unset=True)
    with body_refusals(BODY_NAMES), transaction.atomic():
        data = FollowUpData()
        if "description" in body:
            data["description"] = body["description"]
        if "due" in body:
            data["due"] = body["due"]
        if "hcp_id" in body:
            hcp_id = body["hcp_id"]
            data["hcp"] = by_id(user, HCP, hcp_id, "hcp_id") if hcp_id is not None else None
        if data:
            services.update_follow_up(
                actor=user, follow_up=follow_up, data=data, reason=payload.reason
            )
        if body.get("done") is True:
            services.complete_follow_up(actor=user, follow_up=follow_up)
        elif body.get("done") is False:
            services.reopen_follow_up(actor=user, follow_up=follow_up)
    return FOLLOW_UPS.answer(user, follow_up_id)
