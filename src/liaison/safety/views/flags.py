"""Handling a flag (adverse-event language found in saved notes): its author, or
pharmacovigilance, confirms it, which reports a case through the intake form
prefilled from the flag (Day 0 = the day the author heard it: an earlier day is
taken, a later one with a reason), or dismisses it with a reason. The other open
flags of the same note may be confirmed as the same case.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from liaison.core import policy
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.http import AuthenticatedHttpRequest, member_view, next_url
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.lib.forms import add_liaison_error
from liaison.safety import forms
from liaison.safety.models import Flag
from liaison.safety.services.data import CaseData
from liaison.safety.services.flags import case_data_from_flags, confirm_flags, dismiss_flag
from liaison.safety.views.intake import (
    INQUIRY_LABEL,
    INTERACTION_LABEL,
    inquiry_source,
    interaction_source,
)


def _source_data(user: User, flag: Flag) -> CaseData:
    """What the flag's note says beyond the flag (the reporter), when ``user`` may view it."""
    readers = {INTERACTION_LABEL: interaction_source, INQUIRY_LABEL: inquiry_source}
    reader = readers.get(flag.source_label)
    if reader is None:
        return {}
    try:
        data, _ = reader(user, flag.source_id)
    except NotFound:
        return {}
    return {key: value for key, value in data.items() if key.startswith("reporter_")}  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
@member_view
def flag_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flag = policy.get_for(request.user, "handle", Flag.objects.select_related("product"), pk=pk)
    siblings = list(
        policy.scope(request.user, "handle", Flag)
        .filter(source_label=flag.source_label, source_id=flag.source_id)
        .exclude(pk=flag.pk)
        .select_related("product")
    )
    if request.method == "POST":
        also = set(request.POST.getlist("also"))
        chosen = [flag, *[item for item in siblings if str(item.pk) in also]]
    else:
        chosen = [flag, *siblings]
    prefill: CaseData = {**_source_data(request.user, flag), **case_data_from_flags(chosen)}
    form = forms.FlagConfirmForm(
        request.POST if request.method == "POST" else None,
        initial=forms.intake_initial(prefill),
        hcps=policy.scope(request.user, "view", HCP),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = confirm_flags(
                actor=request.user,
                flags=chosen,
                data=form.service_data(),
                reason=form.cleaned_data["day_zero_reason"],
            )
        except LiaisonError as error:
            form.add_error_of(error)
        else:
            messages.success(
                request, f"Confirmed: {case.reference} was reported to pharmacovigilance."
            )
            return redirect("safety:case-detail", pk=case.pk)
    context = {
        "flag": flag,
        "siblings": siblings,
        "chosen": {item.pk for item in chosen},
        "form": form,
        "reporter_hcp": prefill.get("reporter_hcp"),
        "heard_on": min(item.heard_on for item in chosen),
    }
    return render(request, "safety/flag_confirm.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@member_view
def flag_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flag = policy.get_for(request.user, "handle", Flag.objects.select_related("product"), pk=pk)
    form = forms.DismissForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            dismiss_flag(actor=request.user, flag=flag, reason=form.cleaned_data["reason"])
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, "The flag was dismissed; the reason is kept.")
            return redirect(next_url(request, "safety:case-list"))
    context = {"flag": flag, "form": form, "next": next_url(request, "safety:case-list")}
    return render(request, "safety/flag_dismiss.html", context, status=422 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("flags/<int:pk>/confirm/", flag_confirm, name="flag-confirm"),
    path("flags/<int:pk>/dismiss/", flag_dismiss, name="flag-dismiss"),
]
