"""Pages of response documents: the standard responses, one document with its
versions (status, expiry, each signature's manifestation and whether the text
shown is still the text signed), a version's page, drafting and editing a
version, submitting it for review, the review itself with an electronic
signature (password and meaning: approved or rejected), and retiring.

A custom response (written for one inquiry) has the same version pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import policy, signatures
from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.models import SignatureMeaning, User
from liaison.lib.forms import add_liaison_error
from liaison.medinfo import forms, services
from liaison.medinfo.letters.content import BlockKind, body_blocks
from liaison.medinfo.models import ResponseVersion, StandardResponse, VersionStatus
from liaison.medinfo.services.responses import canonical_content, signature_holds
from liaison.medinfo.views.common import run_form, shown_zone

REVIEW_MEANINGS = (SignatureMeaning.APPROVED, SignatureMeaning.REJECTED)


def _require_reader(user: User) -> None:
    if not policy.grants_any(user, "view", StandardResponse):
        raise PermissionDenied(
            "standard responses are the documents of medical information and compliance"
        )


def signed(version: ResponseVersion) -> list[dict[str, Any]]:
    """Each signature of ``version`` and whether the text shown is the text it signed."""
    content = canonical_content(version)
    return [
        {"signature": signature, "verified": signatures.verify(signature, content)}
        for signature in signatures.signatures_for(version)
    ]


def blocks(text: str) -> list[dict[str, Any]]:
    """The body as the letter lays it out: headings, paragraphs and lists of bullets."""
    shown: list[dict[str, Any]] = []
    for block in body_blocks(text):
        if block.kind is BlockKind.BULLET:
            if shown and shown[-1]["kind"] == "bullets":
                shown[-1]["items"].append(block.text)
            else:
                shown.append({"kind": "bullets", "items": [block.text]})
        else:
            shown.append({"kind": block.kind.value, "text": block.text})
    return shown


# --- standard responses ------------------------------------------------------------


@require_GET
@member_view
def response_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reader(request.user)
    documents = (
        policy.scope(request.user, "view", StandardResponse)
        .select_related("therapeutic_area")
        .prefetch_related("products", "versions")
    )
    rows = []
    for document in documents:
        versions = list(document.versions.all())
        current = next((v for v in versions if v.status == VersionStatus.APPROVED), None)
        rows.append({"document": document, "current": current, "latest": versions[:1]})
    context = {"rows": rows, "can_add": policy.can(request.user, "add", StandardResponse)}
    return render(request, "medinfo/response_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def response_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", StandardResponse)
    form = forms.StandardResponseForm(request.POST or None)
    created: list[StandardResponse] = []
    if request.method == "POST" and run_form(
        form,
        lambda _data: created.append(
            services.create_standard_response(actor=request.user, data=form.data_for_service())
        ),
    ):
        messages.success(request, "Standard response created: write its first version.")
        return redirect("medinfo:version-create", pk=created[0].pk)
    status = 422 if form.errors else 200
    return render(request, "medinfo/response_form.html", {"form": form}, status=status)


@require_GET
@member_view
def response_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = policy.get_for(
        request.user,
        "view",
        StandardResponse.objects.select_related("therapeutic_area", "created_by"),
        pk=pk,
    )
    versions = list(document.versions.select_related("author"))
    context = {
        "document": document,
        "versions": [{"version": v, "signatures": signed(v)} for v in versions],
        "can_change": policy.can(request.user, "change", document),
    }
    return render(request, "medinfo/response_detail.html", context)


# --- versions ----------------------------------------------------------------------


def _load_version(request: AuthenticatedHttpRequest, pk: int, action: str) -> ResponseVersion:
    queryset = ResponseVersion.objects.select_related("standard", "inquiry", "author")
    return policy.get_for(request.user, action, queryset, pk=pk)


def _owner_url(version: ResponseVersion) -> str:
    if version.standard is not None:
        return reverse("medinfo:response-detail", args=[version.standard.pk])
    assert version.inquiry is not None
    return reverse("medinfo:inquiry-detail", args=[version.inquiry.pk])


def _may_retire(user: User, version: ResponseVersion) -> bool:
    if version.status == VersionStatus.RETIRED:
        return False
    if version.standard is not None:
        return policy.can(user, "change", version.standard)
    return version.inquiry is not None and policy.can(user, "work", version.inquiry)


@require_http_methods(["GET", "POST"])
@member_view
def version_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = policy.get_for(request.user, "change", StandardResponse, pk=pk)
    latest = document.versions.first()
    initial = forms.VersionForm.initial_for(latest) if latest is not None else {}
    initial.pop("expires_on", None)
    form = forms.VersionForm(request.POST or None, initial=initial)
    drafted: list[ResponseVersion] = []
    if request.method == "POST" and run_form(
        form,
        lambda _data: drafted.append(
            services.new_response_version(
                actor=request.user, standard=document, data=form.data_for_service()
            )
        ),
    ):
        messages.success(request, f"Version {drafted[0].number} drafted.")
        return redirect("medinfo:version-detail", pk=drafted[0].pk)
    context = {
        "form": form,
        "document": document,
        "title": f"New version of {document.code}",
        "button": "Save the draft",
        "back": reverse("medinfo:response-detail", args=[document.pk]),
        "intro": "Starts from the latest version's text." if latest is not None else "",
    }
    return render(request, "medinfo/version_form.html", context, status=422 if form.errors else 200)


@require_GET
@member_view
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _load_version(request, pk, "view")
    user = request.user
    context = {
        "version": version,
        "blocks": blocks(version.body),
        "signatures": signed(version),
        "holds": signature_holds(version) if version.status == VersionStatus.APPROVED else None,
        "owner_url": _owner_url(version),
        "can_change": policy.can(user, "change", version),
        "can_review": policy.can(user, "approve", version),
        "can_retire": _may_retire(user, version),
        "time_zone": shown_zone(request),
    }
    return render(request, "medinfo/version_detail.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def version_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _load_version(request, pk, "change")
    form = forms.VersionForm(request.POST or None, initial=forms.VersionForm.initial_for(version))
    if request.method == "POST" and run_form(
        form,
        lambda _data: services.update_version(
            actor=request.user, version=version, data=form.data_for_service()
        ),
    ):
        messages.success(request, "Draft saved.")
        return redirect("medinfo:version-detail", pk=version.pk)
    context = {
        "form": form,
        "version": version,
        "title": f"Edit the draft: {version}",
        "button": "Save the draft",
        "back": reverse("medinfo:version-detail", args=[version.pk]),
    }
    return render(request, "medinfo/version_form.html", context, status=422 if form.errors else 200)


@require_POST
@member_view
def version_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _load_version(request, pk, "change")
    services.submit_for_review(actor=request.user, version=version)
    messages.success(request, "Submitted for review: another reviewer approves or rejects it.")
    return redirect("medinfo:version-detail", pk=version.pk)


def _review(
    user: User,
    version: ResponseVersion,
    review: forms.ReviewForm,
    signature: signatures.SignatureForm,
) -> bool:
    """Approve or reject as the signer's chosen meaning says; the reasons beside the fields."""
    if not (review.is_valid() and signature.is_valid()):
        return False
    data = signature.cleaned_data
    try:
        if data["meaning"] == SignatureMeaning.APPROVED:
            services.approve_version(
                actor=user,
                version=version,
                password=data["password"],
                expires_on=review.cleaned_data.get("expires_on"),
                comment=data["comment"],
            )
        else:
            services.reject_version(
                actor=user, version=version, password=data["password"], reason=data["comment"]
            )
    except (NotFound, PermissionDenied):
        raise
    except LiaisonError as error:
        for field, reason in error.details.items():
            said = reason.removeprefix(f"{field}: ")
            if field in review.fields:
                review.add_error(field, said)
            else:
                name = "comment" if field == "reason" else field
                add_liaison_error(signature, LiaisonError(said, details={name: said}))
        if not error.details:
            signature.add_error(None, error.message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@member_view
def version_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _load_version(request, pk, "approve")
    data = request.POST if request.method == "POST" else None
    review = forms.ReviewForm(data, initial={"expires_on": version.expires_on})
    signature = signatures.SignatureForm(data, meanings=REVIEW_MEANINGS)
    if data is not None and _review(request.user, version, review, signature):
        version.refresh_from_db()
        messages.success(request, f"Version {version.get_status_display().lower()}, signed.")
        return redirect("medinfo:version-detail", pk=version.pk)
    context = {
        "version": version,
        "blocks": blocks(version.body),
        "review_form": review,
        "form": signature,
    }
    failed = bool(review.errors or signature.errors)
    return render(request, "medinfo/version_review.html", context, status=422 if failed else 200)


@require_http_methods(["GET", "POST"])
@member_view
def version_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _load_version(request, pk, "view")
    if not _may_retire(request.user, version):
        raise PermissionDenied("you may not retire this version")
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and run_form(
        form,
        lambda data: services.retire_version(
            actor=request.user, version=version, reason=data["reason"]
        ),
    ):
        messages.success(request, "Version retired: it can no longer be sent.")
        return redirect("medinfo:version-detail", pk=version.pk)
    context = {
        "form": form,
        "title": f"Retire {version}",
        "button": "Retire",
        "intro": "A retired version is no longer sent. Say why.",
        "back": reverse("medinfo:version-detail", args=[version.pk]),
    }
    return render(request, "medinfo/action.html", context, status=422 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("responses/", response_list, name="response-list"),
    path("responses/new/", response_create, name="response-create"),
    path("responses/<int:pk>/", response_detail, name="response-detail"),
    path("responses/<int:pk>/versions/new/", version_create, name="version-create"),
    path("versions/<int:pk>/", version_detail, name="version-detail"),
    path("versions/<int:pk>/edit/", version_edit, name="version-edit"),
    path("versions/<int:pk>/submit/", version_submit, name="version-submit"),
    path("versions/<int:pk>/review/", version_review, name="version-review"),
    path("versions/<int:pk>/retire/", version_retire, name="version-retire"),
]
