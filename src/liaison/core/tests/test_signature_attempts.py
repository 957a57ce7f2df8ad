"""Wrong signature passwords are counted per signer: after five in fifteen minutes signing
is refused on the password field until the window ends, and every refusal is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from liaison.conftest import make_user
from liaison.core import audit, ratelimit
from liaison.core.errors import LiaisonError, TooManyAttempts
from liaison.core.models import AuditEvent, ElectronicSignature, Role, Territory, User
from liaison.core.signatures import PASSWORD_FAILURES, check_password, sign_record

PASSWORD = "correct horse battery"  # the fixtures' users (src/liaison/conftest.py)
WRONG = "correct horse battery!"
ALLOWED = PASSWORD_FAILURES.count


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


def sign(actor: User, record: Territory, password: str = PASSWORD) -> ElectronicSignature:
    return sign_record(
        actor=actor, password=password, meaning="approved", record=record, content="letter"
    )


def fail(actor: User, record: Territory, times: int) -> list[LiaisonError]:
    errors = []
    for _ in range(times):
        with pytest.raises(LiaisonError) as raised:
            sign(actor, record, password=WRONG)
        errors.append(raised.value)
    return errors


def refusals(user: User) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            record_type="core.user", record_id=str(user.pk), action="refuse"
        ).order_by("sequence")
    )


def test_after_five_wrong_passwords_even_the_right_one_is_refused(
    medinfo: User, territory_de: Territory
) -> None:
    errors = fail(medinfo, territory_de, ALLOWED)
    assert all(error.field == "password" for error in errors)
    assert "locked until" in errors[-1].message
    with pytest.raises(TooManyAttempts) as raised:
        sign(medinfo, territory_de)
    assert raised.value.field == "password"
    assert raised.value.status_code == 429
    assert raised.value.message.startswith("password: signing is locked until ")
    assert not ElectronicSignature.objects.exists()


def test_each_refusal_says_how_many_tries_are_left(medinfo: User, territory_de: Territory) -> None:
    errors = fail(medinfo, territory_de, ALLOWED - 1)
    assert "(4 tries left" in errors[0].message
    assert "(1 try left" in errors[-1].message


def test_wrong_passwords_and_the_lock_are_audited_on_the_signer(
    medinfo: User, territory_de: Territory
) -> None:
    fail(medinfo, territory_de, ALLOWED)
    with pytest.raises(TooManyAttempts):
        sign(medinfo, territory_de)
    events = refusals(medinfo)
    assert len(events) == ALLOWED + 1
    assert {event.actor for event in events} == {medinfo}
    signing = f"signing territory #{territory_de.pk}"
    assert f"{signing}: wrong password (1 of {ALLOWED})" in events[0].reason
    assert f"wrong password ({ALLOWED} of {ALLOWED}): locked until" in events[-2].reason
    assert f"{signing}: locked after {ALLOWED} wrong passwords" in events[-1].reason
    assert audit.verify_chain()[1] is None


def test_the_lock_ends_with_its_window(medinfo: User, territory_de: Territory) -> None:
    start = timezone.now()
    with freeze_time(start):
        fail(medinfo, territory_de, ALLOWED)
    almost = start + dt.timedelta(seconds=PASSWORD_FAILURES.window - 1)
    with freeze_time(almost), pytest.raises(TooManyAttempts):
        sign(medinfo, territory_de)
    with freeze_time(start + dt.timedelta(seconds=PASSWORD_FAILURES.window)):
        assert sign(medinfo, territory_de).signer == medinfo


def test_a_right_password_clears_the_count(medinfo: User, territory_de: Territory) -> None:
    fail(medinfo, territory_de, ALLOWED - 1)
    check_password(actor=medinfo, password=PASSWORD)
    fail(medinfo, territory_de, ALLOWED - 1)
    assert sign(medinfo, territory_de).signer == medinfo


def test_the_count_is_per_signer(medinfo: User, territory_de: Territory) -> None:
    colleague = make_user("mira", Role.MEDICAL_INFORMATION)
    fail(medinfo, territory_de, ALLOWED)
    assert sign(colleague, territory_de).signer == colleague


def test_failures_count_when_the_signing_transaction_rolls_back(
    medinfo: User, territory_de: Territory
) -> None:
    for _ in range(ALLOWED):
        with pytest.raises(LiaisonError), transaction.atomic():
            sign(medinfo, territory_de, password=WRONG)
    assert refusals(medinfo) == []  # rolled back with the caller's transaction
    with pytest.raises(TooManyAttempts):
        sign(medinfo, territory_de)


def test_checked_before_the_transaction_a_refusal_is_kept(
    medinfo: User, territory_de: Territory
) -> None:
    with pytest.raises(LiaisonError):
        check_password(actor=medinfo, password=WRONG, record=territory_de)
    with pytest.raises(LiaisonError), transaction.atomic():
        raise LiaisonError("the service's own refusal, after the check")
    (event,) = refusals(medinfo)
    assert f"signing territory #{territory_de.pk}: wrong password" in event.reason


def test_usage_reads_the_count_without_adding_to_it() -> None:
    limit = ratelimit.Limit("test", 2, 60)
    start = 1_000_000.0
    assert ratelimit.usage(limit, "key", now=start) == ratelimit.Usage(0, start + 60)
    ratelimit.hit(limit, "key", now=start)
    ratelimit.hit(limit, "key", now=start + 10)
    assert ratelimit.usage(limit, "key", now=start + 20) == ratelimit.Usage(2, start + 60)
    assert ratelimit.usage(limit, "key", now=start + 60).count == 0
    ratelimit.reset(limit, "key")
    assert ratelimit.usage(limit, "key", now=start + 20).count == 0
