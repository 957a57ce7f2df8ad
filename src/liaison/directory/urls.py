from django.urls import URLPattern, URLResolver, path

from liaison.directory import views
from liaison.directory.nppes_views import urlpatterns as nppes_urlpatterns
from liaison.directory.transfer_views import urlpatterns as transfer_urlpatterns

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    path("hcps/", views.hcp_list, name="hcp-list"),
    path("hcps/new/", views.hcp_create, name="hcp-create"),
    path("hcps/<int:pk>/", views.hcp_detail, name="hcp-detail"),
    path("hcps/<int:pk>/edit/", views.hcp_edit, name="hcp-edit"),
    path("hcps/<int:pk>/delete/", views.hcp_delete, name="hcp-delete"),
    path("hcps/<int:pk>/affiliations/new/", views.affiliation_create, name="affiliation-create"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    *transfer_urlpatterns,
    *nppes_urlpatterns,
]
