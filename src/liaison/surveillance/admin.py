"""Watches in the Django admin, for administrators (audited like every admin write).
Alerts are personal inboxes and stay out of the admin."""

from __future__ import annotations

from django.contrib import admin

from liaison.core.admin import AuditedModelAdmin
from liaison.surveillance.models import Watch


@admin.register(Watch)
class WatchAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "mode", "owner", "team", "schedule", "active", "last_run_at")
    list_filter = ("kind", "mode", "schedule", "active", "is_competitor")
    search_fields = ("name", "query", "condition", "intervention", "sponsor")
    readonly_fields = ("last_run_at", "last_seen", "created_by", "created_at")
