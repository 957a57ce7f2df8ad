"""Pages of inquiries: the queue with its filters, clocks and headline counts; the
intake (from an interaction in one step, from an HCP, or by medical information)
with a live on- or off-label notice; an inquiry's page; and the hand-off steps
(forward, assign, priority, close, cancel, follow-up).

Reads go through ``selectors`` (the policy's querysets), writes through
``services``; the off-label decision is ``labelling``'s, shown as the user types.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    paginate,
    query_without,
    render_page_or_fragment,
)
from liaison.core.models import User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.interaction_selectors import pick_hcps
from liaison.engagement.models import Interaction
from liaison.lib import countries
from liaison.medinfo import forms, labelling, selectors, services
from liaison.medinfo.models import Inquiry, InquiryChannel, InquiryStatus, StandardResponse
from liaison.medinfo.policy import is_medical_information
from liaison.medinfo.views.answers import answer_context
from liaison.medinfo.views.common import action_page, remember_zone, run_form, shown_zone


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


# --- the queue ---------------------------------------------------------------------


def headline_counts(user: User, now: dt.datetime) -> dict[str, int]:
    """Open, breached (each inquiry on its local day), and answered this month (the
    server's): of the inquiries ``user`` sees, at ``now``."""
    today = timezone.localdate(now)
    every = selectors.queue_inquiries(user, status=selectors.ALL)
    return {
        "open": selectors.queue_inquiries(user).count(),
        "breached": selectors.open_breach_count(user, now),
        "answered": every.filter(answered_at__date__gte=today.replace(day=1)).count(),
    }


@require_GET
@member_view
def inquiry_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.filters()
    now = timezone.now()
    inquiries = selectors.queue_inquiries(
        request.user,
        status=filters.get("status"),
        priority=filters.get("priority"),
        product=filters.get("product"),
        breached=filters.get("breached"),
        assigned_to=request.user if filters.get("mine") else None,
        now=now,
    )
    page = paginate(request, inquiries, _page_size())
    context = {
        "form": form,
        "page_obj": page,
        "rows": [selectors.queue_row(inquiry, now) for inquiry in page.object_list],
        "counts": headline_counts(request.user, now),
        "page_query": query_without(request.GET, "page"),
        "can_add": policy.can(request.user, "add", Inquiry),
        "can_report": policy.can(request.user, "report", Inquiry),
        "reads_responses": policy.grants_any(request.user, "view", StandardResponse),
    }
    return render_page_or_fragment(request, "medinfo/inquiry_list.html", "results", context)


# --- intake ------------------------------------------------------------------------


def label_notice(
    product: Product | None,
    country: str,
    *,
    therapeutic_area: TherapeuticArea | None = None,
    indication: str = "",
) -> dict[str, Any] | None:
    """What the intake says about the label once a product and a country are known:
    first, when the use asked about is missing, that it is needed (the service
    refuses without it)."""
    if product is None or not country:
        return None
    decision = labelling.decide(
        product, country, therapeutic_area=therapeutic_area, indication=indication
    )
    return {
        "needs_use": labelling.use_missing(
            product, therapeutic_area=therapeutic_area, indication=indication
        ),
        "use_needed": labelling.USE_NEEDED,
        "off_label": decision.off_label,
        "country": countries.name(country) or country,
        "reason": decision.reason,
    }


def _intake_initial(request: AuthenticatedHttpRequest) -> tuple[dict[str, Any], list[HCP]]:
    """The form's first values: from ``?interaction=`` (its HCP, time, product,
    area: the MSL's one-step hand-off) or ``?hcp=``; and the HCPs to choose from."""
    initial: dict[str, Any] = {"forward": True}
    if not is_medical_information(request.user):
        initial["channel"] = InquiryChannel.FIELD
    interaction_id = request.GET.get("interaction", "")
    hcp_id = request.GET.get("hcp", "")
    candidates: list[HCP] = []
    if interaction_id:
        interaction = policy.get_for(request.user, "read", Interaction, pk=interaction_id)
        candidates = list(policy.scope(request.user, "view", HCP).filter(interactions=interaction))
        products = list(interaction.products.all()[:2])
        areas = list(interaction.therapeutic_areas.all()[:2])
        initial.update(
            interaction=interaction,
            channel=InquiryChannel.FIELD,
            received_at=interaction.occurred_at,
            product=products[0] if len(products) == 1 else None,
            therapeutic_area=areas[0] if len(areas) == 1 else None,
        )
    elif hcp_id:
        candidates = [policy.get_for(request.user, "view", HCP, pk=hcp_id)]
    if len(candidates) == 1:
        initial["requester_hcp"] = candidates[0]
    return initial, candidates


def _intake_context(
    request: AuthenticatedHttpRequest, form: forms.InquiryForm, candidates: list[HCP]
) -> dict[str, Any]:
    value = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    hcp = value.get("requester_hcp")
    country = hcp.country if isinstance(hcp, HCP) else str(value.get("requester_country") or "")
    if isinstance(hcp, HCP) and hcp not in candidates:
        candidates = [hcp, *candidates]
    return {
        "form": form,
        "candidates": candidates,
        "chosen_hcp": hcp.pk if isinstance(hcp, HCP) else None,
        "interaction": value.get("interaction"),
        "medical_information": is_medical_information(request.user),
        "notice": label_notice(
            value.get("product"),
            country,
            therapeutic_area=value.get("therapeutic_area"),
            indication=str(value.get("indication") or ""),
        ),
    }


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", Inquiry)
    hcps = policy.scope(request.user, "view", HCP)
    if request.method == "GET":
        initial, candidates = _intake_initial(request)
        interaction = initial.get("interaction")
        # From an interaction, its time is shown (and read back) in its own zone.
        zone = interaction.time_zone if isinstance(interaction, Interaction) else ""
        form = forms.InquiryForm(initial=initial, hcps=hcps, time_zone=zone)
        return render(
            request, "medinfo/inquiry_form.html", _intake_context(request, form, candidates)
        )
    form = forms.InquiryForm(request.POST, hcps=hcps)
    remember_zone(request, form)
    taken: list[Inquiry] = []

    def take(data: dict[str, Any]) -> None:
        taken.append(
            services.take_inquiry(
                actor=request.user, data=form.data_for_service(), forward=bool(data["forward"])
            )
        )

    if run_form(form, take):
        inquiry = taken[0]
        where = InquiryStatus(inquiry.status).label.lower()
        messages.success(request, f"Inquiry {inquiry.reference} taken: {where}.")
        return redirect("medinfo:inquiry-detail", pk=inquiry.pk)
    interaction = form.cleaned_data.get("interaction")
    candidates = (
        list(hcps.filter(interactions=interaction)) if isinstance(interaction, Interaction) else []
    )
    context = _intake_context(request, form, candidates)
    return render(request, "medinfo/inquiry_form.html", context, status=422)


@require_GET
@member_view
def inquiry_label(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The intake's live notice: on- or off-label for the product and country chosen."""
    form = forms.LabelCheckForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    hcp = (
        policy.scope(request.user, "view", HCP).filter(pk=data["requester_hcp"]).first()
        if data.get("requester_hcp")
        else None
    )
    country = hcp.country if hcp is not None else str(data.get("requester_country") or "")
    product = Product.objects.filter(pk=data["product"]).first() if data.get("product") else None
    area_id = data.get("therapeutic_area")
    area = TherapeuticArea.objects.filter(pk=area_id).first() if area_id else None
    notice = label_notice(
        product, country.upper(), therapeutic_area=area, indication=data.get("indication") or ""
    )
    return render(request, "medinfo/inquiry_form.html#label_notice", {"notice": notice})


@require_GET
@member_view
def inquiry_hcp_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The intake's requester search: HCPs of the directory to choose from."""
    matches = pick_hcps(request.user, request.GET.get("q", "")[:200])
    context = {"matches": matches, "searched": bool(request.GET.get("q", "").strip())}
    return render(request, "medinfo/inquiry_form.html#hcp_matches", context)


# --- one inquiry -------------------------------------------------------------------


def _load(request: AuthenticatedHttpRequest, pk: int, action: str = "view") -> Inquiry:
    queryset = Inquiry.objects.select_related(
        "requester_hcp",
        "product",
        "therapeutic_area",
        "assigned_to",
        "received_by",
        "parent",
        "interaction",
    )
    return policy.get_for(request.user, action, queryset, pk=pk)


def _may_cancel(user: User, inquiry: Inquiry) -> bool:
    return inquiry.is_open and (
        policy.can(user, "change", inquiry) or policy.can(user, "work", inquiry)
    )


@require_GET
@member_view
def inquiry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user, inquiry = request.user, _load(request, pk)
    now = timezone.now()
    can_work = policy.can(user, "work", inquiry)
    parent = inquiry.parent
    context = {
        "record": inquiry,
        "row": selectors.queue_row(inquiry, now),
        "handoffs": selectors.chain_of_custody(user, inquiry),
        "follow_ups": policy.scope(user, "view", Inquiry).filter(parent=inquiry),
        "parent": parent if parent is not None and policy.can(user, "view", parent) else None,
        "can_work": can_work,
        "can_forward": policy.can(user, "forward", inquiry),
        "can_cancel": _may_cancel(user, inquiry),
        "can_follow_up": policy.can(user, "add", Inquiry),
        "is_medical_information": is_medical_information(user),
        "forward_form": forms.ForwardForm(auto_id="forward_%s"),
        "assign_form": forms.AssignForm(auto_id="assign_%s"),
        "priority_form": forms.PriorityForm(
            auto_id="priority_%s", initial={"priority": inquiry.priority}
        ),
        "time_zone": shown_zone(request),
        **answer_context(user, inquiry, can_work=can_work),
    }
    return render(request, "medinfo/inquiry_detail.html", context)


def _back(inquiry: Inquiry) -> str:
    return reverse("medinfo:inquiry-detail", args=[inquiry.pk])


def _page(inquiry: Inquiry, title: str, button: str, intro: str = "") -> dict[str, Any]:
    return {"inquiry": inquiry, "title": title, "button": button, "intro": intro}


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_forward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inquiry = _load(request, pk, "forward")
    form = forms.ForwardForm(request.POST or None)
    return action_page(
        request,
        form,
        lambda data: services.forward_inquiry(
            actor=request.user, inquiry=inquiry, to_user=data["to_user"], note=data["note"]
        ),
        done=f"Inquiry {inquiry.reference} is with medical information.",
        back=_back(inquiry),
        context=_page(inquiry, "Forward to medical information", "Forward"),
    )


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inquiry = _load(request, pk, "work")
    form = forms.AssignForm(request.POST or None)
    return action_page(
        request,
        form,
        lambda data: services.assign_inquiry(
            actor=request.user, inquiry=inquiry, to_user=data["to_user"], note=data["note"]
        ),
        done=f"Inquiry {inquiry.reference} assigned.",
        back=_back(inquiry),
        context=_page(inquiry, "Assign the inquiry", "Assign"),
    )


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_priority(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inquiry = _load(request, pk, "work")
    form = forms.PriorityForm(request.POST or None, initial={"priority": inquiry.priority})
    return action_page(
        request,
        form,
        lambda data: services.set_priority(
            actor=request.user, inquiry=inquiry, priority=data["priority"], reason=data["reason"]
        ),
        done=f"Priority of {inquiry.reference} changed; the answer is due again by priority.",
        back=_back(inquiry),
        context=_page(inquiry, "Change the priority", "Change the priority"),
    )


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inquiry = _load(request, pk, "work")
    form = forms.ReasonForm(request.POST or None)
    intro = (
        ""
        if inquiry.status == InquiryStatus.ANSWERED
        else "It has no answer: say why it is closed without one."
    )
    return action_page(
        request,
        form,
        lambda data: services.close_inquiry(
            actor=request.user, inquiry=inquiry, reason=data["reason"]
        ),
        done=f"Inquiry {inquiry.reference} closed.",
        back=_back(inquiry),
        context=_page(inquiry, "Close the inquiry", "Close", intro),
    )


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inquiry = _load(request, pk)
    if not (
        policy.can(request.user, "change", inquiry) or policy.can(request.user, "work", inquiry)
    ):
        raise PermissionDenied("you may not cancel this inquiry")
    form = forms.ReasonForm(request.POST or None)
    return action_page(
        request,
        form,
        lambda data: services.cancel_inquiry(
            actor=request.user, inquiry=inquiry, reason=data["reason"]
        ),
        done=f"Inquiry {inquiry.reference} cancelled.",
        back=_back(inquiry),
        context=_page(inquiry, "Cancel the inquiry", "Cancel the inquiry", "Say why."),
    )


@require_http_methods(["GET", "POST"])
@member_view
def inquiry_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parent = _load(request, pk)
    policy.require(request.user, "add", Inquiry)
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "POST":
        remember_zone(request, form)
    taken: list[Inquiry] = []

    def take(data: dict[str, Any]) -> None:
        taken.append(
            services.create_follow_up_inquiry(
                actor=request.user,
                parent=parent,
                question=str(data["question"] or ""),
                data=form.data_for_service(),
            )
        )

    if request.method == "POST" and run_form(form, take):
        messages.success(request, f"Follow-up inquiry {taken[0].reference} taken.")
        return redirect("medinfo:inquiry-detail", pk=taken[0].pk)
    intro = "The follow-up keeps the requester, the product and the priority. " + (
        "This inquiry is off-label: attest the follow-up question too."
        if parent.off_label
        else "If the follow-up is off-label, the attestation is required."
    )
    context = {**_page(parent, "Take a follow-up question", "Take the follow-up", intro)}
    context.update(form=form, back=_back(parent))
    return render(request, "medinfo/action.html", context, status=422 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("inquiries/", inquiry_list, name="inquiry-list"),
    path("inquiries/new/", inquiry_create, name="inquiry-create"),
    path("inquiries/new/label/", inquiry_label, name="inquiry-label"),
    path("inquiries/new/hcps/", inquiry_hcp_search, name="inquiry-hcp-search"),
    path("inquiries/<int:pk>/", inquiry_detail, name="inquiry-detail"),
    path("inquiries/<int:pk>/forward/", inquiry_forward, name="inquiry-forward"),
    path("inquiries/<int:pk>/assign/", inquiry_assign, name="inquiry-assign"),
    path("inquiries/<int:pk>/priority/", inquiry_priority, name="inquiry-priority"),
    path("inquiries/<int:pk>/close/", inquiry_close, name="inquiry-close"),
    path("inquiries/<int:pk>/cancel/", inquiry_cancel, name="inquiry-cancel"),
    path("inquiries/<int:pk>/follow-up/", inquiry_follow_up, name="inquiry-follow-up"),
]
