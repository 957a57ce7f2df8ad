"""Every input of every API operation, fuzzed: whatever a caller sends, the API
answers without a server error, and a refusal (4xx) is the API's one error shape,
a 422 naming the field at fault.

The operations and their inputs are read from the OpenAPI document, so a new
operation or field is fuzzed without an edit here. For each operation Hypothesis
sends a fixed number of requests (derandomized: CI sees the same ones each run),
as one of the users of the authorization matrix's world (every role, each with
its API token) on that world's records: path parameters are the matrix's real ids
or odd segments; query parameters and body fields are kept, left out, plausible
for their schema or wrong (strings with NUL and control characters, lone
surrogates, very long strings, numbers beyond 64 bits, negative numbers, NaN,
wrong types, nested lists and objects), with extra fields; a body may be no
object at all, or not JSON. Each request runs in a savepoint rolled back after
it, so a delete does not hide the record from the next request.

Run on PostgreSQL too (``LIAISON_DATABASE_URL``): a NUL or a lone surrogate that
reaches a query is an error of its driver, not of SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.api import api
from liaison.core.tests.authorization import ROLES, World, build_people
from liaison.lib.api import MAX_INTEGER, MIN_INTEGER
from tests.test_authorization_matrix import API_ROUTES, MATRICES

#: Requests per operation: 51 operations take about a minute on one core.
EXAMPLES = 25

DOCUMENT: dict[str, Any] = api.get_openapi_schema()


# --- the operations, as the OpenAPI document states them --------------------------


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path or query
    schema: dict[str, Any]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body: dict[str, Any] | None  # the JSON body's schema, references followed
    body_fields: frozenset[str] = field(default=frozenset())

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def names(self) -> set[str]:
        """Every input a 422 may name: a parameter, a body field, or the body as a whole
        (named by the handlers' parameter, ``payload``: see ``liaison.api.field_name``)."""
        body = {"payload"} if self.body is not None else set()
        return {parameter.name for parameter in self.parameters} | self.body_fields | body


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if reference:
        return resolve(DOCUMENT["components"]["schemas"][reference.rsplit("/", 1)[-1]])
    return schema


def shapes(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The shapes a value may take (``anyOf`` flattened, references followed)."""
    schema = resolve(schema)
    options = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if options:
        return [shape for option in options for shape in shapes(option)]
    return [schema]


def operations() -> list[Operation]:
    found = []
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            body = resolve(body) if body is not None else None
            fields = {
                name
                for shape in (shapes(body) if body else [])
                for name in shape.get("properties", {})
            }
            # An upload's form fields (``file``) are inputs a 422 may name; not fuzzed as JSON.
            form = content.get("multipart/form-data", {}).get("schema")
            fields |= set(resolve(form).get("properties", {})) if form else set()
            found.append(
                Operation(
                    method=method,
                    path=path,
                    parameters=tuple(
                        Parameter(p["name"], p["in"], p.get("schema", {}))
                        for p in operation.get("parameters", [])
                    ),
                    body=body,
                    body_fields=frozenset(fields),
                )
            )
    return found


OPERATIONS = {operation.key: operation for operation in operations()}


# --- values ----------------------------------------------------------------------

ODD_TEXTS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\t",
    "\u200b\u200e\u202e\ufeff",
    "e\u0301\u0308",
    "\U0001f600\U0001f4a9",
    "\ud800",  # a lone surrogate: valid in JSON text, not storable as UTF-8
    "\udfff\ud800x",
    "\uffff\ufffe",
    "%00",
    "'; drop table directory_hcp; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "NaN",
    "-Infinity",
    "null",
    "true",
    "[]",
    "{}",
    "99999999999999999999",
    "-1",
    "0",
    "1e400",
    "0x10",
    "1.5",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31T23:59:60Z",
    "-0001-01-01",
)
NUMBERS = (
    0,
    -1,
    1,
    MAX_INTEGER,
    MAX_INTEGER + 1,
    MIN_INTEGER,
    MIN_INTEGER - 1,
    2**64,
    10**30,
    -(10**30),
    10**400,
)
FLOATS = (0.5, -0.0, 1e308, -1e308, 5e-324, float("nan"), float("inf"), float("-inf"))

odd_text = st.one_of(
    st.sampled_from(ODD_TEXTS),
    st.text(max_size=30),
    st.text(st.characters(categories=("Cc", "Cf", "Cs", "Co", "Zl", "Zp", "Mn")), max_size=10),
    # Very long strings: beyond any column's length.
    st.builds(
        lambda char, size: char * size,
        st.sampled_from("x\x00é😀"),
        st.sampled_from((256, 5_000, 70_000)),
    ),
)
numbers = st.one_of(st.sampled_from(NUMBERS), st.integers(), st.sampled_from(FLOATS), st.floats())
scalars = st.one_of(odd_text, numbers, st.booleans(), st.none())
#: Any JSON value, most likely of the wrong type for where it is sent.
anything = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=6,
)


def plausible(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value of the schema's type, often at its edges, sometimes outside its rules."""
    options: list[st.SearchStrategy[Any]] = []
    for shape in shapes(schema):
        kind = shape.get("type")
        if "enum" in shape:
            options.append(st.sampled_from(shape["enum"]))
        elif "const" in shape:
            options.append(st.just(shape["const"]))
        elif kind == "string" and shape.get("format") in {"date", "date-time"}:
            options.append(
                st.one_of(
                    st.dates().map(str),
                    st.datetimes().map(lambda moment: moment.isoformat()),
                    odd_text,
                )
            )
        elif kind == "string":
            options.append(st.one_of(st.text(max_size=30), odd_text))
        elif kind == "integer":
            options.append(st.one_of(st.sampled_from(NUMBERS), st.integers()))
        elif kind == "number":
            options.append(numbers)
        elif kind == "boolean":
            options.append(st.booleans())
        elif kind == "null":
            options.append(st.none())
        elif kind == "array":
            options.append(st.lists(plausible(shape.get("items", {})), max_size=4))
        elif kind == "object" and "properties" in shape:
            options.append(
                st.fixed_dictionaries(
                    {},
                    optional={
                        name: plausible(inner) for name, inner in shape["properties"].items()
                    },
                )
            )
    return st.one_of(*options) if options else anything


def query_value(schema: dict[str, Any]) -> st.SearchStrategy[str | bytes | list[str]]:
    """What a query string can carry: text plausible for the schema or odd, bytes that
    are not UTF-8, or the parameter repeated."""

    def as_text(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    text = plausible(schema).map(as_text)
    return st.one_of(
        text,
        text,
        odd_text,
        st.sampled_from((b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80")),
        st.lists(st.one_of(text, odd_text), min_size=2, max_size=3),
    )


def path_value(known: Any) -> st.SearchStrategy[str]:
    """A path segment: the record's real id (or code) mostly, else an odd one that still
    matches the route (not empty, no slash)."""
    odd = st.one_of(
        st.sampled_from(NUMBERS).map(str),
        st.integers().map(str),
        odd_text,
    ).filter(lambda segment: segment != "" and "/" not in segment and segment not in {".", ".."})
    if known is None:
        return odd
    return st.one_of(st.just(str(known)), st.just(str(known)), odd)


# --- requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    role: str
    url: str
    body: bytes | None
    content_type: str

    def __str__(self) -> str:
        body = self.body[:300] if self.body is not None else None
        return f"as {self.role}: {self.url[:300]} {self.content_type} {body!r}"


NOT_JSON = (b"{", b'{"a": }', b"\xff\xfe\x00", b"not json", b"", b"[" * 2000)


@st.composite
def bodies(draw: st.DrawFn, operation: Operation, valid: dict[str, Any]) -> tuple[bytes, str]:
    """A body: the matrix's valid one with some fields left out, replaced or added, or
    any JSON value, or no JSON at all; sent as JSON mostly."""
    content_type = draw(
        st.sampled_from(
            ("application/json",) * 6 + ("text/plain", "application/x-www-form-urlencoded")
        )
    )
    kind = draw(st.sampled_from(("fields",) * 6 + ("anything", "not json")))
    if kind == "not json":
        return draw(st.sampled_from(NOT_JSON)), content_type
    if kind == "anything":
        return json.dumps(draw(anything)).encode(), content_type
    properties: dict[str, Any] = {}
    for shape in shapes(operation.body or {}):
        properties.update(shape.get("properties", {}))
    body = dict(valid)
    # A few fields changed at a time, so that many bodies pass validation and reach the
    # services with odd but well-typed values.
    for name in draw(st.sets(st.sampled_from(sorted(set(properties) | set(valid))), max_size=3)):
        choice = draw(st.sampled_from(("omit", "plausible", "plausible", "anything")))
        if choice == "omit":
            body.pop(name, None)
        elif choice == "plausible":
            body[name] = draw(plausible(properties.get(name, {})))
        else:
            body[name] = draw(anything)
    body.update(draw(st.dictionaries(odd_text, anything, max_size=2)))
    return json.dumps(body).encode(), content_type


@st.composite
def requests_to(
    draw: st.DrawFn,
    operation: Operation,
    known: Callable[[str], dict[str, Any]],
    valid: dict[str, Any],
) -> Request:
    # Anonymous requests stop at authentication: every other role's token gets past it.
    role = draw(st.sampled_from(ROLES[1:]))
    ids = known(role)
    path = operation.path
    query: list[tuple[str, str | bytes]] = []
    for parameter in operation.parameters:
        if parameter.location == "path":
            segment = draw(path_value(ids.get(parameter.name)))
            path = path.replace(
                f"{{{parameter.name}}}", quote(segment, safe="", errors="surrogatepass")
            )
        elif parameter.location == "query" and draw(st.integers(0, 2)) == 0:
            value = draw(query_value(parameter.schema))
            values: list[str | bytes] = list(value) if isinstance(value, list) else [value]
            query.extend((parameter.name, item) for item in values)
    for name, value in draw(st.dictionaries(odd_text, odd_text, max_size=2)).items():
        query.append((name, value))
    url = f"{path}?{urlencode(query, errors='surrogatepass')}" if query else path
    body: bytes | None = None
    content_type = "application/json"
    if operation.body is not None:
        body, content_type = draw(bodies(operation, valid))
    return Request(role, url, body, content_type)


def send(world: World, operation: Operation, request: Request) -> Any:
    return Client().generic(
        operation.method.upper(),
        request.url,
        request.body or b"",
        content_type=request.content_type,
        headers={"Authorization": f"Bearer {world.secrets[request.role]}"},
    )


def problems_with(operation: Operation, response: Any) -> str | None:
    """Why the answer is wrong, or None: never a server error, and a refusal is
    ``{"message", "details"}`` whose 422 names the fields at fault."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}: {response.content[:500]!r}"
    if status < 400:
        return None
    try:
        data = response.json()
    except ValueError:
        return f"{status} is not JSON: {response.content[:300]!r}"
    if not (
        isinstance(data, dict)
        and set(data) == {"message", "details"}
        and isinstance(data["message"], str)
        and data["message"]
        and isinstance(data["details"], dict)
    ):
        return f"{status} is not the API's error shape: {data}"
    if status == 422:
        if not data["details"]:
            return f"the 422 names no field: {data}"
        unknown = [key for key in data["details"] if key.split(".")[0] not in operation.names()]
        if unknown:
            return f"the 422 names {unknown}, not inputs of the operation: {data}"
    return None


# --- the test ----------------------------------------------------------------------


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> World:
    """The authorization matrix's world: a user of every role with an API token, and
    the records each app's routes need."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    world = build_people(tmp_path)
    for module in MATRICES:
        build = getattr(module, "build", None)
        if build is not None:
            build(world)
    return world


def known_ids(world: World, key: str) -> Callable[[str], dict[str, Any]]:
    """The path parameters the matrix requests ``key`` with, per role (made once)."""
    route = API_ROUTES[key]
    made = {role: route.url_kwargs(world, role) for role in ROLES}
    return lambda role: made[role]


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_api_operation_survives_fuzzed_input(world: World, key: str) -> None:
    operation = OPERATIONS[key]
    valid = API_ROUTES[key].data(world) if operation.body is not None else {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests_to(operation, known_ids(world, key), valid))
    def fuzz(request: Request) -> None:
        savepoint = transaction.savepoint()
        try:
            response = send(world, operation, request)
        finally:
            transaction.savepoint_rollback(savepoint)
        problem = problems_with(operation, response)
        assert problem is None, f"{key} {request}: {problem}"

    fuzz()


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) > 40
    assert set(OPERATIONS) <= set(API_ROUTES)


@dataclass
class Answer:
    status_code: int
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


@pytest.mark.parametrize(
    ("key", "status", "content", "wrong"),
    [
        ("GET /api/v1/hcps", 500, b'{"message": "unexpected", "details": {}}', True),
        ("GET /api/v1/hcps", 503, b'{"message": "busy", "details": {}}', True),
        ("GET /api/v1/publications/{pmid}", 404, b"<!doctype html>", True),
        ("GET /api/v1/hcps", 403, b'{"detail": "no"}', True),
        ("GET /api/v1/hcps", 422, b'{"message": "page: no", "details": {}}', True),
        (
            "GET /api/v1/publications/export",
            422,
            b'{"message": "m", "details": {"query.pmid.0": "x"}}',
            True,
        ),
        (
            "GET /api/v1/publications/export",
            422,
            b'{"message": "m", "details": {"pmid.0": "x"}}',
            False,
        ),
        (
            "POST /api/v1/tokens",
            422,
            b'{"message": "m", "details": {"payload": "required"}}',
            False,
        ),
        ("GET /api/v1/hcps", 404, b'{"message": "not found", "details": {}}', False),
        ("GET /api/v1/hcps", 200, b"{}", False),
    ],
)
def test_the_check_of_an_answer(key: str, status: int, content: bytes, wrong: bool) -> None:
    assert (problems_with(OPERATIONS[key], Answer(status, content)) is not None) is wrong
