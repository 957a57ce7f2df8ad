"""Surveillance as an MSL uses it: the unread count in the navigation, triage of an
alert in place (HTMX) with a note, the counts updated without a reload, the watch
pages; the inbox with the keyboard only (j/k, r, x, Space and the bulk buttons, ?),
shortcuts that keep quiet while the user types, at least eight alerts on a laptop's
screen; a watch run's job page that leads back to its watch; axe-core on every page."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from liaison.core.models import User
from liaison.surveillance import services
from liaison.surveillance.models import Alert, Watch
from liaison.surveillance.tests.factories import add_publications, publication_watch
from tests.browser.alice import alice_with_an_inbox, create_alice, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}

# Realistic titles: long enough to need the whole line, or more.
TITLES = [
    "Nivolumab plus ipilimumab versus nivolumab alone in advanced melanoma: "
    f"{years}-year outcomes of a randomised phase 3 trial (cohort {number})"
    for number, years in enumerate([5, 6, 7, 8, 9, 10] * 4, start=1)
]


@pytest.fixture
def alice(settings: Any) -> User:
    return create_alice(settings)


@pytest.fixture
def inbox(settings: Any, tmp_path: Path) -> User:
    return alice_with_an_inbox(settings, tmp_path)


@pytest.fixture
def full_inbox(alice: User, tmp_path: Path) -> list[Alert]:
    """Alice's inbox after a watch's first run over 24 publications: its 20 newest."""
    add_publications(tmp_path, *((1000 + n, title) for n, title in enumerate(TITLES)))
    services.run_watch(publication_watch(alice, name="Melanoma immunotherapy").pk)
    return list(Alert.objects.filter(recipient=alice))


def test_msl_triages_an_alert_in_place(page: Any, axe: Any, inbox: User) -> None:
    sign_in(page)
    navigation = page.get_by_role("navigation", name="Main")
    assert page.locator("#nav-count-alerts").inner_text().endswith("2")
    navigation.get_by_role("link", name=re.compile("^Alerts")).click()
    page.wait_for_url(re.compile(r".*/surveillance/alerts/$"))
    axe.check(page)
    alert = Alert.objects.get(publication__pmid=101)
    row = page.locator(f"#alert-{alert.pk}")
    row.locator("summary", has_text="Details").click()
    axe.check(page)
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
    page.get_by_role("link", name="Everything this watch matches now").click()
    page.get_by_role("heading", name="What “Melanoma” matches now").wait_for()
    assert page.locator(".result-count").inner_text() == "2 matches"
    axe.check(page)
    page.get_by_role("link", name="Back to the watch").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Name").wait_for()
    axe.check(page)
    page.goto("/surveillance/watches/new/")
    axe.check(page)


# --- the inbox with the keyboard only -----------------------------------------------------------


def focused_alert(page: Any) -> str | None:
    """The id of the row holding the focus (None when the focus is outside the rows)."""
    row_id = page.evaluate(
        "(() => { const row = document.activeElement.closest('[data-alert]');"
        " return row ? row.id : null; })()"
    )
    return str(row_id) if row_id is not None else None


def settled_focus(page: Any, expected: str) -> str | None:
    """The focused row once the focus has had up to 5 s to reach ``expected``: a swap
    puts the focus back after the new row lands, later on a loaded machine."""
    script = (
        "id => { const row = document.activeElement.closest('[data-alert]');"
        " return row !== null && row.id === id; }"
    )
    with contextlib.suppress(Exception):  # the assertion below names what was focused
        page.wait_for_function(script, arg=expected, timeout=5000)
    return focused_alert(page)


def settled_text(locator: Any, expected: str) -> str:
    """The locator's text once it has had up to 5 s to become ``expected``."""
    deadline = time.monotonic() + 5
    text = str(locator.inner_text())
    while text != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        text = str(locator.inner_text())
    return text


def focused_is_checkbox(page: Any) -> bool:
    return bool(page.evaluate("document.activeElement.matches('.alert-select input')"))


def row_ids(page: Any) -> list[str]:
    return list(page.locator(".alert-rows > li").evaluate_all("(rows) => rows.map((r) => r.id)"))


