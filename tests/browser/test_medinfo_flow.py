"""An unsolicited off-label question, from the MSL's meeting to the signed letter
(issue 14): alice takes an inquiry from her interaction in one step, refused
first for want of the unsolicited attestation (the reasons beside the fields,
nothing saved), then taken with it; medical information finds it on the queue
with its due date, answers it with an approved standard response and downloads
the DOCX letter. axe-core checks every page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Role, User
from liaison.directory.models import HCP, Indication, Product
from liaison.engagement.models import Channel, Interaction, InteractionKind
from liaison.medinfo import services
from liaison.medinfo.models import Inquiry, InquiryStatus, ResponseVersion
from liaison.medinfo.services.responses import approval_of, signature_holds
from tests.browser.alice import PASSWORD, create_alice, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = "Europe/Berlin"
QUESTION = "Has Onvexa been studied in patients with severe renal impairment?"
WORDS = "Is there any data on Onvexa when the eGFR is below 30?"
RESPONSE_CODE = "SRD-ONV-007"
RESPONSE_TITLE = "Onvexa in renal impairment"
RESPONSE_BODY = "No dedicated study enrolled patients with an eGFR below 30 mL/min."
ATTESTATION = {
    "#id_unsolicited_requested_by": "Dr Claire Martin",
    "#id_unsolicited_how": "Unprompted, at the end of a scientific exchange",
    "#id_unsolicited_words": WORDS,
}

PageMaker = Callable[[], Any]


@pytest.fixture
def alice(settings: Any) -> User:
    return create_alice(settings)


def member(username: str, role: str, first_name: str, last_name: str) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        first_name=first_name,
        last_name=last_name,
    )


@pytest.fixture
def onvexa(db: None) -> Product:
    """Ours, labelled in Germany only: a French HCP's question about it is off-label."""
    product = Product.objects.create(name="Onvexa", company="Aurelia Therapeutics", is_own=True)
    Indication.objects.create(
        product=product,
        country="DE",
        condition="EGFR-mutated metastatic non-small cell lung cancer",
    )
    return product


@pytest.fixture
def approved_response(alice: User, onvexa: Product) -> ResponseVersion:
    """A standard response on Onvexa, written by medical information and approved
    by compliance with an electronic signature, through the services."""
    author = member("otto", Role.MEDICAL_INFORMATION, "Otto", "Brandt")
    approver = member("carla", Role.COMPLIANCE, "Carla", "Rossi")
    standard = services.create_standard_response(
        actor=author,
        data={
            "code": RESPONSE_CODE,
            "title": RESPONSE_TITLE,
            "products": [onvexa],
            "topics": ["renal impairment"],
        },
    )
    draft = services.new_response_version(
        actor=author,
        standard=standard,
        data={
            "body": f"# Summary\n{RESPONSE_BODY}",
            "references": [{"citation": "Brandt O. Onvexa pharmacokinetics. 2024;3:1-9."}],
        },
    )
    services.submit_for_review(actor=author, version=draft)
    return services.approve_version(
        actor=approver,
        version=draft,
        password=PASSWORD,
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )


@pytest.fixture
def meeting(alice: User, onvexa: Product) -> Interaction:
    """Alice's meeting yesterday with Dr Martin of Lyon, Onvexa discussed."""
    martin = HCP.objects.create(family_name="Martin", given_name="Claire", country="FR")
    interaction = Interaction.objects.create(
        msl=alice,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        time_zone=BERLIN,
        channel=Channel.IN_PERSON,
        kind=InteractionKind.ONE_TO_ONE,
        notes="Scientific exchange on the phase 3 data.",
    )
    interaction.hcps.set([martin])
    interaction.products.set([onvexa])
    return interaction


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


def day_text(day: dt.date) -> str:
    """A day as the queue writes it (``5 Dec 2025``)."""
    return f"{day.day} {day:%b %Y}"


def letter_text(path: Path) -> str:
    """Every word of a DOCX: body paragraphs, tables and the running headers."""
    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.header.paragraphs]
    return "\n".join(parts)


