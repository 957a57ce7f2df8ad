"""Settings come from LIAISON_* variables: production settings pass Django's
deployment checks, the secret key is generated once and kept private, SQLite
runs in WAL mode, and a Redis URL switches background work to RQ."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.db import connection

PRODUCTION = {
    "LIAISON_SECURE": "true",
    "LIAISON_DEBUG": "false",
    "LIAISON_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789-abcdefghij",
    "LIAISON_ALLOWED_HOSTS": "liaison.example.org",
}


def liaison(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Only the variables a deployment would set: none of the test run's own
    # (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rejects).
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LIAISON_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        capture_output=True,
        text=True,
        env={**clean, "LIAISON_DATA_DIR": str(tmp_path), **env},
        timeout=120,
        check=False,
    )


def show(tmp_path: Path, expression: str, **env: str) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = liaison(tmp_path, "shell", "-v", "0", "--no-startup", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = liaison(tmp_path, "check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_defaults_debug_off_argon2_and_secret_key_generated_once(tmp_path: Path) -> None:
    debug, hasher, first = show(
        tmp_path, "settings.DEBUG, settings.PASSWORD_HASHERS[0], settings.SECRET_KEY"
    ).split()
    assert debug == "False"
    assert hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert show(tmp_path, "settings.SECRET_KEY") == first


def test_redis_url_switches_tasks_to_rq(tmp_path: Path) -> None:
    assert show(tmp_path, "settings.TASKS['default']['BACKEND']").endswith("DatabaseBackend")
    url = "redis://127.0.0.1:6379/15"
    expression = "settings.TASKS['default']['BACKEND'], 'django_rq' in settings.INSTALLED_APPS"
    assert show(tmp_path, expression, LIAISON_REDIS_URL=url) == "django_tasks_rq.RQBackend True"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db: None) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5


def test_medinfo_and_safety_settings_come_from_the_environment(tmp_path: Path) -> None:
    expression = (
        "settings.LIAISON_INQUIRY_TARGET_DAYS['high'], settings.LIAISON_INQUIRY_TARGET_DAYS['low'], "
        "settings.LIAISON_E2B_SCHEMA_DIR, settings.LIAISON_AE_FORWARD_BUSINESS_DAYS, "
        "repr(settings.LIAISON_MEDINFO_ADDRESS)"
    )
    shown = show(
        tmp_path,
        expression,
        LIAISON_INQUIRY_TARGET_DAYS="high=2",
        LIAISON_E2B_SCHEMA_DIR="/srv/e2b/schema",
        LIAISON_AE_FORWARD_BUSINESS_DAYS="2",
        LIAISON_MEDINFO_ADDRESS="1 Main St; Springfield",
    )
    assert shown == "2 10 /srv/e2b/schema 2 '1 Main St\\n Springfield'"
    refused = liaison(tmp_path, "check", LIAISON_INQUIRY_TARGET_DAYS="soon=2")
    assert refused.returncode != 0
    assert "LIAISON_INQUIRY_TARGET_DAYS" in refused.stderr and "priority=days" in refused.stderr
