"""The medical information pages (mounted under ``/medinfo/``), joined from ``views/``."""

from __future__ import annotations

from liaison.medinfo.views import answers, inquiries, reports, responses

app_name = "medinfo"

urlpatterns = [
    *inquiries.urlpatterns,
    *answers.urlpatterns,
    *responses.urlpatterns,
    *reports.urlpatterns,
]
