"""API authentication: bearer tokens, the browser session with CSRF, the 401 shape."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from liaison.core.models import ApiToken, User
from liaison.core.tests.apiclient import API, ApiClient, make_token
from liaison.directory.models import HCP

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


def assert_unauthorized(response: Response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"message", "details"}
    assert "Bearer" in body["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_request_without_token_is_401() -> None:
    assert_unauthorized(ApiClient().get("/hcps"))


def test_request_with_unknown_token_is_401(msl: User) -> None:
    assert_unauthorized(ApiClient(secret=ApiToken.new_secret()).get("/hcps"))


def test_request_with_malformed_authorization_is_401(msl: User) -> None:
    _, secret = make_token(msl)
    response = Client().get(f"{API}/me", headers={"Authorization": f"Token {secret}"})
    assert_unauthorized(response)


def test_revoked_token_is_401(msl: User) -> None:
    client = ApiClient(msl)
    assert client.get("/me").status_code == 200
    assert client.token is not None
    ApiToken.objects.filter(pk=client.token.pk).update(revoked_at=timezone.now())
    assert_unauthorized(client.get("/me"))


def test_token_of_inactive_user_is_401(msl: User) -> None:
    client = ApiClient(msl)
    User.objects.filter(pk=msl.pk).update(is_active=False)
    assert_unauthorized(client.get("/me"))


def test_unsafe_method_without_token_is_401_not_csrf_403() -> None:
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/hcps", "{}", content_type="application/json"
    )
    assert_unauthorized(response)


def test_valid_token_authenticates_its_owner(msl: User) -> None:
    response = ApiClient(msl).get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_use_sets_last_used_at_at_most_once_a_minute(msl: User) -> None:
    client = ApiClient(msl)
    assert client.token is not None
    client.get("/me")
    first = ApiToken.objects.get(pk=client.token.pk).last_used_at
    assert first is not None
    client.get("/me")
    assert ApiToken.objects.get(pk=client.token.pk).last_used_at == first

    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=client.token.pk).update(last_used_at=long_ago)
    client.get("/me")
    refreshed = ApiToken.objects.get(pk=client.token.pk).last_used_at
    assert refreshed is not None and refreshed > long_ago + dt.timedelta(minutes=4)


def test_session_reads_without_csrf(msl: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(msl)
    assert client.get(f"{API}/me").status_code == 200


NEW_HCP = '{"given_name": "Anna", "family_name": "Berger", "country": "AT"}'


def test_session_write_without_csrf_token_is_403(msl: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(msl)
    response = client.post(f"{API}/hcps", NEW_HCP, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert not HCP.objects.exists()


def test_session_write_with_csrf_token_passes(msl: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(msl)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        f"{API}/hcps", NEW_HCP, content_type="application/json", headers={"X-CSRFToken": secret}
    )
    assert response.status_code == 201, response.content
    assert HCP.objects.get().family_name == "Berger"


def test_docs_page_hands_the_session_its_csrf_token(msl: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(msl)
    page = client.get(f"{API}/docs")
    match = re.search(r'data-csrf-token="([^"]+)"', page.content.decode())
    assert match, "the docs page does not carry the CSRF token"
    response = client.post(
        f"{API}/hcps", NEW_HCP, content_type="application/json", headers={"X-CSRFToken": match[1]}
    )
    assert response.status_code == 201, response.content
