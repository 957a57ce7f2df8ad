"""Medical information's web pages in the authorization matrix (see
``liaison.core.tests.authorization``).

Alice (``msl``) took two inquiries: one she kept (``received``) and one with medical
information (``forwarded``), answered with an approved standard response. Her
inquiries are seen by her, her manager, medical information, pharmacovigilance,
compliance and administrators (the other MSL and the insights lead get 404); she
forwards or cancels what she kept; medical information works the queue. Standard
responses are medical information's, read by compliance, whose signature reviews
what medical information wrote (never its own author). Every member takes
inquiries. The records are made when a route asks (each role's request is rolled
back); forms are requested with GET, so no role's request changes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import EVERYONE, ApiCase, Route, World, outcome_map
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

SEERS = outcome_map(
    "404", msl="ok", manager="ok", medinfo="ok", pv="ok", compliance="ok", admin="ok"
)
FORWARDER = outcome_map("404", msl="ok", manager="403", medinfo="403", pv="403")
FORWARDER.update(compliance="403", admin="403")
WORKERS = outcome_map("404", msl="403", manager="403", medinfo="ok", pv="403")
WORKERS.update(compliance="403", admin="ok")
CANCELLERS = {**WORKERS, "msl": "ok"}
DOCUMENT_READERS = outcome_map("403", medinfo="ok", compliance="ok", admin="ok")
DOCUMENT_WRITERS = outcome_map("403", medinfo="ok", admin="ok")
VERSION_READERS = outcome_map("404", medinfo="ok", compliance="ok", admin="ok")
VERSION_EDITORS = outcome_map("404", medinfo="ok", compliance="403", admin="ok")
# Medical information wrote the draft: its author alone changes and submits it (four eyes).
DRAFT_AUTHOR = outcome_map("404", medinfo="ok", compliance="403", admin="403")
# Medical information wrote the version in review: compliance (or an administrator) signs.
REVIEWERS = outcome_map("404", medinfo="403", compliance="ok", admin="ok")
REPORT_READERS = outcome_map("403", manager="ok", medinfo="ok", compliance="ok", admin="ok")


def _inquiry(world: World, reference: str, status: str) -> Inquiry:
    alice = world.users["msl"]
    inquiry, created = Inquiry.objects.get_or_create(
        reference=reference,
        defaults={
            "channel": InquiryChannel.FIELD,
            "received_by": alice,
            "requester_name": "Dr Anna Weber",
            "requester_country": "DE",
            "question": "Is there data on use in patients over 80?",
            "status": status,
            "due_on": timezone.localdate() + dt.timedelta(days=5),
        },
    )
    if created:
        Handoff.objects.create(inquiry=inquiry, from_user=alice, to_team="medical information")
    return inquiry


def kept(world: World) -> dict[str, Any]:
    """Alice's inquiry, still with her."""
    return {"pk": _inquiry(world, "MI-WEB-KEPT", InquiryStatus.RECEIVED).pk}


def forwarded(world: World) -> dict[str, Any]:
    """Alice's inquiry, with medical information."""
    return {"pk": _inquiry(world, "MI-WEB-FORWARDED", InquiryStatus.FORWARDED).pk}


def _document(world: World) -> StandardResponse:
    return StandardResponse.objects.get_or_create(
        code="SRD-WEB-1",
        defaults={"title": "Use in the elderly", "created_by": world.users["medinfo"]},
    )[0]


def _version(world: World, number: int, status: str) -> ResponseVersion:
    return ResponseVersion.objects.get_or_create(
        standard=_document(world),
        number=number,
        defaults={
            "title": "Use in the elderly",
            "body": "# Summary\nNo dose adjustment is needed.",
            "references": [{"citation": "Weber A. Elderly. Lancet. 2024;1:1-9.", "pmid": "123"}],
            "status": status,
            "expires_on": timezone.localdate() + dt.timedelta(days=365),
            "author": world.users["medinfo"],
        },
    )[0]


def document(world: World) -> dict[str, Any]:
    return {"pk": _document(world).pk}


def draft(world: World) -> dict[str, Any]:
    return {"pk": _version(world, 1, VersionStatus.DRAFT).pk}


def in_review(world: World) -> dict[str, Any]:
    return {"pk": _version(world, 2, VersionStatus.IN_REVIEW).pk}


def approved(world: World) -> dict[str, Any]:
    return {"pk": _version(world, 3, VersionStatus.APPROVED).pk}


def answer(world: World) -> dict[str, Any]:
    inquiry = Inquiry.objects.get(pk=forwarded(world)["pk"])
    found = inquiry.answers.first() or Answer.objects.create(
        inquiry=inquiry,
        version=_version(world, 3, VersionStatus.APPROVED),
        prepared_by=world.users["medinfo"],
    )
    return {"pk": found.pk}


WEB_ROUTES: dict[str, Route] = {
    "medinfo:inquiry-list": Route(EVERYONE),
    "medinfo:inquiry-create": Route(EVERYONE),
    "medinfo:inquiry-label": Route(EVERYONE, query="requester_country=DE"),
    "medinfo:inquiry-hcp-search": Route(EVERYONE, query="q=Weber"),
    "medinfo:inquiry-detail": Route(SEERS, kwargs=forwarded),
    "medinfo:inquiry-forward": Route(FORWARDER, kwargs=kept),
    "medinfo:inquiry-assign": Route(WORKERS, kwargs=forwarded),
    "medinfo:inquiry-priority": Route(WORKERS, kwargs=forwarded),
    "medinfo:inquiry-close": Route(WORKERS, kwargs=forwarded),
    "medinfo:inquiry-cancel": Route(CANCELLERS, kwargs=kept),
    "medinfo:inquiry-follow-up": Route(SEERS, kwargs=forwarded),
    "medinfo:inquiry-answer": Route(WORKERS, kwargs=forwarded),
    "medinfo:inquiry-custom-response": Route(WORKERS, kwargs=forwarded),
    "medinfo:answer-letter": Route(SEERS, kwargs=answer),
    "medinfo:answer-references": Route(SEERS, kwargs=answer),
    "medinfo:answer-deliver": Route(WORKERS, kwargs=answer),
    "medinfo:response-list": Route(DOCUMENT_READERS),
    "medinfo:response-create": Route(DOCUMENT_WRITERS),
    "medinfo:response-detail": Route(VERSION_READERS, kwargs=document),
    "medinfo:version-create": Route(VERSION_EDITORS, kwargs=document),
    "medinfo:version-detail": Route(VERSION_READERS, kwargs=draft),
    "medinfo:version-edit": Route(DRAFT_AUTHOR, kwargs=draft),
    "medinfo:version-submit": Route(DRAFT_AUTHOR, method="post", kwargs=draft),
    "medinfo:version-review": Route(REVIEWERS, kwargs=in_review),
    "medinfo:version-retire": Route(VERSION_EDITORS, kwargs=approved),
    "medinfo:turnaround": Route(REPORT_READERS),
}

API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
