"""The engagement pages (mounted under ``/engagement/``), joined from ``views/``."""

from __future__ import annotations

from liaison.engagement.views import (
    briefs,
    follow_ups,
    insights,
    interactions,
    meetings,
    plans,
    themes,
)

app_name = "engagement"

urlpatterns = [
    *interactions.urlpatterns,
    *meetings.urlpatterns,
    *follow_ups.urlpatterns,
    *insights.urlpatterns,
    *themes.urlpatterns,
    *plans.urlpatterns,
    *briefs.urlpatterns,
]
