"""The medinfo app's routes in the authorization matrix (see
``liaison.core.tests.authorization``), gathered from one module per surface."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from liaison.core.tests.authorization import ApiCase, Route, World


def _parts() -> list[ModuleType]:
    found = []
    for name in ("routes_web", "routes_api"):
        try:
            found.append(import_module(f"liaison.medinfo.tests.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"liaison.medinfo.tests.{name}":
                raise
    return found


WEB_ROUTES: dict[str, Route] = {}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
for part in _parts():
    WEB_ROUTES.update(part.WEB_ROUTES)
    API_ROUTES.update(part.API_ROUTES)
    API_TERRITORY_CASES.extend(part.API_TERRITORY_CASES)


def build(world: World) -> None:
    """The records each surface's routes need (each part's own ``build``)."""
    for part in _parts():
        part_build = getattr(part, "build", None)
        if part_build is not None:
            part_build(world)
