"""The frame every demo builder runs in, and core's part of the demo world.

Each app declares the steps that build its records of the demo world
(``demo_steps`` in its ``apps.py``, a :class:`~liaison.core.registry.DemoStep`
naming a ``build`` and a ``clear`` function of this module's
:class:`DemoContext`). ``liaison.demo.world.build_demo`` runs the installed
apps' steps by ``order`` in one transaction, all with one context: the seeded
generator (a step draws from it in a fixed order, so the same seed gives the
same world), the requested size, a progress callback, the counts the demo
command prints, and :class:`Slot` values a step leaves for later steps (the
demo users for the watches, the HCPs' community for the publications and
trials). ``--force`` runs the ``clear`` functions in reverse order.

Core's step (order 100, first: every other app's records may refer to
territories and users) builds three territories, one user per role and two
teams. Passwords are random (``secrets``, never the seed): the composition
prints them once and writes them to a file only their owner can read.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from django.db import connection, models

from liaison.core import audit, services
from liaison.core.models import AuditAction, Role, Team, Territory, User
from liaison.lib.progress import Report

T = TypeVar("T")

#: The reason every record removed by ``liaison demo --force`` carries in the audit trail.
CLEAR_REASON = "demo world rebuilt (--force)"


# --- the frame ---------------------------------------------------------------------------------


# No slots: ``Slot[X]("name")`` sets ``__orig_class__``, which a slotted frozen class refuses.
@dataclass(frozen=True)
class Slot(Generic[T]):
    """A named value one demo step leaves for later steps.

    The app whose step fills it declares it (``USERS = Slot[list[User]]("users")``);
    later steps, of that app or of apps above it, import it to read the value."""

    name: str


@dataclass(slots=True)
class DemoContext:
    """What every demo step receives: see the module's docstring."""

    rng: random.Random
    seed: int
    hcps: int
    data_dir: Path
    progress: Report
    #: What was built, by noun (``"hcps"``, ``"publications"``), for the command's summary.
    counts: dict[str, int] = field(default_factory=dict)
    left: dict[str, object] = field(default_factory=dict, init=False)

    def leave(self, slot: Slot[T], value: T) -> None:
        self.left[slot.name] = value

    def take(self, slot: Slot[T]) -> T:
        """The value an earlier step left in ``slot``; :class:`LookupError` if none did
        (a step ordered before the one that fills it)."""
        try:
            return cast(T, self.left[slot.name])
        except KeyError:
            raise LookupError(
                f"demo step: nothing left in {slot.name!r} yet (check the steps' order)"
            ) from None

    def get(self, slot: Slot[T], default: T) -> T:
        """The value left in ``slot``, or ``default`` when the app that fills it is
        not installed."""
        return cast(T, self.left.get(slot.name, default))


def delete_audited(
    queryset: models.QuerySet[Any], labels: Iterable[tuple[int, str]] | None = None
) -> None:
    """Delete ``queryset``'s records with one audited delete event each (``--force``).

    ``labels`` (``(pk, label)`` pairs) spares a query per row where ``str()`` reads
    related rows; by default each record's ``str()``."""
    record_type = audit.record_type_of(queryset.model)
    pairs = labels if labels is not None else ((item.pk, str(item)) for item in queryset.iterator())
    events = (
        audit.PendingEvent(
            action=AuditAction.DELETE,
            record_type=record_type,
            record_id=str(pk),
            record_label=label[:300],
            changes={},
        )
        for pk, label in pairs
    )
    audit.record_events(actor=None, events=events, reason=CLEAR_REASON)
    queryset.delete()


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size`` (``IN`` lists of a bounded length)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def set_foreign_keys(model: type[models.Model], column: str, pairs: list[tuple[int, int]]) -> None:
    """``UPDATE ... SET column = value WHERE id = pk`` for many ``(value, pk)`` pairs at once.

    The demo links what identity resolution would find (an authorship to its
    HCP) after storing evidence through the real load services."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE {quote('id')} = %s"  # noqa: S608 - quoted names only
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)


# --- territories, users and teams --------------------------------------------------------------

#: (username, role, territory codes, first name, last name)
DEMO_USERS: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    ("msl", Role.MSL, ("dach",), "Mara", "Lindqvist"),
    ("msl2", Role.MSL, ("us-west", "key-experts"), "Sam", "Okafor"),
    ("manager", Role.FIELD_MANAGER, (), "Franziska", "Brandt"),
    ("medinfo", Role.MEDICAL_INFORMATION, (), "Inés", "Calderón"),
    ("pv", Role.PHARMACOVIGILANCE, (), "Paul", "Verhoeven"),
    ("compliance", Role.COMPLIANCE, (), "Chloé", "Marchand"),
    ("insights", Role.INSIGHTS_LEAD, (), "Ravi", "Menon"),
    ("admin", Role.ADMINISTRATOR, (), "Ada", "Nakamura"),
)
DEMO_USERNAMES = tuple(row[0] for row in DEMO_USERS)

#: (code, name, countries, regions): the explicit one has no geography.
DEMO_TERRITORIES: tuple[tuple[str, str, list[str], list[str]], ...] = (
    ("us-west", "US West", [], ["US-CA", "US-WA", "US-OR"]),
    ("dach", "DACH", ["DE", "AT", "CH"], []),
    ("key-experts", "Oncology key experts", [], []),
)
KEY_EXPERTS = "key-experts"


@dataclass(frozen=True, slots=True)
class Login:
    username: str
    role: str
    password: str


TERRITORIES = Slot[dict[str, Territory]]("territories")
USERS = Slot[list[User]]("users")
LOGINS = Slot[list[Login]]("logins")


def build(context: DemoContext) -> None:
    """Core's demo step: territories, one user per role, two teams."""
    context.leave(TERRITORIES, build_territories())
    context.progress("users", 0, len(DEMO_USERS))
    users, logins = build_users()
    build_teams(users)
    context.progress("users", len(users), len(DEMO_USERS))
    context.leave(USERS, users)
    context.leave(LOGINS, logins)


def clear(context: DemoContext) -> None:
    """Remove the teams, the demo users and the territories (audited)."""
    delete_audited(Team.objects.all())
    delete_audited(User.objects.filter(username__in=DEMO_USERNAMES))
    delete_audited(Territory.objects.all())


def build_territories() -> dict[str, Territory]:
    territories = {}
    for code, name, countries, regions in DEMO_TERRITORIES:
        territory = Territory(code=code, name=name, countries=countries, regions=regions)
        audit.create_record(actor=None, instance=territory)
        territories[code] = territory
    return territories


def new_password() -> str:
    # Four groups of letters and digits: easy to type from the logins file.
    alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY345679"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def build_users() -> tuple[list[User], list[Login]]:
    users = []
    logins = []
    for username, role, territory_codes, first_name, last_name in DEMO_USERS:
        password = new_password()
        user = services.create_user(
            actor=None,
            username=username,
            role=role,
            password=password,
            email=f"{username}@liaison.example",
            territories=territory_codes,
        )
        services.update_user(
            actor=None, user=user, values={"first_name": first_name, "last_name": last_name}
        )
        users.append(user)
        logins.append(Login(username, str(role), password))
    return users, logins


def build_teams(users: list[User]) -> list[Team]:
    by_name = {user.username: user for user in users}
    teams = []
    for name, members in (("DACH field medical", ["msl"]), ("US field medical", ["msl2"])):
        team = Team(name=name, manager=by_name["manager"])
        audit.create_record(
            actor=None, instance=team, m2m={"members": [by_name[m] for m in members]}
        )
        teams.append(team)
    return teams
