"""Medical information's API operations in the authorization matrix (see
``liaison.core.tests.authorization``).

Alice (``msl``) took two inquiries: one she kept (``received``) and one with medical
information (``forwarded``), answered with an approved standard response. Who sees
an inquiry: its receiver, her manager, medical information, pharmacovigilance,
compliance and administrators (the other MSL and the insights lead get 404). Its
receiver forwards what she kept; medical information works the queue (assign,
priority, answer, close, delivery); standard responses are medical information's,
read by compliance, whose signature approves what medical information wrote.
The records are made when a route asks (each role's request is rolled back).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.core.tests.authorization import API_READ, ApiCase, Route, World, api_map
from liaison.medinfo import services
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

#: The password every user of the matrix's world has.
PASSWORD = "not used"
API = "/api/v1/medinfo"

# Alice's inquiries: who sees them, who may forward what she kept, who works them.
SEERS = api_map(
    "404", msl="200", manager="200", medinfo="200", pv="200", compliance="200", admin="200"
)
FOLLOW_UP_TAKERS = {**SEERS, **{role: "201" for role, got in SEERS.items() if got == "200"}}
FORWARDER = {**SEERS, **{role: "403" for role, got in SEERS.items() if got == "200"}, "msl": "200"}
WORKERS = {**SEERS, **{role: "403" for role, got in SEERS.items() if got == "200"}}
WORKERS.update(medinfo="200", admin="200")
WORKER_CREATES = {**WORKERS, "medinfo": "201", "admin": "201"}
# Standard responses: medical information writes, compliance reads, no one else.
DOCUMENT_READERS = api_map("403", medinfo="200", compliance="200", admin="200")
DOCUMENT_WRITERS = api_map("403", medinfo="201", admin="201")
VERSION_READERS = api_map("404", medinfo="200", compliance="200", admin="200")
VERSION_EDITORS = api_map("404", medinfo="200", compliance="403", admin="200")
# Medical information wrote the draft: its author alone changes and submits it (four eyes).
DRAFT_AUTHOR = api_map("404", medinfo="200", compliance="403", admin="403")
# Medical information wrote the version in review: compliance (or an administrator) signs.
REVIEWERS = api_map("404", medinfo="403", compliance="200", admin="200")
REPORT_READERS = api_map("403", manager="200", medinfo="200", compliance="200", admin="200")


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


def kept(world: World) -> Inquiry:
    """Alice's inquiry, still with her."""
    return _inquiry(world, "MI-API-KEPT", InquiryStatus.RECEIVED)


def forwarded(world: World) -> Inquiry:
    """Alice's inquiry, with medical information."""
    return _inquiry(world, "MI-API-FORWARDED", InquiryStatus.FORWARDED)


def document(world: World) -> StandardResponse:
    return StandardResponse.objects.get_or_create(
        code="SRD-API-1",
        defaults={"title": "Use in the elderly", "created_by": world.users["medinfo"]},
    )[0]


def _version(world: World, number: int, body: str, status: str) -> ResponseVersion:
    return ResponseVersion.objects.get_or_create(
        standard=document(world),
        number=number,
        defaults={
            "title": "Use in the elderly",
            "body": body,
            "references": [{"citation": "Weber A. Elderly. Lancet. 2024;1:1-9.", "pmid": "123"}],
            "status": status,
            "expires_on": timezone.localdate() + dt.timedelta(days=365),
            "author": world.users["medinfo"],
        },
    )[0]


def draft(world: World) -> ResponseVersion:
    return _version(world, 1, "A draft.", VersionStatus.DRAFT)


def in_review(world: World) -> ResponseVersion:
    return _version(world, 2, "In review.", VersionStatus.IN_REVIEW)


def approved(world: World) -> ResponseVersion:
    """A version signed by compliance (only the approval service signs)."""
    version = _version(world, 3, "Approved.", VersionStatus.IN_REVIEW)
    if version.status == VersionStatus.IN_REVIEW:
        services.approve_version(
            actor=world.users["compliance"], version=version, password=PASSWORD
        )
    return version


def custom(world: World) -> ResponseVersion:
    """An approved custom response to alice's forwarded inquiry (seen with it)."""
    inquiry = forwarded(world)
    version = inquiry.custom_responses.first()
    if version is None:
        version = ResponseVersion.objects.create(
            inquiry=inquiry,
            title="For Dr Weber",
            body="Custom.",
            author=world.users["medinfo"],
            status=VersionStatus.IN_REVIEW,
            expires_on=timezone.localdate() + dt.timedelta(days=90),
        )
        services.approve_version(
            actor=world.users["compliance"], version=version, password=PASSWORD
        )
    return version


def answer(world: World) -> Answer:
    inquiry = forwarded(world)
    found = inquiry.answers.first()
    if found is not None:
        return found
    return Answer.objects.create(
        inquiry=inquiry, version=approved(world), prepared_by=world.users["medinfo"]
    )


def new_inquiry(world: World) -> dict[str, Any]:
    return {
        "channel": "phone",
        "requester_name": "Dr Anna Weber",
        "requester_country": "DE",
        "question": "Which dose was studied in patients over 80?",
    }


def kept_id(world: World) -> dict[str, Any]:
    return {"inquiry_id": kept(world).pk}


def forwarded_id(world: World) -> dict[str, Any]:
    return {"inquiry_id": forwarded(world).pk}


def answer_id(world: World) -> dict[str, Any]:
    return {"answer_id": answer(world).pk}


def reason(world: World) -> dict[str, Any]:
    return {"reason": "withdrawn by the requester"}


