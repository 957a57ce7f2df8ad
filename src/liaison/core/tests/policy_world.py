"""Core's records in the policy's world (``tests/test_policy_agreement.py``): a team
alice is not in, a territory nobody covers, jobs of two owners, audit events.

The world's users, their territories, alice's team and their API tokens come
from :func:`liaison.core.tests.authorization.build_people`."""

from __future__ import annotations

from django.db import transaction

from liaison.conftest import make_user
from liaison.core import audit
from liaison.core.models import Job, Role, Team, Territory
from liaison.core.tests.authorization import World


def build(world: World) -> None:
    users = world.users
    us_team = Team.objects.create(name="US West")
    us_team.members.add(users["other_msl"])
    former = make_user("former", Role.MSL, territories=[world.territories["dach"]])
    former.is_active = False
    former.save()
    users["inactive"] = former
    with transaction.atomic():
        audit.create_record(
            actor=users["admin"],
            instance=Territory(code="nordics", name="Nordics", countries=["SE"]),
        )
    for owner in ("msl", "other_msl", "admin"):
        Job.objects.create(owner=users[owner], kind="test", title=f"{owner}'s job")
