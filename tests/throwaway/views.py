"""The throw-away app's one page, for every member."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liaison.core.http import AuthenticatedHttpRequest, member_view


@require_GET
@member_view
def page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "throwaway/page.html", {"name": request.user.get_username()})
