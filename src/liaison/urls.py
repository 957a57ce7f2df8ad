"""Top-level URLs: each installed app's ``urls.py`` at the ``url_prefix`` it declares
(``liaison.core.registry``), the API under /api/v1/, and Django's admin."""

from django.contrib import admin
from django.urls import include, path

from liaison.api import api
from liaison.core import registry

urlpatterns = [
    *(path(prefix, include(urlconf)) for prefix, urlconf in registry.url_mounts()),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
