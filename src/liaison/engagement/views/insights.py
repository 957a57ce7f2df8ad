"""Pages of insights: the list with its filters, an insight's page (evidence, comments,
review, tags), capture on its own and the author's edit, similar insights while the
statement is typed (``engagement/similar.js`` fetches the fragment), and the
CSV/XLSX exports of insights and of interactions (a download job above
``core.downloads.sync_max_rows()`` rows).

Reads go through ``insight_selectors`` and ``similar`` (the policy's querysets);
writes through ``services.capture`` and ``services.insights``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import downloads, policy
from liaison.core.errors import LiaisonError
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    paginate,
    query_without,
    render_page_or_fragment,
)
from liaison.core.models import User
from liaison.engagement import insight_selectors as selectors
from liaison.engagement import similar as similar_insights
from liaison.engagement.forms.insights import (
    CommentForm,
    InsightFilterForm,
    InsightForm,
    InteractionExportForm,
    ReviewForm,
    SimilarForm,
    TagsForm,
)
from liaison.engagement.models import Insight, InsightCategory, InsightStatus
from liaison.engagement.services import capture, exporting
from liaison.engagement.services import insights as services
from liaison.engagement.tasks import start_export
from liaison.lib.forms import add_liaison_error


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


def _export_links(request: AuthenticatedHttpRequest, name: str) -> list[tuple[str, str]]:
    url = reverse(name)
    query = query_without(request.GET, "page", "format")
    return [
        (label, f"{url}?{'&'.join(filter(None, [query, f'format={fmt}']))}")
        for fmt, label in (("csv", "Export CSV"), ("xlsx", "Export XLSX"))
    ]


@require_GET
@member_view
def insight_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = InsightFilterForm(request.GET, user=user, country_codes=selectors.insight_countries())
    insights = selectors.insight_queryset(user, form.filters())
    context = {
        "form": form,
        "page_obj": paginate(request, insights, _page_size()),
        "can_add": policy.can(user, "add", Insight),
        "export_links": _export_links(request, "engagement:insight-export"),
        "awaiting": selectors.awaiting_review_count(user),
    }
    return render_page_or_fragment(request, "engagement/insight_list.html", "results", context)


def _form_page(
    request: AuthenticatedHttpRequest, form: InsightForm, insight: Insight | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "insight": insight}
    return render(request, "engagement/insight_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_view
def insight_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", Insight)
    if request.method != "POST":
        initial = {
            key: request.GET[key] for key in ("hcp", "therapeutic_area") if key in request.GET
        }
        return _form_page(request, InsightForm(user=request.user, initial=initial), None)
    form = InsightForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            insight = capture.create_insight(actor=request.user, data=form.insight_data())
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, "Insight saved.")
            return redirect("engagement:insight-detail", pk=insight.pk)
    return _form_page(request, form, None, status=400)


def _initial(insight: Insight) -> dict[str, Any]:
    return {
        "statement": insight.statement,
        "category": insight.category.code,
        "therapeutic_area": insight.therapeutic_area.code if insight.therapeutic_area else None,
        "strategic_questions": list(insight.strategic_questions.all()),
        "product": insight.product_id,
        "source": insight.source,
        "hcp": insight.hcp_id,
        "publications": ", ".join(str(p.pmid) for p in insight.publications.all()),
        "trials": ", ".join(t.nct_id for t in insight.trials.all()),
        "tags": ", ".join(insight.tags or []),
    }


@require_http_methods(["GET", "POST"])
@member_view
def insight_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    insight = policy.get_for(request.user, "change", Insight, pk=pk)
    if request.method != "POST":
        return _form_page(
            request, InsightForm(user=request.user, initial=_initial(insight)), insight
        )
    form = InsightForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            capture.update_insight(actor=request.user, insight=insight, data=form.insight_data())
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, "Insight saved.")
            return redirect("engagement:insight-detail", pk=insight.pk)
    return _form_page(request, form, insight, status=400)


def _detail_page(
    request: AuthenticatedHttpRequest, insight: Insight, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    context = {
        "insight": insight,
        "can_review": policy.can(user, "review", insight),
        "next_statuses": [
            (value, InsightStatus(value).label) for value in services.next_statuses(insight)
        ],
        "can_comment": policy.can(user, "comment", insight),
        "can_tag": services.may_tag(user, insight),
        "can_change": policy.can(user, "change", insight),
        "review_form": forms.get("review_form") or ReviewForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "tags_form": forms.get("tags_form")
        or TagsForm(initial={"tags": ", ".join(insight.tags or [])}),
    }
    return render(request, "engagement/insight_detail.html", context, status=status)


@require_GET
@member_view
def insight_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.insight_detail(request.user, pk))


@require_POST
@member_view
def insight_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    insight = policy.get_for(request.user, "review", Insight, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_insight(
                actor=request.user,
                insight=insight,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"Insight marked {insight.get_status_display().lower()}.")
            return redirect("engagement:insight-detail", pk=pk)
    page = selectors.insight_detail(request.user, pk)
    return _detail_page(request, page, status=400, review_form=form)


@require_POST
@member_view
def insight_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    insight = policy.get_for(request.user, "comment", Insight, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_on_insight(
                actor=request.user, insight=insight, text=form.cleaned_data["text"]
            )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, "Comment added.")
            return redirect(reverse("engagement:insight-detail", args=[pk]) + "#comments")
    page = selectors.insight_detail(request.user, pk)
    return _detail_page(request, page, status=400, comment_form=form)


@require_POST
@member_view
def insight_tags(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    insight = policy.get_for(request.user, "view", Insight, pk=pk)
    form = TagsForm(request.POST)
    if form.is_valid():
        try:
            services.set_tags(actor=request.user, insight=insight, tags=form.tag_list())
        except LiaisonError as error:
            if error.status_code in (403, 404):
                raise
            add_liaison_error(form, error)
        else:
            messages.success(request, "Tags saved.")
            return redirect("engagement:insight-detail", pk=pk)
    page = selectors.insight_detail(request.user, pk)
    return _detail_page(request, page, status=400, tags_form=form)


@require_GET
@member_view
def insight_similar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The similar-insights fragment of the capture form (what ``similar.js`` fetches)."""
    form = SimilarForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    category = (
        InsightCategory.objects.filter(code=data.get("category") or "")
        .values_list("pk", flat=True)
        .first()
    )
    found = similar_insights.similar_insights(
        request.user,
        data.get("statement") or "",
        category=category,
        exclude=data.get("exclude"),
    )
    return render(request, "engagement/insight_form.html#similar", {"similar": found})


