"""An adverse event heard in the field, from the MSL's note to the regulator's file
(issue 14's browser test): alice logs an interaction whose notes mention a rash on
our product, the saved page flags it, she confirms it through the intake (Day 0 =
the interaction's day); pharmacovigilance sees the case on its queue with both
clocks, reads the patient's initials (alice never does), codes the reaction and
exports the ICSR, which the ICH schema set finds valid. axe-core checks every page.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Role, User
from liaison.directory.models import HCP, Product
from liaison.engagement.models import Interaction
from liaison.safety.e2b import read_icsrs
from liaison.safety.models import Case, Flag, FlagStatus
from tests.browser.alice import PASSWORD, create_alice, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = "Europe/Berlin"
NOTES = (
    "Dr Weber said one of her patients developed a severe rash after the second dose "
    "of Onvexa; the patient was admitted to hospital."
)
# Distinctive, so that their absence from a page means something.
INITIALS = "QZ"
MEDDRA_RASH = "10037844"  # LLT "Rash"
MEDDRA_VERSION = "27.1"

PageMaker = Callable[[], Any]


@pytest.fixture
def alice(settings: Any) -> User:
    return create_alice(settings)


@pytest.fixture
def petra(alice: User) -> User:
    """Pharmacovigilance (the password hasher is alice's fast one)."""
    return User.objects.create_user(
        username="petra", password=PASSWORD, role=Role.PHARMACOVIGILANCE
    )


@pytest.fixture
def onvexa(db: None) -> Product:
    return Product.objects.create(name="Onvexa", company="Aurelia Therapeutics", is_own=True)


@pytest.fixture
def schema_set(settings: Any, shared_data: Path) -> Path:
    directory = shared_data / "e2b" / "schema"
    settings.LIAISON_E2B_SCHEMA_DIR = str(directory)
    return directory


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[PageMaker]:
    """A page in a context of its own (its own cookies: one person each), in Berlin."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1024, "height": 768},
            timezone_id=BERLIN,
            locale="en-US",
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)  # a loaded machine serves the live server slowly
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in_as(page: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def log_interaction(page: Any, axe: Any, notes: str) -> Interaction:
    """Alice logs a meeting with Dr Weber through the form; the saved record."""
    page.goto("/engagement/interactions/new/")
    page.locator("#field-hcps").type("Web")
    page.locator("#hcps-listbox [role=option]", has_text="Weber").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("#hcps-chosen .chip", has_text="Weber").wait_for()
    page.fill("#field-notes", notes)
    page.click("#save-interaction")
    page.wait_for_url(re.compile(r".*/engagement/interactions/\d+/$"))
    axe.check(page)
    return Interaction.objects.get()


def local_day(interaction: Interaction) -> dt.date:
    return interaction.occurred_at.astimezone(zoneinfo.ZoneInfo(interaction.time_zone)).date()


def day_text(day: dt.date) -> str:
    """A day as the clocks write it (``5 Dec 2025``)."""
    return f"{day.day} {day:%b %Y}"


def confirm_the_flag(page: Any, axe: Any, interaction: Interaction) -> Case:
    """On the saved interaction's page: the flag, confirmed through the prefilled intake."""
    panel = page.locator("section.record-panel", has_text="Adverse events")
    flagged = panel.locator("li", has_text="Onvexa")
    marked = [text.lower() for text in flagged.locator("mark").all_inner_texts()]
    assert any("rash" in text for text in marked), marked
    flagged.get_by_role("link", name=re.compile(r"^Confirm .*Onvexa")).click()
    page.wait_for_url(re.compile(r".*/safety/flags/\d+/confirm/$"))
    axe.check(page)
    # Prefilled: Day 0 is the day of the interaction, where it took place; the
    # product and the words found come from the flag, the reporter from the meeting.
    assert page.input_value("#id_day_zero") == local_day(interaction).isoformat()
    assert "rash" in page.input_value("#id_reactions").lower()
    assert page.locator("#id_product option:checked").inner_text() == "Onvexa"
    assert "Jonas Weber" in page.get_by_role("group", name="Reporter").inner_text()
    page.fill("#id_patient_initials", INITIALS)
    page.select_option("#id_patient_sex", label="Female")
    page.select_option("#id_reporter_qualification", label="Physician")
    page.get_by_label("Caused or prolonged hospitalisation").check()
    page.get_by_role("button", name="Confirm and report to pharmacovigilance").click()
    page.wait_for_url(re.compile(r".*/safety/cases/\d+/$"))
    axe.check(page)
    return Case.objects.get()


def code_the_reaction(page: Any, axe: Any) -> None:
    """Pharmacovigilance's edit form: a code of the wrong length is refused beside
    the field, then the right one is saved."""
    page.get_by_role("link", name="Work the case").click()
    page.wait_for_url(re.compile(r".*/safety/cases/\d+/edit/$"))
    axe.check(page)
    page.fill("#id_reactions-0-meddra_code", MEDDRA_RASH[:-1])
    page.fill("#id_reactions-0-meddra_version", MEDDRA_VERSION)
    page.get_by_role("button", name="Save the case").click()
    error = page.locator("#id_reactions-0-meddra_code_error")
    error.wait_for()
    assert "8 digits" in error.inner_text()
    axe.check(page)
    page.fill("#id_reactions-0-meddra_code", MEDDRA_RASH)
    page.get_by_role("button", name="Save the case").click()
    page.wait_for_url(re.compile(r".*/safety/cases/\d+/$"))
    reactions = page.locator("section", has=page.locator("#reactions-heading"))
    assert f"{MEDDRA_RASH} (MedDRA {MEDDRA_VERSION})" in reactions.inner_text()


@pytest.mark.shared_data
def test_msl_reports_a_rash_from_her_notes_and_pharmacovigilance_exports_a_valid_icsr(
    new_page: PageMaker,
    axe: Any,
    alice: User,
    petra: User,
    onvexa: Product,
    schema_set: Path,
) -> None:
    HCP.objects.create(family_name="Weber", given_name="Jonas", country="DE")

    # Alice logs the meeting; her notes raise a flag on the saved page.
    msl_page = new_page()
    sign_in(msl_page)
    interaction = log_interaction(msl_page, axe, NOTES)
    (flag,) = Flag.objects.all()
    assert flag.product == onvexa and flag.heard_on == local_day(interaction)

    case = confirm_the_flag(msl_page, axe, interaction)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.case == case
    assert case.day_zero == local_day(interaction)
    assert case.forwarded_at is not None and case.patient_initials == INITIALS
    assert case.reporter_hcp is not None and case.reporter_hcp.family_name == "Weber"
    # The reporter is told the case went on, and never sees the patient.
    assert case.reference in msl_page.locator(".messages[role=status]").inner_text()
    assert msl_page.locator("#patient-details").count() == 0

    # Pharmacovigilance: the case on the queue, with both clocks in words.
    pv_page = new_page()
    sign_in_as(pv_page, "petra")
    pv_page.goto(reverse("safety:case-list"))
    axe.check(pv_page)
    row = pv_page.locator("tbody tr", has_text=case.reference)
    forwarding, regulatory = row.locator("td").nth(5), row.locator("td").nth(6)
    assert forwarding.locator(".badge").inner_text() == "Met"
    forwarded_on = timezone.localdate(case.forwarded_at)
    assert f"met on {day_text(forwarded_on)}" in forwarding.inner_text()
    # Serious (hospitalisation), in the EU: 15 calendar days from Day 0.
    assert f"due {day_text(case.day_zero + dt.timedelta(days=15))}" in regulatory.inner_text()
    assert "rash" in row.inner_text().lower() and "Onvexa" in row.inner_text()

    row.get_by_role("link", name=case.reference).click()
    pv_page.wait_for_url(re.compile(rf".*/safety/cases/{case.pk}/$"))
    axe.check(pv_page)
    assert INITIALS in pv_page.locator("#patient-details").inner_text()
    clocks = pv_page.locator("section", has=pv_page.locator("#clocks-heading")).inner_text()
    assert "met on" in clocks and "Report to the regulator" in clocks

    code_the_reaction(pv_page, axe)

    # Export: the download is the case's ICSR, the patient masked by default.
    pv_page.get_by_role("link", name="Export E2B").click()
    pv_page.wait_for_url(re.compile(rf".*/safety/cases/{case.pk}/export/$"))
    axe.check(pv_page)
    with pv_page.expect_download() as info:
        pv_page.get_by_role("button", name="Download the E2B file").click()
    download = info.value
    with open(download.path(), "rb") as stream:
        (icsr,) = read_icsrs(stream, name=download.suggested_filename)
    case.refresh_from_db()
    assert icsr.report_id == case.safety_report_id
    assert [reaction.meddra_code for reaction in icsr.reactions] == [MEDDRA_RASH]
    assert icsr.patient.masked

    # Back on the case, the page says the file was valid against the ICH schema set.
    pv_page.goto(reverse("safety:case-detail", args=[case.pk]))
    axe.check(pv_page)
    said = pv_page.locator(".messages[role=status]").inner_text()
    assert "valid against the ICH E2B(R3) schema set" in said and "NOT valid" not in said
    submissions = pv_page.locator("section", has=pv_page.locator("#submissions-heading"))
    assert submissions.locator(".badge").all_inner_texts() == ["Valid"]

    # Alice, back on her case, still does not see the patient.
    msl_page.goto(reverse("safety:case-detail", args=[case.pk]))
    axe.check(msl_page)
    assert "Patient details are seen by pharmacovigilance only." in msl_page.content()
    assert INITIALS not in msl_page.locator("main").inner_text()
    assert MEDDRA_RASH in msl_page.content()
