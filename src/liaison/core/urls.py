from django.urls import path

from liaison.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
]
