"""Password change and reset: the pages, the audit, the one-time link, the rate limit,
and answers that never tell which e-mail addresses have an account."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from liaison.core import audit, ratelimit
from liaison.core.models import AuditEvent, User

OLD = "correct horse battery"
NEW = "a brand new passphrase for liaison"


@pytest.fixture(autouse=True)
def _own_rate_limit_cache(settings: Any) -> None:
    """Each test counts in a fresh in-memory cache (the real one is shared files or Redis)."""
    settings.CACHES = {
        **settings.CACHES,
        ratelimit.CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"ratelimit-{uuid.uuid4()}",
        },
    }


@pytest.fixture
def alice(msl: User) -> User:
    msl.email = "alice@example.org"
    msl.save()
    return msl


def password_events(user: User) -> list[AuditEvent]:
    return [
        event
        for event in AuditEvent.objects.filter(record_type="core.user", record_id=str(user.pk))
        if "password" in event.changes
    ]


def reset_link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/password-reset/[^/\s]+/[^/\s]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def page_text(response: Any) -> bytes:
    """The page without its per-request CSRF tokens."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"(token)", response.content)


def ask_for_reset(client: Client, email: str, **extra: Any) -> Any:
    return client.post(reverse("core:password-reset"), {"email": email}, **extra)


# --- change ---------------------------------------------------------------------------


def test_user_menu_links_to_the_password_page(client: Client, msl: User) -> None:
    client.force_login(msl)
    body = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:password-change")}"' in body


