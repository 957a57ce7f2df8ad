"""Engagement plan pages: the plans a user keeps or oversees, a plan with its targets'
coverage (and the forms that add, re-tier and remove targets), a plan's form and
its deletion, and the coverage page (per MSL and for the team, for a manager).

Reads go through the policy (``policy.get_for``, ``coverage``); writes through
``services.plans``."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.directory.selectors import HCPFilters, hcp_queryset
from liaison.engagement import coverage
from liaison.engagement.forms.plans import PlanForm, TargetForm, TargetSearchForm, TierForm
from liaison.engagement.models import EngagementPlan, Interaction, PlanTarget, Tier
from liaison.engagement.services import plans as services
from liaison.lib import charts
from liaison.lib.forms import add_liaison_error

#: How many HCPs the target search shows.
SEARCH_RESULTS = 20


def _basis(request: AuthenticatedHttpRequest, default: coverage.Basis) -> coverage.Basis:
    value = request.GET.get("basis", default)
    return cast(coverage.Basis, value) if value in coverage.BASES else default


@require_GET
@member_view
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plans = (
        policy.scope(request.user, "view", EngagementPlan)
        .select_related("msl", "territory")
        .annotate(target_count=Count("targets", distinct=True))
        .order_by("-period_start", "name", "pk")
    )
    context = {
        "plans": plans,
        "today": timezone.localdate(),
        "can_add": policy.can(request.user, "add", EngagementPlan),
    }
    return render(request, "engagement/plan_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", EngagementPlan)
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, data=form.values())
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"Plan “{plan.name}” created: add its target HCPs.")
            return redirect("engagement:plan-detail", pk=plan.pk)
    return render(request, "engagement/plan_form.html", {"form": form, "plan": None})


@require_GET
@member_view
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = policy.get_for(request.user, "view", EngagementPlan.objects.select_related("msl"), pk=pk)
    can_change = policy.can(request.user, "change", plan)
    search = TargetSearchForm(request.GET or None)
    found = []
    if can_change and search.is_valid() and search.cleaned_data["q"].strip():
        found = list(
            hcp_queryset(request.user, HCPFilters(q=search.cleaned_data["q"])).exclude(
                plan_targets__plan=plan
            )[:SEARCH_RESULTS]
        )
    expert = services.expert_tiers(request.user, [hcp.pk for hcp in found])
    context = {
        "plan": plan,
        "coverage": coverage.plan_coverage(plan, basis=_basis(request, "msl")),
        "bases": coverage.BASES,
        "windows": coverage.WINDOWS,
        "can_change": can_change,
        "can_delete": policy.can(request.user, "delete", plan),
        "search": search,
        "found": found,
        "found_rows": [(hcp, expert.get(hcp.pk, "")) for hcp in found],
        "tiers": Tier.choices,
        "frequencies": [(label, coverage.frequency_of(plan, key)) for key, label in Tier.choices],
        "log_url": reverse("engagement:interaction-create")
        if policy.can(request.user, "add", Interaction)
        else "",
    }
    return render(request, "engagement/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = policy.get_for(request.user, "change", EngagementPlan, pk=pk)
    form = PlanForm(request.POST or None, user=request.user, initial=PlanForm.initial_for(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(actor=request.user, plan=plan, data=form.values())
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"Plan “{plan.name}” saved.")
            return redirect("engagement:plan-detail", pk=plan.pk)
    return render(request, "engagement/plan_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
@member_view
def plan_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = policy.get_for(request.user, "delete", EngagementPlan, pk=pk)
    if request.method == "POST":
        services.delete_plan(actor=request.user, plan=plan)
        messages.success(request, f"Plan “{plan.name}” deleted with its targets.")
        return redirect("engagement:plan-list")
    return render(request, "engagement/plan_delete.html", {"plan": plan})


@require_POST
@member_view
def plan_target_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = policy.get_for(request.user, "change", EngagementPlan, pk=pk)
    form = TargetForm(request.POST)
    if not form.is_valid():
        field, reasons = next(iter(form.errors.items()))
        raise LiaisonError(f"{form.fields[field].label or field}: {reasons[0]}", field=field)
    target = services.add_target(
        actor=request.user,
        plan=plan,
        hcp=form.cleaned_data["hcp"],
        tier=form.cleaned_data["tier"] or None,
        note=form.cleaned_data["note"],
    )
    messages.success(request, f"{target.hcp.full_name} added as {target.get_tier_display()}.")
    return redirect("engagement:plan-detail", pk=plan.pk)


@require_POST
@member_view
def plan_target_tier(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = policy.get_for(request.user, "change", PlanTarget.objects.select_related("hcp"), pk=pk)
    form = TierForm(request.POST)
    if not form.is_valid():
        raise LiaisonError("Tier: choose tier 1, 2 or 3", field="tier")
    services.retier_target(actor=request.user, target=target, tier=form.cleaned_data["tier"])
    messages.success(request, f"{target.hcp.full_name} is now {target.get_tier_display()}.")
    return redirect("engagement:plan-detail", pk=target.plan_id)


@require_POST
@member_view
def plan_target_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = policy.get_for(request.user, "delete", PlanTarget.objects.select_related("hcp"), pk=pk)
    plan_id = target.plan_id
    services.remove_target(actor=request.user, target=target)
    messages.success(request, f"{target.hcp.full_name} is no longer a target of this plan.")
    return redirect("engagement:plan-detail", pk=plan_id)


@require_GET
@member_view
def coverage_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The current plans' coverage per MSL and for the team: a manager's team, an
    MSL's own, every MSL's for an administrator."""
    team = coverage.team_coverage(request.user, basis=_basis(request, "team"))
    chart = charts.bar_chart(
        title="Targets engaged in the last 90 days, per MSL (%)",
        labels=[entry.name for entry in team.by_msl],
        values=[entry.totals.percent_90 for entry in team.by_msl],
        table_id="coverage-table",
    )
    context = {"team": team, "chart": chart, "bases": coverage.BASES, "windows": coverage.WINDOWS}
    return render(request, "engagement/plan_coverage.html", context)


urlpatterns = [
    path("plans/", plan_list, name="plan-list"),
    path("plans/new/", plan_create, name="plan-create"),
    path("plans/<int:pk>/", plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan-edit"),
    path("plans/<int:pk>/delete/", plan_delete, name="plan-delete"),
    path("plans/<int:pk>/targets/", plan_target_add, name="plan-target-add"),
    path("plans/targets/<int:pk>/tier/", plan_target_tier, name="plan-target-tier"),
    path("plans/targets/<int:pk>/remove/", plan_target_remove, name="plan-target-remove"),
    path("coverage/", coverage_view, name="coverage"),
]
