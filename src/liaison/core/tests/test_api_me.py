"""/api/v1/me and /api/v1/tokens: the caller's own account and tokens."""

from __future__ import annotations

import pytest

from liaison.core.models import ApiToken, AuditEvent, User
from liaison.core.tests.apiclient import ApiClient, make_token

pytestmark = pytest.mark.django_db


def test_me_names_user_role_and_territories(msl: User) -> None:
    body = ApiClient(msl).get("/me").json()
    assert body["username"] == "alice"
    assert body["role"] == "msl"
    assert body["is_administrator"] is False
    assert body["territories"] == [{"code": "dach", "name": "DACH"}]


def test_me_of_a_field_manager_lists_team_territories(field_manager: User) -> None:
    body = ApiClient(field_manager).get("/me").json()
    assert [territory["code"] for territory in body["territories"]] == ["dach"]


def test_anonymous_me_is_401() -> None:
    assert ApiClient().get("/me").status_code == 401


def test_list_tokens_shows_only_mine_without_secrets(msl: User, admin_user: User) -> None:
    make_token(admin_user, "admin's")
    client = ApiClient(msl)
    rows = client.get("/tokens").json()
    assert [row["name"] for row in rows] == ["tests"]
    assert set(rows[0]) == {"id", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"}
    # An administrator also sees only their own here.
    assert [row["name"] for row in ApiClient(admin_user).get("/tokens").json()] == [
        "tests",
        "admin's",
    ]


def test_create_token_returns_the_secret_once_and_it_works(msl: User) -> None:
    response = ApiClient(msl).post("/tokens", {"name": "laptop script"})
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["token"]
    assert secret.startswith(ApiToken.PREFIX)
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == ApiToken.hash_secret(secret)
    assert secret not in str(ApiToken.objects.filter(pk=body["id"]).values().get())
    assert ApiClient(secret=secret).get("/me").json()["username"] == "alice"
    listed = ApiClient(msl).get("/tokens").json()
    assert all("token" not in row for row in listed)
    event = AuditEvent.objects.get(record_type="core.apitoken", action="create")
    assert event.source == "api"
    assert secret not in str(event.changes)


def test_create_token_without_name_is_422_naming_name(msl: User) -> None:
    response = ApiClient(msl).post("/tokens", {"name": ""})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"name"}


def test_outsider_cannot_create_tokens(outsider: User) -> None:
    assert ApiClient(outsider).post("/tokens", {"name": "x"}).status_code == 403


def test_revoke_token_makes_it_401(msl: User) -> None:
    token, secret = make_token(msl, "old")
    response = ApiClient(msl).delete(f"/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(secret=secret).get("/me").status_code == 401
    event = AuditEvent.objects.get(record_type="core.apitoken", action="update")
    assert event.source == "api"


def test_revoking_the_token_in_use_ends_it(msl: User) -> None:
    client = ApiClient(msl)
    assert client.token is not None
    assert client.delete(f"/tokens/{client.token.pk}").status_code == 204
    assert client.get("/me").status_code == 401


def test_cannot_revoke_someone_elses_token(msl: User, other_msl: User) -> None:
    token, _ = make_token(other_msl, "bob's")
    assert ApiClient(msl).delete(f"/tokens/{token.pk}").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_administrator_revokes_a_leaked_token(msl: User, admin_user: User) -> None:
    token, secret = make_token(msl, "leaked")
    assert ApiClient(admin_user).delete(f"/tokens/{token.pk}").status_code == 204
    assert ApiClient(secret=secret).get("/me").status_code == 401


def test_account_without_role_is_403_on_me(outsider: User) -> None:
    response = ApiClient(outsider).get("/me")
    assert response.status_code == 403
    assert "no role" in response.json()["message"]
