"""Surveillance pages: the alert inbox with in-place HTMX triage, and watches
(list, create, page with hits and runs, edit, delete, run now).

Reads go through ``selectors`` (the policy's querysets); writes through
``services``; "run now" through ``tasks.start_watch_run`` (a job).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import (
    AuthenticatedHttpRequest,
    is_fragment_request,
    member_view,
    next_url,
    paginate,
    render_page_or_fragment,
)
from liaison.lib.forms import add_liaison_error
from liaison.surveillance import selectors, services
from liaison.surveillance.forms import (
    AlertFilterForm,
    DigestForm,
    ReadForm,
    TriageForm,
    WatchForm,
)
from liaison.surveillance.models import Alert, TriageState, Watch
from liaison.surveillance.tasks import start_watch_run


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


# --- the inbox ------------------------------------------------------------------------------


@require_GET
@member_view
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = AlertFilterForm(request.GET, watches=selectors.watch_queryset(user))
    alerts = selectors.alert_queryset(user, form.filters())
    context = {
        "form": form,
        "page_obj": paginate(request, alerts, _page_size()),
        "unread": selectors.unread_count(user),
        "triage_states": TriageState.choices,
        "digest_form": DigestForm(initial={"enabled": selectors.digest_enabled(user)}),
    }
    return render_page_or_fragment(request, "surveillance/alert_list.html", "results", context)


def _alert_row(request: AuthenticatedHttpRequest, alert: Alert) -> HttpResponse:
    """The alert's row, and the unread counts out of band (htmx), or back to the inbox."""
    if not is_fragment_request(request):
        return redirect(next_url(request, "surveillance:alert-list"))
    context = {
        "alert": alert,
        "triage_states": TriageState.choices,
        "unread": selectors.unread_count(request.user),
        "oob": True,
    }
    return render(request, "surveillance/alert_list.html#alert_update", context)


@require_POST
@member_view
def alert_triage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = policy.get_for(
        request.user,
        "triage",
        selectors.alert_queryset(request.user, selectors.AlertFilters()),
        pk=pk,
    )
    form = TriageForm(request.POST)
    if not form.is_valid():
        raise LiaisonError("state: choose a triage state", field="state")
    services.triage_alert(
        actor=request.user,
        alert=alert,
        state=form.cleaned_data["state"],
        note=form.cleaned_data["note"],
    )
    return _alert_row(request, alert)


@require_POST
@member_view
def alert_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = policy.get_for(
        request.user,
        "change",
        selectors.alert_queryset(request.user, selectors.AlertFilters()),
        pk=pk,
    )
    form = ReadForm(request.POST)
    form.is_valid()
    services.mark_alert(actor=request.user, alert=alert, read=bool(form.cleaned_data.get("read")))
    return _alert_row(request, alert)


@require_POST
@member_view
def alert_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    messages.success(request, f"{count} alert{'s' if count != 1 else ''} marked read.")
    return redirect("surveillance:alert-list")


@require_POST
@member_view
def digest_preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    form.is_valid()
    enabled = bool(form.cleaned_data.get("enabled"))
    services.set_digest(actor=request.user, enabled=enabled)
    messages.success(request, f"Daily e-mail digest {'on' if enabled else 'off'}.")
    return redirect("surveillance:alert-list")


# --- watches --------------------------------------------------------------------------------


@require_GET
@member_view
def watch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    watches = selectors.watch_queryset(request.user).order_by("name", "pk")
    return render(request, "surveillance/watch_list.html", {"watches": watches})


@require_http_methods(["GET", "POST"])
@member_view
def watch_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", Watch)
    form = WatchForm(request.POST or None, user=request.user, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            watch = services.create_watch(actor=request.user, values=form.values())
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"Watch “{watch.name}” created.")
            return redirect("surveillance:watch-detail", pk=watch.pk)
    return render(request, "surveillance/watch_form.html", {"form": form, "watch": None})


@require_GET
@member_view
def watch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    watch = selectors.watch_detail(request.user, pk)
    context = {
        "watch": watch,
        "runs": selectors.watch_runs(request.user, watch),
        "page_obj": paginate(request, selectors.watch_hits(request.user, watch), _page_size()),
        "can_change": policy.can(request.user, "change", watch),
        "triage_states": TriageState.choices,
    }
    return render(request, "surveillance/watch_detail.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def watch_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    watch = policy.get_for(request.user, "change", Watch, pk=pk)
    form = WatchForm(
        request.POST or None,
        user=request.user,
        may_transfer=policy.can(request.user, "transfer", watch),
        initial=WatchForm.initial_for(watch),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_watch(actor=request.user, watch=watch, values=form.values())
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"Watch “{watch.name}” saved.")
            return redirect("surveillance:watch-detail", pk=watch.pk)
    return render(request, "surveillance/watch_form.html", {"form": form, "watch": watch})


@require_http_methods(["GET", "POST"])
@member_view
def watch_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    watch = policy.get_for(request.user, "delete", Watch, pk=pk)
    if request.method == "POST":
        services.delete_watch(actor=request.user, watch=watch)
        messages.success(request, f"Watch “{watch.name}” deleted with its alerts.")
        return redirect("surveillance:watch-list")
    return render(request, "surveillance/watch_delete.html", {"watch": watch})


@require_POST
@member_view
def watch_run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    watch = policy.get_for(request.user, "change", Watch, pk=pk)
    job = start_watch_run(actor=request.user, watch=watch)
    return redirect("core:job-detail", pk=job.pk)
