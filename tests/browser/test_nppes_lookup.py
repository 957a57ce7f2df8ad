"""The HCP form's NPI Registry look-up in the browser: search, pick a match, the form is
filled for the user to check, save. The registry is the local replay server serving a
real answer; axe-core checks the page with the matches shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.directory.models import HCP, Specialty
from tests.replay import ReplayServer, Reply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def registry(settings: Any, shared_data: Path) -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        replay.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-b2f594.json"))
        settings.LIAISON_NPPES_URL = f"{replay.url}/api/"
        yield replay


def test_look_up_fills_the_hcp_form_and_the_user_saves_it(
    page: Any, axe: Any, registry: ReplayServer, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user(username="ada", password=PASSWORD, role=Role.ADMINISTRATOR)
    specialty = Specialty.objects.create(name="Orthopaedic Surgery", taxonomy_code="207X00000X")
    page.goto("/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))

    page.goto("/directory/hcps/new/")
    page.locator("#nppes-last-name").fill("hiza")
    page.locator("#nppes-state").fill("NC")
    page.get_by_role("button", name="Look up").click()
    fill = page.get_by_role("button", name=re.compile("Fill in the form.*1720377294"))
    fill.wait_for()
    axe.check(page)
    fill.click()

    assert page.locator("#id_npi").input_value() == "1720377294"
    assert page.locator("#id_npi_source").input_value() == "NPI Registry"
    assert page.locator("#id_country").input_value() == "US"
    assert page.locator("#id_region").input_value() == "US-NC"
    assert page.locator("#id_city").input_value() == "Asheville"
    assert page.locator("#id_given_name").input_value() == "Elise"
    assert page.locator("#id_family_name").input_value() == "Hiza"
    assert page.get_by_role("checkbox", name="Orthopaedic Surgery").is_checked()
    assert "Filled in from NPI 1720377294" in page.locator("#nppes-status").inner_text()
    assert not HCP.objects.exists()  # nothing saved until the user saves

    page.get_by_role("button", name="Add the HCP").click()
    page.wait_for_url(re.compile(r".*/directory/hcps/\d+/$"))
    hcp = HCP.objects.get(npi="1720377294")
    assert (hcp.given_name, hcp.region, hcp.city) == ("Elise", "US-NC", "Asheville")
    assert list(hcp.specialties.all()) == [specialty]
    assert registry.requests[0].query["last_name"] == "hiza"
