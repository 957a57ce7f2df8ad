"""The safety app's routes in the authorization matrix (see
``liaison.core.tests.authorization``), gathered from one module per surface."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from liaison.core.tests.authorization import ApiCase, Route, World


def _parts() -> list[ModuleType]:
    found = []
    for name in ("routes_web", "routes_api"):
        try:
            found.append(import_module(f"liaison.safety.tests.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"liaison.safety.tests.{name}":
                raise
    return found


WEB_ROUTES: dict[str, Route] = {}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
for part in _parts():
    # Each surface's module states only its own routes (the web's no API route).
    WEB_ROUTES.update(getattr(part, "WEB_ROUTES", {}))
    API_ROUTES.update(getattr(part, "API_ROUTES", {}))
    API_TERRITORY_CASES.extend(getattr(part, "API_TERRITORY_CASES", []))


def build(world: World) -> None:
    """The records each surface's routes need (each part's own ``build``)."""
    for part in _parts():
        part_build = getattr(part, "build", None)
        if part_build is not None:
            part_build(world)
