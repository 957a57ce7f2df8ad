"""Sign-in lock-outs: a username is locked from one address only, and administrators
clear lock-outs from the command line (`liaison unlock`) or the lock-out page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from liaison.core import lockouts
from liaison.core.errors import PermissionDenied
from liaison.core.models import User

PASSWORD = "correct horse battery"
ATTACKER = "203.0.113.66"
OWNER = "192.0.2.10"


def sign_in(address: str, password: str, username: str = "alice") -> Any:
    return Client(REMOTE_ADDR=address).post(
        reverse("core:login"), {"username": username, "password": password}
    )


def lock_out(address: str, username: str = "alice") -> None:
    for _ in range(5):
        sign_in(address, "wrong", username)


def unlock(*args: str) -> str:
    out = io.StringIO()
    call_command("unlock", *args, stdout=out)
    return out.getvalue()


def test_five_failures_lock_the_username_from_that_address(msl: User) -> None:
    lock_out(ATTACKER)
    response = sign_in(ATTACKER, PASSWORD)
    assert response.status_code == 429
    assert "locked for 30 minutes from this address" in response.content.decode()


def test_locked_username_still_signs_in_from_another_address(msl: User) -> None:
    lock_out(ATTACKER)
    response = sign_in(OWNER, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_failures_from_different_addresses_do_not_add_up(msl: User) -> None:
    for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]:
        for _ in range(4):
            sign_in(address, "wrong")
    assert sign_in("198.51.100.1", PASSWORD).status_code == 302


def test_four_failures_do_not_lock(msl: User) -> None:
    for _ in range(4):
        sign_in(ATTACKER, "wrong")
    assert sign_in(ATTACKER, PASSWORD).status_code == 302


def test_unlock_clears_the_lock_out_and_says_what_it_cleared(msl: User) -> None:
    lock_out(ATTACKER)
    out = unlock("alice")
    assert out.startswith(f"cleared alice from {ATTACKER}: 5 failed sign-ins, locked until ")
    assert not AccessAttempt.objects.exists()
    assert sign_in(ATTACKER, PASSWORD).status_code == 302


def test_unlock_with_an_address_clears_only_that_address(msl: User) -> None:
    lock_out(ATTACKER)
    lock_out("198.51.100.7")
    out = unlock("alice", "--ip", ATTACKER)
    assert out.splitlines() == [line for line in out.splitlines() if ATTACKER in line]
    assert sign_in(ATTACKER, PASSWORD).status_code == 302
    assert sign_in("198.51.100.7", PASSWORD).status_code == 429


def test_unlock_matches_any_letter_case(msl: User) -> None:
    lock_out(ATTACKER, username="Alice")
    assert "cleared Alice from" in unlock("alice")


def test_unlock_of_a_username_without_failures_says_so(msl: User) -> None:
    assert unlock("alice") == "no failed sign-ins of alice: nothing to clear\n"


def test_unlock_names_a_malformed_address(msl: User) -> None:
    with pytest.raises(CommandError, match="'not-an-ip' is not an IP address"):
        unlock("alice", "--ip", "not-an-ip")


def test_unlock_needs_a_username(db: None) -> None:
    with pytest.raises(CommandError, match="say which username"):
        unlock()


def test_unlock_list_shows_who_is_locked(msl: User) -> None:
    lock_out(ATTACKER)
    sign_in(OWNER, "wrong", username="bob")
    lines = unlock("--list").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"bob from {OWNER}: 1 failed sign-in, not locked")
    assert lines[1].startswith(f"alice from {ATTACKER}: 5 failed sign-ins, locked until ")


def test_only_administrators_clear_lock_outs(msl: User) -> None:
    lock_out(ATTACKER)
    with pytest.raises(PermissionDenied):
        lockouts.clear(actor=msl, username="alice")
    assert AccessAttempt.objects.exists()


def test_administrator_sees_and_clears_a_lock_out_on_the_web(msl: User, admin_user: User) -> None:
    lock_out(ATTACKER)
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("core:lockout-list")).content.decode()
    assert ATTACKER in page and "locked until" in page
    response = client.post(
        reverse("core:lockout-clear"), {"username": "alice", "ip_address": ATTACKER}, follow=True
    )
    assert f"Cleared alice from {ATTACKER}" in response.content.decode()
    assert sign_in(ATTACKER, PASSWORD).status_code == 302


def test_lock_out_page_is_in_the_administrators_menu_only(msl: User, admin_user: User) -> None:
    link = f'href="{reverse("core:lockout-list")}"'
    client = Client()
    client.force_login(admin_user)
    assert link in client.get(reverse("core:home")).content.decode()
    client.force_login(msl)
    assert link not in client.get(reverse("core:home")).content.decode()


def test_behind_a_proxy_the_forwarded_address_is_locked(settings: Any, msl: User) -> None:
    settings.LIAISON_TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        Client(REMOTE_ADDR=proxy).post(
            reverse("core:login"),
            {"username": "alice", "password": "wrong"},
            headers={"X-Forwarded-For": ATTACKER},
        )
    owner = Client(REMOTE_ADDR=proxy).post(
        reverse("core:login"),
        {"username": "alice", "password": PASSWORD},
        headers={"X-Forwarded-For": OWNER},
    )
    assert owner.status_code == 302
    assert AccessAttempt.objects.get().ip_address == ATTACKER
