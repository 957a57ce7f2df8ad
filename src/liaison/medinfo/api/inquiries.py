"""``/api/v1/medinfo/inquiries``: the medical information queue with each inquiry's
clock, intake, one inquiry with its chain of custody, and the operations on it:
forward, assign, priority, close, cancel, follow-up, answer, custom response.

Handlers are thin: they load the inquiry through the access policy (unseen 404,
seen but not theirs to do 403), turn the body's ids, codes and usernames into
records, and call one service. Whether an inquiry is off-label is the service's
decision from the labels, never the body's; an off-label inquiry without the
unsolicited attestation is a 422 naming each missing field.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.models import Interaction
from liaison.lib.api import Id, Records, acting_user, by_codes, by_id, paginate, query_error
from liaison.medinfo import selectors, services
from liaison.medinfo.api.refusals import body_refusals
from liaison.medinfo.models import Answer, Inquiry, InquiryStatus, Priority, ResponseVersion
from liaison.medinfo.schemas.answers import InquiryAnswerOut
from liaison.medinfo.schemas.common import request_now
from liaison.medinfo.schemas.inquiries import (
    InquiryAnswerIn,
    InquiryAssignIn,
    InquiryCustomResponseIn,
    InquiryFollowUpIn,
    InquiryForwardIn,
    InquiryIn,
    InquiryListQuery,
    InquiryOut,
    InquiryPageOut,
    InquiryPriorityIn,
    InquiryReasonIn,
)
from liaison.medinfo.schemas.responses import ResponseVersionOut
from liaison.medinfo.services import InquiryData, ReferenceData

router = Router(tags=["medical information"])
INQUIRIES = Records(
    Inquiry,
    related=("requester_hcp", "product", "therapeutic_area", "assigned_to", "received_by"),
)
STATUSES = (*InquiryStatus.values, selectors.ALL)
#: ``assigned_to=me``: the caller.
ME = "me"


def user_named(username: str, field: str) -> User:
    """The active user ``username`` (a 422 naming ``field`` otherwise)."""
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise LiaisonError(f"{field}: no active user named {username!r}", field=field)
    return user


def inquiry_data(user: User, body: dict[str, Any]) -> InquiryData:
    """The service's input from an intake body (only the fields sent): ids and codes
    become records the caller may see."""
    values = dict(body)
    records = (
        ("interaction_id", "interaction", Interaction),
        ("requester_hcp_id", "requester_hcp", HCP),
        ("product_id", "product", Product),
    )
    for name, target, model in records:
        if name in values:
            pk = values.pop(name)
            values[target] = by_id(user, model, pk, name) if pk is not None else None
    if "therapeutic_area" in values:
        code = values.pop("therapeutic_area") or ""
        found = by_codes(user, TherapeuticArea, [code], "therapeutic_area") if code else []
        values["therapeutic_area"] = found[0] if found else None
    return cast(InquiryData, values)


@router.get(
    "",
    response=InquiryPageOut,
    summary="List inquiries",
    description=(
        "The medical information queue, soonest due first, each inquiry with its clock: "
        "the open ones unless `status` says otherwise (`all` for every status), filtered by "
        "`priority`, `product_id`, `breached` and `assigned_to` (a username, or `me`). An "
        "MSL sees the inquiries they took; a field manager their team's; medical "
        "information, pharmacovigilance and compliance every one."
    ),
)
def list_inquiries(request: HttpRequest, query: Query[InquiryListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    if query.status and query.status not in STATUSES:
        raise query_error("status", f"use one of {', '.join(STATUSES)}")
    if query.priority and query.priority not in Priority.values:
        raise query_error("priority", f"use one of {', '.join(Priority.values)}")
    product = None
    if query.product_id is not None:
        product = Product.objects.filter(pk=query.product_id).first()
        if product is None:
            raise query_error("product_id", f"no product with id {query.product_id}")
    assignee = None
    if query.assigned_to:
        assignee = (
            user
            if query.assigned_to == ME
            else User.objects.filter(username=query.assigned_to).first()
        )
        if assignee is None:
            raise query_error("assigned_to", f"no user named {query.assigned_to!r}")
    inquiries = selectors.queue_inquiries(
        user,
        status=query.status or None,
        priority=query.priority or None,
        product=product,
        breached=query.breached,
        assigned_to=assignee,
        now=request_now(request),
    )
    return paginate(inquiries, query)


@router.post(
    "",
    response={201: InquiryOut},
    summary="Take an inquiry",
    description=(
        "An MSL in the field (`interaction_id`: the requester defaults to its HCP and the "
        "time to its time; it goes to medical information at once unless `forward` is "
        "false) or medical information (`channel` phone, email, web, congress, letter). "
        "The requester is an HCP (`requester_hcp_id`) or a named person "
        "(`requester_name`, `requester_country`). Off-label is decided from the product's "
        "labels in the requester's country: then `unsolicited_requested_by`, "
        "`unsolicited_requested_at`, `unsolicited_how` and `unsolicited_words` are "
        "required, and a 422 names each one missing. The answer is due by priority, in "
        "business days of the requester's country, counted from the day it was received "
        "in `time_zone` (an IANA name; default: the interaction's, else the server's)."
    ),
)
def take_inquiry(request: HttpRequest, payload: InquiryIn) -> Status[Inquiry]:
    user = INQUIRIES.adding(request)
    body = payload.dict(exclude_unset=True)
    forward = bool(body.pop("forward", True))
    with body_refusals():
        inquiry = services.take_inquiry(actor=user, data=inquiry_data(user, body), forward=forward)
    return INQUIRIES.created(user, inquiry)


@router.get(
    "/{inquiry_id}",
    response=InquiryOut,
    summary="Get an inquiry",
    description=(
        "One inquiry: the question as asked, the requester, on- or off-label with the "
        "unsolicited attestation, the clock, the chain of custody, answers with their "
        "delivery, follow-up inquiries and custom responses."
    ),
)
def get_inquiry(request: HttpRequest, inquiry_id: Id) -> Inquiry:
    return INQUIRIES.show(request, inquiry_id)


@router.post(
    "/{inquiry_id}/forward",
    response=InquiryOut,
    summary="Forward an inquiry to medical information",
    description=(
        "The MSL who kept an inquiry (`forward` false at intake) hands it to medical "
        "information, or to one of them (`to_user`); the chain of custody gains a step."
    ),
)
def forward_inquiry(request: HttpRequest, inquiry_id: Id, payload: InquiryForwardIn) -> Inquiry:
    user = acting_user(request)
    inquiry = INQUIRIES.load(user, "view", inquiry_id)
    with body_refusals():
        to_user = user_named(payload.to_user, "to_user") if payload.to_user.strip() else None
        services.forward_inquiry(actor=user, inquiry=inquiry, to_user=to_user, note=payload.note)
    return INQUIRIES.answer(user, inquiry_id)


@router.post(
    "/{inquiry_id}/assign",
    response=InquiryOut,
    summary="Assign an inquiry",
    description="Medical information gives an open inquiry to one of them (`to_user`).",
)
def assign_inquiry(request: HttpRequest, inquiry_id: Id, payload: InquiryAssignIn) -> Inquiry:
    user = acting_user(request)
    inquiry = INQUIRIES.load(user, "work", inquiry_id)
    with body_refusals():
        to_user = user_named(payload.to_user, "to_user")
        services.assign_inquiry(actor=user, inquiry=inquiry, to_user=to_user, note=payload.note)
    return INQUIRIES.answer(user, inquiry_id)


@router.post(
    "/{inquiry_id}/priority",
    response=InquiryOut,
    summary="Change an inquiry's priority",
    description="Medical information, with a `reason`; the due day is computed again.",
)
def set_priority(request: HttpRequest, inquiry_id: Id, payload: InquiryPriorityIn) -> Inquiry:
    user = acting_user(request)
    inquiry = INQUIRIES.load(user, "work", inquiry_id)
    with body_refusals():
        services.set_priority(
            actor=user, inquiry=inquiry, priority=payload.priority, reason=payload.reason
        )
    return INQUIRIES.answer(user, inquiry_id)


@router.post(
    "/{inquiry_id}/close",
    response=InquiryOut,
    summary="Close an inquiry",
    description="Medical information closes an answered inquiry, or an open one with a `reason`.",
)
def close_inquiry(request: HttpRequest, inquiry_id: Id, payload: InquiryReasonIn) -> Inquiry:
    user = acting_user(request)
    inquiry = INQUIRIES.load(user, "work", inquiry_id)
    with body_refusals():
        services.close_inquiry(actor=user, inquiry=inquiry, reason=payload.reason)
    return INQUIRIES.answer(user, inquiry_id)


@router.post(
    "/{inquiry_id}/cancel",
    response=InquiryOut,
    summary="Cancel an inquiry",
    description=(
        "An open inquiry taken by mistake or withdrawn, with a `reason`: by its receiver "
        "while it is still with them, or by medical information."
    ),
)
def cancel_inquiry(request: HttpRequest, inquiry_id: Id, payload: InquiryReasonIn) -> Inquiry:
    user = acting_user(request)
    inquiry = INQUIRIES.load(user, "view", inquiry_id)
    with body_refusals():
        services.cancel_inquiry(actor=user, inquiry=inquiry, reason=payload.reason)
    return INQUIRIES.answer(user, inquiry_id)


@router.post(
    "/{inquiry_id}/follow-ups",
    response={201: InquiryOut},
    summary="Take a follow-up question",
    description=(
        "A new inquiry linked to this one (`parent_id`), with its requester, product, "
        "channel and priority unless the body says otherwise. An off-label follow-up is "
        "attested for itself."
    ),
)
def create_follow_up(
    request: HttpRequest, inquiry_id: Id, payload: InquiryFollowUpIn
) -> Status[Inquiry]:
    user = acting_user(request)
    parent = INQUIRIES.load(user, "view", inquiry_id)
    body = payload.dict(exclude_unset=True)
    forward = bool(body.pop("forward", True))
    question = str(body.pop("question"))
    with body_refusals():
        follow_up = services.create_follow_up_inquiry(
            actor=user,
            parent=parent,
            question=question,
            data=inquiry_data(user, body),
            forward=forward,
        )
    return INQUIRIES.created(user, follow_up)


@router.post(
    "/{inquiry_id}/answers",
    response={201: InquiryAnswerOut},
    summary="Answer an inquiry",
    description=(
        "Medical information sends an approved response version (`version_id`) whose "
        "approval has not expired and whose text is still the text signed; a custom "
        "response only to its own inquiry. The inquiry is then answered (its clock stops)."
    ),
)
def answer_inquiry(
    request: HttpRequest, inquiry_id: Id, payload: InquiryAnswerIn
) -> Status[Answer]:
    user = acting_user(request)
    inquiry = INQUIRIES.load(user, "work", inquiry_id)
    with body_refusals():
        version = by_id(user, ResponseVersion, payload.version_id, "version_id")
        answer = services.answer_inquiry(
            actor=user, inquiry=inquiry, version=version, cover_note=payload.cover_note
        )
    return Status(201, answer)


@router.post(
    "/{inquiry_id}/custom-responses",
    response={201: ResponseVersionOut},
    summary="Draft a custom response",
    description=(
        "A response written for this inquiry alone, as a draft; it is submitted and "
        "approved like a standard response's version (`/medinfo/responses/versions/...`)."
    ),
)
def draft_custom_response(
    request: HttpRequest, inquiry_id: Id, payload: InquiryCustomResponseIn
) -> Status[ResponseVersion]:
    user = acting_user(request)
    inquiry = INQUIRIES.load(user, "work", inquiry_id)
    with body_refusals():
        version = services.draft_custom_response(
            actor=user,
            inquiry=inquiry,
            title=payload.title,
            body=payload.body,
            references=cast(
                list[ReferenceData], [reference.dict() for reference in payload.references]
            ),
            expires_on=payload.expires_on,
        )
    return Status(201, version)
