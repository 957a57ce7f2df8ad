from django.urls import path

from tests.throwaway import views

app_name = "throwaway"

urlpatterns = [path("", views.page, name="page")]
