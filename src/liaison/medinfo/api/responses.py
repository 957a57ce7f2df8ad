"""``/api/v1/medinfo/responses``: standard response documents and the versions of
standard and custom responses, with their review.

Medical information drafts documents and versions; a version is submitted, then
approved or rejected by another member of medical information or compliance with
an electronic signature: the password re-entered in the body (never logged, never
shown back; a wrong one is a 422 naming ``password``), the meaning, and the exact
text signed. Compliance reads everything; other roles see a custom response of an
inquiry they see, once approved.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.core.models import User
from liaison.directory.models import Product, TherapeuticArea
from liaison.lib.api import Id, Records, acting_user, by_codes, by_id, paginate
from liaison.medinfo import services
from liaison.medinfo.api.refusals import body_refusals
from liaison.medinfo.models import ResponseVersion, StandardResponse, VersionStatus
from liaison.medinfo.schemas.responses import (
    ResponseApproveIn,
    ResponseRejectIn,
    ResponseRetireIn,
    ResponseVersionIn,
    ResponseVersionOut,
    ResponseVersionPatchIn,
    StandardResponseIn,
    StandardResponseListQuery,
    StandardResponseOut,
    StandardResponsePageOut,
)
from liaison.medinfo.services import StandardResponseData, VersionData

router = Router(tags=["medical information"])
DOCUMENTS = Records(
    StandardResponse,
    related=("therapeutic_area", "created_by"),
    prefetched=("products", "versions"),
)
VERSIONS = Records(ResponseVersion, related=("standard", "inquiry", "author"))


def reader(request: HttpRequest) -> User:
    """The caller, when their role reads standard responses at all (403 otherwise)."""
    user = acting_user(request)
    if not policy.grants_any(user, "view", StandardResponse):
        raise PermissionDenied(
            "standard responses are read by medical information, compliance and administrators"
        )
    return user


def version_data(body: dict[str, Any]) -> VersionData:
    """The service's input from a version body (only the fields sent; references as
    plain ``citation``, ``pmid``, ``doi`` mappings, which the service checks)."""
    return cast(VersionData, dict(body))


@router.get(
    "",
    response=StandardResponsePageOut,
    summary="List standard responses",
    description=(
        "Standard response documents by code, each with its versions (newest first); `q` "
        "searches code and title, `product_id` keeps a product's, `sendable=true` those "
        "with an approved version not yet expired."
    ),
)
def list_standard_responses(
    request: HttpRequest, query: Query[StandardResponseListQuery]
) -> dict[str, Any]:
    user = reader(request)
    documents = policy.scope(user, "view", StandardResponse).select_related(
        "therapeutic_area", "created_by"
    )
    if query.q.strip():
        words = query.q.strip()
        documents = documents.filter(Q(code__icontains=words) | Q(title__icontains=words))
    if query.product_id is not None:
        documents = documents.filter(products=query.product_id)
    if query.sendable is not None:
        sendable = ResponseVersion.objects.filter(
            standard=OuterRef("pk"),
            status=VersionStatus.APPROVED,
            expires_on__gte=timezone.localdate(),
        )
        documents = documents.filter(Exists(sendable) if query.sendable else ~Exists(sendable))
    return paginate(documents.prefetch_related("products", "versions").order_by("code"), query)


@router.post(
    "",
    response={201: StandardResponseOut},
    summary="Create a standard response",
    description=(
        "A new document (`code`, `title`, `therapeutic_area` code, `product_ids`, "
        "`topics`); its text comes in versions. Medical information."
    ),
)
def create_standard_response(
    request: HttpRequest, payload: StandardResponseIn
) -> Status[StandardResponse]:
    user = DOCUMENTS.adding(request)
    with body_refusals():
        data = StandardResponseData(
            code=payload.code,
            title=payload.title,
            topics=list(payload.topics),
            products=[by_id(user, Product, pk, "product_ids") for pk in payload.product_ids],
        )
        if payload.therapeutic_area:
            area = by_codes(user, TherapeuticArea, [payload.therapeutic_area], "therapeutic_area")
            data["therapeutic_area"] = area[0] if area else None
        document = services.create_standard_response(actor=user, data=data)
    return DOCUMENTS.created(user, document)


@router.get(
    "/versions/{version_id}",
    response=ResponseVersionOut,
    summary="Get a response version",
    description=(
        "A version's text, references, status and expiry, the signatures of its review "
        "(printed name, date and time, meaning) and whether its text is still the text "
        "its approval signed."
    ),
)
def get_version(request: HttpRequest, version_id: Id) -> ResponseVersion:
    return VERSIONS.show(request, version_id)


@router.patch(
    "/versions/{version_id}",
    response=ResponseVersionOut,
    summary="Change a draft version",
    description="Title, body, references or expiry of a draft; only the fields sent change.",
)
def update_version(
    request: HttpRequest, version_id: Id, payload: ResponseVersionPatchIn
) -> ResponseVersion:
    user = acting_user(request)
    version = VERSIONS.load(user, "view", version_id)
    with body_refusals():
        services.update_version(
            actor=user, version=version, data=version_data(payload.dict(exclude_unset=True))
        )
    return VERSIONS.answer(user, version_id)


@router.post(
    "/versions/{version_id}/submit",
    response=ResponseVersionOut,
    summary="Submit a version for review",
    description="A draft goes to review: it can then only be approved or rejected.",
)
def submit_version(request: HttpRequest, version_id: Id) -> ResponseVersion:
    user = acting_user(request)
    version = VERSIONS.load(user, "view", version_id)
    services.submit_for_review(actor=user, version=version)
    return VERSIONS.answer(user, version_id)


@router.post(
    "/versions/{version_id}/approve",
    response=ResponseVersionOut,
    summary="Approve a version with your signature",
    description=(
        "Medical information or compliance, not the version's author: `password` (yours, "
        "entered again) signs the version's exact text with the meaning “approved”. It can "
        "then be sent until `expires_on` (the version's own unless given; after today). "
        "A wrong password is a 422 naming `password`; it is never logged."
    ),
)
def approve_version(
    request: HttpRequest, version_id: Id, payload: ResponseApproveIn
) -> ResponseVersion:
    user = acting_user(request)
    version = VERSIONS.load(user, "view", version_id)
    with body_refusals():
        services.approve_version(
            actor=user,
            version=version,
            password=payload.password.get_secret_value(),
            expires_on=payload.expires_on,
            comment=payload.comment,
        )
    return VERSIONS.answer(user, version_id)


@router.post(
    "/versions/{version_id}/reject",
    response=ResponseVersionOut,
    summary="Reject a version with your signature",
    description=(
        "Medical information or compliance, not the author, with a `reason`; `password` "
        "signs the rejection. Its author writes a new version."
    ),
)
def reject_version(
    request: HttpRequest, version_id: Id, payload: ResponseRejectIn
) -> ResponseVersion:
    user = acting_user(request)
    version = VERSIONS.load(user, "view", version_id)
    with body_refusals():
        services.reject_version(
            actor=user,
            version=version,
            password=payload.password.get_secret_value(),
            reason=payload.reason,
        )
    return VERSIONS.answer(user, version_id)


@router.post(
    "/versions/{version_id}/retire",
    response=ResponseVersionOut,
    summary="Retire a version",
    description="Medical information withdraws a version, with a `reason`: it is no longer sent.",
)
def retire_version(
    request: HttpRequest, version_id: Id, payload: ResponseRetireIn
) -> ResponseVersion:
    user = acting_user(request)
    version = VERSIONS.load(user, "view", version_id)
    with body_refusals():
        services.retire_version(actor=user, version=version, reason=payload.reason)
    return VERSIONS.answer(user, version_id)


@router.get(
    "/{response_id}",
    response=StandardResponseOut,
    summary="Get a standard response",
    description="One document with its products, topics and versions (newest first).",
)
def get_standard_response(request: HttpRequest, response_id: Id) -> StandardResponse:
    reader(request)
    return DOCUMENTS.show(request, response_id)


@router.post(
    "/{response_id}/versions",
    response={201: ResponseVersionOut},
    summary="Draft a new version",
    description=(
        "The next version of a document, as a draft: `body`, `references` (each a "
        "`citation` with its `pmid` or `doi`), `expires_on`; the title is the document's "
        "unless given."
    ),
)
def create_version(
    request: HttpRequest, response_id: Id, payload: ResponseVersionIn
) -> Status[ResponseVersion]:
    user = reader(request)
    document = DOCUMENTS.load(user, "change", response_id)
    body = payload.dict(exclude_unset=True)
    with body_refusals():
        version = services.new_response_version(
            actor=user, standard=document, data=version_data(body)
        )
    return VERSIONS.created(user, version)
