"""The REST API under /api/v1/: one NinjaAPI, the routers each app declares
(``api_routers`` in its ``apps.py``, see ``liaison.core.registry``).

Every operation requires authentication (a personal API token, or the browser
session with CSRF), runs its writes inside ``audit.source("api")`` and answers
errors in one shape::

    {"message": "npi: '123' is not 10 digits", "details": {"npi": "..."}}
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.module_loading import import_string
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext
from ninja.openapi.schema import OpenAPISchema

from liaison.core import audit, registry
from liaison.core.api import SessionAuth, TokenAuth
from liaison.core.errors import LiaisonError

logger = logging.getLogger(__name__)

DESCRIPTION = """\
The Liaison REST API. Authenticate with a personal API token:
`Authorization: Bearer <token>` (create one with `POST /api/v1/tokens`, on your
profile page, or with `liaison token create NAME`). Signed-in browsers may also
use their session; unsafe methods then need the `X-CSRFToken` header.

The same access policy as the web applies: a record you may not see answers 404,
one you may see but not change answers 403, and an account without a role
answers 403 everywhere.

Every error has one shape: `{"message": str, "details": {field: reason}}`.
"""

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "What went wrong, naming field and value"},
        "details": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Each field in error and its reason",
        },
    },
    "required": ["message", "details"],
}


class LiaisonAPI(NinjaAPI):
    """Ninja's API with the error shape documented once, as every operation's
    ``default`` response (400, 401, 403, 404, 409, 422, 503)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {
            "description": "An error: 400 bad value, 401 no valid token, 403 not allowed, "
            "404 unseen or missing, 409 conflict, 422 invalid input, 503 database unavailable",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for item in schema["paths"].values():
            for operation in item.values():
                operation.setdefault("responses", {}).setdefault("default", error)
        return schema

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        # Ninja names a field of a flattened schema (``query: Query[PublicationExportQuery]``)
        # by the field alone only for the field's own error (``pmid``); an error inside it,
        # as an item of a list, kept the handler's parameter (``query.pmid.0``).
        error = super().validation_error_from_error_contexts(error_contexts)
        items = iter(error.errors)
        for context in error_contexts:
            reverse = getattr(context.model, "__ninja_flatten_map_reverse__", {})
            raw = context.pydantic_validation_error.errors(include_url=False)
            for original, item in zip(raw, items, strict=False):
                loc = tuple(original["loc"])
                for size in range(len(loc), 0, -1):
                    if loc[:size] in reverse:
                        item["loc"] = (item["loc"][0], *reverse[loc[:size]], *loc[size:])
                        break
        return error

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # Last, after every operation: an unknown path under /api/v1/ answers
        # in the API's error shape, not with the web's HTML 404 page; any path,
        # a line break in it too (``<path:...>`` stops at one).
        return [
            *super()._get_urls(),
            re_path(r"^(?P<rest>[\s\S]+)$", unknown_endpoint, name="not-found"),
        ]


def unknown_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    return JsonResponse(
        {"message": f"no API endpoint at {request.path}", "details": {}}, status=404
    )


api = LiaisonAPI(
    title="Liaison API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


def api_source(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark audit events written by an operation as coming from the API."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with audit.source("api"):
            return view_func(request, *args, **kwargs)

    return wrapper


api.add_decorator(api_source, mode="operation")


# --- one error shape -----------------------------------------------------------

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def field_name(loc: Sequence[Any]) -> str:
    """The input field an error location points at: ``["body", "payload", "npi"]``
    and ``["query", "page_size"]`` become ``npi`` and ``page_size``; nested items
    keep their path (``emails.1``)."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in _LOCATIONS:
        location = parts.pop(0)
        # A body schema is named by its parameter (``payload``): not a field the caller sends.
        if location in {"body", "form"} and len(parts) > 1:
            parts.pop(0)
    return ".".join(parts) or "__all__"


def error_response(
    request: HttpRequest, status: int, message: str, details: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"message": message, "details": details or {}}, status=status
    )


@api.exception_handler(LiaisonError)
def on_liaison_error(request: HttpRequest, error: LiaisonError) -> HttpResponse:
    return error_response(request, error.status_code, error.message, error.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    details: dict[str, str] = {}
    for item in error.errors:
        name = field_name(item.get("loc", ()))
        reason = str(item.get("msg", "is not valid"))
        details[name] = f"{details[name]}; {reason}" if name in details else reason
    message = "; ".join(f"{name}: {reason}" for name, reason in details.items())
    return error_response(request, 422, message or "the request is not valid", details)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = error_response(
        request,
        401,
        "authentication required: send 'Authorization: Bearer <token>' with an active API token",
    )
    response["WWW-Authenticate"] = 'Bearer realm="liaison"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return error_response(request, error.status_code, error.message)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, 404, "not found")


@api.exception_handler(DjangoPermissionDenied)
def on_permission_denied(request: HttpRequest, error: DjangoPermissionDenied) -> HttpResponse:
    return error_response(request, 403, str(error) or "you may not do this")


@api.exception_handler(DatabaseError)
def on_database_error(request: HttpRequest, error: DatabaseError) -> HttpResponse:
    if (
        not isinstance(error, OperationalError | InterfaceError)
        and type(error) is not DatabaseError
    ):
        # Integrity and data errors are the services' to explain; reaching here is a bug.
        return on_unexpected_error(request, error)
    text = str(error).lower()
    message = (
        "the database is busy (locked by another writer); try again in a moment"
        if "locked" in text or "busy" in text
        else "the database cannot be reached; try again later"
    )
    logger.error("database unavailable on %s: %s", request.path, error)
    return error_response(request, 503, message)


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.error("unexpected error on %s %s", request.method, request.path, exc_info=error)
    return error_response(request, 500, "an unexpected error occurred; it has been logged")


# --- routes --------------------------------------------------------------------

# Each installed app's routers, as its AppConfig declares them, in INSTALLED_APPS order.
for prefix, router in registry.api_routers():
    api.add_router(prefix, import_string(router))
