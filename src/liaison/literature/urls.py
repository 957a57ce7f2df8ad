from django.urls import URLPattern, URLResolver, path

from liaison.literature import views
from liaison.literature.reference_views import urlpatterns as reference_urlpatterns

app_name = "literature"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.publication_list, name="publication-list"),
    path("load/", views.publication_load, name="publication-load"),
    path("<int:pmid>/", views.publication_detail, name="publication-detail"),
    *reference_urlpatterns,
]
