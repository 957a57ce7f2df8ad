"""The experts app's network pages: an area's co-authorship network (drawing, tables,
communities), an HCP's co-authors, and who can introduce our team to an HCP."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from liaison.core import policy
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.networks import drawing, selectors
from liaison.experts.networks.forms import AreaNetworkForm, IntroductionsForm

EGO_PAGE_DRAWN = 30
INTRODUCTIONS = 8


@require_GET
@member_view
def network_area(request: AuthenticatedHttpRequest) -> HttpResponse:
    areas = (
        policy.scope(request.user, "view", TherapeuticArea)
        .filter(expert_definition__isnull=False)
        .order_by("name")
    )
    form = AreaNetworkForm(request.GET or None, areas=areas)
    network = None
    if form.is_valid() and form.cleaned_data.get("area") is not None:
        network = selectors.area_network(request.user, form.cleaned_data["area"], form.filters())
    context = {
        "form": form,
        "network": network,
        "drawing": drawing.area(network) if network else None,
        "ranking_label": selectors.RANKINGS.get(form.filters().rank_by, "") if network else "",
        "max_authors": selectors.MAX_AUTHORS,
    }
    return render(request, "experts/network_area.html", context)


@require_GET
@member_view
def network_hcp(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hcp = policy.get_for(request.user, "view", HCP, pk=pk)
    ego = selectors.ego_network(request.user, hcp, draw=EGO_PAGE_DRAWN)
    context = {
        "hcp": hcp,
        "ego": ego,
        "drawing": drawing.ego(ego, draw=EGO_PAGE_DRAWN),
        "max_authors": selectors.MAX_AUTHORS,
    }
    return render(request, "experts/network_hcp.html", context)


@require_GET
@member_view
def network_introductions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hcp = policy.get_for(request.user, "view", HCP, pk=pk)
    form = IntroductionsForm(request.GET)
    hops = (form.cleaned_data.get("max_hops") or 3) if form.is_valid() else 3
    found = selectors.introductions(request.user, hcp, max_hops=hops, limit=INTRODUCTIONS)
    context = {"hcp": hcp, "form": form, "found": found, "max_authors": selectors.MAX_AUTHORS}
    return render(request, "experts/network_introductions.html", context)


urlpatterns = [
    path("network/", network_area, name="network-area"),
    path("network/hcps/<int:pk>/", network_hcp, name="network-hcp"),
    path(
        "network/hcps/<int:pk>/introductions/",
        network_introductions,
        name="network-introductions",
    ),
]
