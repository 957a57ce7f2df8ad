"""The HCP form in the browser: specialties ticked in a list that a typed filter narrows
(by keyboard), the NPI offered for a US HCP, every wrong field named at once; axe-core
checks the page with the filter and with the errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.directory.models import HCP, Specialty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def signed_in(page: Any, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user(username="ada", password=PASSWORD, role=Role.ADMINISTRATOR)
    for name in ("Cardiology", "Neurology", "Medical Oncology", "Radiation Oncology"):
        Specialty.objects.create(name=name)
    page.goto("/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    return page


def test_specialties_are_filtered_and_ticked_by_keyboard(signed_in: Any, axe: Any) -> None:
    page = signed_in
    page.goto("/directory/hcps/new/")
    boxes = page.locator("#id_specialties input[type=checkbox]")
    assert boxes.count() == 4

    search = page.get_by_label("Filter the specialties")
    search.fill("onco")
    assert page.locator("#id_specialties > div:visible").count() == 2
    assert "2 of 4 shown" in page.locator("#id_specialties_filter_status").inner_text()
    axe.check(page)

    search.press("Enter")  # filtering, not submitting the form
    assert page.url.endswith("/directory/hcps/new/")
    search.press("Tab")
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name="Medical Oncology").is_checked()

    search.fill("neuro")
    shown = page.locator("#id_specialties > div:visible").all_inner_texts()
    assert [text.strip() for text in shown] == ["Medical Oncology", "Neurology"]
    assert "1 ticked" in page.locator("#id_specialties_filter_status").inner_text()

    page.get_by_label("Given name").fill("Ana")
    page.get_by_label("Family name").fill("Costa")
    page.get_by_label("Country").select_option("PT")
    page.get_by_role("button", name="Add the HCP").click()
    page.wait_for_url(re.compile(r".*/directory/hcps/\d+/$"))
    hcp = HCP.objects.get(family_name="Costa")
    assert [s.name for s in hcp.specialties.all()] == ["Medical Oncology"]


def test_the_npi_is_offered_for_a_us_hcp(signed_in: Any) -> None:
    page = signed_in
    page.goto("/directory/hcps/new/")
    npi = page.get_by_label("NPI", exact=True)
    assert not npi.is_visible()
    page.get_by_label("Country").select_option("US")
    assert npi.is_visible() and page.get_by_label("NPI source").is_visible()
    page.get_by_label("Country").select_option("DE")
    assert not npi.is_visible()
    assert page.get_by_label("ORCID iD").is_visible()


def test_every_wrong_field_is_named_at_once(signed_in: Any, axe: Any) -> None:
    page = signed_in
    page.goto("/directory/hcps/new/")
    page.get_by_label("Given name").fill("Ana")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("NPI", exact=True).fill("123")
    page.get_by_label("ORCID iD").fill("0000-0000-0000-0000")
    page.get_by_label("Region").fill("XX-99")
    page.get_by_label("E-mail addresses").fill("not-an-address")
    page.get_by_label("Languages").fill("German, Elvish")
    page.get_by_role("button", name="Add the HCP").click()
    page.locator(".form-errors").wait_for()
    errors = {
        name: page.locator(f"#id_{name}_error").inner_text()
        for name in ("family_name", "npi", "orcid", "region", "emails", "languages")
    }
    assert errors["family_name"] == "This field is required."
    assert errors["npi"] == "'123' is not 10 digits"
    assert "ORCID check character" in errors["orcid"]
    assert "'XX-99' is not an ISO 3166-2" in errors["region"]
    assert errors["emails"] == "'not-an-address' is not an e-mail address"
    assert errors["languages"].startswith("'Elvish' is not a language")
    assert page.get_by_label("NPI", exact=True).is_visible()
    axe.check(page)
    assert not HCP.objects.exists()
