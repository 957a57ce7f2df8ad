"""Importing a row that matches an existing HCP on name alone, in the browser:
the review says so and links the HCP, the import holds it back until it is
confirmed, and the job's page offers to apply it — with axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.directory.models import HCP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"
CSV = "First Name,Last Name,Credentials,Country,City\nJürgen,Weiß,MD,DE,Köln\nChloé,Dubois,,FR,Paris\n"


@pytest.fixture
def importer(settings: Any, tmp_path: Path) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return User.objects.create_user(
        username="ada", password=PASSWORD, role=Role.ADMINISTRATOR, is_staff=True
    )


def test_name_match_is_reviewed_held_back_then_applied(
    page: Any, axe: Any, importer: User, tmp_path: Path
) -> None:
    weiss = HCP.objects.create(
        given_name="Jürgen",
        family_name="Weiß",
        country="DE",
        city="Freiburg",
        orcid="0000-0002-1825-0097",
    )
    upload = tmp_path / "experts.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.goto("/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))

    page.goto("/directory/import/")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map the columns").click()
    page.wait_for_url(re.compile(r".*/mapping/$"))
    page.get_by_role("button", name="Check the file").click()

    page.wait_for_url(re.compile(r".*/report/$"))
    axe.check(page)
    row = page.get_by_role("row").filter(has_text="Needs confirmation")
    assert "name and country" in row.inner_text()
    row.get_by_role("link", name="Jürgen Weiß").click()
    page.wait_for_url(re.compile(rf".*/directory/hcps/{weiss.pk}/$"))
    page.go_back()

    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    axe.check(page)
    assert "1 row held back" in page.locator("main").inner_text()
    assert HCP.objects.get(pk=weiss.pk).city == "Freiburg"

    page.get_by_label("Apply row 2 to Jürgen Weiß").check()
    axe.check_states(page)
    page.get_by_role("button", name="Import the file again, applying the ticked matches").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    axe.check(page)
    weiss.refresh_from_db()
    assert (weiss.city, weiss.credentials) == ("Köln", ["MD"])
    assert HCP.objects.count() == 2
