"""A sign-in succeeds while another connection holds SQLite's write lock (a batch of an
import): it waits for the lock instead of failing, and takes it as few times as it can.

These run on the test database file (``tests/settings.py`` keeps SQLite's test
database in a file, so a thread's connection and the request's share it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from liaison.conftest import make_user
from liaison.core.models import Role, Territory

HOLD_SECONDS = 2.0
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_file() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL locks rows")
    assert "memory" not in str(connection.settings_dict["NAME"]), "needs a shared file database"


def hold_write_lock(seconds: float, holding: threading.Event, errors: list[BaseException]) -> None:
    """Write in a transaction and keep it open, as an import's batch does."""
    try:
        with transaction.atomic():
            Territory.objects.create(code="batch", name="An import's batch")
            holding.set()
            time.sleep(seconds)
    except BaseException as error:  # reported to the test below
        errors.append(error)
        holding.set()
    finally:
        connections.close_all()


def test_login_succeeds_while_another_connection_holds_the_write_lock() -> None:
    make_user("alice", Role.MSL)
    client = Client()
    client.get(reverse("core:login"))
    holding = threading.Event()
    errors: list[BaseException] = []
    holder = threading.Thread(target=hold_write_lock, args=(HOLD_SECONDS, holding, errors))
    holder.start()
    assert holding.wait(10)
    started = time.monotonic()
    response = client.post(reverse("core:login"), {"username": "alice", "password": PASSWORD})
    waited = time.monotonic() - started
    holder.join()

    assert errors == []
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    # It really waited for the lock (the test is not vacuous), and no longer than needed.
    assert HOLD_SECONDS / 2 < waited < HOLD_SECONDS + 5
    assert Territory.objects.filter(code="batch").exists()


def write_transactions(run: Callable[[], Any]) -> tuple[int, list[str]]:
    """How many write transactions ``run`` opens (each waits for the lock once), and any
    write statement outside a transaction."""
    begins = 0
    loose: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal begins
        verb = sql.lstrip().split(" ", 1)[0].upper()
        if verb == "BEGIN":
            begins += 1
        elif verb in {"INSERT", "UPDATE", "DELETE"} and not connection.in_atomic_block:
            loose.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        run()
    return begins, loose


def test_login_writes_in_one_transaction_and_the_session_save() -> None:
    make_user("alice", Role.MSL)
    client = Client()
    client.get(reverse("core:login"))

    def sign_in() -> None:
        response = client.post(reverse("core:login"), {"username": "alice", "password": PASSWORD})
        assert response.status_code == 302

    begins, loose = write_transactions(sign_in)
    # The session, last_login and the lock-out's access log in one transaction; the
    # session middleware's save of the signed-in session in the second.
    assert (begins, loose) == (2, [])
