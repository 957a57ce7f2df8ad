from django.urls import URLPattern, URLResolver

from liaison.directory.transfer_views import urlpatterns as transfer_urlpatterns

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    *transfer_urlpatterns,
]
