"""The throw-away app's one page, for every member, and its panel of the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.models import User


@require_GET
@member_view
def page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "throwaway/page.html", {"name": request.user.get_username()})


def greeting(user: User) -> dict[str, Any]:
    """The home panel's context (``home_panels`` in ``apps.py``)."""
    return {"name": user.get_username()}
