"""Reporting an adverse event: any member, in one submit, forwarded to
pharmacovigilance at once (``report_case(forward=True)``).

The intake starts on its own, from an interaction (``?interaction=<id>``: Day 0 is
the interaction's date where it took place, the reporter its first HCP), from a
medical inquiry (``?inquiry=<id>``) or from flags (``?flag=<id>``, the flag's
confirmation page). ``medinfo`` is an app of the same layer: its inquiry is read
through the app registry and the policy, never imported.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from liaison.core import policy
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.models import Interaction
from liaison.safety import forms
from liaison.safety.models import Case, ProductRole, SourceKind
from liaison.safety.services.cases import DIRECT, report_case
from liaison.safety.services.data import CaseData, Source

INQUIRY_LABEL = "medinfo.Inquiry"
INTERACTION_LABEL = "engagement.Interaction"


def _id(value: str | None, name: str) -> int:
    if not value or not value.isascii() or not value.isdigit():
        raise NotFound(f"no such {name}: {value!r} is not a record number")
    return int(value)


def interaction_source(user: User, pk: int) -> tuple[CaseData, Source]:
    """What an interaction ``user`` may view says of an event heard there."""
    queryset = Interaction.objects.prefetch_related("hcps")
    interaction = policy.get_for(user, "view", queryset, pk=pk)
    hcps = list(interaction.hcps.all())
    when = interaction.occurred_at.astimezone(zoneinfo.ZoneInfo(interaction.time_zone))
    data: CaseData = {"day_zero": when.date()}
    if hcps:
        data["reporter_hcp"] = hcps[0]
        data["country"] = hcps[0].country
    if policy.can(user, "read", interaction):
        own = [product for product in interaction.products.all() if product.is_own]
        if len(own) == 1:
            data["products"] = [
                {"role": ProductRole.SUSPECT, "product": own[0], "name": own[0].name}
            ]
    names = ", ".join(str(hcp) for hcp in hcps[:3]) + (" and others" if len(hcps) > 3 else "")
    title = f"Interaction with {names} on {when:%d %b %Y}" if names else str(interaction)
    source = Source(
        kind=SourceKind.INTERACTION,
        label=INTERACTION_LABEL,
        id=interaction.pk,
        title=title,
        url=reverse("engagement:interaction-detail", args=[interaction.pk]),
    )
    return data, source


def _inquiry_url(pk: int) -> str:
    try:
        return reverse("medinfo:inquiry-detail", args=[pk])
    except NoReverseMatch:
        return ""


def inquiry_source(user: User, pk: int) -> tuple[CaseData, Source]:
    """What a medical inquiry ``user`` may view says of an event it mentions."""
    inquiry: Any = policy.get_for(user, "view", apps.get_model(INQUIRY_LABEL), pk=pk)
    data: CaseData = {
        "day_zero": timezone.localdate(inquiry.received_at),
        "awareness": f"Medical inquiry {inquiry.reference}: {inquiry.question}"[:4000],
    }
    if inquiry.requester_country:
        data["country"] = inquiry.requester_country
    if inquiry.requester_hcp_id:
        data["reporter_hcp"] = inquiry.requester_hcp
    else:
        data["reporter_family_name"] = inquiry.requester_name[:120]
        data["reporter_contact"] = inquiry.requester_email or inquiry.requester_phone
    product = inquiry.product
    if product is not None and product.is_own:
        data["products"] = [{"role": ProductRole.SUSPECT, "product": product, "name": product.name}]
    source = Source(
        kind=SourceKind.INQUIRY,
        label=INQUIRY_LABEL,
        id=inquiry.pk,
        title=f"Medical inquiry {inquiry.reference}",
        url=_inquiry_url(inquiry.pk),
    )
    return data, source


def source_of(user: User, params: QueryDict) -> tuple[CaseData, Source]:
    """The intake's prefill and source, named by the query string."""
    if params.get("interaction"):
        return interaction_source(user, _id(params.get("interaction"), "interaction"))
    if params.get("inquiry"):
        return inquiry_source(user, _id(params.get("inquiry"), "inquiry"))
    return {"day_zero": timezone.localdate()}, DIRECT


def intake_context(
    form: forms.IntakeForm, prefill: CaseData, source: Source, **more: Any
) -> dict[str, Any]:
    return {
        "form": form,
        "source": source,
        "reporter_hcp": prefill.get("reporter_hcp"),
        **more,
    }


@require_http_methods(["GET", "POST"])
@member_view
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", Case)
    if request.GET.get("flag"):
        return redirect("safety:flag-confirm", pk=_id(request.GET.get("flag"), "flag"))
    prefill, source = source_of(request.user, request.GET)
    form = forms.IntakeForm(
        request.POST if request.method == "POST" else None,
        initial=forms.intake_initial(prefill),
        hcps=policy.scope(request.user, "view", HCP),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = report_case(
                actor=request.user, data=form.service_data(), source=source, forward=True
            )
        except LiaisonError as error:
            form.add_error_of(error)
        else:
            messages.success(
                request, f"{case.reference} was reported and forwarded to pharmacovigilance."
            )
            return redirect("safety:case-detail", pk=case.pk)
    context = intake_context(form, prefill, source)
    return render(request, "safety/case_create.html", context, status=422 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("cases/new/", case_create, name="case-create"),
]
