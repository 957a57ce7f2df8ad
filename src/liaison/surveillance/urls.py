from django.urls import URLPattern, URLResolver, path

from liaison.surveillance import views

app_name = "surveillance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/read-all/", views.alert_read_all, name="alert-read-all"),
    path("alerts/digest/", views.digest_preference, name="digest-preference"),
    path("alerts/bulk/", views.alert_bulk, name="alert-bulk"),
    path("alerts/<int:pk>/triage/", views.alert_triage, name="alert-triage"),
    path("alerts/<int:pk>/read/", views.alert_read, name="alert-read"),
    path("watches/", views.watch_list, name="watch-list"),
    path("watches/new/", views.watch_create, name="watch-create"),
    path("watches/<int:pk>/", views.watch_detail, name="watch-detail"),
    path("watches/<int:pk>/matches/", views.watch_matches, name="watch-matches"),
    path("watches/<int:pk>/edit/", views.watch_edit, name="watch-edit"),
    path("watches/<int:pk>/delete/", views.watch_delete, name="watch-delete"),
    path("watches/<int:pk>/run/", views.watch_run, name="watch-run"),
]