API_ROUTES: dict[str, Route] = {
    f"GET {API}/inquiries": Route(API_READ),
    f"POST {API}/inquiries": Route(api_map("201"), data=new_inquiry),
    f"GET {API}/inquiries/{{inquiry_id}}": Route(SEERS, kwargs=kept_id),
    f"POST {API}/inquiries/{{inquiry_id}}/forward": Route(
        FORWARDER, kwargs=kept_id, data=lambda w: {"note": "for medical information"}
    ),
    f"POST {API}/inquiries/{{inquiry_id}}/assign": Route(
        WORKERS, kwargs=forwarded_id, data=lambda w: {"to_user": "medinfo"}
    ),
    f"POST {API}/inquiries/{{inquiry_id}}/priority": Route(
        WORKERS, kwargs=forwarded_id, data=lambda w: {"priority": "urgent", "reason": "a patient"}
    ),
    f"POST {API}/inquiries/{{inquiry_id}}/close": Route(WORKERS, kwargs=forwarded_id, data=reason),
    f"POST {API}/inquiries/{{inquiry_id}}/cancel": Route(WORKERS, kwargs=forwarded_id, data=reason),
    f"POST {API}/inquiries/{{inquiry_id}}/follow-ups": Route(
        FOLLOW_UP_TAKERS, kwargs=kept_id, data=lambda w: {"question": "And in renal impairment?"}
    ),
    f"POST {API}/inquiries/{{inquiry_id}}/answers": Route(
        WORKER_CREATES, kwargs=forwarded_id, data=lambda w: {"version_id": approved(w).pk}
    ),
    f"POST {API}/inquiries/{{inquiry_id}}/custom-responses": Route(
        WORKER_CREATES,
        kwargs=forwarded_id,
        data=lambda w: {"title": "For Dr Weber", "body": "The data in patients over 80 ..."},
    ),
    f"GET {API}/answers/{{answer_id}}": Route(SEERS, kwargs=answer_id),
    f"POST {API}/answers/{{answer_id}}/delivery": Route(
        WORKERS, kwargs=answer_id, data=lambda w: {"method": "email"}
    ),
    f"GET {API}/answers/{{answer_id}}/letter": Route(SEERS, kwargs=answer_id),
    f"GET {API}/answers/{{answer_id}}/references.ris": Route(SEERS, kwargs=answer_id),
    f"GET {API}/responses": Route(DOCUMENT_READERS),
    f"POST {API}/responses": Route(
        DOCUMENT_WRITERS, data=lambda w: {"code": "SRD-API-NEW", "title": "Renal impairment"}
    ),
    f"GET {API}/responses/{{response_id}}": Route(
        DOCUMENT_READERS, kwargs=lambda w: {"response_id": document(w).pk}
    ),
    f"POST {API}/responses/{{response_id}}/versions": Route(
        DOCUMENT_WRITERS,
        kwargs=lambda w: {"response_id": document(w).pk},
        data=lambda w: {"body": "Version text.", "expires_on": "2099-01-01"},
    ),
    f"GET {API}/responses/versions/{{version_id}}": Route(
        VERSION_READERS, kwargs=lambda w: {"version_id": draft(w).pk}
    ),
    f"PATCH {API}/responses/versions/{{version_id}}": Route(
        DRAFT_AUTHOR,
        kwargs=lambda w: {"version_id": draft(w).pk},
        data=lambda w: {"body": "A better draft."},
    ),
    f"POST {API}/responses/versions/{{version_id}}/submit": Route(
        DRAFT_AUTHOR, kwargs=lambda w: {"version_id": draft(w).pk}
    ),
    f"POST {API}/responses/versions/{{version_id}}/approve": Route(
        REVIEWERS,
        kwargs=lambda w: {"version_id": in_review(w).pk},
        data=lambda w: {"password": PASSWORD},
    ),
    f"POST {API}/responses/versions/{{version_id}}/reject": Route(
        REVIEWERS,
        kwargs=lambda w: {"version_id": in_review(w).pk},
        data=lambda w: {"password": PASSWORD, "reason": "the dose table is outdated"},
    ),
    f"POST {API}/responses/versions/{{version_id}}/retire": Route(
        VERSION_EDITORS, kwargs=lambda w: {"version_id": approved(w).pk}, data=reason
    ),
    f"GET {API}/reports/turnaround": Route(REPORT_READERS),
}

WEB_ROUTES: dict[str, Route] = {}

API_TERRITORY_CASES: list[ApiCase] = [
    ApiCase(
        f"POST {API}/inquiries/{{inquiry_id}}/cancel",
        "an inquiry still with alice: she cancels it, as medical information may",
        Route(
            {**WORKERS, "msl": "200"},
            kwargs=kept_id,
            data=reason,
        ),
    ),
    ApiCase(
        f"GET {API}/responses/versions/{{version_id}}",
        "an approved custom response is seen with its inquiry",
        Route(SEERS, kwargs=lambda w: {"version_id": custom(w).pk}),
    ),
    ApiCase(
        f"GET {API}/inquiries/{{inquiry_id}}",
        "an inquiry the other MSL took: alice and her manager do not see it",
        Route(
            api_map("404", other_msl="200", medinfo="200", pv="200", compliance="200", admin="200"),
            kwargs=lambda w: {"inquiry_id": _others(w).pk},
        ),
    ),
]


def _others(world: World) -> Inquiry:
    inquiry, _ = Inquiry.objects.get_or_create(
        reference="MI-API-OTHER",
        defaults={
            "channel": InquiryChannel.FIELD,
            "received_by": world.users["other_msl"],
            "requester_name": "Dr John Miller",
            "requester_country": "US",
            "question": "Is there data in adolescents?",
            "due_on": timezone.localdate() + dt.timedelta(days=5),
        },
    )
    return inquiry
