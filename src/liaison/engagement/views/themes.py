"""Pages of insight themes: the themes (a chart and a table), one theme with its
representative and member insights (those the user may see) and the insights
lead's forms (rename, pin, merge, split, move), the analytics by month,
country, therapeutic area, HCP tier and strategic question, the coverage of
the strategic questions, and "Recompute" (a background job).

Reads through ``analytics`` (the policy's insight scope); writes through
``services.themes``; recomputation through ``tasks.start_theme_recompute``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view, paginate
from liaison.engagement import analytics
from liaison.engagement.forms.themes import MergeForm, PinForm, RenameForm, SelectionForm
from liaison.engagement.models import Insight, Theme
from liaison.engagement.services import themes as services
from liaison.engagement.tasks import start_theme_recompute
from liaison.lib import charts
from liaison.lib.forms import add_liaison_error

#: Themes drawn in the list's chart (the table has them all).
CHART_THEMES = 20


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


@require_GET
@member_view
def theme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    themes = list(analytics.theme_sizes(request.user))
    drawn = sorted(themes, key=lambda theme: (-theme.size, theme.pk))[:CHART_THEMES]
    chart = charts.bar_chart(
        title=f"Insights per theme (the {len(drawn)} largest)",
        labels=[theme.label for theme in drawn],
        values=[theme.size for theme in drawn],
        table_id="theme-table",
    )
    context = {
        "themes": themes,
        "chart": chart if themes else None,
        "total": sum(theme.size for theme in themes),
        "can_recompute": policy.can(request.user, "recompute", Theme),
        "computed_at": max((t.computed_at for t in themes if t.computed_at), default=None),
    }
    return render(request, "engagement/theme_list.html", context)


def _detail(
    request: AuthenticatedHttpRequest,
    theme: Theme,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    user = request.user
    visible = policy.scope(user, "view", Insight)
    members = visible.filter(theme=theme).select_related("category").order_by("-created_at", "-pk")
    by_pk = {i.pk: i for i in visible.filter(pk__in=theme.representative_ids)}
    representatives = [by_pk[pk] for pk in theme.representative_ids if pk in by_pk]
    can_shape = policy.can(user, "shape", theme)
    others = analytics.theme_sizes(user)
    context: dict[str, Any] = {
        "theme": theme,
        "representatives": representatives,
        "page_obj": paginate(request, members, _page_size()),
        "hidden": max(theme.size - members.count(), 0),
        "can_shape": can_shape,
    }
    if can_shape:
        context["rename_form"] = forms.get("rename_form") or RenameForm(
            initial={"label": theme.label}
        )
        context["merge_form"] = forms.get("merge_form") or MergeForm(theme=theme, others=others)
        context["selection_form"] = forms.get("selection_form") or SelectionForm(
            members=members, theme=theme, others=others, initial={"action": "split"}
        )
    return render(request, "engagement/theme_detail.html", context, status=status)


@require_GET
@member_view
def theme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, policy.get_for(request.user, "view", Theme, pk=pk))


@require_POST
@member_view
def theme_rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    theme = policy.get_for(request.user, "shape", Theme, pk=pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.rename_theme(actor=request.user, theme=theme, label=form.cleaned_data["label"])
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"Theme renamed “{theme.label}”.")
            return redirect("engagement:theme-detail", pk=theme.pk)
    return _detail(request, theme, status=400, rename_form=form)


@require_POST
@member_view
def theme_pin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    theme = policy.get_for(request.user, "shape", Theme, pk=pk)
    form = PinForm(request.POST)
    form.is_valid()
    pinned = bool(form.cleaned_data.get("pinned"))
    services.pin_theme(actor=request.user, theme=theme, pinned=pinned)
    state = "pinned: recomputations keep it" if pinned else "unpinned"
    messages.success(request, f"Theme “{theme.label}” {state}.")
    return redirect("engagement:theme-detail", pk=theme.pk)


@require_POST
@member_view
def theme_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    theme = policy.get_for(request.user, "shape", Theme, pk=pk)
    form = MergeForm(request.POST, theme=theme, others=analytics.theme_sizes(request.user))
    if form.is_valid():
        merged = list(form.cleaned_data["themes"])
        try:
            services.merge_themes(actor=request.user, into=theme, themes=merged)
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            count = len(merged)
            messages.success(
                request, f"{count} theme{'s' if count != 1 else ''} merged into “{theme.label}”."
            )
            return redirect("engagement:theme-detail", pk=theme.pk)
    return _detail(request, theme, status=400, merge_form=form)


@require_POST
@member_view
def theme_selection(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Split the ticked insights off into a new theme, or move them to another."""
    user = request.user
    theme = policy.get_for(user, "shape", Theme, pk=pk)
    members = policy.scope(user, "view", Insight).filter(theme=theme)
    form = SelectionForm(
        request.POST, members=members, theme=theme, others=analytics.theme_sizes(user)
    )
    if form.is_valid():
        data = form.cleaned_data
        chosen = list(data["insights"])
        try:
            if data["action"] == "split":
                new = services.split_theme(
                    actor=user, theme=theme, insights=chosen, label=data["label"]
                )
                messages.success(request, f"{len(chosen)} insights split into “{new.label}”.")
                return redirect("engagement:theme-detail", pk=new.pk)
            if data["theme"] is None:
                raise LiaisonError("theme: choose the theme to move them to", field="theme")
            moved = services.move_insights(actor=user, insights=chosen, theme=data["theme"])
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"{moved} insights moved to “{data['theme'].label}”.")
            return redirect("engagement:theme-detail", pk=theme.pk)
    return _detail(request, theme, status=400, selection_form=form)