def test_msl_triages_with_the_keyboard_only(
    page: Any, axe: Any, full_inbox: list[Alert], settings: Any
) -> None:
    sign_in(page)
    page.goto(reverse("surveillance:alert-list"))
    rows = row_ids(page)
    assert len(rows) == 20
    axe.check(page)

    # j and k move the focus between the alerts (onto each row's checkbox).
    page.keyboard.press("j")
    assert settled_focus(page, rows[0]) == rows[0] and focused_is_checkbox(page)
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert settled_focus(page, rows[2]) == rows[2]
    page.keyboard.press("k")
    assert settled_focus(page, rows[1]) == rows[1]

    # r marks the focused alert relevant: the row is swapped, the focus stays on it and
    # the status region says what was done.
    second = Alert.objects.get(pk=int(rows[1].removeprefix("alert-")))
    page.keyboard.press("r")
    page.locator(f"#{rows[1]} button[value='relevant'][aria-pressed='true']").wait_for()
    assert settled_focus(page, rows[1]) == rows[1] and focused_is_checkbox(page)
    status = page.locator("#inbox-status")
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == f"Marked relevant: {second.title}"
    second.refresh_from_db()
    assert second.triage_state == "relevant"

    # x marks the next one not relevant.
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.locator(f"#{rows[2]} button[value='not_relevant'][aria-pressed='true']").wait_for()
    assert settled_focus(page, rows[2]) == rows[2]
    third = Alert.objects.get(pk=int(rows[2].removeprefix("alert-")))
    assert third.triage_state == "not_relevant"
    axe.check(page)

    # Keys typed into a field are text, not shortcuts.
    page.keyboard.press("Tab")  # the title's link
    page.keyboard.press("Tab")  # the watch's link
    page.keyboard.press("Tab")  # Details
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    note = page.locator(f"#{rows[2]} input[name='note']")
    assert note.evaluate("(el) => el === document.activeElement")
    page.keyboard.type("r x j k ?")
    assert note.input_value() == "r x j k ?"
    assert not page.locator("#shortcut-help").evaluate("(el) => el.open")
    assert settled_focus(page, rows[2]) == rows[2]
    third.refresh_from_db()
    assert third.triage_state == "not_relevant"

    # Space selects; the bulk buttons mark every selected alert in one request.
    for _ in range(4):  # back past Details and the two links to the row's checkbox
        page.keyboard.press("Shift+Tab")
    assert settled_focus(page, rows[2]) == rows[2] and focused_is_checkbox(page)
    page.keyboard.press("j")
    page.keyboard.press(" ")
    page.keyboard.press("j")
    page.keyboard.press(" ")
    assert settled_text(page.locator("[data-selected-count]"), " (2)") == " (2)"
    for _ in range(5):  # back to the first alert, then before the list: the bulk buttons
        page.keyboard.press("k")
    assert settled_focus(page, rows[0]) == rows[0]
    page.keyboard.press("Shift+Tab")  # Keyboard shortcuts
    page.keyboard.press("Shift+Tab")  # Mark read
    page.keyboard.press("Shift+Tab")  # Mark not relevant
    page.keyboard.press("Shift+Tab")  # Mark relevant
    assert page.evaluate("document.activeElement.textContent") == "Mark relevant"
    page.keyboard.press("Enter")
    status.get_by_text("2 alerts marked relevant.").wait_for()
    assert settled_text(page.locator("[data-selected-count]"), "") == ""
    chosen = [int(row.removeprefix("alert-")) for row in rows[3:5]]
    assert set(Alert.objects.filter(pk__in=chosen).values_list("triage_state", flat=True)) == {
        "relevant"
    }
    assert page.locator(f"#{rows[3]} button[value='relevant']").get_attribute("aria-pressed") == (
        "true"
    )

    # ? lists the shortcuts, Esc hides them again.
    page.keyboard.press("?")
    help_panel = page.locator("#shortcut-help")
    assert help_panel.evaluate("(el) => el.open")
    assert page.evaluate("document.activeElement.closest('#shortcut-help') !== null")
    assert page.get_by_text("Mark the alert not relevant").is_visible()
    axe.check(page)
    page.keyboard.press("Escape")
    assert not help_panel.evaluate("(el) => el.open")
    assert (
        Alert.objects.filter(recipient=full_inbox[0].recipient).exclude(triage_state="").count()
        == 4
    )


def test_at_least_eight_alerts_fit_a_laptop_screen(
    page: Any, axe: Any, full_inbox: list[Alert]
) -> None:
    page.set_viewport_size(LAPTOP)
    sign_in(page)
    page.goto(reverse("surveillance:alert-list"))
    boxes = page.locator(".alert-rows > li").evaluate_all(
        "(rows) => rows.map((row) => { const box = row.getBoundingClientRect();"
        " return {top: box.top, bottom: box.bottom}; })"
    )
    visible = [box for box in boxes if box["top"] >= 0 and box["bottom"] <= LAPTOP["height"]]
    assert len(visible) >= 8, f"only {len(visible)} alerts fit 1,280 x 800: {boxes[:3]}"
    # Each row keeps its title, watch, date and triage buttons on one screen line pair.
    assert max(box["bottom"] - box["top"] for box in boxes) <= 64
    axe.check(page)
    axe.check_states(page)


def test_a_watch_runs_job_page_leads_back_to_the_watch_and_explains_the_cap(
    page: Any, axe: Any, alice: User, tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    add_publications(tmp_path, *((1000 + n, title) for n, title in enumerate(TITLES)))
    watch = publication_watch(alice, name="Melanoma immunotherapy")
    sign_in(page)
    page.goto(reverse("surveillance:watch-detail", args=[watch.pk]))
    page.get_by_role("button", name="Run now").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    page.get_by_text("24 matching, 20 new alerts.").wait_for()
    assert "the other 4 were not alerted" in page.locator("main").inner_text()
    axe.check(page)
    page.get_by_role("link", name="Watch “Melanoma immunotherapy”").click()
    page.wait_for_url(re.compile(rf".*/surveillance/watches/{watch.pk}/$"))
    note = page.locator("#first-run-note")
    assert "matched 24 and alerted only the 20 newest" in note.inner_text()
    note.get_by_role("link", name="See all the matches").click()
    page.get_by_text("24 matches").wait_for()
    assert page.get_by_text("Not alerted", exact=True).count() == 4
    axe.check(page)
    assert Watch.objects.get().last_run_at is not None
