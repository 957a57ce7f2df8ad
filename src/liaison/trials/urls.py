from django.urls import URLPattern, URLResolver, path, re_path

from liaison.trials import views

app_name = "trials"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.trial_list, name="trial-list"),
    path("landscape/", views.landscape, name="landscape"),
    path("load/", views.trial_load, name="trial-load"),
    re_path(r"^(?P<nct_id>[Nn][Cc][Tt][0-9]{8})/$", views.trial_detail, name="trial-detail"),
]