@require_POST
@member_view
def theme_recompute(request: AuthenticatedHttpRequest) -> HttpResponse:
    job = start_theme_recompute(actor=request.user)
    return redirect("core:job-detail", pk=job.pk)


@require_GET
@member_view
def question_coverage(request: AuthenticatedHttpRequest) -> HttpResponse:
    active_only = request.GET.get("active") == "1"
    rows = analytics.question_coverage(request.user, active_only=active_only)
    answered = [row for row in rows if row.answered]
    chart = charts.bar_chart(
        title="Insights answering each strategic question",
        labels=[str(row.question) for row in answered],
        values=[row.insights for row in answered],
        table_id="coverage-table",
    )
    context = {
        "rows": rows,
        "answered": answered,
        "unanswered": [row for row in rows if not row.answered],
        "chart": chart if answered else None,
        "active_only": active_only,
    }
    return render(request, "engagement/analytics_questions.html", context)


def _chart(breakdown: analytics.Breakdown, table_id: str) -> Any:
    labels = [label for label, _counts in breakdown.rows]
    series = [
        charts.Series(column.label, [counts[i] for _label, counts in breakdown.rows])
        for i, column in enumerate(breakdown.columns)
    ]
    series = [one for one in series if any(one.values)]  # the table keeps every column
    title = f"Insights per theme {breakdown.by}"
    if breakdown.dimension == "month":
        return charts.line_chart(title=title, labels=labels, series=series, table_id=table_id)
    return charts.stacked_bar_chart(title=title, labels=labels, series=series, table_id=table_id)


@require_GET
@member_view
def analytics_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    sections = []
    for dimension in analytics.DIMENSIONS:
        breakdown = analytics.themes_by(request.user, dimension)
        table_id = f"by-{dimension.replace('_', '-')}-table"
        sections.append(
            {
                "breakdown": breakdown,
                "table_id": table_id,
                "heading_id": f"by-{dimension.replace('_', '-')}",
                "chart": _chart(breakdown, table_id) if breakdown.total else None,
            }
        )
    context = {"sections": sections, "months": analytics.MONTHS}
    return render(request, "engagement/analytics.html", context)


urlpatterns: list[URLPattern] = [
    path("themes/", theme_list, name="theme-list"),
    path("themes/recompute/", theme_recompute, name="theme-recompute"),
    path("themes/<int:pk>/", theme_detail, name="theme-detail"),
    path("themes/<int:pk>/rename/", theme_rename, name="theme-rename"),
    path("themes/<int:pk>/pin/", theme_pin, name="theme-pin"),
    path("themes/<int:pk>/merge/", theme_merge, name="theme-merge"),
    path("themes/<int:pk>/insights/", theme_selection, name="theme-selection"),
    path("analytics/", analytics_view, name="analytics"),
    path("questions/coverage/", question_coverage, name="question-coverage"),
]
