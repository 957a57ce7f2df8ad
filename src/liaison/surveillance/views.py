"""Surveillance pages: the alert inbox (compact rows, in-place HTMX triage, bulk
triage of the selected alerts, keyboard shortcuts in ``surveillance/inbox.js``), and watches
(list, create, page with hits and runs, what a watch matches, edit, delete, run now).

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
from liaison.surveillance import selectors, services, summaries
from liaison.surveillance.forms import (
    BULK_ACTIONS,
    AlertFilterForm,
    BulkTriageForm,
    DigestForm,
    ReadForm,
    TriageForm,
    WatchForm,
)
from liaison.surveillance.models import Alert, TriageState, Watch, WatchKind
from liaison.surveillance.tasks import start_watch_run

#: The bulk buttons' answer when no box is ticked.
NOTHING_SELECTED = "Select at least one alert first: tick the boxes beside their titles."


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


def _alert_row(request: AuthenticatedHttpRequest, alert: Alert, status: str) -> HttpResponse:
    """The alert's row, the unread counts out of band and ``status`` for screen
    readers (htmx), or back to the inbox."""
    if not is_fragment_request(request):
        return redirect(next_url(request, "surveillance:alert-list"))
    context = {
        "alert": alert,
        "triage_states": TriageState.choices,
        "unread": selectors.unread_count(request.user),
        "oob": True,
        "status": status,
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
    return _alert_row(
        request, alert, f"Marked {alert.get_triage_state_display().lower()}: {alert.title}"
    )


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
    read = bool(form.cleaned_data.get("read"))
    services.mark_alert(actor=request.user, alert=alert, read=read)
    return _alert_row(request, alert, f"Marked {'read' if read else 'unread'}: {alert.title}")


def _bulk_message(action: str, outcome: services.BulkOutcome) -> str:
    """``3 alerts marked relevant; 1 was relevant already.``"""
    state = BULK_ACTIONS[action].removeprefix("marked ")
    total = outcome.changed + outcome.unchanged
    if not outcome.changed:
        return (
            f"Nothing changed: the {total} selected alert{'s were' if total != 1 else ' was'} "
            f"{state} already."
        )
    message = f"{outcome.changed} alert{'s' if outcome.changed != 1 else ''} {BULK_ACTIONS[action]}"
    if outcome.unchanged:
        was = "was" if outcome.unchanged == 1 else "were"
        message += f"; {outcome.unchanged} {was} {state} already"
    return message + "."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _bulk_answer(
    request: AuthenticatedHttpRequest, message: str, *, alerts: list[Alert], ok: bool
) -> HttpResponse:
    """The rows of ``alerts`` and the counts out of band, and ``message`` in the inbox's
    status region (htmx: 200 even when refused, since htmx swaps nothing of an error
    answer); without htmx, back to the list with ``message``."""
    if not is_fragment_request(request):
        (messages.success if ok else messages.error)(request, message)
        return redirect(next_url(request, "surveillance:alert-list"))
    context = {
        "alerts": alerts,
        "triage_states": TriageState.choices,
        "unread": selectors.unread_count(request.user),
        "oob": True,
        "status": message,
        "status_ok": ok,
    }
    return render(request, "surveillance/alert_list.html#bulk_update", context)


@require_POST
@member_view
def alert_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark the selected alerts relevant, not relevant or read, all in one request:
    every one is the user's to change, or nothing is written (an alert not in the
    inbox answers 404 without htmx)."""
    form = BulkTriageForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["alerts"]:
        problem = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        message = _sentence(problem) if problem else NOTHING_SELECTED
        return _bulk_answer(request, message, alerts=[], ok=False)
    action = form.cleaned_data["action"]
    try:
        alerts = selectors.selected_alerts(request.user, form.cleaned_data["alerts"])
        if action == "read":
            outcome = services.mark_alerts(actor=request.user, alerts=alerts, read=True)
        else:
            outcome = services.triage_alerts(actor=request.user, alerts=alerts, state=action)
    except LiaisonError as error:
        if not is_fragment_request(request):
            raise
        return _bulk_answer(request, _sentence(error.message), alerts=[], ok=False)
    return _bulk_answer(request, _bulk_message(action, outcome), alerts=alerts, ok=True)


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
    first = selectors.first_run(watch)
    context = {
        "watch": watch,
        "runs": selectors.watch_runs(request.user, watch),
        "page_obj": paginate(request, selectors.watch_hits(request.user, watch), _page_size()),
        "can_change": policy.can(request.user, "change", watch),
        "triage_states": TriageState.choices,
        "first_run": first,
        "first_run_capped": first is not None and summaries.left_unalerted(first, first=True),
        "first_run_hits": services.FIRST_RUN_HITS,
    }
    return render(request, "surveillance/watch_detail.html", context)


@require_GET
@member_view
def watch_matches(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything the watch matches now, alerted or not (a first run alerts only the
    newest): the way to the matches a first run's cap left out."""
    watch = selectors.watch_detail(request.user, pk)
    context: dict[str, object] = {"watch": watch, "first_run_hits": services.FIRST_RUN_HITS}
    try:
        page = paginate(request, selectors.watch_matches(request.user, watch), _page_size())
    except LiaisonError as error:  # a query that cannot be read (lib.query.QueryError)
        context["query_error"] = error.message
    else:
        field = "publication_id" if watch.kind == WatchKind.PUBLICATION else "trial_id"
        context["page_obj"] = page
        context["alerted"] = selectors.alerted_ids(request.user, watch, field, page.object_list)
    return render(request, "surveillance/watch_matches.html", context)


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
