"""Pages of interactions: the list with its filters, an interaction's page (its
content only for those who read it), the fast entry form (from an HCP profile,
a planned meeting or the home page; drafts saved as the MSL types), edit within
the edit window and amend after it, the drafts, and the pickers' suggestions.

Reads go through ``interaction_selectors`` (the policy's querysets), writes
through ``services.interactions`` and ``services.drafts``; the form's state is
the dict of its fields as typed (``forms.interactions``), which drafts keep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view, paginate, query_without
from liaison.directory.models import HCP
from liaison.engagement import interaction_selectors as selectors
from liaison.engagement.forms import interactions as forms
from liaison.engagement.models import (
    Channel,
    InsightCategory,
    Interaction,
    InteractionDraft,
    InteractionKind,
    Meeting,
    edit_window_days,
)
from liaison.engagement.services import drafts as draft_services
from liaison.engagement.services import interactions as services


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


# --- the list and one interaction --------------------------------------------------------


@require_GET
@member_view
def interaction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET or None, msls=selectors.msl_choices(request.user))
    filters = selectors.InteractionFilters()
    if form.is_bound:
        # The valid fields filter; one wrong value (shown beside its field) does not
        # drop the others and list everything.
        form.is_valid()
        data = form.cleaned_data
        filters = selectors.InteractionFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            channel=data.get("channel") or "",
            hcp=data.get("hcp"),
            msl=data.get("msl"),
            product=data.get("product"),
        )
    page = paginate(request, selectors.interaction_queryset(request.user, filters), _page_size())
    rows = list(page.object_list)
    hcp = HCP.objects.filter(pk=filters.hcp).first() if filters.hcp is not None else None
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "readable": selectors.readable_ids(request.user, rows),
        "filter_hcp": hcp,
        "can_add": policy.can(request.user, "add", Interaction),
        "page_query": query_without(request.GET, "page", "format"),
        "export_formats": (("csv", "Export CSV"), ("xlsx", "Export XLSX")),
    }
    return render(request, "engagement/interaction_list.html", context)


@require_GET
@member_view
def interaction_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record, reads = selectors.interaction_detail(request.user, pk)
    context = {
        "record": record,
        "reads": reads,
        "service": services.meeting_service(record.meeting_link) if reads else None,
        "can_change": policy.can(request.user, "change", record),
        "can_amend": policy.can(request.user, "amend", record),
        "can_delete": policy.can(request.user, "delete", record),
        "edit_days": edit_window_days(),
    }
    return render(request, "engagement/interaction_detail.html", context)


# --- the form -------------------------------------------------------------------------


def _form_context(
    request: AuthenticatedHttpRequest,
    typed: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    draft: InteractionDraft | None = None,
    record: Interaction | None = None,
    amending: bool = False,
) -> dict[str, Any]:
    errors = errors or {}
    insights = forms.inline_rows(typed, "insights")
    follow_ups = forms.inline_rows(typed, "follow_ups")

    def rows(kind: str, found: list[tuple[int, dict[str, str]]]) -> list[dict[str, Any]]:
        return [
            {
                "index": index,
                "values": values,
                "errors": {
                    key.rsplit("-", 1)[-1]: reason
                    for key, reason in errors.items()
                    if key.startswith(f"{kind}-{index}-")
                },
            }
            for index, values in found
        ]

    general = {
        key: reason
        for key, reason in errors.items()
        if key not in forms.LABELS and not forms.INLINE.match(key)
    }
    return {
        "typed": typed,
        "errors": errors,
        "error_list": [
            (key, forms.label_of(key), reason)
            for key, reason in errors.items()
            if key not in general
        ],
        "general_errors": list(general.values()),
        "draft": draft,
        "record": record,
        "amending": amending,
        "picked": forms.picked(typed),
        "channels": Channel.choices,
        "kinds": InteractionKind.choices,
        "areas": list(selectors.therapeutic_areas()),
        "categories": list(InsightCategory.objects.filter(active=True)),
        "insight_rows": rows("insights", insights),
        "follow_up_rows": rows("follow_ups", follow_ups),
        "next_insight": max([index for index, _ in insights], default=-1) + 1,
        "next_follow_up": max([index for index, _ in follow_ups], default=-1) + 1,
        "selected_areas": set(typed.get("therapeutic_areas") or []),
        "unsolicited_checked": str(typed.get("unsolicited", "")) in ("on", "true", "1"),
        "default_time_zone": settings.TIME_ZONE,
        "autofocus_hcps": record is None and not typed.get("hcps") and not errors,
        "service": services.meeting_service(str(typed.get("meeting_link", ""))),
        "off_label": selectors.off_label_texts(request.user, typed),
    }


def _draft_from(request: AuthenticatedHttpRequest, value: str | None) -> InteractionDraft | None:
    if value and value.isdigit():
        return selectors.draft_of(request.user, int(value))
    return None


@require_http_methods(["GET", "POST"])
@member_view
def interaction_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", Interaction)
    if request.method == "POST":
        return _create(request)
    draft = _draft_from(request, request.GET.get("draft"))
    if draft is not None:
        typed = dict(draft.data)
    else:
        hcp_id, meeting_id = request.GET.get("hcp", ""), request.GET.get("meeting", "")
        hcp = policy.get_for(request.user, "view", HCP, pk=hcp_id) if hcp_id else None
        meeting = (
            policy.get_for(request.user, "change", Meeting, pk=meeting_id) if meeting_id else None
        )
        defaults = selectors.entry_defaults(request.user)
        typed = forms.typed_for_new(
            channel=defaults.channel,
            kind=defaults.kind,
            therapeutic_area_ids=defaults.therapeutic_area_ids,
            time_zone="",
            hcp=hcp,
            meeting=meeting,
        )
    return render(
        request, "engagement/interaction_form.html", _form_context(request, typed, draft=draft)
    )


def _create(request: AuthenticatedHttpRequest) -> HttpResponse:
    typed = forms.typed_from(request.POST)
    draft = _draft_from(request, request.POST.get("draft"))
    parsed = forms.parse(typed, user=request.user)
    try:
        if parsed.errors:
            service_errors = services.check_interaction(actor=request.user, data=parsed.data)
            raise LiaisonError("", details={**service_errors, **parsed.errors})
        record = services.create_interaction(actor=request.user, data=parsed.data, draft=draft)
    except LiaisonError as error:
        errors = {**forms.form_errors(error.details, parsed), **parsed.errors}
        if not errors:
            errors = {"__all__": error.message}
        # Keep what was typed: the draft holds it until it is fixed.
        meeting = parsed.data.get("meeting")
        draft = draft_services.save_draft(
            actor=request.user,
            data=typed,
            draft=draft,
            meeting=meeting if draft is None else None,
        )
        context = _form_context(request, typed, errors=errors, draft=draft)
        return render(request, "engagement/interaction_form.html", context, status=422)
    messages.success(request, "Interaction logged.")
    return redirect("engagement:interaction-detail", pk=record.pk)


@require_http_methods(["GET", "POST"])
@member_view
def interaction_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record, _ = selectors.interaction_detail(request.user, pk)
    amending = not policy.can(request.user, "change", record)
    if amending:
        policy.require(request.user, "amend", record)
    if request.method == "GET":
        typed = forms.typed_for_edit(record)
        context = _form_context(request, typed, record=record, amending=amending)
        return render(request, "engagement/interaction_form.html", context)
    typed = forms.typed_from(request.POST)
    parsed = forms.parse(typed, user=request.user, with_inline=False)
    try:
        if parsed.errors:
            raise LiaisonError("", details=parsed.errors)
        data = dict(parsed.data)
        if not typed.get("meeting"):
            data.pop("meeting", None)
        services.update_interaction(
            actor=request.user,
            interaction=record,
            data=data,  # type: ignore[arg-type]
            reason=parsed.reason,
        )
    except LiaisonError as error:
        errors = {**forms.form_errors(error.details, parsed), **parsed.errors}
        if not errors:
            errors = {"__all__": error.message}
        context = _form_context(request, typed, errors=errors, record=record, amending=amending)
        return render(request, "engagement/interaction_form.html", context, status=422)
    messages.success(request, "Interaction amended." if amending else "Interaction saved.")
    return redirect("engagement:interaction-detail", pk=record.pk)


@require_http_methods(["GET", "POST"])
@member_view
def interaction_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record, _ = selectors.interaction_detail(request.user, pk)
    policy.require(request.user, "delete", record)
    error = ""
    if request.method == "POST":
        try:
            services.delete_interaction(
                actor=request.user, interaction=record, reason=request.POST.get("reason", "")
            )
        except LiaisonError as refused:
            error = refused.message
        else:
            messages.success(request, "Interaction deleted.")
            return redirect("engagement:interaction-list")
    context = {"record": record, "error": error}
    return render(
        request, "engagement/interaction_delete.html", context, status=422 if error else 200
    )


# --- drafts ---------------------------------------------------------------------------


@require_POST
@member_view
def interaction_draft_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Keep what was typed (the form's script posts it as the MSL types)."""
    draft = _draft_from(request, request.POST.get("draft"))
    typed = forms.typed_from(request.POST)
    meeting = None
    if draft is None and str(typed.get("meeting", "")).isdigit():
        meeting = policy.scope(request.user, "change", Meeting).filter(pk=typed["meeting"]).first()
    hcp = None
    if draft is None and typed.get("hcps"):
        first = str(typed["hcps"][0])
        hcp = HCP.objects.filter(pk=int(first)).first() if first.isdigit() else None
    draft = draft_services.save_draft(
        actor=request.user, data=typed, draft=draft, hcp=hcp, meeting=meeting
    )
    saved = timezone.localtime(draft.updated_at)
    return JsonResponse(
        {
            "draft": draft.pk,
            "saved_at": draft.updated_at.isoformat(),
            "message": f"Draft saved at {saved:%H:%M:%S}",
            "delete_url": reverse("engagement:draft-delete", args=[draft.pk]),
        }
    )


