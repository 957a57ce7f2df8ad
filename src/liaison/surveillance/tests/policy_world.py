"""Surveillance's records in the policy's world (``tests/test_policy_agreement.py``):
personal watches of two users, a watch of alice's team, their runs, alerts in
three inboxes and a digest preference."""

from __future__ import annotations

from liaison.core.models import Team
from liaison.core.tests.authorization import World
from liaison.literature.models import Publication
from liaison.surveillance.models import Alert, AlertKind, DigestPreference, WatchRun
from liaison.surveillance.tests.factories import publication_watch, trial_watch


def build(world: World) -> None:
    users = world.users
    team = Team.objects.get(manager=users["manager"])
    watches = [
        publication_watch(users["msl"]),
        trial_watch(users["other_msl"]),
        publication_watch(None, team=team, name="Team watch"),
    ]
    publication = Publication.objects.order_by("pmid").first() or Publication.objects.create(
        pmid=9300009, title="A paper"
    )
    for watch in watches:
        WatchRun.objects.create(watch=watch)
    for recipient, watch in (
        ("msl", watches[0]),
        ("other_msl", watches[1]),
        ("msl", watches[2]),
        ("manager", watches[2]),
    ):
        Alert.objects.create(
            watch=watch,
            recipient=users[recipient],
            kind=AlertKind.NEW_PUBLICATION,
            publication=publication,
            title=publication.title,
        )
    DigestPreference.objects.create(user=users["msl"], enabled=False)
