"""Every input of every API operation refuses what the database cannot hold, with a
422 naming the field, never a 500: a string holding the NUL character (PostgreSQL
cannot store it; the web's forms refuse it) and an integer beyond 64 bits (ids,
pages, filters). The operations and their inputs are read from the OpenAPI
document, so a new operation or field is checked without an edit here: one
declared with a plain ``str`` or ``int`` parameter, or a schema not derived from
``liaison.lib.api.InputSchema``, fails. The web's list pages survive the same
numbers.

Run on PostgreSQL too (``LIAISON_DATABASE_URL``), where a NUL reaching a query
is an error of the driver.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from liaison.api import api
from liaison.conftest import make_user
from liaison.core.models import Role, User
from liaison.core.tests.apiclient import make_token
from liaison.directory.models import HCP
from liaison.lib.api import MAX_INTEGER, NUL_REFUSED

pytestmark = pytest.mark.django_db

NUL_TEXT = "a\x00b"
TOO_LARGE = MAX_INTEGER + 1
#: Path parameters other than the one probed: any value the route matches.
PATH_FILLERS = {"integer": "1", "string": "NCT00000001"}


@dataclass(frozen=True)
class Probe:
    """One bad value sent to one input of one operation."""

    method: str
    path: str  # the OpenAPI path, {name} placeholders filled but the probed one
    location: str  # path, query or body
    name: str  # the field the 422 must name
    value: Any  # the value sent (a body: the whole JSON body)
    free_text: bool = False  # a plain string: the reason must be the NUL rule's

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path} {self.location} {self.name}"


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if reference:
        return dict(document["components"]["schemas"][reference.rsplit("/", 1)[-1]])
    return schema


def _alternatives(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null shapes a value may take (``anyOf`` flattened, references followed)."""
    schema = _resolve(document, schema)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return [shape for option in options for shape in _alternatives(document, option)]
    return [] if schema.get("type") == "null" else [schema]


def bad_values(
    document: dict[str, Any], schema: dict[str, Any], kind: str
) -> Iterator[tuple[Any, bool]]:
    """Values of the shape ``schema`` holding one bad part (``kind``: "nul" or
    "integer"), each with whether the bad part is a free-text string."""
    for shape in _alternatives(document, schema):
        kind_of = shape.get("type")
        if kind_of == "string" and kind == "nul":
            free = not any(key in shape for key in ("enum", "format", "pattern", "const"))
            yield NUL_TEXT, free
        elif kind_of == "integer" and kind == "integer":
            yield TOO_LARGE, False
        elif kind_of == "array":
            for value, free in bad_values(document, shape.get("items", {}), kind):
                yield [value], free
        elif kind_of == "object":
            for name, inner in shape.get("properties", {}).items():
                for value, free in bad_values(document, inner, kind):
                    yield {name: value}, free


