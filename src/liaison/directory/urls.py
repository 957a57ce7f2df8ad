from django.urls import URLPattern, URLResolver, path

from liaison.directory.views import nppes, records, transfers

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    path("hcps/", records.hcp_list, name="hcp-list"),
    path("hcps/new/", records.hcp_create, name="hcp-create"),
    path("hcps/<int:pk>/", records.hcp_detail, name="hcp-detail"),
    path("hcps/<int:pk>/edit/", records.hcp_edit, name="hcp-edit"),
    path("hcps/<int:pk>/delete/", records.hcp_delete, name="hcp-delete"),
    path("hcps/<int:pk>/affiliations/new/", records.affiliation_create, name="affiliation-create"),
    path("organizations/", records.organization_list, name="organization-list"),
    path("organizations/new/", records.organization_create, name="organization-create"),
    path("organizations/<int:pk>/", records.organization_detail, name="organization-detail"),
    path("organizations/<int:pk>/edit/", records.organization_edit, name="organization-edit"),
    *transfers.urlpatterns,
    *nppes.urlpatterns,
]