@require_GET
@member_view
def draft_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    drafts = list(selectors.drafts_of(request.user)[:100])
    return render(request, "engagement/interaction_drafts.html", {"drafts": drafts})


@require_POST
@member_view
def draft_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = policy.get_for(request.user, "delete", InteractionDraft, pk=pk)
    draft_services.delete_draft(actor=request.user, draft=draft)
    messages.success(request, "Draft deleted.")
    return redirect("engagement:draft-list")


# --- off-label, said while typing ------------------------------------------------------


@require_GET
@member_view
def interaction_off_label(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Why the HCPs, products and therapeutic areas picked so far make the
    interaction off-label (the form shows it beside the attestation)."""
    typed = forms.typed_from(request.GET)
    return JsonResponse({"findings": selectors.off_label_texts(request.user, typed)})


# --- the pickers ------------------------------------------------------------------------


def _picker(
    reader: Callable[[Any, str], list[dict[str, Any]]],
) -> Callable[..., HttpResponseBase]:
    @require_GET
    @member_view
    def view(request: AuthenticatedHttpRequest) -> HttpResponse:
        return JsonResponse({"results": reader(request.user, request.GET.get("q", "")[:200])})

    return view


pick_hcps = _picker(selectors.pick_hcps)
pick_products = _picker(selectors.pick_products)
pick_publications = _picker(selectors.pick_publications)
pick_trials = _picker(selectors.pick_trials)


urlpatterns: list[URLPattern] = [
    path("interactions/", interaction_list, name="interaction-list"),
    path("interactions/new/", interaction_create, name="interaction-create"),
    path("interactions/<int:pk>/", interaction_detail, name="interaction-detail"),
    path("interactions/<int:pk>/edit/", interaction_edit, name="interaction-edit"),
    path("interactions/<int:pk>/delete/", interaction_delete, name="interaction-delete"),
    path("interactions/drafts/", draft_list, name="draft-list"),
    path("interactions/drafts/save/", interaction_draft_save, name="interaction-draft-save"),
    path("interactions/drafts/<int:pk>/delete/", draft_delete, name="draft-delete"),
    path("interactions/off-label/", interaction_off_label, name="interaction-off-label"),
    path("pick/hcps/", pick_hcps, name="pick-hcps"),
    path("pick/products/", pick_products, name="pick-products"),
    path("pick/publications/", pick_publications, name="pick-publications"),
    path("pick/trials/", pick_trials, name="pick-trials"),
]
