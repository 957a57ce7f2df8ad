"""The library as a person uses it: search a word of an abstract typed without
accents, filter, open the publication and follow its author to the HCP profile —
with axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.directory.models import HCP
from liaison.literature import services
from liaison.literature.tests.factories import article, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def library_world(settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user(username="alice", password=PASSWORD, role=Role.MSL)
    admin = User.objects.create_user(username="ada", password=PASSWORD, role=Role.ADMINISTRATOR)
    mueller = HCP.objects.create(
        given_name="Jürgen", family_name="Müller", country="DE", orcid="0000-0002-1825-0097"
    )
    articles = [
        article(
            1,
            title="Neprilysin inhibition in heart failure",
            abstract="Sacubitril lowered mortality in the Café cohort.",
            authors=[("Müller", "Jürgen"), ("Smith", "Anna")],
            orcids=["0000-0002-1825-0097"],
            mesh=[("D006333", "Heart Failure", True)],
            trials=["NCT01035255"],
            types=["Journal Article", "Randomized Controlled Trial"],
        ),
        *(article(pmid, title=f"Unrelated study {pmid}", year=2021) for pmid in range(2, 30)),
    ]
    services.load_pubmed_file(actor=admin, path=write(tmp_path / "library.xml", *articles))
    return {"mueller": mueller}


def sign_in(page: Any, axe: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_msl_searches_the_library_and_reaches_the_author(
    page: Any, axe: Any, library_world: dict[str, Any]
) -> None:
    sign_in(page, axe, "alice")
    page.get_by_role("navigation").get_by_role("link", name="Library").click()
    page.wait_for_url(re.compile(r".*/literature/$"))
    axe.check(page)

    page.get_by_role("searchbox", name="Search").fill("cafe")
    page.wait_for_url(re.compile(r".*q=cafe.*"))
    results = page.locator("#results")
    link = results.get_by_role("link", name=re.compile("Neprilysin inhibition"))
    link.wait_for()
    assert "Unrelated" not in results.inner_text()
    assert "1 publication found" in page.locator("#result-count").inner_text()
    axe.check(page)

    page.get_by_label("Trial link").select_option("no")
    page.wait_for_url(re.compile(r".*has_trial=no.*"))
    results.get_by_text("No publication matches this search").wait_for()
    page.get_by_label("Trial link").select_option("yes")
    link.wait_for()

    link.click()
    page.wait_for_url(re.compile(r".*/literature/1/$"))
    main = page.locator("main")
    assert "Heart Failure" in main.inner_text()
    assert "NCT01035255" in main.inner_text()
    axe.check(page)

    main.get_by_role("link", name="Jürgen Müller").click()
    page.wait_for_url(re.compile(rf".*/directory/hcps/{library_world['mueller'].pk}/$"))
