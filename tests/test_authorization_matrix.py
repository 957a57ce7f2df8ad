"""The authorization matrix: every URL pattern and every API operation, requested
as each role and anonymously, gets exactly the expected outcome.

Each installed Liaison app declares the access of its own routes in
``<app>/tests/matrix.py`` (``WEB_ROUTES``, ``API_ROUTES``, optional
``API_TERRITORY_CASES`` and a ``build(world)`` adding the records its routes
need); the vocabulary (roles, outcomes, ``Route``, ``World``) and the module's
contract are in ``liaison.core.tests.authorization``. This test collects the
module of every ``LiaisonAppConfig`` in ``INSTALLED_APPS``, so adding an app adds
its entries here without editing this file. The routes of the composition
itself (Django's admin) are listed below.

A route added without an entry fails ``test_every_route_has_an_entry`` (an app
without a matrix module has no entries at all), so nobody ships a page or an
operation whose access was never decided. Web outcomes: ``ok`` (served, or a
redirect that is not to the login page, or a form/validation error: the request
got past the policy), ``login`` (redirect to a login page), ``401``, ``403``,
``404``. An API outcome is the exact status code: a create answers 201, a delete
204. Territory cases are extra requests: an operation needs exactly one entry in
an ``API_ROUTES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from liaison.api import api
from liaison.core import registry
from liaison.core.tests.authorization import (
    ROLES,
    ApiCase,
    Route,
    World,
    build_people,
    outcome_map,
)
from liaison.core.tests.matrix import CoreRecords
from liaison.directory.tests.matrix import DirectoryRecords


def app_matrices() -> list[ModuleType]:
    """The ``tests.matrix`` module of every installed Liaison app that has one, in
    ``INSTALLED_APPS`` order (the order their records are built in)."""
    modules = []
    for app in registry.liaison_apps():
        name = f"{app.name}.tests.matrix"
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name not in {name, f"{app.name}.tests"}:
                raise
    return modules


MATRICES = app_matrices()


def collect(attribute: str, own: dict[str, Route]) -> dict[str, Route]:
    """One table of every app's entries (and the composition's own), each route once."""
    table = dict(own)
    for module in MATRICES:
        for key, route in getattr(module, attribute, {}).items():
            if key in table:
                raise ValueError(f"{module.__name__}: {key} already has an entry")
            table[key] = route
    return table


# The composition's own route: Django's admin, mounted by liaison/urls.py.
WEB_ROUTES = collect("WEB_ROUTES", {"admin:index": Route(outcome_map("login", admin="ok"))})
API_ROUTES = collect("API_ROUTES", {})
API_TERRITORY_CASES: list[ApiCase] = [
    case for module in MATRICES for case in getattr(module, "API_TERRITORY_CASES", [])
]


# Framework routes that are not ours to decide: the API's schema and docs are
# public descriptions of the interface, static and media serving do not exist.
UNLISTED_PREFIXES = ("api:",)
# The admin site's own pages all sit behind its staff check; its index stands for them.
ADMIN_NAMESPACE = "admin:"


def named_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")
            else:
                names.add(f"{namespace}<unnamed {pattern.pattern}>")

    walk(get_resolver().url_patterns, "")
    return {
        name
        for name in names
        if not name.startswith(UNLISTED_PREFIXES)
        and not (name.startswith(ADMIN_NAMESPACE) and name != "admin:index")
    }


def api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_route_has_an_entry() -> None:
    assert named_routes() - set(WEB_ROUTES) == set(), "web routes without an access decision"
    assert set(WEB_ROUTES) - named_routes() == set(), "entries for routes that no longer exist"
    assert api_operations() - set(API_ROUTES) == set(), "API operations without an access decision"
    assert set(API_ROUTES) - api_operations() == set(), (
        "entries for operations that no longer exist"
    )
    extra = {case.operation for case in API_TERRITORY_CASES}
    assert extra - api_operations() == set(), "territory cases for operations that do not exist"


def classify(response: Any) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        return "login" if "/login/" in location else "ok"
    if status in (401, 403, 404):
        return str(status)
    if status >= 500:
        return f"server error {status}"
    return "ok"  # 2xx, 400/409/422: past the policy


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    world = build_people(tmp_path)
    for module in MATRICES:
        build: Callable[[World], None] | None = getattr(module, "build", None)
        if build is not None:
            build(world)
    return world


def request_as(world: World, role: str, route: Route, url: str, *, api_call: bool) -> Any:
    client = Client()
    headers: dict[str, str] = {}
    if role != "anonymous":
        if api_call:
            headers["Authorization"] = f"Bearer {world.secrets[role]}"
        else:
            client.force_login(world.users[role])
    send = getattr(client, route.method)
    if api_call:
        body = route.data(world)
        if route.method == "get":
            return send(url, headers=headers)
        return send(url, data=body, content_type="application/json", headers=headers)
    return send(url, data=route.data(world), headers=headers)


def check_route(
    world: World, route: Route, make_url: Callable[[str], str], *, api_call: bool
) -> list[str]:
    wrong = []
    for role in ROLES:
        # Each role's request runs in a savepoint rolled back afterwards, so a
        # delete by one role does not change what the next one sees.
        sid = transaction.savepoint()
        try:
            response = request_as(world, role, route, make_url(role), api_call=api_call)
            # The API never redirects: its outcome is the status code itself.
            got = str(response.status_code) if api_call else classify(response)
        finally:
            transaction.savepoint_rollback(sid)
        if got != route.expect[role]:
            wrong.append(
                f"{role}: expected {route.expect[role]}, got {got} ({response.status_code})"
            )
    return wrong


@pytest.mark.parametrize("name", sorted(WEB_ROUTES))
def test_web_route_access(world: World, name: str) -> None:
    from django.urls import reverse

    route = WEB_ROUTES[name]

    def make_url(role: str) -> str:
        url = reverse(name, kwargs=route.url_kwargs(world, role) or None)
        return f"{url}?{route.query}" if route.query else url

    wrong = check_route(world, route, make_url, api_call=False)
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def check_operation(world: World, operation: str, route: Route) -> list[str]:
    method, path = operation.split(" ", 1)
    route = replace(route, method=method.lower())

    def make_url(role: str) -> str:
        return path.format(**route.url_kwargs(world, role))

    return check_route(world, route, make_url, api_call=True)


@pytest.mark.parametrize("operation", sorted(API_ROUTES))
def test_api_operation_access(world: World, operation: str) -> None:
    wrong = check_operation(world, operation, API_ROUTES[operation])
    assert not wrong, f"{operation}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "case", API_TERRITORY_CASES, ids=[f"{c.operation} ({c.note})" for c in API_TERRITORY_CASES]
)
def test_api_territory_case(world: World, case: ApiCase) -> None:
    wrong = check_operation(world, case.operation, case.route)
    assert not wrong, f"{case.operation} ({case.note}):\n" + "\n".join(wrong)


def test_msl_cannot_edit_hcp_outside_territory(world: World) -> None:
    hcp = world.get(DirectoryRecords).hcp
    client = Client()
    client.force_login(world.users["other_msl"])
    edit = client.post(
        f"/directory/hcps/{hcp.pk}/edit/",
        {"given_name": "X", "family_name": "Müller", "country": "DE"},
    )
    assert edit.status_code == 403
    hcp.refresh_from_db()
    assert hcp.given_name == "Jürgen"


def test_unseen_job_is_404_not_403(world: World) -> None:
    client = Client()
    client.force_login(world.users["other_msl"])
    assert client.get(f"/jobs/{world.get(CoreRecords).job.pk}/").status_code == 404


def test_expired_consent_is_not_an_access_rule(world: World) -> None:
    # Consent limits contact, not who may read the directory.
    hcp = world.get(DirectoryRecords).hcp
    hcp.consent_date = dt.date(2020, 1, 1)
    hcp.save()
    client = Client()
    client.force_login(world.users["pv"])
    assert client.get(f"/directory/hcps/{hcp.pk}/").status_code == 200
