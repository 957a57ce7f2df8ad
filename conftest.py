"""Shared fixtures: one named user per role plus an outsider, and the demo reference data.

Tests that need PostgreSQL, Redis, the browser or ../shared skip where these
are absent, except in CI (CI=true), where such a skip is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Child processes (the `liaison` command, `liaison serve` and its worker) inherit
# DJANGO_SETTINGS_MODULE=tests.settings from pytest-django: they import it from here.
os.environ["PYTHONPATH"] = os.pathsep.join(
    path for path in (str(ROOT), os.environ.get("PYTHONPATH")) if path
)


def require(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false; in CI fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def shared_data() -> Path:
    require(SHARED_DATA.is_dir(), f"the real data samples are absent ({SHARED_DATA} not found)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings: Any) -> None:
    """Tests render pages without running collectstatic: serve static names unhashed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 costs about half a second per hash by design, paid by every test
    that creates a user; tests use a fast hasher. Production keeps argon2
    (core/tests/test_settings.py checks it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
