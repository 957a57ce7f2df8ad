"""The identity-resolution queue (placeholder until the queue lands)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Identity queue")


urlpatterns = [path("resolution/", proposal_list, name="proposal-list")]
