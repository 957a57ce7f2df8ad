"""The experts pages (mounted under ``/experts/``), joined from ``views/``."""

from __future__ import annotations

from liaison.experts.views import finder, networks, rankings, resolution

app_name = "experts"

urlpatterns = [
    *rankings.urlpatterns,
    *resolution.urlpatterns,
    *networks.urlpatterns,
    *finder.urlpatterns,
]
