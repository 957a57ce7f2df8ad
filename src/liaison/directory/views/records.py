"""Directory pages: the HCP list and profile, HCP and affiliation forms, organizations.

Reads go through ``selectors`` (which start from the policy's queryset), writes
through ``services``; a view parses input, calls one of them and renders.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    paginate,
    query_without,
    render_page_or_fragment,
)
from liaison.directory import selectors, services
from liaison.directory.forms import (
    AffiliationForm,
    DeleteForm,
    HCPFilterForm,
    HCPForm,
    OrganizationFilterForm,
    OrganizationForm,
)
from liaison.directory.models import HCP, Affiliation, Organization
from liaison.directory.policy import territories_holding
from liaison.lib.forms import add_liaison_error


def _countries(queryset: QuerySet[Any]) -> list[str]:
    return list(queryset.order_by("country").values_list("country", flat=True).distinct())


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


# --- HCPs ---------------------------------------------------------------------


@require_GET
@member_view
def hcp_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HCPFilterForm(request.GET, countries=selectors.hcp_countries(request.user))
    filters = form.filters()
    hcps = selectors.with_list_relations(selectors.hcp_queryset(request.user, filters))
    page = paginate(request, hcps, _page_size())
    export_url = reverse("directory:hcp-export")
    filters_query = query_without(request.GET, "page", "format")
    context = {
        "form": form,
        "page_obj": page,
        "sort": filters.sort,
        "export_links": [
            (label, f"{export_url}?{'&'.join(filter(None, [filters_query, f'format={fmt}']))}")
            for label, fmt in (("Export CSV", "csv"), ("Export XLSX", "xlsx"))
        ],
        "import_url": reverse("directory:import-start")
        if policy.can(request.user, "import", HCP)
        else None,
        "can_add": policy.can(request.user, "add", HCP),
    }
    return render_page_or_fragment(request, "directory/hcp_list.html", "results", context)


@require_GET
@member_view
def hcp_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hcp = selectors.hcp_profile(request.user, pk)
    context = {
        "hcp": hcp,
        "territories": territories_holding(hcp),
        "can_change": policy.can(request.user, "change", hcp),
        "can_delete": policy.can(request.user, "delete", hcp),
    }
    return render(request, "directory/hcp_detail.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def hcp_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", HCP)
    form = HCPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hcp = services.create_hcp(
                actor=request.user, data=form.service_data(), reason=form.cleaned_data["reason"]
            )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"{hcp.full_name} was added.")
            return redirect("directory:hcp-detail", pk=hcp.pk)
    return render(request, "directory/hcp_form.html", {"form": form, "hcp": None})


@require_http_methods(["GET", "POST"])
@member_view
def hcp_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hcp = policy.get_for(request.user, "change", HCP, pk=pk)
    form = HCPForm(request.POST or None, initial=HCPForm.initial_for(hcp))
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.update_hcp(
                actor=request.user,
                hcp=hcp,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(
                request,
                f"{hcp.full_name} was saved." if changes else "Nothing was changed.",
            )
            return redirect("directory:hcp-detail", pk=hcp.pk)
    return render(request, "directory/hcp_form.html", {"form": form, "hcp": hcp})


@require_http_methods(["GET", "POST"])
@member_view
def hcp_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hcp = policy.get_for(request.user, "delete", HCP, pk=pk)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = hcp.full_name
        try:
            services.delete_hcp(actor=request.user, hcp=hcp, reason=form.cleaned_data["reason"])
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"{name} was deleted.")
            return redirect("directory:hcp-list")
    return render(request, "directory/hcp_delete.html", {"form": form, "hcp": hcp})


@require_http_methods(["GET", "POST"])
@member_view
def affiliation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hcp = policy.get_for(request.user, "change", HCP, pk=pk)
    policy.require(request.user, "add", Affiliation)
    organizations = selectors.organization_queryset(request.user).select_related(None)
    form = AffiliationForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_affiliation(actor=request.user, hcp=hcp, data=form.service_data())
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"The affiliation of {hcp.full_name} was added.")
            return redirect("directory:hcp-detail", pk=hcp.pk)
    return render(request, "directory/affiliation_form.html", {"form": form, "hcp": hcp})


# --- organizations ------------------------------------------------------------------


@require_GET
@member_view
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    countries = _countries(policy.scope(request.user, "view", Organization))
    form = OrganizationFilterForm(request.GET, countries=countries)
    form.is_valid()
    organizations = selectors.organization_queryset(
        request.user,
        q=form.cleaned_data.get("q") or "",
        country=form.cleaned_data.get("country") or "",
    )
    context = {
        "form": form,
        "page_obj": paginate(request, organizations, _page_size()),
        "can_add": policy.can(request.user, "add", Organization),
    }
    return render_page_or_fragment(request, "directory/organization_list.html", "results", context)


@require_GET
@member_view
def organization_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = policy.get_for(
        request.user, "view", Organization.objects.select_related("parent"), pk=pk
    )
    hcps = selectors.with_list_relations(selectors.organization_hcps(request.user, organization))
    context = {
        "organization": organization,
        "children": policy.scope(request.user, "view", organization.children.all()),
        "page_obj": paginate(request, hcps, _page_size()),
        "can_change": policy.can(request.user, "change", organization),
    }
    return render(request, "directory/organization_detail.html", context)


def _save_organization(
    request: AuthenticatedHttpRequest, organization: Organization | None
) -> HttpResponse:
    parents = selectors.organization_queryset(request.user).select_related(None)
    if organization is not None:
        parents = parents.exclude(pk=organization.pk)
    initial = OrganizationForm.initial_for(organization) if organization else None
    form = OrganizationForm(request.POST or None, initial=initial, organizations=parents)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if organization is None:
                organization = services.create_organization(
                    actor=request.user, data=form.service_data(), reason=reason
                )
            else:
                services.update_organization(
                    actor=request.user,
                    organization=organization,
                    data=form.service_data(),
                    reason=reason,
                )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"{organization.name} was saved.")
            return HttpResponseRedirect(
                reverse("directory:organization-detail", args=[organization.pk])
            )
    context = {"form": form, "organization": organization}
    return render(request, "directory/organization_form.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", Organization)
    return _save_organization(request, None)


@require_http_methods(["GET", "POST"])
@member_view
def organization_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = policy.get_for(request.user, "change", Organization, pk=pk)
    return _save_organization(request, organization)
