"""Trials as a person uses them: search the list (HTMX), open a trial, read the
landscape and follow a count to the trials it counts, with axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.directory.models import Product
from liaison.trials.ctgov import study_from_json
from liaison.trials.services import load_studies
from liaison.trials.tests.factories import study_json

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def trials_world(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user(username="alice", password=PASSWORD, role=Role.MSL)
    Product.objects.create(name="Oncovir", generic_name="oncovirumab", company="Us", is_own=True)
    studies = [
        study_json("NCT09000001", title="Oncovirumab in Lung Cancer", phases=("PHASE3",)),
        study_json(
            "NCT09000002",
            title="Cardiox After Myocardial Infarction",
            status="COMPLETED",
            interventions=("cardioxumab",),
            conditions=("Myocardial Infarction",),
            sites=(("Mayo Clinic", "Rochester", "United States"),),
        ),
    ]
    load_studies(actor=None, studies=[study_from_json(study) for study in studies])


def sign_in(page: Any, axe: Any) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_msl_searches_trials_and_opens_one(page: Any, axe: Any, trials_world: None) -> None:
    sign_in(page, axe)
    page.get_by_role("navigation").get_by_role("link", name="Trials").click()
    page.wait_for_url(re.compile(r".*/trials/$"))
    axe.check(page)
    page.get_by_role("searchbox", name="Search").fill("infarction")
    page.wait_for_url(re.compile(r".*q=infarction.*"))
    results = page.locator("#results")
    results.get_by_role("link", name=re.compile("Cardiox")).wait_for()
    assert "Oncovirumab" not in results.inner_text()
    assert "1 trial found" in page.locator("#result-count").inner_text()
    axe.check(page)
    results.get_by_role("link", name=re.compile("Cardiox")).click()
    page.wait_for_url(re.compile(r".*/trials/NCT09000002/$"))
    assert "Mayo Clinic" in page.locator("main").inner_text()
    axe.check(page)


def test_a_landscape_count_opens_the_trials_it_counts(
    page: Any, axe: Any, trials_world: None
) -> None:
    sign_in(page, axe)
    page.goto("/trials/landscape/")
    axe.check(page)
    table = page.get_by_role("table", name=re.compile("by product and phase"))
    table.get_by_role("link", name="1").first.click()
    page.wait_for_url(re.compile(r".*/trials/\?product=\d+.*"))
    results = page.locator("#results")
    assert "NCT09000001" in results.inner_text() and "NCT09000002" not in results.inner_text()
    axe.check(page)
