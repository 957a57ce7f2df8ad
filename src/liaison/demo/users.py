"""Demo territories, teams and one user per role, with their logins.

Passwords are random (``secrets``, never the seed): they are printed once and
written to a file readable by its owner only (0600).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from liaison.core import audit, services
from liaison.core.models import Role, Team, Territory, User

#: (username, role, territory codes, first name, last name)
DEMO_USERS: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    ("msl", Role.MSL, ("dach",), "Mara", "Lindqvist"),
    ("msl2", Role.MSL, ("us-west", "key-experts"), "Sam", "Okafor"),
    ("manager", Role.FIELD_MANAGER, (), "Franziska", "Brandt"),
    ("medinfo", Role.MEDICAL_INFORMATION, (), "Inés", "Calderón"),
    ("pv", Role.PHARMACOVIGILANCE, (), "Paul", "Verhoeven"),
    ("compliance", Role.COMPLIANCE, (), "Chloé", "Marchand"),
    ("admin", Role.ADMINISTRATOR, (), "Ada", "Nakamura"),
)

#: (code, name, countries, regions): the explicit one has no geography.
DEMO_TERRITORIES: tuple[tuple[str, str, list[str], list[str]], ...] = (
    ("us-west", "US West", [], ["US-CA", "US-WA", "US-OR"]),
    ("dach", "DACH", ["DE", "AT", "CH"], []),
    ("key-experts", "Oncology key experts", [], []),
)

LOGINS_FILE = "demo-logins.txt"


@dataclass(frozen=True, slots=True)
class Login:
    username: str
    role: str
    password: str


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


def write_logins(data_dir: Path, logins: list[Login]) -> Path:
    """Write the logins to ``data_dir/demo-logins.txt``, readable by its owner only."""
    path = data_dir / LOGINS_FILE
    width = max(len(login.username) for login in logins)
    lines = ["# Liaison demo logins (username, role, password)"]
    lines += [
        f"{login.username.ljust(width)}  {login.role:<20}  {login.password}" for login in logins
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have had wider permissions
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def read_logins(data_dir: Path) -> str:
    """The logins file's text, or "" when there is none."""
    path = data_dir / LOGINS_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""
