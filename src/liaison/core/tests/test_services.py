import pytest

from liaison.core import audit, services
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import ApiToken, AuditEvent, Role, Territory, User


def test_created_token_stores_only_the_hash_and_is_audited(msl: User) -> None:
    token, secret = services.create_api_token(actor=msl, user=msl, name="laptop")
    assert secret.startswith(ApiToken.PREFIX)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == ApiToken.hash_secret(secret)
    assert secret not in stored.key_hash and stored.key_prefix == secret[:8]
    event = AuditEvent.objects.get(record_type="core.apitoken", record_id=str(token.pk))
    assert event.action == "create"
    assert secret not in audit.canonical(audit.event_payload(event))
    assert stored.key_hash not in audit.canonical(audit.event_payload(event))


def test_msl_cannot_create_token_for_someone_else(msl: User, other_msl: User) -> None:
    with pytest.raises(PermissionDenied):
        services.create_api_token(actor=msl, user=other_msl, name="x")
    assert not ApiToken.objects.exists()


def test_token_needs_a_name(msl: User) -> None:
    with pytest.raises(LiaisonError) as raised:
        services.create_api_token(actor=msl, user=msl, name="  ")
    assert raised.value.field == "name"


def test_revoked_token_is_no_longer_active_and_revoke_is_audited(msl: User) -> None:
    token, _ = services.create_api_token(actor=msl, user=msl, name="laptop")
    services.revoke_api_token(actor=msl, token=token)
    assert not ApiToken.objects.active().filter(pk=token.pk).exists()
    services.revoke_api_token(actor=msl, token=token)
    actions = list(
        AuditEvent.objects.filter(record_type="core.apitoken").values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_other_user_cannot_revoke_my_token(msl: User, other_msl: User) -> None:
    token, _ = services.create_api_token(actor=msl, user=msl, name="laptop")
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(actor=other_msl, token=token)


def test_cli_creates_user_with_role_and_territories(territory_de: Territory) -> None:
    user = services.create_user(
        actor=None,
        username="nora",
        role=Role.MSL,
        password="a long enough passphrase",
        territories=["dach"],
    )
    assert user.check_password("a long enough passphrase")
    assert list(user.territories.all()) == [territory_de]
    event = AuditEvent.objects.get(record_type="core.user", record_id=str(user.pk))
    assert event.actor_label == "system"
    # The trail shows a password was set, as a keyed hash, never the stored hash.
    assert event.changes["password"] == [None, audit.redact(user.password)]
    assert event.changes["territories"] == [None, [territory_de.pk]]


def test_weak_password_is_refused_with_the_field_named(db: None) -> None:
    with pytest.raises(LiaisonError) as raised:
        services.create_user(actor=None, username="nora", role=Role.MSL, password="123")
    assert raised.value.field == "password"
    assert not User.objects.filter(username="nora").exists()


def test_unknown_role_and_duplicate_username_are_refused(msl: User) -> None:
    with pytest.raises(LiaisonError) as raised:
        services.create_user(
            actor=None, username="nora", role="wizard", password="a long enough passphrase"
        )
    assert raised.value.field == "role"
    with pytest.raises(Conflict):
        services.create_user(
            actor=None, username="ALICE", role=Role.MSL, password="a long enough passphrase"
        )


def test_only_administrators_create_users(msl: User, admin_user: User) -> None:
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=msl, username="nora", role=Role.MSL, password="a long enough passphrase"
        )
    user = services.create_user(
        actor=admin_user, username="nora", role=Role.ADMINISTRATOR, password="a long enough phrase"
    )
    assert user.is_staff


def test_set_user_role_is_audited(admin_user: User, msl: User) -> None:
    services.set_user_role(actor=admin_user, user=msl, role=Role.COMPLIANCE)
    msl.refresh_from_db()
    assert msl.role == Role.COMPLIANCE
    event = AuditEvent.objects.get(record_type="core.user", record_id=str(msl.pk))
    assert event.changes["role"] == [Role.MSL, Role.COMPLIANCE]
