"""Top-level URLs: each app mounts its own ``urls.py``; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from liaison.api import api

urlpatterns = [
    path("", include("liaison.core.urls")),
    path("directory/", include("liaison.directory.urls")),
    path("literature/", include("liaison.literature.urls")),
    path("trials/", include("liaison.trials.urls")),
    path("surveillance/", include("liaison.surveillance.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
