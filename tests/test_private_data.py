"""The data directory is its owner's alone: the folder 0700, the files in it 0600
(the SQLite database and its -wal and -shm, the generated keys, uploads, what a
command writes), whatever the umask Liaison is started with."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from liaison.conftest import make_user
from liaison.core.models import Job, Role
from liaison.core.uploads import (
    REPORT_FILE,
    FileChunks,
    save_job_report,
    store_upload,
    uploads_root,
)
from liaison.lib.private_files import (
    open_private,
    private_directory,
    private_file,
    restrict_umask,
)

#: Variables that would point the child elsewhere than a fresh SQLite data directory.
NOT_INHERITED = {"LIAISON_DATABASE_URL", "LIAISON_SECRET_KEY", "LIAISON_AUDIT_KEY"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """This process's umask at the common 022 (files 0644, folders 0755) for the test."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def run_child(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env["LIAISON_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        umask=0o022,
        timeout=120,
        check=False,
    )


def test_the_liaison_command_keeps_its_data_private_under_umask_022(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    script = textwrap.dedent(
        """
        import json, os, stat
        from pathlib import Path
        from django.conf import settings
        from django.db import connection

        with connection.cursor() as cursor:  # a write: SQLite opens its -wal and -shm
            cursor.execute("CREATE TABLE probe (x INTEGER)")
            cursor.execute("INSERT INTO probe VALUES (1)")
        exports = Path(settings.MEDIA_ROOT) / "exports"
        exports.mkdir(parents=True)
        (exports / "result.csv").write_text("a,b")  # any writer, through the umask
        data = Path(settings.DATA_DIR)
        modes = {str(p.relative_to(data)): stat.S_IMODE(p.stat().st_mode) for p in data.rglob("*")}
        modes["."] = stat.S_IMODE(data.stat().st_mode)
        print(json.dumps(modes))
        """
    )
    result = run_child(data_dir, "-m", "liaison", "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    assert modes["."] == 0o700
    for name in ("liaison.sqlite3", "liaison.sqlite3-wal", "liaison.sqlite3-shm", "secret_key"):
        assert modes[name] == 0o600, name
    assert modes["files"] == modes["files/exports"] == 0o700
    assert modes["files/exports/result.csv"] == 0o600
    loose = {name: oct(value) for name, value in modes.items() if value & 0o077}
    assert loose == {}


def test_settings_alone_make_the_data_directory_and_database_private(tmp_path: Path) -> None:
    """Without the entry point's umask (another program importing the settings)."""
    data_dir = tmp_path / "data"
    script = "import django; django.setup(); import os; print(oct(os.umask(0)))"
    result = run_child(data_dir, "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0o22"  # the umask was left alone
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "liaison.sqlite3") == 0o600
    assert mode(data_dir / "secret_key") == 0o600


def test_the_wsgi_application_sets_a_private_umask(tmp_path: Path) -> None:
    script = "import liaison.wsgi, os; print(oct(os.umask(0)))"
    result = run_child(tmp_path / "data", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0o77"


def test_an_existing_data_directory_is_narrowed_to_its_owner(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    (data_dir / "liaison.sqlite3").touch(mode=0o644)
    result = run_child(data_dir, "-c", "import django; django.setup()")
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "liaison.sqlite3") == 0o600


@pytest.mark.django_db
def test_uploads_are_stored_private_under_umask_022(
    tmp_path: Path, settings: Settings, loose_umask: None
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    owner = make_user("alice", Role.MSL)
    upload = store_upload(owner=owner, file=FileChunks("hcps.csv", [b"npi\n", b"1234567893\n"]))
    assert upload.path.read_bytes() == b"npi\n1234567893\n"
    folder = upload.path.parent
    for path in (tmp_path / "files", uploads_root(), folder.parent, folder):
        assert mode(path) == 0o700, path
    assert mode(upload.path) == 0o600
    assert mode(folder.parent / "meta.json") == 0o600


@pytest.mark.django_db
def test_a_job_report_is_private(tmp_path: Path, settings: Settings, loose_umask: None) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    owner = make_user("alice", Role.MSL)
    upload = store_upload(owner=owner, file=FileChunks("a.csv", [b"x"]))
    job = Job.objects.create(
        owner=owner, kind="test", title="t", params={"upload": str(upload.id), "file_name": "a.csv"}
    )
    save_job_report(job, {"rows": 1})
    assert mode(upload.path.parent.parent / REPORT_FILE) == 0o600


# --- the helpers themselves --------------------------------------------------------------


def test_private_directory_creates_every_missing_folder_0700(
    tmp_path: Path, loose_umask: None
) -> None:
    target = private_directory(tmp_path / "a" / "b" / "c")
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", target)] == [0o700] * 3


def test_private_file_creates_empty_and_narrows_without_emptying(
    tmp_path: Path, loose_umask: None
) -> None:
    created = private_file(tmp_path / "new.db")
    assert mode(created) == 0o600 and created.read_bytes() == b""
    existing = tmp_path / "old.db"
    existing.write_bytes(b"SQLite format 3\x00")
    existing.chmod(0o644)
    private_file(existing)
    assert mode(existing) == 0o600 and existing.read_bytes() == b"SQLite format 3\x00"


def test_open_private_replaces_a_loose_file_with_a_private_one(
    tmp_path: Path, loose_umask: None
) -> None:
    path = tmp_path / "report.json"
    path.write_text("old, long content")
    path.chmod(0o666)
    with open_private(path) as stream:
        stream.write(b"new")
    assert path.read_bytes() == b"new" and mode(path) == 0o600


def test_restrict_umask_returns_the_previous_one(loose_umask: None) -> None:
    assert restrict_umask() == 0o022
    assert os.umask(0o022) == 0o077
