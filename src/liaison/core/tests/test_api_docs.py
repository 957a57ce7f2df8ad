"""OpenAPI 3.1 and the docs page: every operation documented, assets served locally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from liaison.api import api

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


def operations() -> list[tuple[str, str, dict[str, object]]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_openapi_json_is_openapi_3_1_and_public() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/hcps" in schema["paths"]


def test_every_operation_has_its_own_summary_and_a_description() -> None:
    # ninja invents a summary from the function name when none is given
    # ("List Hcps"); the operations we write name theirs.
    missing = []
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                invented = operation.view_func.__name__.title().replace("_", " ")
                if not operation.summary or operation.summary == invented:
                    missing.append(f"{operation.view_func.__name__}: summary")
                if not (operation.description or "").strip():
                    missing.append(f"{operation.view_func.__name__}: description")
    assert missing == []
    assert len(operations()) >= 30


def test_every_operation_has_a_tag_and_requires_authentication() -> None:
    schema = api.get_openapi_schema()
    for method, path, operation in operations():
        assert operation.get("tags"), f"{method} {path} has no tag"
        assert operation.get("security"), f"{method} {path} does not require authentication"
    assert "TokenAuth" in schema["components"]["securitySchemes"]


def test_every_operation_documents_the_one_error_shape() -> None:
    schema = api.get_openapi_schema()
    assert schema["components"]["schemas"]["Error"]["required"] == ["message", "details"]
    for method, path, operation in operations():
        responses = operation["responses"]
        assert isinstance(responses, dict)
        ref = responses["default"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error", f"{method} {path}"


def test_docs_page_loads_only_local_assets() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the docs page references no assets"
    for url in urls:
        assert url.startswith("/static/"), url
        found = finders.find(url.removeprefix("/static/"))
        assert found and Path(str(found)).is_file(), f"{url} is not a local static file"


def test_docs_page_has_no_inline_executable_script() -> None:
    html = Client().get("/api/v1/docs").content.decode()
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        if "src=" in attributes:
            continue
        # Only data blocks may be inline: the CSP (script-src 'self') would block code.
        assert 'type="application/json"' in attributes, attributes
        assert body.strip()


def test_docs_page_is_served_under_our_csp() -> None:
    response = Client().get("/api/v1/docs")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
