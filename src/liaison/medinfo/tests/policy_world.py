"""Medical information's records in the policy's world
(``tests/test_policy_agreement.py``): inquiries received by alice (one still with
her, one forwarded), by the other MSL and by medical information; a standard
response with a draft of medical information and one of an administrator (each
changed by its author alone), a version in review by medical information and an
approved one; a custom response; hand-offs and an answer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from liaison.core.models import User
from liaison.core.tests.authorization import World
from liaison.medinfo.models import (
    Answer,
    Handoff,
    Inquiry,
    InquiryChannel,
    InquiryStatus,
    ResponseVersion,
    StandardResponse,
    VersionStatus,
)


def _inquiry(receiver: User, **values: Any) -> Inquiry:
    values.setdefault("reference", f"MI-T-{uuid.uuid4().hex[:10]}")
    values.setdefault("channel", InquiryChannel.FIELD)
    values.setdefault("requester_name", "Dr Anna Weber")
    values.setdefault("requester_country", "DE")
    values.setdefault("question", "Is there data in patients over 80?")
    values.setdefault("due_on", timezone.localdate() + dt.timedelta(days=5))
    inquiry = Inquiry.objects.create(received_by=receiver, **values)
    Handoff.objects.create(inquiry=inquiry, from_user=receiver, to_team="medical information")
    return inquiry


def build(world: World) -> None:
    users = world.users
    alice, mia = users["msl"], users["medinfo"]
    _inquiry(alice, status=InquiryStatus.RECEIVED)
    forwarded = _inquiry(alice, status=InquiryStatus.FORWARDED)
    _inquiry(users["other_msl"], requester_country="US")
    _inquiry(mia, channel=InquiryChannel.PHONE)
    standard = StandardResponse.objects.create(
        code="SRD-T-1", title="Use in the elderly", created_by=mia
    )
    expiry = timezone.localdate() + dt.timedelta(days=365)
    ResponseVersion.objects.create(
        standard=standard, number=1, title="Elderly", body="Draft.", author=mia
    )
    ResponseVersion.objects.create(
        standard=standard, number=4, title="Elderly", body="Admin's draft.", author=users["admin"]
    )
    ResponseVersion.objects.create(
        standard=standard,
        number=2,
        title="Elderly",
        body="In review.",
        author=mia,
        status=VersionStatus.IN_REVIEW,
    )
    approved = ResponseVersion.objects.create(
        standard=standard,
        number=3,
        title="Elderly",
        body="Approved.",
        author=users["compliance"],
        status=VersionStatus.APPROVED,
        expires_on=expiry,
    )
    ResponseVersion.objects.create(
        inquiry=forwarded,
        title="Custom",
        body="Custom answer.",
        author=mia,
        status=VersionStatus.APPROVED,
        expires_on=expiry,
    )
    Answer.objects.create(inquiry=forwarded, version=approved, prepared_by=mia)
