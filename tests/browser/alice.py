"""Alice, the MSL of the inbox's browser tests: her account, an inbox with two
alerts from a library watch, and her signing in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from liaison.core.models import Role, User
from liaison.surveillance import services
from liaison.surveillance.tests.factories import add_publications, publication_watch

PASSWORD = "a long enough browser password"


def create_alice(settings: Any) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user(username="alice", password=PASSWORD, role=Role.MSL)


def alice_with_an_inbox(settings: Any, tmp_path: Path) -> User:
    """Alice, with two melanoma papers alerted by her watch "Melanoma"."""
    alice = create_alice(settings)
    add_publications(tmp_path, (101, "Nivolumab in melanoma"), (102, "Adjuvant melanoma therapy"))
    services.run_watch(publication_watch(alice, name="Melanoma").pk)
    return alice


def sign_in(page: Any) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
