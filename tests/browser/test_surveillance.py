"""Surveillance as an MSL uses it: the unread count in the navigation, triage of an
alert in place (HTMX) with a note, the counts updated without a reload, the watch
pages; axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.surveillance import services
from liaison.surveillance.models import Alert
from liaison.surveillance.tests.factories import add_publications, publication_watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def inbox(settings: Any, tmp_path: Path) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alice = User.objects.create_user(username="alice", password=PASSWORD, role=Role.MSL)
    add_publications(tmp_path, (101, "Nivolumab in melanoma"), (102, "Adjuvant melanoma therapy"))
    services.run_watch(publication_watch(alice, name="Melanoma").pk)
    return alice


def sign_in(page: Any) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_msl_triages_an_alert_in_place(page: Any, axe: Any, inbox: User) -> None:
    sign_in(page)
    navigation = page.get_by_role("navigation", name="Main")
    assert page.locator("#nav-count-alerts").inner_text().endswith("2")
    navigation.get_by_role("link", name=re.compile("^Alerts")).click()
    page.wait_for_url(re.compile(r".*/surveillance/alerts/$"))
    axe.check(page)
    alert = Alert.objects.get(publication__pmid=101)
    row = page.locator(f"#alert-{alert.pk}")
    row.get_by_label("Note").fill("Ask Dr Müller at the congress")
    row.get_by_role("button", name="Relevant", exact=True).click()
    page.locator(f"#alert-{alert.pk} .alert-triage").wait_for()
    assert "Ask Dr Müller at the congress" in page.locator(f"#alert-{alert.pk}").inner_text()
    assert page.locator("#alert-unread").inner_text() == "1 unread"
    assert page.locator("#nav-count-alerts").inner_text().endswith("1")
    assert page.url.endswith("/surveillance/alerts/")  # swapped in place, no navigation
    axe.check(page)
    alert.refresh_from_db()
    assert alert.triage_state == "relevant" and alert.read_at is not None


def test_msl_opens_the_watch_pages(page: Any, axe: Any, inbox: User) -> None:
    sign_in(page)
    page.goto("/surveillance/watches/")
    axe.check(page)
    page.get_by_role("link", name="Melanoma", exact=True).click()
    page.get_by_role("heading", name="Hits in your inbox (2)").wait_for()
    axe.check(page)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Name").wait_for()
    axe.check(page)
    page.goto("/surveillance/watches/new/")
    axe.check(page)
