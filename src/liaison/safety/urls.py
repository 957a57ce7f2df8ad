"""The safety pages (mounted under ``/safety/``), joined from ``views/``."""

from __future__ import annotations

from liaison.safety.views import cases, e2b, flags, intake, reconciliation

app_name = "safety"

urlpatterns = [
    *cases.urlpatterns,
    *intake.urlpatterns,
    *flags.urlpatterns,
    *e2b.urlpatterns,
    *reconciliation.urlpatterns,
]
