"""Pages of follow-ups: the list (mine, or my team's for a manager; open first,
overdue highlighted), mark done or open again with one POST (htmx swaps the
row and updates the menu's overdue count out of band), edit.

Reads go through ``selectors`` (the policy's querysets), writes through
``services.follow_ups``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import (
    AuthenticatedHttpRequest,
    is_fragment_request,
    member_view,
    next_url,
    paginate,
)
from liaison.engagement import selectors
from liaison.engagement.forms.follow_ups import FollowUpFilterForm, FollowUpForm
from liaison.engagement.models import FollowUp
from liaison.engagement.services import follow_ups as services
from liaison.lib.forms import add_liaison_error

#: The menu entry's counter element (apps.py ``count_id``).
NAV_COUNT_ID = "nav-count-follow-ups"


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


@require_GET
@member_view
def follow_up_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FollowUpFilterForm(request.GET or None)
    status = form.value("status", "open")
    manager = selectors.manages_anyone(request.user)
    scope = form.value("scope", "mine") if manager else "mine"
    follow_ups = selectors.follow_up_queryset(request.user, status=status, scope=scope)
    context = {
        "form": form,
        "status": status,
        "scope": scope,
        "manager": manager,
        "today": timezone.localdate(),
        "page_obj": paginate(request, follow_ups, _page_size()),
        "overdue": selectors.overdue_follow_ups_count(request.user),
        "nav_count_id": NAV_COUNT_ID,
    }
    return render(request, "engagement/follow_up_list.html", context)


def _row(request: AuthenticatedHttpRequest, follow_up: FollowUp, status: str) -> HttpResponse:
    """The follow-up's row, the overdue count out of band and ``status`` for screen
    readers (htmx); else back to the list."""
    if not is_fragment_request(request):
        messages.success(request, status)
        return redirect(next_url(request, "engagement:follow-up-list"))
    context = {
        "follow_up": follow_up,
        "today": timezone.localdate(),
        "scope": "team" if request.POST.get("scope") == "team" else "mine",
        "overdue": selectors.overdue_follow_ups_count(request.user),
        "nav_count_id": NAV_COUNT_ID,
        "status_text": status,
        "oob": True,
    }
    return render(request, "engagement/follow_up_list.html#follow_up_update", context)


@require_POST
@member_view
def follow_up_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = policy.get_for(request.user, "change", FollowUp, pk=pk)
    services.complete_follow_up(actor=request.user, follow_up=follow_up)
    return _row(request, follow_up, f"Done: {follow_up.description[:80]}")


@require_POST
@member_view
def follow_up_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = policy.get_for(request.user, "change", FollowUp, pk=pk)
    services.reopen_follow_up(actor=request.user, follow_up=follow_up)
    return _row(request, follow_up, f"Open again: {follow_up.description[:80]}")


@require_http_methods(["GET", "POST"])
@member_view
def follow_up_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = policy.get_for(request.user, "change", FollowUp, pk=pk)
    form = FollowUpForm(request.POST or None, initial=FollowUpForm.initial_for(follow_up))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_follow_up(
                actor=request.user, follow_up=follow_up, data=form.data_for_service()
            )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, "Follow-up saved.")
            return redirect("engagement:follow-up-list")
    context = {"form": form, "follow_up": follow_up}
    return render(request, "engagement/follow_up_form.html", context)


urlpatterns: list[URLPattern] = [
    path("follow-ups/", follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:pk>/done/", follow_up_done, name="follow-up-done"),
    path("follow-ups/<int:pk>/reopen/", follow_up_reopen, name="follow-up-reopen"),
    path("follow-ups/<int:pk>/edit/", follow_up_edit, name="follow-up-edit"),
]
