"""Fixtures for every app's tests: named users, one per role, and an outsider."""

from __future__ import annotations

import pytest

from liaison.core.models import Role, Team, Territory, User


def make_user(username: str, role: str, *, territories: list[Territory] | None = None) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery", role=role)
    if territories:
        user.territories.set(territories)
    return user


@pytest.fixture
def territory_us(db: None) -> Territory:
    return Territory.objects.create(code="us-west", name="US West", regions=["US-CA", "US-WA"])


@pytest.fixture
def territory_de(db: None) -> Territory:
    return Territory.objects.create(code="dach", name="DACH", countries=["DE", "AT", "CH"])


@pytest.fixture
def msl(territory_de: Territory) -> User:
    """Alice, an MSL covering DACH."""
    return make_user("alice", Role.MSL, territories=[territory_de])


@pytest.fixture
def other_msl(territory_us: Territory) -> User:
    """Bob, an MSL covering US West."""
    return make_user("bob", Role.MSL, territories=[territory_us])


@pytest.fixture
def field_manager(msl: User) -> User:
    manager = make_user("fiona", Role.FIELD_MANAGER)
    team = Team.objects.create(name="DACH field team", manager=manager)
    team.members.add(msl)
    return manager


@pytest.fixture
def medinfo(db: None) -> User:
    return make_user("mia", Role.MEDICAL_INFORMATION)


@pytest.fixture
def pv(db: None) -> User:
    return make_user("victor", Role.PHARMACOVIGILANCE)


@pytest.fixture
def compliance(db: None) -> User:
    return make_user("carla", Role.COMPLIANCE)


@pytest.fixture
def insights_lead(db: None) -> User:
    return make_user("iris", Role.INSIGHTS_LEAD)


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("ada", Role.ADMINISTRATOR)


@pytest.fixture
def outsider(db: None) -> User:
    """Signed in but holding no role: sees nothing."""
    return make_user("oscar", "")
