"""Turn an unreachable or locked database into a clear page, not a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if (
            not isinstance(exception, OperationalError | InterfaceError)
            and type(exception) is not DatabaseError
        ):
            return None
        text = str(exception).lower()
        reason = (
            "the database is busy (locked by another writer); try again in a moment"
            if "locked" in text or "busy" in text
            else "the database cannot be reached"
        )
        logger.error("database unavailable on %s: %s", request.path, exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"message": reason, "details": {}}, status=503)
        body = render_to_string("core/unavailable.html", {"reason": reason})
        return HttpResponse(body, status=503)


class MemberRequiredMiddleware:
    """Signed-in accounts without a role (and not superusers) reach nothing but
    the login and logout pages: the policy would show them nothing anyway, and a
    plain 403 says why."""

    allowed_prefixes = ("/login/", "/logout/", "/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not (getattr(user, "role", "") or user.is_superuser)
            and not request.path.startswith(self.allowed_prefixes)
        ):
            return HttpResponse(
                "Your account has no role yet: ask an administrator to assign one.",
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