def take_the_inquiry(page: Any, axe: Any, interaction: Interaction) -> Inquiry:
    """From the interaction's page, in one step: refused without the attestation, then taken."""
    page.goto(reverse("engagement:interaction-detail", args=[interaction.pk]))
    axe.check(page)
    page.get_by_role("link", name="Take an inquiry from this interaction").click()
    page.wait_for_url(re.compile(r".*/medinfo/.*\?interaction=\d+$"))
    axe.check(page)
    # Prefilled from the meeting: Dr Martin asked, in the field, about Onvexa.
    assert page.get_by_label(re.compile("^Claire Martin")).is_checked()
    assert page.locator("#id_product option:checked").inner_text() == "Onvexa"
    notice = page.locator("#label-notice")
    assert "Off-label in France" in notice.inner_text()
    assert "no labelled indication in France" in notice.inner_text()
    page.fill("#id_question", QUESTION)
    # The use asked about: without it Liaison cannot tell on- from off-label.
    page.fill("#id_indication", "paediatric glioma")

    page.get_by_role("button", name="Take the inquiry").click()
    page.locator("#id_unsolicited_words_error").wait_for()
    axe.check(page)
    for field in ATTESTATION:
        error = page.locator(f"{field}_error")
        assert error.inner_text().strip(), f"no reason beside {field}"
        assert page.get_attribute(field, "aria-invalid") == "true"
    assert page.locator("#id_unsolicited_requested_at_error").inner_text().strip()
    assert not Inquiry.objects.exists()
    # What was typed is kept.
    assert page.input_value("#id_question") == QUESTION

    for field, value in ATTESTATION.items():
        page.fill(field, value)
    # Asked when it was received: the form's fields share the site's time zone.
    page.fill("#id_unsolicited_requested_at", page.input_value("#id_received_at"))
    page.get_by_role("button", name="Take the inquiry").click()
    page.wait_for_url(re.compile(r".*/medinfo/inquiries/\d+/$"))
    axe.check(page)
    return Inquiry.objects.get()


def test_msl_hands_an_off_label_question_to_medical_information_who_answer_with_a_letter(
    new_page: PageMaker,
    axe: Any,
    alice: User,
    meeting: Interaction,
    approved_response: ResponseVersion,
) -> None:
    assert approval_of(approved_response) is not None and signature_holds(approved_response)
    mira = member("mira", Role.MEDICAL_INFORMATION, "Mira", "Lindqvist")

    msl_page = new_page()
    sign_in(msl_page)
    inquiry = take_the_inquiry(msl_page, axe, meeting)
    assert inquiry.interaction == meeting and inquiry.received_by == alice
    assert inquiry.status == InquiryStatus.FORWARDED
    assert inquiry.off_label and inquiry.unsolicited_words == WORDS
    attested = msl_page.locator("section", has=msl_page.locator("#attestation-heading"))
    assert WORDS in attested.inner_text()

    # Medical information: the inquiry on the queue, off-label and attested, with its due date.
    mi_page = new_page()
    sign_in_as(mi_page, "mira")
    mi_page.goto(reverse("medinfo:inquiry-list"))
    axe.check(mi_page)
    row = mi_page.locator("tbody tr", has_text=inquiry.reference)
    assert inquiry.due_on is not None
    assert day_text(inquiry.due_on) in row.inner_text()
    assert "unsolicited, attested" in row.inner_text()
    row.get_by_role("link", name=inquiry.reference).click()
    mi_page.wait_for_url(re.compile(rf".*/medinfo/inquiries/{inquiry.pk}/$"))
    axe.check(mi_page)

    # Each action posts and comes back to the inquiry's page.
    with mi_page.expect_navigation():
        mi_page.get_by_role("button", name="Assign to me").click()
    axe.check(mi_page)
    answer_form = mi_page.locator("form", has=mi_page.locator("#answer-heading"))
    choices = answer_form.get_by_role("group", name=re.compile("^Response to send"))
    choices.get_by_role("radio", name=re.compile(rf"^{RESPONSE_CODE} version 1")).check()
    with mi_page.expect_navigation():
        answer_form.get_by_role("button", name="Answer").click()
    assert mi_page.url.endswith(reverse("medinfo:inquiry-detail", args=[inquiry.pk]))
    axe.check(mi_page)
    inquiry.refresh_from_db()
    assert inquiry.assigned_to == mira
    (answer,) = inquiry.answers.all()
    assert answer.version == approved_response and answer.prepared_by == mira

    with mi_page.expect_download() as info:
        mi_page.get_by_role("link", name="DOCX letter").click()
    download = info.value
    assert download.suggested_filename == f"{inquiry.reference}-letter.docx"
    text = letter_text(Path(download.path()))
    assert "Claire Martin" in text
    assert QUESTION in text and RESPONSE_BODY in text
    assert "unsolicited request" in text  # the provenance travels into the letter
