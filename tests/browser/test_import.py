"""Importing a CSV with one bad row in the browser: upload, map, read the
report, import the valid rows, follow the job — with axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.directory.models import HCP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"
CSV = (
    "First Name,Last Name,Country,NPI\n"
    "Jürgen,Müller,DE,1000000004\n"
    "Bad,Checkdigit,DE,1234567890\n"
    "Anna,Schmidt,Germany,\n"
)

LOOK = ("background-color", "color", "border-top-style")
# The disabled button's look, and that of a twin enabled beside it (removed again).
LOOK_DISABLED_AND_ENABLED_JS = """(button, names) => {
  const look = (element) => names.map((name) => getComputedStyle(element).getPropertyValue(name));
  const twin = button.cloneNode(true);
  twin.disabled = false;
  twin.removeAttribute("aria-disabled");
  button.after(twin);
  const looks = [look(button), look(twin)];
  twin.remove();
  return looks;
}"""


@pytest.fixture
def importer(settings: Any, tmp_path: Path) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return User.objects.create_user(
        username="ada", password=PASSWORD, role=Role.ADMINISTRATOR, is_staff=True
    )


def test_import_with_one_bad_row_shows_the_report_and_imports_the_rest(
    page: Any, axe: Any, importer: User, tmp_path: Path
) -> None:
    upload = tmp_path / "experts.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.goto("/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))

    page.goto("/directory/import/")
    axe.check(page)
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map the columns").click()

    page.wait_for_url(re.compile(r".*/directory/import/[0-9a-f-]+/mapping/$"))
    axe.check(page)
    assert page.get_by_label("Last Name").input_value() == "family_name"
    page.get_by_role("button", name="Check the file").click()

    page.wait_for_url(re.compile(r".*/report/$"))
    axe.check(page)
    report = page.locator("main").inner_text()
    assert "1 of 3 rows has 1 problem" in report
    assert "fails the NPI check digit" in report
    import_button = page.get_by_role("button", name="Import", exact=True)
    assert import_button.is_disabled()
    # It looks disabled: not the look the same button has when enabled, and readable.
    disabled, enabled = import_button.evaluate(LOOK_DISABLED_AND_ENABLED_JS, list(LOOK))
    assert disabled != enabled
    assert dict(zip(LOOK, disabled, strict=True))["border-top-style"] == "dashed"
    axe.check_states(page)
    assert HCP.objects.count() == 0

    page.get_by_role("button", name=re.compile("Import the valid rows")).click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    axe.check(page)
    assert set(HCP.objects.values_list("family_name", flat=True)) == {"Müller", "Schmidt"}