# --- exports ---------------------------------------------------------------------------


def _export(
    request: AuthenticatedHttpRequest, subject: str, filters: Any, back: str
) -> HttpResponseBase:
    """``subject`` with the list's filters as CSV or XLSX: the file at once up to
    ``sync_max_rows()`` rows, else a page offering a download job (its POST starts it)."""
    user: User = request.user
    exporting.require_exporter(user, subject)
    spec = exporting.export_format(request.GET.get("format", "csv"))
    if request.method == "POST":
        job = start_export(actor=user, subject=subject, filters=filters, format=spec.name)
        return redirect(reverse("core:job-detail", args=[job.pk]))
    count = exporting.count_rows(user, subject, filters)
    if count > downloads.sync_max_rows():
        context = {
            "subject": subject,
            "count_text": f"{count:,}",
            "limit_text": f"{downloads.sync_max_rows():,}",
            "keep_days": settings.LIAISON_EXPORT_KEEP_DAYS,
            "format": spec,
            "back": back,
        }
        return render(request, "engagement/insight_export_job.html", context)
    return FileResponse(
        exporting.export_file(user, subject, filters, format=spec.name),
        as_attachment=True,
        filename=f"{subject}.{spec.name}",
        content_type=spec.content_type,
    )


@require_http_methods(["GET", "POST"])
@member_view
def insight_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    filters = InsightFilterForm(request.GET, user=request.user).filters()
    return _export(request, "insights", filters, reverse("engagement:insight-list"))


@require_http_methods(["GET", "POST"])
@member_view
def interaction_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    filters = InteractionExportForm(request.GET).filters()
    try:
        back = reverse("engagement:interaction-list")
    except NoReverseMatch:  # the interactions list is another page's
        back = reverse("core:home")
    return _export(request, "interactions", filters, back)


urlpatterns: list[URLPattern] = [
    path("insights/", insight_list, name="insight-list"),
    path("insights/new/", insight_create, name="insight-create"),
    path("insights/similar/", insight_similar, name="insight-similar"),
    path("insights/export/", insight_export, name="insight-export"),
    path("insights/<int:pk>/", insight_detail, name="insight-detail"),
    path("insights/<int:pk>/edit/", insight_edit, name="insight-edit"),
    path("insights/<int:pk>/review/", insight_review, name="insight-review"),
    path("insights/<int:pk>/comment/", insight_comment, name="insight-comment"),
    path("insights/<int:pk>/tags/", insight_tags, name="insight-tags"),
    path("interactions/export/", interaction_export, name="interaction-export"),
]
