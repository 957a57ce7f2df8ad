"""Pages of answers: answer an inquiry with an approved response (standard, or a
custom one drafted here and approved like any version), download its letter as
DOCX or PDF and its references as RIS, and record its delivery.

Only what may be sent is offered (approved, unexpired, its signature still
verifying: ``services.answers.sendable_refusal``); the service checks again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.models import User
from liaison.medinfo import forms, services
from liaison.medinfo.models import (
    Answer,
    Inquiry,
    InquiryStatus,
    ResponseVersion,
    VersionStatus,
)
from liaison.medinfo.services.answers import letter_refusal, sendable_refusal
from liaison.medinfo.views.common import action_page, run_form

LETTER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
RIS_TYPE = "application/x-research-info-systems"


def _filed_under(version: ResponseVersion, inquiry: Inquiry) -> bool:
    """A custom response of ``inquiry``, or a standard one for its product or topic."""
    standard = version.standard
    if standard is None:
        return True
    topic = inquiry.topic.strip().casefold()
    return any(product.pk == inquiry.product_id for product in standard.products.all()) or (
        bool(topic) and topic in {str(item).casefold() for item in standard.topics}
    )


def sendable_versions(
    user: User, inquiry: Inquiry, today: dt.date
) -> tuple[list[ResponseVersion], bool]:
    """The versions ``user`` may send to ``inquiry`` on ``today``: its own custom
    responses and the standard responses filed under its product or topic (every
    standard one when none is); and whether some standard one was filed there."""
    candidates = list(
        policy.scope(user, "view", ResponseVersion)
        .filter(status=VersionStatus.APPROVED, expires_on__gte=today)
        .filter(Q(inquiry=inquiry) | Q(standard__isnull=False))
        .select_related("standard", "inquiry")
        .prefetch_related("standard__products")
        .order_by("standard__code", "-number")
    )
    filed = [version for version in candidates if _filed_under(version, inquiry)]
    any_filed = any(version.standard_id is not None for version in filed)
    offered = filed if any_filed else candidates
    return [v for v in offered if sendable_refusal(v, inquiry, today) is None], any_filed


def answer_context(user: User, inquiry: Inquiry, *, can_work: bool) -> dict[str, Any]:
    """The answers part of an inquiry's page: answers with their delivery, custom
    responses, and for medical information what may be sent."""
    answers = list(
        policy.scope(user, "view", Answer)
        .filter(inquiry=inquiry)
        .select_related("version", "version__standard", "prepared_by", "delivered_by")
    )
    today = timezone.localdate()
    context: dict[str, Any] = {
        "answers": [
            {
                "answer": answer,
                # The service refuses the letter and the delivery; the page says why at once.
                "held": letter_refusal(answer, today),
                "delivery_form": forms.DeliveryForm(
                    auto_id=f"delivery{answer.pk}_%s", initial={"method": inquiry.delivery_method}
                )
                if can_work and answer.delivered_at is None
                else None,
            }
            for answer in answers
        ],
        "custom_responses": policy.scope(user, "view", ResponseVersion).filter(inquiry=inquiry),
        "can_answer": False,
    }
    if can_work and inquiry.status not in (InquiryStatus.CLOSED, InquiryStatus.CANCELLED):
        versions, filed = sendable_versions(user, inquiry, today)
        choices = ResponseVersion.objects.filter(pk__in=[version.pk for version in versions])
        context.update(
            can_answer=True,
            answer_form=forms.AnswerForm(
                auto_id="answer_%s", versions=choices.select_related("standard")
            ),
            sendable=versions,
            filed=filed,
        )
    return context


def _back(inquiry: Inquiry) -> str:
    return reverse("medinfo:inquiry-detail", args=[inquiry.pk])


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inquiry = policy.get_for(request.user, "work", Inquiry, pk=pk)
    versions, _filed = sendable_versions(request.user, inquiry, timezone.localdate())
    choices = ResponseVersion.objects.filter(pk__in=[version.pk for version in versions])
    form = forms.AnswerForm(request.POST or None, versions=choices.select_related("standard"))
    return action_page(
        request,
        form,
        lambda data: services.answer_inquiry(
            actor=request.user,
            inquiry=inquiry,
            version=data["version"],
            cover_note=data["cover_note"],
        ),
        done=f"Inquiry {inquiry.reference} answered: download the letter and record its delivery.",
        back=_back(inquiry),
        context={
            "inquiry": inquiry,
            "title": "Answer with an approved response",
            "button": "Answer",
            "intro": "" if versions else "No approved, unexpired response can be sent yet.",
        },
    )


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_custom_response(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Draft a response written for this inquiry alone (reviewed and approved next)."""
    inquiry = policy.get_for(request.user, "work", Inquiry, pk=pk)
    form = forms.VersionForm(request.POST or None)
    drafted: list[ResponseVersion] = []

    def draft(_data: dict[str, Any]) -> None:
        values = form.data_for_service()
        drafted.append(
            services.draft_custom_response(
                actor=request.user,
                inquiry=inquiry,
                title=values.get("title", ""),
                body=values.get("body", ""),
                references=values.get("references"),
                expires_on=values.get("expires_on"),
            )
        )

    if request.method == "POST" and run_form(form, draft):
        return redirect("medinfo:version-detail", pk=drafted[0].pk)
    context = {
        "form": form,
        "inquiry": inquiry,
        "title": "Draft a custom response",
        "button": "Save the draft",
        "back": _back(inquiry),
        "intro": "A custom response is reviewed and approved with an electronic signature "
        "before it can be sent, like a standard response.",
    }
    return render(request, "medinfo/version_form.html", context, status=422 if form.errors else 200)


