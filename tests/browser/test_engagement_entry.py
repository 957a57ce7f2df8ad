"""Logging an interaction the fast way, with the keyboard only, at tablet width:
the HCP picked by typing and the arrow keys, an insight and a follow-up added
inline, saved with Enter; axe-core on every page visited; the time the script
needs from opening the form to the saved interaction's page is measured,
printed and written under the test's tmp path (issue 12: "a practised MSL
completes it in under a minute")."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP, Indication, Product
from liaison.engagement.models import InsightCategory, Interaction, InteractionDraft
from tests.browser.alice import create_alice, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def alice(settings: Any) -> User:
    return create_alice(settings)


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def tab_to(page: Any, element_id: str, *, limit: int = 60) -> int:
    """Press Tab until the element ``element_id`` has the focus; how many presses."""
    for presses in range(limit):
        if focused_id(page) == element_id:
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id} (at #{focused_id(page)})")


@pytest.fixture
def berlin_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A tablet in Berlin: the form reads the time zone from the browser."""
    context = browser.new_context(
        base_url=live_server.url, viewport=TABLET, timezone_id="Europe/Berlin", locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)  # a loaded machine serves the live server slowly
    yield page
    context.close()


def test_msl_logs_an_interaction_with_the_keyboard_only(
    berlin_page: Any, axe: Any, alice: User, tmp_path: Path
) -> None:
    page = berlin_page
    HCP.objects.create(family_name="Weber", given_name="Jonas", country="DE")
    InsightCategory.objects.get_or_create(
        code="unmet_medical_need", defaults={"name": "Unmet medical need"}
    )
    due = timezone.localdate() + dt.timedelta(days=7)
    sign_in(page)
    axe.check(page)

    started = time.perf_counter()
    page.goto("/engagement/interactions/new/")
    # The HCP picker has the focus: type, arrow down to the suggestion, Enter adds it.
    assert focused_id(page) == "field-hcps"
    page.keyboard.type("Web")
    page.locator("#hcps-listbox [role=option]", has_text="Weber").wait_for()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#field-hcps", "aria-activedescendant") == "hcps-option-0"
    page.keyboard.press("Enter")
    page.locator("#hcps-chosen .chip", has_text="Jonas Weber").wait_for()
    assert focused_id(page) == "field-hcps"

    tab_to(page, "field-notes")
    page.keyboard.type("Discussed the phase 3 results in elderly patients.")

    # An insight, added inline: the button moves the focus into the new fieldset.
    tab_to(page, "add-insight")
    page.keyboard.press("Enter")
    page.locator("#insight-rows [data-row]").wait_for()
    assert focused_id(page) == "field-insights-0-statement"
    page.keyboard.type("Clinicians lack data in patients over 80.")
    page.keyboard.press("Tab")
    assert focused_id(page) == "field-insights-0-category"
    page.keyboard.type("Unmet")
    assert page.input_value("#field-insights-0-category") == "unmet_medical_need"

    # A follow-up, the same way; the date typed segment by segment.
    tab_to(page, "add-follow-up")
    page.keyboard.press("Enter")
    page.locator("#follow_up-rows [data-row]").wait_for()
    assert focused_id(page) == "field-follow_ups-0-description"
    page.keyboard.type("Send the subgroup poster")
    page.keyboard.press("Tab")
    assert focused_id(page) == "field-follow_ups-0-due"
    page.keyboard.type(due.strftime("%m%d%Y"))
    assert page.input_value("#field-follow_ups-0-due") == due.isoformat()
    axe.check(page)

    # The form fits a tablet: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]

    tab_to(page, "save-interaction")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/engagement/interactions/\d+/$"))
    page.get_by_role("heading", name=re.compile("^Interaction of")).wait_for()
    elapsed = time.perf_counter() - started

    axe.check(page)
    record = Interaction.objects.get()
    assert [hcp.family_name for hcp in record.hcps.all()] == ["Weber"]
    assert record.msl == alice
    # Now, in the browser's time zone (the form's default), to the minute.
    assert record.time_zone == "Europe/Berlin"
    assert abs(timezone.now() - record.occurred_at) < dt.timedelta(minutes=5)
    insight = record.insights.get()
    assert insight.statement == "Clinicians lack data in patients over 80."
    assert insight.category.code == "unmet_medical_need"
    follow_up = record.follow_ups.get()
    assert follow_up.description == "Send the subgroup poster" and follow_up.due == due
    # The draft saved while typing went with the logged interaction.
    assert not InteractionDraft.objects.filter(owner=alice).exists()
    assert "Clinicians lack data in patients over 80." in page.content()

    figure = f"keyboard-only interaction entry: {elapsed:.2f} s (form opened to saved page)"
    print(figure)
    (tmp_path / "engagement_entry_seconds.txt").write_text(f"{elapsed:.3f}\n", encoding="utf-8")
    assert elapsed < 60


def test_a_refused_save_keeps_the_typing_and_a_reopened_draft_restores_it(
    page: Any, axe: Any, alice: User
) -> None:
    HCP.objects.create(family_name="Keller", given_name="Lea", country="DE")
    page.set_default_timeout(30_000)
    page.set_viewport_size(TABLET)
    sign_in(page)
    page.goto("/engagement/interactions/new/")
    tab_to(page, "field-notes")
    page.keyboard.type("Typed before a refusal")
    # Saved as typed, about a second later.
    page.locator("#draft-status", has_text="Draft saved").wait_for()
    tab_to(page, "save-interaction")
    page.keyboard.press("Enter")
    page.locator("#form-errors").wait_for()
    axe.check(page)
    assert "HCPs who attended" in page.inner_text("#form-errors")
    assert page.input_value("#field-notes") == "Typed before a refusal"
    draft = InteractionDraft.objects.get(owner=alice)
    page.goto(f"/engagement/interactions/new/?draft={draft.pk}")
    assert page.input_value("#field-notes") == "Typed before a refusal"
    page.goto("/engagement/interactions/drafts/")
    axe.check(page)
    assert page.get_by_role("link", name=re.compile("^Continue")).count() == 1


def test_off_label_is_said_as_the_product_is_picked(page: Any, axe: Any, alice: User) -> None:
    HCP.objects.create(family_name="Martin", given_name="Claire", country="FR")
    product = Product.objects.create(name="Oncovirumab", company="Acme")
    Indication.objects.create(product=product, country="DE", condition="Melanoma")
    page.set_default_timeout(30_000)
    page.set_viewport_size(TABLET)
    sign_in(page)
    page.goto("/engagement/interactions/new/")
    page.keyboard.type("Martin")
    page.locator("#hcps-listbox [role=option]", has_text="Martin").wait_for()
    page.keyboard.press("Enter")
    tab_to(page, "field-products")
    page.keyboard.type("Oncov")
    page.locator("#products-listbox [role=option]", has_text="Oncovirumab").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    findings = page.locator("#off-label-findings", has_text="no labelled indication in France")
    findings.wait_for()
    axe.check(page)
    # Removing the product with the keyboard clears it.
    tab_to(page, "field-products")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Remove Oncovirumab"
    )
    page.keyboard.press("Enter")
    from playwright.sync_api import expect

    expect(page.locator("#off-label-findings")).to_have_text("")
