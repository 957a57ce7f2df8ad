"""The experts app's ranked lists (placeholder until the rankings land)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path


@login_required
def ranking_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Experts")


urlpatterns = [path("", ranking_list, name="ranking-list")]
