"""The policy's own contract (verbs, unknown verbs, the two questions) and core's rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from liaison.conftest import make_user
from liaison.core import audit, policy
from liaison.core.models import AuditChainHead, AuditEvent, Job, Role, Team, Territory, User


@pytest.fixture
def team(field_manager: User) -> Team:
    return Team.objects.get(manager=field_manager)


@pytest.fixture
def other_team(other_msl: User) -> Team:
    other = Team.objects.create(name="US field team")
    other.members.add(other_msl)
    return other


def test_an_unknown_verb_asked_of_a_record_raises(
    admin_user: User, territory_de: Territory
) -> None:
    with pytest.raises(ValueError, match="no verb 'chnage'"):
        policy.can(admin_user, "chnage", territory_de)


def test_an_unknown_verb_asked_of_a_model_raises(admin_user: User) -> None:
    with pytest.raises(ValueError, match="no verb 'lod'"):
        policy.can(admin_user, "lod", Territory)


def test_an_unknown_verb_in_scope_raises(admin_user: User) -> None:
    with pytest.raises(ValueError, match="no verb 'veiw'"):
        policy.scope(admin_user, "veiw", Territory)


def test_an_unknown_verb_raises_for_anonymous_users_too(territory_de: Territory) -> None:
    # A typo must fail loudly whoever asks, not hide behind "anonymous may nothing".
    with pytest.raises(ValueError):
        policy.can(AnonymousUser(), "chnage", territory_de)


def test_an_unknown_verb_raises_in_get_for_before_the_lookup(admin_user: User) -> None:
    with pytest.raises(ValueError):
        policy.get_for(admin_user, "chnage", Territory, pk=0)


def test_a_record_verb_asked_of_the_model_raises(admin_user: User) -> None:
    with pytest.raises(ValueError, match="asked of a record"):
        policy.can(admin_user, "change", Territory)


def test_a_model_verb_asked_of_a_record_raises(admin_user: User, territory_de: Territory) -> None:
    with pytest.raises(ValueError, match="asked of the model class"):
        policy.can(admin_user, "add", territory_de)


def test_a_model_verb_has_no_scope(admin_user: User) -> None:
    with pytest.raises(ValueError):
        policy.scope(admin_user, "add", Territory)


def test_a_verb_of_one_model_is_unknown_to_another(admin_user: User, team: Team) -> None:
    # "assign" is a verb of territories, not of teams.
    with pytest.raises(ValueError):
        policy.can(admin_user, "assign", team)


def test_rules_asking_one_verb_both_ways_are_refused() -> None:
    class Confused(policy.Rules):
        model_verbs = policy.Rules.model_verbs | {"view"}

    with pytest.raises(ValueError, match="both"):
        policy.register(AuditChainHead, Confused())
    assert AuditChainHead not in policy.registered_models()


def test_a_verb_must_be_a_lower_case_word() -> None:
    class Shouting(policy.Rules):
        record_verbs = policy.Rules.record_verbs | {"Export"}

    with pytest.raises(ValueError, match="not a verb"):
        policy.register(AuditChainHead, Shouting())


def test_a_model_without_rules_is_invisible(admin_user: User) -> None:
    AuditChainHead.objects.get_or_create(pk=1)
    assert not policy.scope(admin_user, "view", AuditChainHead).exists()


def test_anonymous_users_may_do_nothing(territory_de: Territory) -> None:
    anonymous = AnonymousUser()
    assert not policy.can(anonymous, "view", territory_de)
    assert not policy.scope(anonymous, "view", Territory).exists()
    assert not policy.can(anonymous, "add", Territory)


def test_a_deactivated_administrator_may_do_nothing(territory_de: Territory) -> None:
    former = make_user("former", Role.ADMINISTRATOR)
    former.is_active = False
    former.save()
    assert not policy.can(former, "view", territory_de)
    assert not policy.can(former, "add", Territory)


def test_grants_any_is_false_when_the_rules_grant_nothing(msl: User, outsider: User) -> None:
    assert policy.grants_any(msl, "view", Territory)
    assert not policy.grants_any(outsider, "view", Territory)


def test_only_auditors_may_verify_the_audit_chain(
    msl: User, compliance: User, admin_user: User
) -> None:
    assert policy.can(compliance, "verify", AuditEvent)
    assert policy.can(admin_user, "verify", AuditEvent)
    assert not policy.can(msl, "verify", AuditEvent)


def test_only_auditors_may_erase_personal_values_from_the_trail(
    msl: User, compliance: User, admin_user: User
) -> None:
    assert policy.can(compliance, "erase", AuditEvent)
    assert policy.can(admin_user, "erase", AuditEvent)
    assert not policy.can(msl, "erase", AuditEvent)


def test_auditors_read_audit_events_and_nobody_changes_one(
    admin_user: User, compliance: User, msl: User
) -> None:
    with transaction.atomic():
        audit.create_record(actor=admin_user, instance=Territory(code="nordics", name="Nordics"))
    event = AuditEvent.objects.get()
    assert policy.can(compliance, "view", event)
    assert not policy.can(msl, "view", event)
    assert not policy.can(admin_user, "change", event)


def test_a_member_shares_work_with_their_own_team(msl: User, team: Team) -> None:
    assert policy.can(msl, "share", team)


def test_a_member_may_not_share_with_another_team(msl: User, other_team: Team) -> None:
    assert not policy.can(msl, "share", other_team)


def test_a_manager_shares_with_the_team_they_manage(field_manager: User, team: Team) -> None:
    assert list(policy.scope(field_manager, "share", Team)) == [team]


def test_administrators_share_with_every_team(
    admin_user: User, team: Team, other_team: Team
) -> None:
    assert set(policy.scope(admin_user, "share", Team)) == {team, other_team}


def test_members_read_every_team_but_do_not_change_one(msl: User, other_team: Team) -> None:
    assert policy.can(msl, "view", other_team)
    assert not policy.can(msl, "change", other_team)


def test_only_administrators_assign_territories(
    msl: User, field_manager: User, admin_user: User, territory_de: Territory
) -> None:
    assert policy.can(admin_user, "assign", territory_de)
    assert not policy.can(msl, "assign", territory_de)
    assert not policy.can(field_manager, "assign", territory_de)


def test_a_manager_sees_their_teams_users_and_no_one_else(
    field_manager: User, msl: User, other_msl: User
) -> None:
    assert set(policy.scope(field_manager, "view", User)) == {field_manager, msl}


def test_a_member_sees_only_themselves_among_users(msl: User, other_msl: User) -> None:
    assert list(policy.scope(msl, "view", User)) == [msl]


def test_a_job_is_its_owners_and_the_administrators(
    msl: User, other_msl: User, admin_user: User
) -> None:
    job = Job.objects.create(owner=msl, kind="test", title="A job")
    assert policy.can(msl, "view", job)
    assert policy.can(admin_user, "view", job)
    assert not policy.can(other_msl, "view", job)


def test_an_unsaved_record_is_nobodys(admin_user: User) -> None:
    assert not policy.can(admin_user, "view", Job(owner=admin_user, kind="test"))
    assert not policy.can(admin_user, "view", Territory(code="x", name="X"))
