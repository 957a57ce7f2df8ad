"""The API of meetings (`/api/v1/meetings`): list, plan, read, change or cancel.

Same policy as the web: a meeting is its organizer's; the manager of the
organizer's team and administrators see it (unseen: 404; seen, not theirs to
change: 403). Handlers turn ids and PMIDs into records and the body into
:class:`~liaison.engagement.services.data.MeetingData`, and call one service.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.core import policy
from liaison.core.api_refusals import Unprocessable, body_refusals
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement import selectors
from liaison.engagement.models import Meeting, MeetingStatus
from liaison.engagement.schemas.meetings import (
    MeetingCreateIn,
    MeetingListQuery,
    MeetingOut,
    MeetingPageOut,
    MeetingPatchIn,
)
from liaison.engagement.services import meetings as services
from liaison.engagement.services.data import MeetingData
from liaison.lib.api import Id, Records, acting_user, by_id, paginate, query_error
from liaison.literature.models import Publication

router = Router(tags=["meetings"])
#: The service's field names as the body names them.
BODY_NAMES = {"hcps": "hcp_ids", "pre_reads": "pre_read_pmids"}
MEETINGS = Records(Meeting, related=("organizer", "interaction"), prefetched=("hcps", "pre_reads"))


def publications(user: User, pmids: list[int], field: str) -> list[Publication]:
    """The library's publications of ``pmids``, in order; the first unknown is named."""
    wanted = list(dict.fromkeys(pmids))
    found = {
        pub.pmid: pub for pub in policy.scope(user, "view", Publication).filter(pmid__in=wanted)
    }
    for pmid in wanted:
        if pmid not in found:
            raise LiaisonError(f"{field}: PMID {pmid} is not in the library", field=field)
    return [found[pmid] for pmid in wanted]


def meeting_data(user: User, body: dict[str, Any]) -> MeetingData:
    """The service's data from a create or patch body: ids and PMIDs to records."""
    values = {key: value for key, value in body.items() if key not in ("reason", "status")}
    if "hcp_ids" in values:
        values["hcps"] = [by_id(user, HCP, pk, "hcp_ids") for pk in values.pop("hcp_ids")]
    if "pre_read_pmids" in values:
        values["pre_reads"] = publications(user, values.pop("pre_read_pmids"), "pre_read_pmids")
    # The body's fields are MeetingData's keys once ids are records.
    return cast(MeetingData, values)


@router.get(
    "",
    response=MeetingPageOut,
    summary="List meetings",
    description=(
        "Your meetings (`scope=mine`) or every meeting you see (`scope=team`: a manager's "
        "team's), upcoming ones soonest first (`when=upcoming`), past ones latest first "
        "(`when=past`) or all (`when=all`)."
    ),
)
def list_meetings(request: HttpRequest, query: Query[MeetingListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    if query.when not in selectors.MEETING_WHEN:
        raise query_error("when", f"use one of {', '.join(selectors.MEETING_WHEN)}")
    if query.scope not in selectors.SCOPES:
        raise query_error("scope", f"use one of {', '.join(selectors.SCOPES)}")
    meetings = selectors.meeting_queryset(user, when=query.when, scope=query.scope)
    return paginate(meetings.select_related("interaction").prefetch_related("pre_reads"), query)


@router.post(
    "",
    response={201: MeetingOut},
    summary="Plan a meeting",
    description=(
        "Plans a meeting organized by you. It ends after it starts (`ends_at`), `time_zone` "
        "is an IANA name, it has at least one attendee (`hcp_ids` or `other_attendees`) and "
        "`meeting_link`, if any, is https. Refusals name the field."
    ),
)
def create_meeting(request: HttpRequest, payload: MeetingCreateIn) -> Status[Meeting]:
    user = MEETINGS.adding(request)
    with body_refusals(BODY_NAMES):
        data = meeting_data(user, payload.dict())
        meeting = services.create_meeting(actor=user, data=data)
    return MEETINGS.created(user, meeting)


@router.get(
    "/{meeting_id}",
    response=MeetingOut,
    summary="Get a meeting",
    description="One meeting with its attendees, agenda and pre-reads.",
)
def get_meeting(request: HttpRequest, meeting_id: Id) -> Meeting:
    return MEETINGS.show(request, meeting_id)


@router.patch(
    "/{meeting_id}",
    response=MeetingOut,
    summary="Change or cancel a meeting",
    description=(
        "Changes only the fields sent (lists are replaced whole) and raises the meeting's "
        '`sequence`, so subscribed calendars update it. `"status": "cancelled"` cancels '
        "it: it stays in the calendar feed, shown as cancelled. The organizer's (or an "
        "administrator's); their manager reads it only (403)."
    ),
)
def update_meeting(request: HttpRequest, meeting_id: Id, payload: MeetingPatchIn) -> Meeting:
    user = acting_user(request)
    meeting = MEETINGS.load(user, "change", meeting_id)
    body = payload.dict(exclude_unset=True)
    status = body.get("status")
    if status is not None and status != MeetingStatus.CANCELLED:
        raise Unprocessable(
            "status: only “cancelled” can be set (a meeting is logged through its interaction)",
            field="status",
        )
    with body_refusals(BODY_NAMES), transaction.atomic():
        data = meeting_data(user, body)
        if data:
            services.update_meeting(actor=user, meeting=meeting, data=data, reason=payload.reason)
        if status == MeetingStatus.CANCELLED and meeting.status != MeetingStatus.CANCELLED:
            services.cancel_meeting(actor=user, meeting=meeting, reason=payload.reason)
    return MEETINGS.answer(user, meeting_id)
