"""Import and export of the directory (CSV, XLSX): views and their URL patterns."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