def _file(content: bytes | str, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@member_view
def answer_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The letter as DOCX (``?format=docx``, the default) or PDF (``?format=pdf``)."""
    answer = policy.get_for(
        request.user, "view", Answer.objects.select_related("inquiry", "version"), pk=pk
    )
    fmt = request.GET.get("format", "docx")
    if fmt not in LETTER_TYPES:
        raise LiaisonError(f"format: “{fmt[:20]}” is not a letter format; choose docx or pdf")
    content = services.render_letter(actor=request.user, answer=answer, fmt=fmt)
    return _file(content, f"{answer.inquiry.reference}-letter.{fmt}", LETTER_TYPES[fmt])


@require_GET
@member_view
def answer_references(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The answer's references as RIS, for the requester's reference manager."""
    answer = policy.get_for(
        request.user, "view", Answer.objects.select_related("inquiry", "version"), pk=pk
    )
    return _file(
        services.references_ris(answer), f"{answer.inquiry.reference}-references.ris", RIS_TYPE
    )


@require_http_methods(["GET", "POST"])
@member_view
def answer_deliver(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    answer = policy.get_for(request.user, "change", Answer.objects.select_related("inquiry"), pk=pk)
    inquiry = answer.inquiry
    form = forms.DeliveryForm(request.POST or None, initial={"method": inquiry.delivery_method})
    return action_page(
        request,
        form,
        lambda data: services.deliver_answer(
            actor=request.user,
            answer=answer,
            method=data["method"],
            delivered_at=data["delivered_at"],
            note=data["note"],
        ),
        done=f"Delivery of the answer to {inquiry.reference} recorded.",
        back=_back(inquiry),
        context={"inquiry": inquiry, "title": "Record the delivery", "button": "Record"},
    )


urlpatterns: list[URLPattern] = [
    path("inquiries/<int:pk>/answer/", inquiry_answer, name="inquiry-answer"),
    path(
        "inquiries/<int:pk>/custom-response/",
        inquiry_custom_response,
        name="inquiry-custom-response",
    ),
    path("answers/<int:pk>/letter/", answer_letter, name="answer-letter"),
    path("answers/<int:pk>/references.ris", answer_references, name="answer-references"),
    path("answers/<int:pk>/delivery/", answer_deliver, name="answer-deliver"),
]
