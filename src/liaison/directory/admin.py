"""The directory in the Django admin: reference data and corrections by
administrators, every change audited (see :class:`AuditedModelAdmin`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from liaison.core.admin import AuditedModelAdmin
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Product,
    Specialty,
    TherapeuticArea,
)
from liaison.directory.selectors import search_q


@admin.register(TherapeuticArea)
class TherapeuticAreaAdmin(AuditedModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Specialty)
class SpecialtyAdmin(AuditedModelAdmin):
    list_display = ("name", "taxonomy_code")
    search_fields = ("name", "taxonomy_code")


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ("name", "type", "city", "country", "origin")
    list_filter = ("type", "country", "origin")
    search_fields = ("name", "search_name", "city")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("territories",)


class AffiliationInline(admin.TabularInline[Affiliation, HCP]):
    model = Affiliation
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(HCP)
class HCPAdmin(AuditedModelAdmin):
    list_display = ("family_name", "given_name", "npi", "orcid", "country", "origin", "updated_at")
    list_filter = ("country", "origin", "therapeutic_areas")
    search_fields = ("search_name",)
    filter_horizontal = ("specialties", "therapeutic_areas", "territories")
    inlines = (AffiliationInline,)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # The same search as the web list: accent-free names, NPI or ORCID iD.
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_q(search_term)), False


@admin.register(Affiliation)
class AffiliationAdmin(AuditedModelAdmin):
    list_display = ("hcp", "organization", "role", "start_date", "end_date", "is_primary")
    autocomplete_fields = ("hcp", "organization")


class IndicationInline(admin.TabularInline[Indication, Product]):
    model = Indication
    extra = 0


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ("name", "generic_name", "company", "is_own", "therapeutic_area")
    list_filter = ("is_own", "therapeutic_area")
    search_fields = ("name", "generic_name", "company")
    inlines = (IndicationInline,)


@admin.register(Indication)
class IndicationAdmin(AuditedModelAdmin):
    list_display = ("product", "country", "condition", "approved_on")
    list_filter = ("country", "product")
    search_fields = ("condition", "product__name")
