from django.urls import URLPattern, URLResolver

app_name = "literature"

urlpatterns: list[URLPattern | URLResolver] = []
