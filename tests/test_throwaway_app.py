"""Adding an app is one line in ``INSTALLED_APPS`` plus the app's own folder.

The throw-away app (``tests/throwaway``) is installed by ``tests/settings.py`` alone;
no central file names it. Yet it is in the navigation, the API and its OpenAPI
document, ``liaison --help`` and the authorization matrix, because the central code
iterates over what installed apps declare; its panel is on the home page too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from liaison import cli
from liaison.api import api
from liaison.core import services as core_services
from liaison.core.models import Role, User
from liaison.core.tests.authorization import Route
from tests import test_authorization_matrix as matrix

ROOT = Path(__file__).resolve().parent.parent


def liaison(tmp_path: Path, *args: str, settings: str) -> subprocess.CompletedProcess[str]:
    """The real console script in a child process, away from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings, "LIAISON_DATA_DIR": str(tmp_path)},
        timeout=120,
        check=False,
    )


@pytest.fixture
def msl(db: None) -> User:
    return User.objects.create_user(username="alice", password="not used", role=Role.MSL)


def test_no_central_file_names_the_app() -> None:
    named = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src").rglob("*")
        if path.suffix in {".py", ".html", ".toml", ".cfg"}
        and "throwaway" in path.read_text(encoding="utf-8")
    ]
    assert named == []


def test_navigation_of_a_member_shows_the_app(client: Client, msl: User) -> None:
    client.force_login(msl)
    navigation = client.get("/").context["navigation"]
    assert {"label": "Throw-away", "url": "/throwaway/", "active": False} in navigation
    page = client.get("/throwaway/")
    assert page.status_code == 200
    assert "Hello, alice." in page.content.decode()
    assert [item["label"] for item in page.context["navigation"] if item["active"]] == [
        "Throw-away"
    ]


def test_home_page_shows_the_apps_panel(client: Client, msl: User) -> None:
    client.force_login(msl)
    page = client.get("/")
    assert "greeting" in [panel["name"] for panel in page.context["panels"]]
    assert '<h2 id="home-throwaway-heading">Throw-away</h2>' in page.content.decode()
    assert "Good to see you, alice." in page.content.decode()


def test_openapi_document_has_the_apps_operation() -> None:
    operation = api.get_openapi_schema()["paths"]["/api/v1/throwaway"]["get"]
    assert operation["tags"] == ["Throw-away"]
    assert operation["summary"] == "Greet the caller"


def test_api_answers_at_the_apps_path(client: Client, msl: User) -> None:
    _, secret = core_services.create_api_token(actor=msl, user=msl, name="throwaway")
    response = client.get("/api/v1/throwaway", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json() == {"greeting": "hello, alice"}


def test_help_lists_the_apps_command(tmp_path: Path) -> None:
    result = liaison(tmp_path, "--help", settings="tests.settings")
    assert result.returncode == 0, result.stderr
    assert "\n  throwaway " in result.stdout
    assert "say hello from the throw-away app" in result.stdout
    # Without the one line in the settings the app is nowhere.
    assert "throwaway" not in liaison(tmp_path, "--help", settings="liaison.settings").stdout


def test_the_apps_command_runs(tmp_path: Path) -> None:
    result = liaison(tmp_path, "throwaway", "--name", "Ada", settings="tests.settings")
    assert (result.returncode, result.stdout, result.stderr) == (0, "hello, Ada\n", "")


def test_the_apps_two_word_line_runs_and_joins_the_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `liaison export greetings` is declared in the app's command_words alone.
    assert cli.run(["export", "greetings", "--name", "Ada"]) == 0
    assert capsys.readouterr().out == "hello, Ada\n"
    cli.run(["--help"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  export ")]
    assert len(lines) == 1
    assert "(export hcps)" in lines[0] and "(export greetings --name NAME)" in lines[0]


@pytest.mark.parametrize(
    ("table", "key"),
    [(matrix.WEB_ROUTES, "throwaway:page"), (matrix.API_ROUTES, "GET /api/v1/throwaway")],
)
def test_matrix_collects_the_apps_entries(table: dict[str, Route], key: str) -> None:
    # The matrix then requests the route as every role (test_web_route_access,
    # test_api_operation_access) and fails if the app serves a route without an entry.
    assert key in table
    assert table[key].expect["outsider"] == "403"
