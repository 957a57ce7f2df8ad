"""The surveillance panels of the home page: the user's new alerts (linked, with the
unread count) and the user's watches."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Team, User
from liaison.surveillance import services
from liaison.surveillance.home import SHOWN_ALERTS, my_watches, new_alerts
from liaison.surveillance.models import Alert
from liaison.surveillance.tests.factories import add_publications, publication_watch, trial_watch

pytestmark = pytest.mark.django_db


def home_of(client: Client, user: User) -> str:
    client.force_login(user)
    return client.get(reverse("core:home")).content.decode()


@pytest.fixture
def alerts(msl: User, tmp_path: Path) -> list[Alert]:
    add_publications(tmp_path, *((100 + n, f"Melanoma study {n}") for n in range(1, 8)))
    services.run_watch(publication_watch(msl).pk)
    return list(Alert.objects.filter(recipient=msl).order_by("-created_at", "-id"))


def test_home_lists_the_newest_unread_alerts_linked_with_the_unread_count(
    client: Client, msl: User, alerts: list[Alert]
) -> None:
    Alert.objects.filter(pk=alerts[0].pk).update(read_at=timezone.now())

    page = home_of(client, msl)

    shown = new_alerts(msl)["alerts"]
    assert len(shown) == SHOWN_ALERTS
    assert alerts[0] not in shown  # read: not new
    assert [alert.pk for alert in shown] == [alert.pk for alert in alerts[1 : SHOWN_ALERTS + 1]]
    assert "6 unread" in page
    for alert in shown:
        assert f'<a href="{alert.url}">{alert.title}</a>' in page
    assert 'href="/surveillance/alerts/?unread=on">All 6 unread alerts</a>' in page


def test_home_shows_no_one_elses_alerts(
    client: Client, msl: User, other_msl: User, alerts: list[Alert]
) -> None:
    page = home_of(client, other_msl)
    assert "Melanoma study" not in page
    assert "No new alerts." in page and "0 unread" in page


def test_home_lists_my_watches_and_my_teams_not_everyones(
    client: Client, msl: User, other_msl: User, admin_user: User, alerts: list[Alert]
) -> None:
    team = Team.objects.create(name="Oncology team", manager=admin_user)
    team.members.add(other_msl)
    trial_watch(None, name="Team lung trials", team=team)
    publication_watch(msl, name="Alice's second watch", active=False)

    alice = home_of(client, msl)
    bob = home_of(Client(), other_msl)
    ada = my_watches(admin_user)["watches"]

    assert "Melanoma immunotherapy</a>" in alice and "7 unread" in alice
    assert "Alice&#x27;s second watch</a>" in alice and "paused" in alice
    assert "Team lung trials" not in alice
    assert "Team lung trials</a>" in bob and "team Oncology team" in bob
    assert "Melanoma immunotherapy" not in bob
    # An administrator sees every watch in the list, but the home page shows their own.
    assert [watch.name for watch in ada] == ["Team lung trials"]


def test_home_without_watches_offers_to_make_one(client: Client, msl: User) -> None:
    page = home_of(client, msl)
    assert "No watch yet." in page
    assert f'href="{reverse("surveillance:watch-create")}">New watch</a>' in page
