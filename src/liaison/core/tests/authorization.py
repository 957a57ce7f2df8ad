"""The vocabulary of the authorization matrix (``tests/test_authorization_matrix.py``):
roles, expected outcomes, the shared world of records, and how a route is requested.

Each app states the access of its own routes in ``<app>/tests/matrix.py``, a module
that may define:

* ``WEB_ROUTES: dict[str, Route]``: URL name (``"directory:hcp-edit"``) -> how to
  request it and what each role gets;
* ``API_ROUTES: dict[str, Route]``: ``"METHOD /api/v1/path/{param}"`` -> the same, as
  exact status codes;
* ``API_TERRITORY_CASES: list[ApiCase]``: further requests to operations already in
  ``API_ROUTES``, on other records, so an object-level rule shows both ways;
* ``build(world: World) -> None``: creates the records its routes need and adds them
  to the world (``world.add(records)``; routes read them back with
  ``world.get(RecordsClass)``). Apps build in ``INSTALLED_APPS`` order, so an app
  may use the records of the apps below it.

The users of the world: alice (``msl``) covers DACH, ``other_msl`` covers US West
(California), ``manager`` manages alice's team; one user per other role, an
``outsider`` without a role, and each user's API token. Records are in Germany
unless an entry says otherwise, so ``other_msl``'s 403 is the object-level case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from liaison.core import services as core_services
from liaison.core.models import ApiToken, Role, Team, Territory, User

ROLES = (
    "anonymous",
    "outsider",
    "msl",
    "other_msl",
    "manager",
    "medinfo",
    "pv",
    "compliance",
    "insights",
    "admin",
)
MEMBERS = ROLES[2:]


def outcome_map(default: str, **overrides: str) -> dict[str, str]:
    """Web outcomes: anonymous -> login, outsider -> 403, members -> ``default`` unless
    overridden. ``ok`` is served, or a redirect that is not to the login page, or a
    form or validation error (the request got past the policy); ``login`` is a
    redirect to the login page; ``401``, ``403``, ``404`` are those statuses."""
    table = {"anonymous": "login", "outsider": "403"}
    table.update({role: default for role in MEMBERS})
    table.update(overrides)
    return table


def api_map(default: str, **overrides: str) -> dict[str, str]:
    """API outcomes: exact status codes (a create answers 201, a delete 204);
    anonymous -> 401, outsider -> 403."""
    table = outcome_map(default, **overrides)
    table["anonymous"] = "401"
    return table


EVERYONE = outcome_map("ok")
ADMIN_ONLY = outcome_map("403", admin="ok")
AUDITORS = outcome_map("403", compliance="ok", admin="ok")
FIELD_ADDERS = outcome_map("403", msl="ok", other_msl="ok", manager="ok", admin="ok")
# Changing a record of the DACH territory: alice covers it, her manager too.
DACH_EDITORS = outcome_map("403", msl="ok", manager="ok", admin="ok")
ALICES_OWN = outcome_map("404", msl="ok", admin="ok")

API_READ = api_map("200")
# Records of the DACH territory: alice changes them, her manager too.
DACH_CREATE = api_map("403", msl="201", manager="201", admin="201")
DACH_CHANGE = api_map("403", msl="200", manager="200", admin="200")
DACH_DELETE = api_map("403", msl="204", manager="204", admin="204")
# Records of US West: the other MSL's, not alice's nor her manager's.
US_CREATE = api_map("403", other_msl="201", admin="201")
US_CHANGE = api_map("403", other_msl="200", admin="200")
US_DELETE = api_map("403", other_msl="204", admin="204")
ADMIN_CREATE = api_map("403", admin="201")
ADMIN_CHANGE = api_map("403", admin="200")
ADMIN_DELETE = api_map("403", admin="204")

Records = TypeVar("Records")


@dataclass
class World:
    """The users every app's routes are requested as, and each app's records."""

    users: dict[str, User]
    territories: dict[str, Territory]
    tokens: dict[str, ApiToken]
    secrets: dict[str, str]
    media_root: Path
    records: dict[type[Any], object] = field(default_factory=dict)

    def add(self, records: object) -> None:
        """Add an app's records (one object of a class of its own)."""
        self.records[type(records)] = records

    def get(self, kind: type[Records]) -> Records:
        """The records an app added, by their class."""
        records = self.records[kind]
        assert isinstance(records, kind)
        return records


@dataclass(frozen=True)
class Route:
    """How to request one route and what each role gets."""

    expect: dict[str, str]
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    query: str = ""
    # URL arguments that depend on who asks (their own token); replaces ``kwargs``.
    role_kwargs: Callable[[World, str], dict[str, Any]] | None = None

    def url_kwargs(self, world: World, role: str) -> dict[str, Any]:
        return self.role_kwargs(world, role) if self.role_kwargs else self.kwargs(world)


@dataclass(frozen=True)
class ApiCase:
    """A further request to an operation already in ``API_ROUTES``: the same
    operation on other records, so the object-level rule shows both ways."""

    operation: str
    note: str
    route: Route


def build_people(media_root: Path) -> World:
    """The users, their territories, alice's team and everyone's API token: the world
    before any app adds its records."""
    territories = {
        "dach": Territory.objects.create(code="dach", name="DACH", countries=["DE", "AT", "CH"]),
        "us-west": Territory.objects.create(code="us-west", name="US West", regions=["US-CA"]),
    }
    users: dict[str, User] = {}
    for key, role in [
        ("outsider", ""),
        ("msl", Role.MSL),
        ("other_msl", Role.MSL),
        ("manager", Role.FIELD_MANAGER),
        ("medinfo", Role.MEDICAL_INFORMATION),
        ("pv", Role.PHARMACOVIGILANCE),
        ("compliance", Role.COMPLIANCE),
        ("insights", Role.INSIGHTS_LEAD),
        ("admin", Role.ADMINISTRATOR),
    ]:
        users[key] = User.objects.create_user(
            username=key, password="not used", role=role, is_staff=role == Role.ADMINISTRATOR
        )
    users["msl"].territories.add(territories["dach"])
    users["other_msl"].territories.add(territories["us-west"])
    team = Team.objects.create(name="DACH", manager=users["manager"])
    team.members.add(users["msl"])
    secrets: dict[str, str] = {}
    tokens: dict[str, ApiToken] = {}
    for key, user in users.items():
        # The outsider's token dates from before their role was taken away.
        actor = users["admin"] if key == "outsider" else user
        token, secret = core_services.create_api_token(actor=actor, user=user, name="matrix")
        secrets[key] = secret
        tokens[key] = token
    return World(
        users=users, territories=territories, tokens=tokens, secrets=secrets, media_root=media_root
    )
