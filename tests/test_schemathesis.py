"""Schemathesis over the API's OpenAPI document, against a live test server: every
operation, with requests generated from its schema (the coverage phase's edges and
one broken rule at a time, then fuzzing with valid and invalid data: wrong types,
values out of range, missing fields), never a server error, and every answer as
the document describes it.

The server is pytest-django's ``live_server`` (a real HTTP server in a thread of
the test process, on the test database: SQLite, or PostgreSQL with
``LIAISON_DATABASE_URL``), holding the authorization matrix's world. Schemathesis
runs as its command line does in CI (``st run``), reads the schema from the live
``/api/v1/openapi.json`` as a client would, and sends an administrator's API
token, who sees every record; half of the path parameters it sends are the
world's real ids, so the bodies of changes reach real records. Bounded: a fixed
number of examples per operation, derandomized (CI sends the same requests each
run), about a minute and a half on one core.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from liaison.core import services as core_services
from liaison.core.tests.authorization import World, build_people
from tests.test_authorization_matrix import API_ROUTES, MATRICES

#: Examples per operation in the fuzzing phase; the coverage phase adds a bounded
#: set of its own (the schema's edges, one broken rule at a time).
EXAMPLES = 5
#: Checks of every response: no 5xx; a status code the operation documents (every
#: operation documents its errors as ``default``); and the content type and body the
#: OpenAPI document states for that status (the error shape for every refusal).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
#: Deleting the caller's own token would answer every later request 401: that
#: operation runs as alice, with a token of her own that its ids do not name.
TOKEN_DELETE = "DELETE /api/v1/tokens/{token_id}"


@pytest.fixture
def served_world(
    live_server: LiveServer, transactional_db: None, settings: Any, tmp_path: Path
) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    world = build_people(tmp_path)
    for module in MATRICES:
        build = getattr(module, "build", None)
        if build is not None:
            build(world)
    return world


def real_ids(world: World) -> dict[str, list[Any]]:
    """Each path parameter's values in the world, as the matrix requests its
    operations (an administrator's and alice's records)."""
    found: dict[str, set[Any]] = {}
    for route in API_ROUTES.values():
        for role in ("admin", "msl"):
            for name, value in route.url_kwargs(world, role).items():
                found.setdefault(name, set()).add(value)
    return {name: sorted(values) for name, values in found.items()}


def toml(value: Any) -> str:
    """A TOML value of a string, a number, a list or an inline table (JSON's
    string escapes are TOML's)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml(item) for item in value) + "]"
    return json.dumps(value)


def configuration(url: str, world: World) -> str:
    """schemathesis.toml for a run against ``url`` on ``world``."""
    ids = real_ids(world)
    _, deleting = core_services.create_api_token(
        actor=world.users["msl"], user=world.users["msl"], name="schemathesis"
    )
    lines = [
        f"base-url = {toml(url)}",
        # A connection per request: on a kept-alive one, the test server's separate
        # writes of head and body wait out TCP's delayed acknowledgement (40 ms each).
        "headers = "
        + toml({"Authorization": f"Bearer {world.secrets['admin']}", "Connection": "close"}),
        "workers = 1",
        "request-timeout = 30",
        "[generation]",
        f"max-examples = {EXAMPLES}",
        "deterministic = true",
        "[phases.stateful]",
        "enabled = false",
        # Methods the API does not declare answer ninja's 405: not an input of ours.
        "[phases.coverage]",
        "unexpected-methods = []",
        "[checks]",
        "enabled = false",
        *(f"{check}.enabled = true" for check in CHECKS),
        *(f"[dictionaries.{name}]\nvalues = {toml(values)}" for name, values in ids.items()),
        "[parameters]",
        *(f'"path.{name}" = {toml({"dictionary": name, "probability": 0.5})}' for name in ids),
        "[[operations]]",
        f"include-name = {toml(TOKEN_DELETE)}",
        "headers = " + toml({"Authorization": f"Bearer {deleting}", "Connection": "close"}),
    ]
    return "\n".join(lines) + "\n"


def test_no_server_error_anywhere(
    live_server: LiveServer, served_world: World, tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(configuration(live_server.url, served_world), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "--no-color",
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
