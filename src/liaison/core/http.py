"""What every web view shares: a typed request, the sign-in requirement, the
mapping of domain errors to readable pages and where to go back to after a
form, so views stay about twenty lines."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import User

P = ParamSpec("P")


class AuthenticatedHttpRequest(HttpRequest):
    """A request of a signed-in user, as :func:`member_view` guarantees."""

    user: User
    htmx: HtmxDetails


View = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponseBase]


def error_response(request: HttpRequest, error: LiaisonError) -> HttpResponse:
    """The page for a domain error: 404 for unseen, 403 for not allowed, else 400/409."""
    if isinstance(error, NotFound):
        template = "core/404.html"
    elif isinstance(error, PermissionDenied):
        template = "core/403.html"
    else:
        template = "core/400.html"
    return render(
        request, template, {"message": error.message, "error": error}, status=error.status_code
    )


def member_view(view: View[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Require sign-in (anonymous users go to the login page) and turn
    :class:`LiaisonError` raised by the view into its page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        # login_required (below) lets only signed-in users through.
        try:
            return view(cast(AuthenticatedHttpRequest, request), *args, **kwargs)
        except LiaisonError as error:
            return error_response(request, error)

    return login_required(wrapper)


def next_url(request: HttpRequest, fallback: str, *, name: str = "next") -> str:
    """Where to go after a form: the request's ``next`` (posted, else in the query
    string) when it stays on this site, else ``fallback`` (a URL name or a path).

    The check is the login's (Django's ``url_has_allowed_host_and_scheme``): this
    request's host only, and https when the request came over https. So
    ``https://evil.example/``, ``//evil.example/``, ``/\\evil.example`` and
    ``https:/evil`` all go to ``fallback``: a link or a form on another site
    cannot send a user on from here (an open redirect)."""
    target = request.POST.get(name) or request.GET.get(name) or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else resolve_url(fallback)


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int) -> Page[Any]:
    """The page of ``queryset`` named by ``?page=`` (out of range: the last page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def render_page_or_fragment(
    request: HttpRequest, template: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """Render ``template``, or only its ``fragment`` partial for an htmx request.

    The response varies on ``HX-Request``: the browser must not show a cached
    fragment as the page when the user comes back to the URL htmx pushed.
    """
    name = f"{template}#{fragment}" if is_fragment_request(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def query_without(params: QueryDict, *names: str) -> str:
    """The query string of ``params`` without ``names`` (to build page and export links)."""
    pairs = [
        (key, value)
        for key, values in params.lists()
        if key not in names
        for value in values
        if value != ""
    ]
    return urlencode(pairs)
