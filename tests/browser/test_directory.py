"""The directory as a person uses it: sign in, find an expert typed without
accents, open the profile, export the list — with axe-core on every page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import Role, Territory, User
from liaison.directory.models import HCP, Organization, OrganizationType, TherapeuticArea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def directory_world(settings: Any) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    dach = Territory.objects.create(code="dach", name="DACH", countries=["DE", "AT", "CH"])
    msl = User.objects.create_user(username="alice", password=PASSWORD, role=Role.MSL)
    msl.territories.add(dach)
    admin = User.objects.create_user(
        username="ada", password=PASSWORD, role=Role.ADMINISTRATOR, is_staff=True
    )
    oncology = TherapeuticArea.objects.create(code="oncology", name="Oncology")
    charite = Organization.objects.create(
        name="Charité – Universitätsmedizin Berlin",
        type=OrganizationType.ACADEMIC_MEDICAL_CENTER,
        country="DE",
        city="Berlin",
    )
    mueller = HCP.objects.create(
        given_name="Jürgen", family_name="Müller", country="DE", credentials=["MD", "PhD"]
    )
    mueller.therapeutic_areas.add(oncology)
    mueller.affiliations.create(organization=charite, role="Professor of Oncology", is_primary=True)
    for index in range(30):
        HCP.objects.create(
            given_name=f"Person{index}", family_name=f"Smith{index:02d}", country="US"
        )
    return {"msl": msl, "admin": admin, "mueller": mueller, "charite": charite}


def sign_in(page: Any, axe: Any, username: str) -> None:
    page.goto("/login/")
    axe.check(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    axe.check(page)


def test_msl_finds_expert_typed_without_accents_and_opens_profile(
    page: Any, axe: Any, directory_world: dict[str, Any]
) -> None:
    sign_in(page, axe, "alice")
    page.get_by_role("navigation").get_by_role("link", name="Experts").click()
    page.wait_for_url(re.compile(r".*/directory/hcps/"))
    axe.check(page)

    page.get_by_role("searchbox", name="Search").fill("muller")
    # The results fragment is swapped in by HTMX and the URL follows the search.
    page.wait_for_url(re.compile(r".*q=muller.*"))
    results = page.locator("#results")
    results.get_by_role("link", name=re.compile("Müller")).wait_for()
    assert "Smith" not in results.inner_text()
    assert "1 HCP found" in page.locator("#result-count").inner_text()
    axe.check(page)

    results.get_by_role("link", name=re.compile("Müller")).click()
    page.wait_for_url(re.compile(rf".*/directory/hcps/{directory_world['mueller'].pk}/$"))
    heading = page.get_by_role("heading", level=1)
    assert "Jürgen Müller" in heading.inner_text()
    assert "Charité" in page.locator("main").inner_text()
    axe.check(page)


def test_exported_csv_holds_the_filtered_list(
    page: Any, axe: Any, directory_world: dict[str, Any]
) -> None:
    sign_in(page, axe, "alice")
    page.goto("/directory/hcps/?country=DE")
    axe.check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Export CSV")).click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 1
    assert "Müller" in content
    assert "Smith" not in content