def probes(kind: str) -> Iterator[Probe]:
    """A probe for every input of every operation that can hold a bad value of ``kind``."""
    document = api.get_openapi_schema()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            fillers = {
                parameter["name"]: PATH_FILLERS.get(
                    (_alternatives(document, parameter["schema"]) or [{}])[0].get("type", ""),
                    "1",
                )
                for parameter in parameters
                if parameter["in"] == "path"
            }
            for parameter in parameters:
                for value, free in bad_values(document, parameter["schema"], kind):
                    others = {k: v for k, v in fillers.items() if k != parameter["name"]}
                    yield Probe(
                        method,
                        path.format_map({**others, parameter["name"]: f"{{{parameter['name']}}}"}),
                        parameter["in"],
                        parameter["name"],
                        value,
                        free,
                    )
            content = (operation.get("requestBody") or {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if body is None:
                continue
            filled = path.format_map(fillers)
            for shape in _alternatives(document, body):
                for name, schema in shape.get("properties", {}).items():
                    for value, free in bad_values(document, schema, kind):
                        yield Probe(method, filled, "body", name, {name: value}, free)


def send(client: Client, secret: str, probe: Probe) -> Any:
    """The probe's request, authenticated as an administrator (validation comes after
    authentication, before any handler or policy)."""
    url = probe.path
    query: dict[str, Any] = {}
    data: str | None = None
    if probe.location == "path":
        raw = probe.value if isinstance(probe.value, str) else str(probe.value)
        url = url.replace(f"{{{probe.name}}}", quote(raw, safe=""))
    elif probe.location == "query":
        query = {probe.name: probe.value}
    else:
        data = json.dumps(probe.value)
    if query:
        url = f"{url}?{urlencode(query, doseq=True)}"
    return client.generic(
        probe.method.upper(),
        url,
        data or "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def administrator_secret(db: None) -> str:
    return make_token(make_user("ada", Role.ADMINISTRATOR))[1]


def named(details: dict[str, str], name: str) -> str | None:
    """The detail naming ``name`` (itself, or a part of a dotted path: ``pmid.0``)."""
    for key, reason in details.items():
        if name in key.split("."):
            return reason
    return None


def failures(kind: str, secret: str) -> tuple[int, list[str]]:
    client = Client()
    problems: list[str] = []
    checked = 0
    for probe in probes(kind):
        checked += 1
        response = send(client, secret, probe)
        if response.status_code != 422:
            problems.append(f"{probe}: {response.status_code} {response.content[:200]!r}")
            continue
        reason = named(response.json()["details"], probe.name)
        if reason is None:
            problems.append(f"{probe}: the 422 does not name it: {response.json()}")
        elif probe.free_text and NUL_REFUSED not in reason:
            problems.append(f"{probe}: refused for another reason: {reason}")
    return checked, problems


def test_every_string_input_of_the_api_refuses_nul(administrator_secret: str) -> None:
    checked, problems = failures("nul", administrator_secret)
    assert checked > 100  # every string of every operation, not a handful
    assert problems == []


def test_every_integer_input_of_the_api_refuses_numbers_beyond_64_bits(
    administrator_secret: str,
) -> None:
    checked, problems = failures("integer", administrator_secret)
    assert checked > 40
    assert problems == []


def test_a_huge_page_names_the_page_on_every_list(administrator_secret: str) -> None:
    document = api.get_openapi_schema()
    lists = [
        path
        for path, operations in document["paths"].items()
        if any(p["name"] == "page" for p in operations.get("get", {}).get("parameters", []))
    ]
    assert "/api/v1/hcps" in lists
    client = Client()
    for path in lists:
        url = path.format_map({"product_id": "1"})
        response = client.get(
            url,
            {"page": "99999999999999999999"},
            headers={"Authorization": f"Bearer {administrator_secret}"},
        )
        assert response.status_code == 422, (url, response.content)
        assert response.json()["details"] == {
            "page": f"Input should be less than or equal to {MAX_INTEGER}"
        }


def test_the_last_possible_page_is_empty_not_an_error(administrator_secret: str) -> None:
    HCP.objects.create(given_name="Jane", family_name="Smith", country="US")
    response = Client().get(
        "/api/v1/hcps",
        {"page": str(MAX_INTEGER), "page_size": "500"},
        headers={"Authorization": f"Bearer {administrator_secret}"},
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"] == []


def test_a_nul_in_a_body_writes_nothing(administrator_secret: str) -> None:
    body = {"given_name": "Jane\x00", "family_name": "Smith", "country": "US"}
    response = Client().post(
        "/api/v1/hcps",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {administrator_secret}"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": f"given_name: {NUL_REFUSED}",
        "details": {"given_name": NUL_REFUSED},
    }
    assert not HCP.objects.exists()


def test_huge_ids_in_a_path_and_a_filter_are_422(administrator_secret: str) -> None:
    client = Client()
    headers = {"Authorization": f"Bearer {administrator_secret}"}
    for url, name in (
        ("/api/v1/hcps/99999999999999999999", "hcp_id"),
        ("/api/v1/affiliations?hcp=99999999999999999999", "hcp"),
        ("/api/v1/alerts?watch_id=99999999999999999999", "watch_id"),
        ("/api/v1/trials?product=99999999999999999999", "product"),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 422, url
        assert set(response.json()["details"]) == {name}


# --- the web -----------------------------------------------------------------------


def _pages_without_arguments() -> Iterator[str]:
    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in {"admin", "api"}:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name and not pattern.pattern.regex.groups:
                yield f"{namespace}{pattern.name}"

    for name in walk(get_resolver().url_patterns, ""):
        yield reverse(name)


def test_web_pages_survive_huge_pages_and_ids(admin_user_client: Client) -> None:
    huge = "999999999999999999999"
    failed = []
    for url in _pages_without_arguments():
        for name in ("page", "product", "watch", "team", "hcp", "organization", "pmid"):
            response = admin_user_client.get(url, {name: huge})
            if response.status_code >= 500:
                failed.append(f"{url}?{name}={huge}: {response.status_code}")
    assert failed == []


def test_the_directory_list_shows_its_last_page_for_a_huge_page(
    admin_user_client: Client,
) -> None:
    response = admin_user_client.get("/directory/hcps/", {"page": "999999999999999999999"})
    assert response.status_code == 200


@pytest.fixture
def admin_user_client(db: None) -> Client:
    user: User = make_user("root", Role.ADMINISTRATOR)
    client = Client()
    client.force_login(user)
    return client
