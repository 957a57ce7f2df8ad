"""Surveillance's reads: which watches are due, who a watch alerts, what it
matches, who a shared alert reaches and what a digest lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from liaison.core.models import Team, User
from liaison.surveillance import selectors
from liaison.surveillance.models import Alert, AlertKind, Watch
from liaison.surveillance.tests.factories import add_publications, publication_watch

pytestmark = pytest.mark.django_db


def alert(watch: Watch, recipient: User, title: str, **values: object) -> Alert:
    return Alert.objects.create(
        watch=watch, recipient=recipient, kind=AlertKind.NEW_PUBLICATION, title=title, **values
    )


def test_due_watches_follow_schedule_and_last_run(msl: User) -> None:
    now = timezone.now()
    never = publication_watch(msl, name="never run")
    fresh = publication_watch(msl, name="ran an hour ago", last_run_at=now - dt.timedelta(hours=1))
    stale = publication_watch(msl, name="ran two days ago", last_run_at=now - dt.timedelta(days=2))
    weekly = publication_watch(
        msl, name="weekly", schedule="weekly", last_run_at=now - dt.timedelta(days=2)
    )
    manual = publication_watch(msl, name="manual", schedule="manual")
    paused = publication_watch(msl, name="paused", active=False)
    due = selectors.due_watches(now)
    assert due == [never, stale]
    assert fresh not in due and weekly not in due and manual not in due and paused not in due


def test_a_personal_watch_alerts_its_owner_while_active(msl: User) -> None:
    watch = publication_watch(msl)
    assert selectors.recipients(watch) == [msl]
    msl.is_active = False
    msl.save()
    assert selectors.recipients(watch) == []


def test_a_team_watch_alerts_its_active_members_and_manager(
    msl: User, other_msl: User, field_manager: User
) -> None:
    team = Team.objects.get()
    gone = User.objects.create_user("gone", is_active=False)
    team.members.add(gone)
    watch = publication_watch(None, team=team)
    assert selectors.recipients(watch) == sorted([msl, field_manager], key=lambda user: user.pk)


def test_library_publications_match_any_alternative(msl: User, tmp_path: Path) -> None:
    add_publications(
        tmp_path,
        (201, "Nivolumab in melanoma"),
        (202, "Pembrolizumab in melanoma"),
        (203, "Nivolumab in lung cancer"),
    )
    found = selectors.library_publications(msl, "(nivolumab OR pembrolizumab) AND melanoma")
    assert sorted(found.values_list("pmid", flat=True)) == [201, 202]


def test_a_shared_alert_reaches_the_team_but_not_the_sharer(
    msl: User, other_msl: User, field_manager: User
) -> None:
    watch = publication_watch(msl)
    shared = alert(watch, msl, "A paper")
    assert selectors.teammates(msl, shared) == [field_manager]


def test_a_digest_lists_unread_alerts_after_the_last_one_up_to_the_limit(msl: User) -> None:
    watch = publication_watch(msl)
    now = timezone.now()
    alert(watch, msl, "old", created_at=now - dt.timedelta(days=2))
    alert(watch, msl, "read", read_at=now)
    alert(watch, msl, "new", created_at=now - dt.timedelta(hours=1))
    alert(watch, msl, "newest", created_at=now)
    since = now - dt.timedelta(days=1)
    assert [a.title for a in selectors.digest_alerts(msl, since, limit=10)] == ["newest", "new"]
    assert [a.title for a in selectors.digest_alerts(msl, since, limit=1)] == ["newest"]
    assert len(selectors.digest_alerts(msl, None, limit=10)) == 3


def test_digests_go_to_active_users_with_an_address_and_unread_alerts(
    msl: User, other_msl: User, field_manager: User
) -> None:
    for user in (msl, other_msl):
        user.email = f"{user.username}@example.org"
        user.save()
    alert(publication_watch(msl), msl, "unread")
    alert(publication_watch(other_msl), other_msl, "read", read_at=timezone.now())
    alert(publication_watch(field_manager), field_manager, "no address")
    assert list(selectors.digest_recipients()) == [msl]
