"""Buttons look like what they are: one look for a secondary button whether it is an
<a> or a <button>, a disabled button that looks disabled, and a chosen triage state
that looks chosen and says so (aria-pressed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from liaison.core.models import User
from tests.browser.alice import alice_with_an_inbox, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOOK = (
    "background-color",
    "color",
    "border-top-color",
    "border-top-style",
    "border-top-width",
    "border-top-left-radius",
    "padding-top",
    "padding-left",
    "min-height",
    "font-weight",
    "font-size",
    "text-decoration-line",
)
LOOK_JS = (
    "(element, names) => names.map((name) => getComputedStyle(element).getPropertyValue(name))"
)


@pytest.fixture
def inbox(settings: Any, tmp_path: Path) -> User:
    return alice_with_an_inbox(settings, tmp_path)


def look(locator: Any) -> dict[str, str]:
    return dict(zip(LOOK, locator.evaluate(LOOK_JS, list(LOOK)), strict=True))


def test_a_secondary_button_looks_the_same_as_a_link_and_as_a_button(
    page: Any, inbox: User
) -> None:
    sign_in(page)
    page.goto(reverse("surveillance:alert-list"))
    link = page.locator("main a.button-secondary", has_text="Watches")
    button = page.locator("main button.button-secondary[type='submit']", has_text="Mark all read")
    assert look(link) == look(button)
    assert look(button)["background-color"] == "rgb(255, 255, 255)"  # outlined, not solid
    link.hover()
    hovered_link = look(link)
    button.hover()
    assert look(button) == hovered_link


def test_a_disabled_button_looks_disabled(page: Any, inbox: User) -> None:
    sign_in(page)
    page.goto(reverse("trials:trial-list"))
    for selector in ("main button[type='submit']:not(.button-secondary)", "a.button-secondary"):
        control = page.locator(selector).first
        enabled = look(control)
        control.evaluate(
            "(el) => el.tagName === 'BUTTON' ? (el.disabled = true)"
            " : el.setAttribute('aria-disabled', 'true')"
        )
        disabled = look(control)
        assert disabled["background-color"] != enabled["background-color"], selector
        assert disabled["color"] != enabled["color"], selector
        assert disabled["border-top-style"] == "dashed", selector
        assert control.evaluate("(el) => getComputedStyle(el).cursor") == "not-allowed"
        control.hover()  # hovering does not bring the enabled look back
        assert look(control) == disabled, selector


def test_the_chosen_triage_state_looks_chosen(page: Any, axe: Any, inbox: User) -> None:
    sign_in(page)
    page.goto(reverse("surveillance:alert-list"))
    row = page.locator(".alert").first
    group = row.get_by_role("group", name="Triage")
    states = group.get_by_role("button")
    assert states.count() >= 2
    assert all(
        state == "false"
        for state in states.evaluate_all("(b) => b.map((x) => x.getAttribute('aria-pressed'))")
    )
    unpressed = look(states.first)
    row.get_by_role("button", name="Relevant", exact=True).click()
    chosen = page.get_by_role("button", name="Relevant", exact=True, pressed=True)
    chosen.wait_for()
    assert chosen.get_attribute("aria-pressed") == "true"
    row = page.locator(".alert", has=chosen)
    others = row.get_by_role("group", name="Triage").get_by_role("button", pressed=False)
    assert others.count() == states.count() - 1
    assert look(chosen)["background-color"] != look(others.first)["background-color"]
    assert look(chosen)["background-color"] != unpressed["background-color"]
    # A tick as well as the fill: chosen without relying on colour alone.
    assert chosen.evaluate("(el) => getComputedStyle(el, '::before').content").startswith('"✓"')
    axe.check(page)
