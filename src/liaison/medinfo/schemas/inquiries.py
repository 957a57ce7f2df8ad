"""API schemas of inquiries: the queue's rows with their clock, one inquiry with its
chain of custody, answers and attestation, and the bodies of intake and hand-off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from liaison.core import policy
from liaison.lib.api import Id, InputSchema, PageQuery, acting_user
from liaison.medinfo import selectors, turnaround
from liaison.medinfo.models import Answer, Handoff, Inquiry, ResponseVersion
from liaison.medinfo.schemas.answers import InquiryAnswerOut
from liaison.medinfo.schemas.common import (
    ZONE_HELP,
    InquiryClockOut,
    LocalMoment,
    clock_out,
    context_now,
)
from liaison.medinfo.schemas.responses import ResponseReferenceIn

# --- answers ---------------------------------------------------------------------------


class InquiryRequesterOut(Schema):
    hcp_id: int | None = Field(description="the HCP of the directory who asked, if one did")
    name: str
    organization: str
    country: str


class InquiryProductOut(Schema):
    id: int
    name: str


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _request_user(context: Any) -> Any:
    request: HttpRequest = context["request"]
    return acting_user(request)


def _requester(obj: Inquiry) -> dict[str, Any]:
    return {
        "hcp_id": obj.requester_hcp_id,
        "name": obj.requester_name,
        "organization": obj.requester_organization,
        "country": obj.requester_country,
    }


class InquiryBaseOut(Schema):
    """What the queue's row and the inquiry's page both show."""

    id: int
    reference: str
    status: str
    channel: str
    received_at: dt.datetime
    time_zone: str = Field(
        description="IANA time zone where it was taken: its days are counted there"
    )
    received_by: str
    product: InquiryProductOut | None
    off_label: bool
    priority: str
    due_on: dt.date
    assigned_to: str | None
    clock: InquiryClockOut

    @staticmethod
    def resolve_time_zone(obj: Inquiry) -> str:
        return turnaround.zone_of(obj).key

    @staticmethod
    def resolve_received_by(obj: Inquiry) -> str:
        return obj.received_by.get_username()

    @staticmethod
    def resolve_assigned_to(obj: Inquiry) -> str | None:
        return _username(obj.assigned_to)

    @staticmethod
    def resolve_product(obj: Inquiry) -> dict[str, Any] | None:
        return {"id": obj.product.pk, "name": obj.product.name} if obj.product else None

    @staticmethod
    def resolve_clock(obj: Inquiry, context: Any) -> dict[str, object]:
        return clock_out(turnaround.clock(obj), turnaround.today_of(obj, context_now(context)))


class InquiryRowOut(InquiryBaseOut):
    """An inquiry as the queue lists it."""

    requester: InquiryRequesterOut

    @staticmethod
    def resolve_requester(obj: Inquiry) -> dict[str, Any]:
        return _requester(obj)


class InquiryPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[InquiryRowOut]


class InquiryContactOut(InquiryRequesterOut):
    email: str
    phone: str
    address: str


class InquiryAttestationOut(Schema):
    """That the question was unsolicited: who asked, when, how, in their words."""

    requested_by: str
    requested_at: dt.datetime | None
    how: str
    words: str


class InquiryHandoffOut(Schema):
    at: dt.datetime
    from_user: str
    to_user: str | None
    to_team: str
    note: str

    @staticmethod
    def resolve_from_user(obj: Handoff) -> str:
        return obj.from_user.get_username()

    @staticmethod
    def resolve_to_user(obj: Handoff) -> str | None:
        return _username(obj.to_user)


class InquiryLinkOut(Schema):
    id: int
    reference: str
    status: str


class InquiryCustomResponseOut(Schema):
    id: int
    number: int
    title: str
    status: str
    expires_on: dt.date | None


class InquiryOut(InquiryBaseOut):
    """One inquiry: the queue's row with the question, the requester's contact, the
    attestation of an off-label question, the chain of custody, answers, follow-ups and
    custom responses (those the caller may see)."""

    requester: InquiryContactOut
    question: str
    indication: str
    therapeutic_area: str | None = Field(description="the therapeutic area's code")
    topic: str
    delivery_method: str
    signature_copy: bool
    off_label_reason: str
    attestation: InquiryAttestationOut | None = Field(description="null for an on-label question")
    interaction_id: int | None
    parent_id: int | None = Field(description="the inquiry this one follows up")
    forwarded_at: dt.datetime | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    handoffs: list[InquiryHandoffOut] = Field(description="the chain of custody, oldest first")
    answers: list[InquiryAnswerOut]
    follow_ups: list[InquiryLinkOut]
    custom_responses: list[InquiryCustomResponseOut]

    @staticmethod
    def resolve_requester(obj: Inquiry) -> dict[str, Any]:
        return {
            **_requester(obj),
            "email": obj.requester_email,
            "phone": obj.requester_phone,
            "address": obj.requester_address,
        }

    @staticmethod
    def resolve_therapeutic_area(obj: Inquiry) -> str | None:
        return obj.therapeutic_area.code if obj.therapeutic_area else None

    @staticmethod
    def resolve_attestation(obj: Inquiry) -> dict[str, Any] | None:
        if not obj.off_label:
            return None
        return {
            "requested_by": obj.unsolicited_requested_by,
            "requested_at": obj.unsolicited_requested_at,
            "how": obj.unsolicited_how,
            "words": obj.unsolicited_words,
        }

    @staticmethod
    def resolve_handoffs(obj: Inquiry, context: Any) -> list[Handoff]:
        return list(selectors.chain_of_custody(_request_user(context), obj))

    @staticmethod
    def resolve_answers(obj: Inquiry, context: Any) -> list[Answer]:
        answers = policy.scope(_request_user(context), "view", Answer).filter(inquiry=obj)
        return list(answers.select_related("version__standard", "prepared_by", "delivered_by"))

    @staticmethod
    def resolve_follow_ups(obj: Inquiry, context: Any) -> list[Inquiry]:
        return list(policy.scope(_request_user(context), "view", Inquiry).filter(parent=obj))

    @staticmethod
    def resolve_custom_responses(obj: Inquiry, context: Any) -> list[ResponseVersion]:
        versions = policy.scope(_request_user(context), "view", ResponseVersion)
        return list(versions.filter(inquiry=obj).order_by("number"))


# --- queries and bodies ------------------------------------------------------------


class InquiryListQuery(PageQuery):
    status: str = Field(
        "",
        description="received, forwarded, in_progress, answered, closed, cancelled or all; "
        "empty: the open ones",
    )
    priority: str = Field("", description="urgent, high, normal or low")
    product_id: Id | None = None
    breached: bool | None = Field(None, description="true: breached only; false: the others")
    assigned_to: str = Field("", description="a username, or “me”")


class InquiryIn(InputSchema):
    """Who asked what, about which product, how it came in and how to answer. Fields
    left out take the service's defaults: an MSL's channel is ``field``; the requester
    of an inquiry from an interaction is its HCP; it is received now (or at the
    interaction's time)."""

    channel: str = Field("", description="field, phone, email, web, congress or letter")
    received_at: LocalMoment | None = Field(
        None, description="ISO 8601; without an offset, read in `time_zone`"
    )
    time_zone: str = Field("", max_length=64, description=ZONE_HELP)
    interaction_id: Id | None = Field(None, description="the interaction it was asked in")
    requester_hcp_id: Id | None = Field(None, description="an HCP of the directory")
    requester_name: str = Field("", max_length=200, description="another person who asked")
    requester_organization: str = Field("", max_length=300)
    requester_email: str = Field("", max_length=254)
    requester_phone: str = Field("", max_length=40)
    requester_address: str = Field("", max_length=2000)
    requester_country: str = Field("", max_length=100, description="ISO 3166-1 alpha-2")
    question: str = Field(max_length=20000, description="the question as it was asked")
    product_id: Id | None = None
    indication: str = Field(
        "",
        max_length=300,
        description="the use asked about; with a product, it or therapeutic_area is required",
    )
    therapeutic_area: str | None = Field(None, max_length=100, description="its code")
    topic: str = Field("", max_length=120)
    delivery_method: str = Field("", description="email, post, phone, in_person or fax")
    signature_copy: bool = False
    unsolicited_requested_by: str = Field("", max_length=200)
    unsolicited_requested_at: LocalMoment | None = None
    unsolicited_how: str = Field("", max_length=300)
    unsolicited_words: str = Field("", max_length=20000)
    priority: str = Field("", description="urgent, high, normal (the default) or low")
    forward: bool = Field(
        True, description="an MSL's inquiry goes to medical information at once unless false"
    )


class InquiryFollowUpIn(InquiryIn):
    """A follow-up question: the parent's requester, product, channel and priority
    unless the body says otherwise."""


class InquiryForwardIn(InputSchema):
    to_user: str = Field("", max_length=150, description="one of medical information, by username")
    note: str = Field("", max_length=2000)


class InquiryAssignIn(InputSchema):
    to_user: str = Field(max_length=150, description="one of medical information, by username")
    note: str = Field("", max_length=2000)


class InquiryPriorityIn(InputSchema):
    priority: str = Field(description="urgent, high, normal or low")
    reason: str = Field(max_length=2000)


class InquiryReasonIn(InputSchema):
    reason: str = Field("", max_length=2000)


class InquiryAnswerIn(InputSchema):
    version_id: Id = Field(description="an approved, unexpired response version")
    cover_note: str = Field("", max_length=5000)


class InquiryCustomResponseIn(InputSchema):
    title: str = Field(max_length=250)
    body: str = Field(max_length=100000)
    references: list[ResponseReferenceIn] = Field(default_factory=list, max_length=200)
    expires_on: dt.date | None = None
