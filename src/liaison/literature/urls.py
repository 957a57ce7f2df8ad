from django.urls import URLPattern, URLResolver, path

from liaison.literature.views import basket, publications, references

app_name = "literature"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", publications.publication_list, name="publication-list"),
    path("load/", publications.publication_load, name="publication-load"),
    path("<int:pmid>/", publications.publication_detail, name="publication-detail"),
    *references.urlpatterns,
    *basket.urlpatterns,
]
