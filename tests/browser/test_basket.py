"""The basket and "My references" as a person uses them: pick publications in the
library and on a publication's page (htmx turns the button round in place and keeps
the focus on it), add one of their own references, look at the basket, then delete a
reference of their own after confirming; the home page lists their latest references.
axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.literature import services
from liaison.literature.models import LibraryItem
from liaison.literature.services.references import import_references
from liaison.literature.tests.factories import article, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alice = User.objects.create_user(username="alice", password=PASSWORD, role=Role.MSL)
    admin = User.objects.create_user(username="ada", password=PASSWORD, role=Role.ADMINISTRATOR)
    articles = [
        article(1, title="Neprilysin inhibition in heart failure"),
        article(2, title="Lung cancer screening"),
    ]
    services.load_pubmed_file(actor=admin, path=write(tmp_path / "library.xml", *articles))
    mine = tmp_path / "mine.ris"
    mine.write_text(
        "TY  - BOOK\nTI  - A handbook we do not hold\nPY  - 2018\nER  - \n"
        "TY  - JOUR\nTI  - Old notes of mine\nPY  - 2001\nER  - \n",
        encoding="utf-8",
    )
    import_references(actor=alice, path=mine)


def sign_in(page: Any) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_msl_fills_the_basket_and_tidies_her_references(page: Any, axe: Any, world: None) -> None:
    sign_in(page)
    page.get_by_role("heading", name="Recently added references").wait_for()
    assert "Old notes of mine" in page.locator("main").inner_text()
    axe.check(page)

    page.goto("/literature/")
    count = page.locator("#basket-count")
    assert count.inner_text() == "0"
    add = page.get_by_role("button", name="Add to basket “Lung cancer screening”")
    add.click()
    remove = page.get_by_role("button", name="Remove from basket “Lung cancer screening”")
    remove.wait_for()
    assert count.inner_text() == "1"
    assert page.url.endswith("/literature/")  # swapped in place, no reload
    assert page.evaluate("document.activeElement.id") == "basket-pmid-2"
    axe.check(page)
    axe.check_states(page)

    page.get_by_role("link", name=re.compile("Neprilysin inhibition")).click()
    page.wait_for_url(re.compile(r".*/literature/1/$"))
    page.get_by_role("button", name=re.compile("^Add to basket")).click()
    page.get_by_role("button", name=re.compile("^Remove from basket")).wait_for()
    assert page.locator("#basket-count").inner_text() == "2"
    axe.check(page)

    page.goto("/literature/my-references/")
    page.get_by_role("button", name="Add to basket “A handbook we do not hold”").click()
    page.get_by_role("button", name="Remove from basket “A handbook we do not hold”").wait_for()
    assert page.locator("#basket-count").inner_text() == "3"
    axe.check(page)

    page.get_by_role("link", name=re.compile(r"^Basket")).click()
    page.wait_for_url(re.compile(r".*/literature/basket/$"))
    rows = page.locator("tbody tr")
    assert [rows.nth(n).locator("td").first.inner_text() for n in range(3)] == [
        "Lung cancer screening",
        "Neprilysin inhibition in heart failure",
        "A handbook we do not hold",
    ]
    axe.check(page)
    axe.check_states(page)

    page.goto("/literature/my-references/")
    page.get_by_label("Select Old notes of mine").check()
    page.get_by_role("button", name="Delete selected…").click()
    page.get_by_role("heading", name="Delete 1 of your references?").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Delete 1 reference").click()
    page.wait_for_url(re.compile(r".*/literature/my-references/$"))
    page.get_by_text("1 reference deleted.").wait_for()
    assert "Old notes of mine" not in page.locator("main").inner_text()
    assert list(LibraryItem.objects.values_list("reference__title", flat=True)) == [
        "A handbook we do not hold"
    ]
