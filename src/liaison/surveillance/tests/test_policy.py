"""Surveillance's access rules: watches are their owner's or their team's, an
alert is its recipient's alone, and a watch goes only to a team one may share with."""

from __future__ import annotations

import pytest
from django import forms

from liaison.core import policy
from liaison.core.models import Team, User
from liaison.literature.models import Publication
from liaison.surveillance.forms import WatchForm
from liaison.surveillance.models import Alert, AlertKind, Watch, WatchRun
from liaison.surveillance.tests.factories import publication_watch


@pytest.fixture
def team(field_manager: User) -> Team:
    return Team.objects.get(manager=field_manager)


@pytest.fixture
def other_team(other_msl: User) -> Team:
    other = Team.objects.create(name="US field team")
    other.members.add(other_msl)
    return other


def alert_for(recipient: User, watch: Watch, pmid: int = 9200001) -> Alert:
    publication, _ = Publication.objects.get_or_create(pmid=pmid, defaults={"title": "New"})
    return Alert.objects.create(
        watch=watch,
        recipient=recipient,
        kind=AlertKind.NEW_PUBLICATION,
        publication=publication,
        title="New",
    )


def test_a_personal_watch_is_its_owners(msl: User, other_msl: User) -> None:
    watch = publication_watch(msl)
    assert policy.can(msl, "change", watch)
    assert not policy.can(other_msl, "view", watch)


def test_a_personal_watch_is_not_seen_by_the_owners_manager(msl: User, field_manager: User) -> None:
    assert not policy.can(field_manager, "view", publication_watch(msl))


def test_a_team_watch_is_changed_by_members_and_manager(
    msl: User, field_manager: User, other_msl: User, team: Team
) -> None:
    watch = publication_watch(None, team=team)
    assert policy.can(msl, "change", watch)
    assert policy.can(field_manager, "change", watch)
    assert not policy.can(other_msl, "view", watch)


def test_only_the_owner_the_team_manager_or_an_administrator_transfers_a_watch(
    msl: User, field_manager: User, admin_user: User, team: Team
) -> None:
    personal = publication_watch(msl)
    assert policy.can(msl, "transfer", personal)
    assert not policy.can(field_manager, "transfer", personal)
    team_watch = publication_watch(None, team=team)
    # A member keeps the team's watch up to date but cannot take it.
    assert policy.can(msl, "change", team_watch)
    assert not policy.can(msl, "transfer", team_watch)
    assert policy.can(field_manager, "transfer", team_watch)
    assert policy.can(admin_user, "transfer", team_watch)
    assert set(policy.scope(msl, "transfer", Watch)) == {personal}
    assert set(policy.scope(field_manager, "transfer", Watch)) == {team_watch}


def test_administrators_see_every_watch(admin_user: User, msl: User) -> None:
    assert policy.can(admin_user, "delete", publication_watch(msl))


def test_watch_runs_are_read_only(msl: User, admin_user: User) -> None:
    run = WatchRun.objects.create(watch=publication_watch(msl))
    assert policy.can(msl, "view", run)
    assert not policy.can(msl, "change", run)
    assert not policy.can(admin_user, "delete", run)


def test_an_alert_is_its_recipients_alone(msl: User, admin_user: User) -> None:
    alert = alert_for(msl, publication_watch(msl))
    assert policy.can(msl, "view", alert)
    # An inbox is personal, administrators included.
    assert not policy.can(admin_user, "view", alert)


def test_only_the_recipient_triages_an_alert(msl: User, field_manager: User, team: Team) -> None:
    watch = publication_watch(None, team=team)
    alert = alert_for(msl, watch)
    assert policy.can(msl, "triage", alert)
    assert not policy.can(field_manager, "triage", alert)


def test_nobody_deletes_an_alert(msl: User) -> None:
    assert not policy.can(msl, "delete", alert_for(msl, publication_watch(msl)))


def test_triage_is_a_verb_of_alerts_only(msl: User) -> None:
    with pytest.raises(ValueError):
        policy.can(msl, "triage", publication_watch(msl))


def test_the_watch_form_offers_the_teams_the_user_may_share_with(
    msl: User, team: Team, other_team: Team
) -> None:
    field = WatchForm(user=msl).fields["team"]
    assert isinstance(field, forms.ModelChoiceField)
    assert list(field.queryset or []) == [team]


def test_the_watch_form_offers_administrators_every_team(
    admin_user: User, team: Team, other_team: Team
) -> None:
    field = WatchForm(user=admin_user).fields["team"]
    assert isinstance(field, forms.ModelChoiceField)
    assert set(field.queryset or []) == {team, other_team}
