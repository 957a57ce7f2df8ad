"""Engagement reference data in the Django admin, for administrators (audited like every
admin write): the insight taxonomy and the medical plan's strategic questions."""

from __future__ import annotations

from django.contrib import admin

from liaison.core.admin import AuditedModelAdmin
from liaison.engagement.models import InsightCategory, StrategicQuestion


@admin.register(InsightCategory)
class InsightCategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "active", "order")
    list_filter = ("active",)
    search_fields = ("name", "code")


@admin.register(StrategicQuestion)
class StrategicQuestionAdmin(AuditedModelAdmin):
    list_display = ("code", "text", "therapeutic_area", "period_start", "period_end", "active")
    list_filter = ("active", "therapeutic_area")
    search_fields = ("code", "text")
