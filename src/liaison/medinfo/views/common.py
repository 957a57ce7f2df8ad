"""What the medical information pages share: a small form that runs one service
and goes back to the record, or shows the refusal beside its fields; and the time
zone its pages show times in (the browser's, as its last form here sent it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.http import AuthenticatedHttpRequest
from liaison.medinfo.forms import ZonedForm, show_refusal, zone_named

#: The session's key for the browser's time zone, as the last form with a time sent it.
TIME_ZONE_KEY = "time_zone"


def remember_zone(request: AuthenticatedHttpRequest, form: forms.Form) -> None:
    """Keep the time zone ``form`` came with (the browser's), to show times in it."""
    if isinstance(form, ZonedForm) and form.browser_zone:
        request.session[TIME_ZONE_KEY] = form.browser_zone


def shown_zone(request: AuthenticatedHttpRequest) -> str:
    """The zone the pages show times in: the browser's as last sent, else the server's."""
    name = str(request.session.get(TIME_ZONE_KEY, ""))
    return name if zone_named(name) is not None else settings.TIME_ZONE


def run_form(form: forms.Form, run: Callable[[dict[str, Any]], object]) -> bool:
    """Run the service ``run`` with the form's data; ``False`` when the form or the
    service refused (the reasons are then beside the fields). Not seeing or not
    being allowed is no form error: those pages are the 404 and 403."""
    if not form.is_valid():
        return False
    try:
        run(form.cleaned_data)
    except (NotFound, PermissionDenied):
        raise
    except LiaisonError as error:
        show_refusal(form, error)
        return False
    return True


def action_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    run: Callable[[dict[str, Any]], object],
    *,
    done: str,
    back: str,
    context: dict[str, Any],
) -> HttpResponse:
    """GET: the form on a page of its own; POST: run it and go ``back`` with
    ``done`` said, or show the form again with the reasons (422)."""
    if request.method == "POST":
        remember_zone(request, form)
        if run_form(form, run):
            messages.success(request, done)
            return redirect(back)
    status = 422 if form.errors else 200
    page = {**context, "form": form, "back": back}
    return render(request, "medinfo/action.html", page, status=status)
