from django.urls import URLPattern, URLResolver

app_name = "trials"

urlpatterns: list[URLPattern | URLResolver] = []
