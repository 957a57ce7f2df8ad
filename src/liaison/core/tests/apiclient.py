"""A test client for /api/v1/ that authenticates with a real personal API token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.test import Client

from liaison.core.models import ApiToken, User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

API = "/api/v1"


def make_token(user: User, name: str = "tests") -> tuple[ApiToken, str]:
    """A stored token for ``user`` and its secret, made the way the service makes them."""
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=secret[: len(ApiToken.PREFIX) + 4],
        key_hash=ApiToken.hash_secret(secret),
    )
    return token, secret


class ApiClient:
    """Sends JSON with ``Authorization: Bearer <secret>``; no secret, no header."""

    def __init__(self, user: User | None = None, *, secret: str | None = None) -> None:
        self.client = Client()
        self.token: ApiToken | None = None
        if user is not None and secret is None:
            self.token, secret = make_token(user)
        self.secret = secret
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Response:
        return self.client.get(API + path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Response:
        return self.client.post(
            API + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, body: Any = None) -> Response:
        return self.client.patch(
            API + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def delete(self, path: str, body: Any = None) -> Response:
        if body is None:
            return self.client.delete(API + path, headers=self.headers)
        return self.client.delete(
            API + path, json.dumps(body), content_type="application/json", headers=self.headers
        )
