"""Pages of meetings: the list (upcoming or past; mine, or my team's for a
manager), a meeting's page (with "Log this meeting"), plan, edit, cancel,
delete, one meeting as an ICS file; and the personal calendar feed: its page
(address, how to subscribe, revoke) and the feed itself, served without sign-in
to whoever holds the secret address.

Reads go through ``selectors`` (the policy's querysets), writes through
``services.meetings`` and ``services.calendar``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view, paginate
from liaison.engagement import selectors
from liaison.engagement.forms.meetings import MeetingFilterForm, MeetingForm
from liaison.engagement.models import Meeting, MeetingStatus
from liaison.engagement.services import calendar
from liaison.engagement.services import meetings as services

#: Calendar clients poll; they may keep the feed this long before asking again.
FEED_MAX_AGE = 15 * 60


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


def log_meeting_url(meeting: Meeting) -> str | None:
    """The interaction form for this meeting, once the interactions pages exist."""
    try:
        return f"{reverse('engagement:interaction-create')}?meeting={meeting.pk}"
    except NoReverseMatch:
        return None


@require_GET
@member_view
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MeetingFilterForm(request.GET or None)
    when = form.value("when", "upcoming")
    manager = selectors.manages_anyone(request.user)
    scope = form.value("scope", "mine") if manager else "mine"
    meetings = selectors.meeting_queryset(request.user, when=when, scope=scope)
    context = {
        "form": form,
        "when": when,
        "scope": scope,
        "manager": manager,
        "page_obj": paginate(request, meetings, _page_size()),
        "may_add": policy.can(request.user, "add", Meeting),
    }
    return render(request, "engagement/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", Meeting)
    initial: dict[str, object] = {"time_zone": selectors.last_time_zone(request.user)}
    hcp = request.GET.get("hcp", "")
    if hcp.isdigit() and len(hcp) < 19:
        initial["hcps"] = [int(hcp)]
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(actor=request.user, data=form.data_for_service())
        except LiaisonError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Meeting “{meeting.title}” planned.")
            return redirect("engagement:meeting-detail", pk=meeting.pk)
    return _form_page(request, form, None)


def _form_page(
    request: AuthenticatedHttpRequest, form: MeetingForm, meeting: Meeting | None
) -> HttpResponse:
    context = {
        "form": form,
        "meeting": meeting,
        "picked": form.picked(),
        "hcp_url": reverse("engagement:pick-hcps"),
        "publication_url": reverse("engagement:pick-publications"),
    }
    return render(request, "engagement/meeting_form.html", context)


@require_GET
@member_view
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    may_change = policy.can(request.user, "change", meeting)
    now = timezone.now()
    context = {
        "meeting": meeting,
        "may_change": may_change,
        "may_delete": policy.can(request.user, "delete", meeting),
        # An interaction cannot be in the future: logging opens once the meeting started.
        "log_url": log_meeting_url(meeting)
        if may_change and meeting.status == MeetingStatus.PLANNED and meeting.starts_at <= now
        else None,
        "log_later": may_change
        and meeting.status == MeetingStatus.PLANNED
        and meeting.starts_at > now,
    }
    return render(request, "engagement/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_for(request.user, "change", Meeting, pk=pk)
    form = MeetingForm(
        request.POST or None, user=request.user, initial=MeetingForm.initial_for(meeting)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(
                actor=request.user, meeting=meeting, data=form.data_for_service()
            )
        except LiaisonError as error:
            meeting.refresh_from_db()
            form.add_service_error(error)
        else:
            messages.success(request, f"Meeting “{meeting.title}” saved.")
            return redirect("engagement:meeting-detail", pk=meeting.pk)
    return _form_page(request, form, meeting)


@require_POST
@member_view
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_for(request.user, "change", Meeting, pk=pk)
    services.cancel_meeting(actor=request.user, meeting=meeting)
    messages.success(
        request, f"Meeting “{meeting.title}” cancelled; subscribed calendars show it cancelled."
    )
    return redirect("engagement:meeting-detail", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
@member_view
def meeting_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_for(request.user, "delete", Meeting, pk=pk)
    if request.method == "POST":
        services.delete_meeting(actor=request.user, meeting=meeting)
        messages.success(request, f"Meeting “{meeting.title}” deleted.")
        return redirect("engagement:meeting-list")
    return render(request, "engagement/meeting_delete.html", {"meeting": meeting})


def _calendar_response(content: bytes, file_name: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    return response


@require_GET
@member_view
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    return _calendar_response(
        calendar.meeting_ics(request, meeting), f"meeting-{meeting.pk}.ics", attachment=True
    )


# --- the calendar feed ------------------------------------------------------------------


@require_GET
@member_view
def calendar_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = calendar.feed_for(actor=request.user)
    context = {"feed": feed, "feed_url": request.build_absolute_uri(calendar.feed_path(feed))}
    return render(request, "engagement/meeting_calendar_feed.html", context)


@require_POST
@member_view
def calendar_feed_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    calendar.revoke_feed(actor=request.user)
    messages.success(
        request,
        "Calendar address replaced: the old one no longer works. Subscribe again with the new one.",
    )
    return redirect("engagement:calendar-feed")


@require_safe
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no sign-in (calendar clients have none), the token is the key.
    An unknown or revoked token is a plain 404; an unchanged feed answers 304."""
    body = calendar.read_feed(request, token)
    if body is None:
        raise Http404("no calendar at this address")
    etag = '"' + hashlib.sha256(body.content).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = _calendar_response(body.content, "calendar.ics", attachment=False)
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns: list[URLPattern] = [
    path("meetings/", meeting_list, name="meeting-list"),
    path("meetings/new/", meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/delete/", meeting_delete, name="meeting-delete"),
    path("meetings/<int:pk>/meeting.ics", meeting_ics, name="meeting-ics"),
    path("calendar/", calendar_feed, name="calendar-feed"),
    path("calendar/revoke/", calendar_feed_revoke, name="calendar-feed-revoke"),
    path("calendar/<slug:token>.ics", calendar_feed_ics, name="calendar-feed-ics"),
]
