"""The command line starts fast where it can: help and the pure format actions
(``liaison pubmed parse``, ``liaison trials parse``) run without setting Django's apps
up; a command that needs them still runs, set up as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.core import registry
from liaison.literature.tests.factories import article, write

PROBE = """
import sys
from liaison.cli import run
try:
    status = run(sys.argv[1:])
except SystemExit as exit:  # --help ends this way
    status = exit.code
from django.apps import apps
print("APPS-READY" if apps.ready else "APPS-NOT-READY", file=sys.stderr)
sys.exit(status)
"""


def liaison(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_DATA_DIR": str(tmp_path / "data")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "line",
    [
        ["pubmed", "parse", "--help"],
        ["literature", "pubmed", "parse", "--help"],
        ["trials", "parse", "--help"],
        ["literature", "--help"],
    ],
)
def test_help_starts_without_the_apps(line: list[str], tmp_path: Path) -> None:
    result = liaison(*line, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: liaison ")
    assert "APPS-NOT-READY" in result.stderr


def test_pubmed_parse_runs_without_the_apps(tmp_path: Path) -> None:
    path = write(tmp_path / "a.xml", article(31))
    result = liaison("pubmed", "parse", str(path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pmid"] == 31
    assert "APPS-NOT-READY" in result.stderr


def test_a_bad_file_still_fails_with_its_name(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.xml", "<PubmedArticleSet><PubmedArticle>")
    result = liaison("pubmed", "parse", str(bad), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "bad.xml" in result.stderr and "APPS-NOT-READY" in result.stderr


def test_help_that_needs_the_apps_sets_them_up(tmp_path: Path) -> None:
    result = liaison("import", "hcps", "--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: liaison directory import")
    assert "APPS-READY" in result.stderr


def test_a_command_that_needs_the_database_sets_the_apps_up(tmp_path: Path) -> None:
    result = liaison("audit", "verify", tmp_path=tmp_path)
    # An empty, unmigrated database: refused in words, after setting the apps up.
    assert "APPS-READY" in result.stderr


def test_only_declared_lines_and_help_run_light() -> None:
    from django.conf import settings

    apps = settings.INSTALLED_APPS
    light = registry.light_command_module
    assert light(apps, "trials", ["parse", "a.json"]) == "liaison.trials.management.commands.trials"
    assert light(apps, "trials", ["load", "a.json"]) is None
    assert light(apps, "literature", ["pubmed", "parse", "a.xml"]) is not None
    assert light(apps, "literature", ["pubmed", "load", "a.xml"]) is None
    assert light(apps, "audit", ["--help"]) == "liaison.core.management.commands.audit"
    assert light(apps, "migrate", ["--help"]) is None  # Django's own: set up as before