def test_member_changes_their_password_and_stays_signed_in(client: Client, msl: User) -> None:
    client.force_login(msl)
    response = client.post(
        reverse("core:password-change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    msl.refresh_from_db()
    assert msl.check_password(NEW)
    assert client.get(reverse("core:home")).status_code == 200


def test_password_change_is_audited_without_the_hash(client: Client, msl: User) -> None:
    old_hash = msl.password
    client.force_login(msl)
    client.post(
        reverse("core:password-change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    msl.refresh_from_db()
    [event] = password_events(msl)
    assert event.actor == msl and event.reason == "password changed by its user"
    payload = audit.canonical(audit.event_payload(event))
    assert old_hash not in payload and msl.password not in payload and NEW not in payload
    # The hash's variable part (salt and digest) appears nowhere either.
    assert msl.password.split("$")[-1] not in payload


def test_wrong_current_password_changes_nothing(client: Client, msl: User) -> None:
    client.force_login(msl)
    response = client.post(
        reverse("core:password-change"),
        {"old_password": "not it", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    msl.refresh_from_db()
    assert msl.check_password(OLD) and password_events(msl) == []


def test_new_password_must_pass_the_validators(client: Client, msl: User) -> None:
    client.force_login(msl)
    response = client.post(
        reverse("core:password-change"),
        {"old_password": OLD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common" in body and "entirely numeric" in body
    msl.refresh_from_db()
    assert msl.check_password(OLD)


def test_password_change_signs_out_the_other_sessions(msl: User) -> None:
    here, elsewhere = Client(), Client()
    here.force_login(msl)
    elsewhere.force_login(msl)
    here.post(
        reverse("core:password-change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert here.get(reverse("core:home")).status_code == 200
    assert elsewhere.get(reverse("core:home"))["Location"].startswith(reverse("core:login"))


# --- reset ----------------------------------------------------------------------------


def test_login_page_links_to_the_reset(client: Client, db: None) -> None:
    body = client.get(reverse("core:login")).content.decode()
    assert f'href="{reverse("core:password-reset")}"' in body


def test_reset_link_sets_a_new_password_once(client: Client, alice: User) -> None:
    response = ask_for_reset(client, "Alice@Example.org")
    assert response["Location"] == reverse("core:password-reset-sent")
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    link = reset_link(message)

    form_page = client.get(link)  # the token moves into the session, out of the URL
    assert form_page.status_code == 302 and "set-password" in form_page["Location"]
    done = client.post(form_page["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("core:password-reset-complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    [event] = password_events(alice)
    assert event.actor == alice and event.reason == "password reset through an e-mailed link"
    assert alice.password not in audit.canonical(audit.event_payload(event))

    again = Client().get(link)
    assert again.status_code == 200 and not again.context["validlink"]
    assert "Reset link not valid" in again.content.decode()


def test_reset_link_expires_after_an_hour(
    client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask_for_reset(client, "alice@example.org")
    link = reset_link(mail.outbox[0])
    later = dt.datetime.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = client.get(link)
    assert response.status_code == 200 and not response.context["validlink"]
    alice.refresh_from_db()
    assert alice.check_password(OLD)


def test_reset_link_within_the_hour_still_works(
    client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask_for_reset(client, "alice@example.org")
    link = reset_link(mail.outbox[0])
    later = dt.datetime.now() + dt.timedelta(minutes=59)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert client.get(link).status_code == 302


def test_reset_password_must_pass_the_validators(client: Client, alice: User) -> None:
    ask_for_reset(client, "alice@example.org")
    form_page = client.get(reset_link(mail.outbox[0]))
    response = client.post(
        form_page["Location"], {"new_password1": "alice", "new_password2": "alice"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(OLD)


def test_unknown_address_gets_the_same_answer_and_no_mail(alice: User) -> None:
    known = ask_for_reset(Client(), "alice@example.org", follow=True)
    unknown = ask_for_reset(Client(), "nobody@example.org", follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert page_text(known) == page_text(unknown)
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_inactive_account_gets_no_mail(client: Client, alice: User) -> None:
    alice.is_active = False
    alice.save()
    response = ask_for_reset(client, "alice@example.org")
    assert response["Location"] == reverse("core:password-reset-sent")
    assert mail.outbox == []


# --- rate limit -----------------------------------------------------------------------


def test_reset_requests_are_limited_per_address(settings: Any, alice: User) -> None:
    settings.LIAISON_PASSWORD_RESET_PER_ADDRESS = 2
    answers = [
        ask_for_reset(Client(REMOTE_ADDR=f"192.0.2.{n}"), "alice@example.org").status_code
        for n in range(1, 4)
    ]
    assert answers == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_limited_request_says_so_clearly(settings: Any, alice: User) -> None:
    settings.LIAISON_PASSWORD_RESET_PER_ADDRESS = 1
    ask_for_reset(Client(), "alice@example.org")
    response = ask_for_reset(Client(), "alice@example.org")
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert "Wait an hour" in response.content.decode()


def test_limit_answers_alike_for_unknown_addresses(settings: Any, alice: User) -> None:
    settings.LIAISON_PASSWORD_RESET_PER_ADDRESS = 1
    for address in ["alice@example.org", "nobody@example.org"]:
        ask_for_reset(Client(REMOTE_ADDR="192.0.2.1"), address)
    known = ask_for_reset(Client(REMOTE_ADDR="192.0.2.2"), "alice@example.org")
    unknown = ask_for_reset(Client(REMOTE_ADDR="192.0.2.2"), "nobody@example.org")
    assert known.status_code == unknown.status_code == 429
    assert page_text(known).replace(b"alice", b"nobody") == page_text(unknown)


def test_reset_requests_are_limited_per_client_address(settings: Any, alice: User) -> None:
    settings.LIAISON_PASSWORD_RESET_PER_CLIENT = 3
    client = Client(REMOTE_ADDR="198.51.100.9")
    answers = [ask_for_reset(client, f"guess{n}@example.org").status_code for n in range(4)]
    assert answers == [302, 302, 302, 429]
    # Another computer is not held back by this one.
    assert ask_for_reset(Client(REMOTE_ADDR="192.0.2.1"), "alice@example.org").status_code == 302
    assert len(mail.outbox) == 1


def test_limit_window_ends() -> None:
    limit = ratelimit.Limit("test", 2, 3600)
    start = 1_000_000.0
    assert [ratelimit.hit(limit, "key", now=start + n) for n in range(3)] == [True, True, False]
    assert ratelimit.hit(limit, "key", now=start + 3599) is False
    assert ratelimit.hit(limit, "key", now=start + 3600) is True


def test_limit_counts_each_key_apart() -> None:
    limit = ratelimit.Limit("test", 1, 60)
    assert ratelimit.hit(limit, "a") and ratelimit.hit(limit, "b")
    assert not ratelimit.hit(limit, "a")


# --- the client's address -------------------------------------------------------------


def request_with(remote: str, forwarded: str | None = None) -> HttpRequest:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else None
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


def test_client_address_is_the_peer_without_trusted_proxies(settings: Any) -> None:
    settings.LIAISON_TRUSTED_PROXIES = 0
    assert ratelimit.client_address(request_with("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


def test_client_address_behind_one_proxy_ignores_what_the_client_forged(settings: Any) -> None:
    settings.LIAISON_TRUSTED_PROXIES = 1
    request = request_with("10.0.0.2", "6.6.6.6, 203.0.113.5")
    assert ratelimit.client_address(request) == "203.0.113.5"


def test_client_address_behind_two_proxies(settings: Any) -> None:
    settings.LIAISON_TRUSTED_PROXIES = 2
    request = request_with("10.0.0.3", "6.6.6.6, 203.0.113.5, 10.0.0.2")
    assert ratelimit.client_address(request) == "203.0.113.5"


def test_client_address_falls_back_to_the_peer_on_a_short_or_bad_header(settings: Any) -> None:
    settings.LIAISON_TRUSTED_PROXIES = 2
    assert ratelimit.client_address(request_with("10.0.0.3", "203.0.113.5")) == "10.0.0.3"
    assert ratelimit.client_address(request_with("10.0.0.3", "junk, 10.0.0.2")) == "10.0.0.3"
