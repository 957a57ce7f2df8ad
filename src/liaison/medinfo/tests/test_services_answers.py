"""Answer services: only approved, unexpired, still-verifying versions are sent, when
answered, delivered and printed; the delivery record; the letter (its content, DOCX
and PDF) and the references as RIS."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.utils import timezone
from docx import Document
from freezegun import freeze_time

from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import Role, User
from liaison.medinfo.models import (
    Answer,
    DeliveryMethod,
    Inquiry,
    InquiryStatus,
    ResponseVersion,
    VersionStatus,
)
from liaison.medinfo.services import (
    answer_inquiry,
    deliver_answer,
    letter_content,
    references_ris,
    render_letter,
    retire_version,
)
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

QUESTION = "Can Onvexa be given to patients on dialysis?"


@pytest.fixture
def reviewer(db: None) -> User:
    return factories.user("max", Role.MEDICAL_INFORMATION)


@pytest.fixture
def approved(medinfo: User, reviewer: User) -> ResponseVersion:
    return factories.approved_version(medinfo, reviewer)


@pytest.fixture
def inquiry(msl: User) -> Inquiry:
    return factories.inquiry(msl, question=QUESTION)


def test_answer_with_an_approved_version_answers_the_inquiry(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved, cover_note="Hi")

    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.status == InquiryStatus.ANSWERED
    assert stored.answered_at == answer.prepared_at
    assert (answer.version, answer.prepared_by, answer.cover_note) == (approved, medinfo, "Hi")


@pytest.mark.parametrize(
    "status", [VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.REJECTED]
)
def test_a_version_not_approved_is_not_sent(medinfo: User, inquiry: Inquiry, status: str) -> None:
    version = factories.version(
        medinfo, status=status, expires_on=timezone.localdate() + dt.timedelta(days=30)
    )

    with pytest.raises(LiaisonError) as refused:
        answer_inquiry(actor=medinfo, inquiry=inquiry, version=version)

    assert refused.value.field == "version"
    assert "only an approved version" in refused.value.message
    assert not Answer.objects.exists()


def test_a_retired_version_is_not_sent(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    ResponseVersion.objects.filter(pk=approved.pk).update(status=VersionStatus.RETIRED)
    approved.refresh_from_db()

    with pytest.raises(LiaisonError):
        answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)


def test_an_expired_version_is_refused(medinfo: User, reviewer: User, inquiry: Inquiry) -> None:
    expiry = timezone.localdate() + dt.timedelta(days=10)
    version = factories.approved_version(medinfo, reviewer, expires_on=expiry)

    with freeze_time(expiry + dt.timedelta(days=1)), pytest.raises(LiaisonError) as refused:
        answer_inquiry(actor=medinfo, inquiry=inquiry, version=version)

    assert f"expired on {expiry.isoformat()}" in refused.value.message
    assert not Answer.objects.exists()


def test_a_version_is_sent_on_its_expiry_day(
    medinfo: User, reviewer: User, inquiry: Inquiry
) -> None:
    expiry = timezone.localdate() + dt.timedelta(days=10)
    version = factories.approved_version(medinfo, reviewer, expires_on=expiry)

    with freeze_time(dt.datetime.combine(expiry, dt.time(12), tzinfo=dt.UTC)):
        answer_inquiry(actor=medinfo, inquiry=inquiry, version=version)

    assert Answer.objects.filter(inquiry=inquiry).exists()


def test_a_text_tampered_with_after_approval_cannot_be_sent(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    ResponseVersion.objects.filter(pk=approved.pk).update(body="Dialysis is fine, any dose.")
    approved.refresh_from_db()

    with pytest.raises(LiaisonError) as refused:
        answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    assert "no longer verifies" in refused.value.message
    assert Inquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.FORWARDED


def test_a_custom_response_goes_only_to_its_own_inquiry(
    medinfo: User, reviewer: User, inquiry: Inquiry
) -> None:
    other = factories.inquiry(medinfo)
    custom = factories.approved_version(medinfo, reviewer, inquiry=other)

    with pytest.raises(LiaisonError) as refused:
        answer_inquiry(actor=medinfo, inquiry=inquiry, version=custom)
    answer_inquiry(actor=medinfo, inquiry=other, version=custom)

    assert f"written for {other.reference}" in refused.value.message
    assert Answer.objects.get().inquiry == other


def test_msl_cannot_answer(msl: User, inquiry: Inquiry, approved: ResponseVersion) -> None:
    with pytest.raises(PermissionDenied):
        answer_inquiry(actor=msl, inquiry=inquiry, version=approved)


def test_a_cancelled_inquiry_is_not_answered(medinfo: User, approved: ResponseVersion) -> None:
    cancelled = factories.inquiry(medinfo, status=InquiryStatus.CANCELLED)

    with pytest.raises(Conflict):
        answer_inquiry(actor=medinfo, inquiry=cancelled, version=approved)


def test_a_second_answer_keeps_the_first_answer_time(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    first = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)
    answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved, cover_note="Correction")

    assert Inquiry.objects.get(pk=inquiry.pk).answered_at == first.prepared_at
    assert Answer.objects.filter(inquiry=inquiry).count() == 2


# Delivery


def test_delivery_records_channel_time_and_who(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)
    when = timezone.now()

    deliver_answer(
        actor=medinfo,
        answer=answer,
        method=DeliveryMethod.POST,
        delivered_at=when,
        note="2nd class",
    )

    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.delivery_method, stored.delivered_at, stored.delivered_by) == (
        DeliveryMethod.POST,
        when,
        medinfo,
    )
    assert stored.delivery_note == "2nd class"
    with pytest.raises(Conflict):
        deliver_answer(actor=medinfo, answer=stored, method=DeliveryMethod.EMAIL)


def test_delivery_refuses_an_unknown_method_and_a_future_time(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    with pytest.raises(LiaisonError) as refused:
        deliver_answer(
            actor=medinfo,
            answer=answer,
            method="pigeon",
            delivered_at=timezone.now() + dt.timedelta(days=1),
        )

    assert set(refused.value.details) == {"method", "delivered_at"}
    assert Answer.objects.get(pk=answer.pk).delivered_at is None


def test_msl_does_not_record_the_delivery(
    msl: User, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    with pytest.raises(PermissionDenied):
        deliver_answer(actor=msl, answer=answer, method=DeliveryMethod.IN_PERSON)


def _answer_on(medinfo: User, inquiry: Inquiry, version: ResponseVersion) -> Answer:
    return answer_inquiry(actor=medinfo, inquiry=inquiry, version=version)


#: What is checked again after an answer was prepared: its delivery, its letter.
SENDING: dict[str, Callable[[User, Answer], object]] = {
    "delivered": lambda actor, answer: deliver_answer(
        actor=actor, answer=answer, method=DeliveryMethod.EMAIL
    ),
    "printed": lambda actor, answer: render_letter(actor=actor, answer=answer, fmt="docx"),
}


@pytest.mark.parametrize("doing", sorted(SENDING))
def test_an_answer_whose_version_expired_since_is_neither_delivered_nor_printed(
    medinfo: User, reviewer: User, inquiry: Inquiry, doing: str
) -> None:
    expiry = timezone.localdate() + dt.timedelta(days=2)
    version = factories.approved_version(medinfo, reviewer, expires_on=expiry)
    answer = _answer_on(medinfo, inquiry, version)

    with freeze_time(timezone.now() + dt.timedelta(days=10)), pytest.raises(Conflict) as refused:
        SENDING[doing](medinfo, answer)

    assert refused.value.field == "version"
    assert f"version {version.number} cannot be {doing}" in refused.value.message
    assert f"expired on {expiry.isoformat()}" in refused.value.message
    assert Answer.objects.get(pk=answer.pk).delivered_at is None


@pytest.mark.parametrize("doing", sorted(SENDING))
def test_an_answer_whose_version_was_retired_since_is_neither_delivered_nor_printed(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion, doing: str
) -> None:
    answer = _answer_on(medinfo, inquiry, approved)
    retire_version(actor=medinfo, version=approved, reason="new safety data")

    with pytest.raises(Conflict) as refused:
        SENDING[doing](medinfo, answer)

    assert f"cannot be {doing}: it is retired" in refused.value.message
    assert Answer.objects.get(pk=answer.pk).delivered_at is None


def test_a_delivery_is_judged_on_the_day_it_happened(
    medinfo: User, reviewer: User, inquiry: Inquiry
) -> None:
    expiry = timezone.localdate() + dt.timedelta(days=2)
    version = factories.approved_version(medinfo, reviewer, expires_on=expiry)
    answer = _answer_on(medinfo, inquiry, version)
    sent = answer.prepared_at + dt.timedelta(days=1)

    with freeze_time(timezone.now() + dt.timedelta(days=10)):
        deliver_answer(actor=medinfo, answer=answer, method=DeliveryMethod.POST, delivered_at=sent)

    assert Answer.objects.get(pk=answer.pk).delivered_at == sent


def test_an_answer_whose_text_no_longer_verifies_is_not_delivered(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = _answer_on(medinfo, inquiry, approved)
    ResponseVersion.objects.filter(pk=approved.pk).update(body="Any dose on dialysis.")
    answer = Answer.objects.select_related("version", "inquiry").get(pk=answer.pk)

    with pytest.raises(Conflict) as refused:
        deliver_answer(actor=medinfo, answer=answer, method=DeliveryMethod.EMAIL)

    assert "no longer verifies" in refused.value.message


# The letter


def test_letter_of_an_off_label_inquiry_says_it_was_unsolicited(
    msl: User, medinfo: User, approved: ResponseVersion
) -> None:
    asked = dt.datetime(2026, 11, 3, 15, tzinfo=dt.UTC)
    off_label = factories.inquiry(
        msl,
        question=QUESTION,
        off_label=True,
        off_label_reason="Onvexa has no labelled indication in Germany",
        unsolicited_requested_by="Dr Weber",
        unsolicited_requested_at=asked,
        unsolicited_how="asked unprompted",
        unsolicited_words=QUESTION,
        received_at=asked,
    )
    answer = answer_inquiry(actor=medinfo, inquiry=off_label, version=approved)

    content = letter_content(answer)

    assert content.unsolicited_statement is not None
    assert "unsolicited request of 3 November 2026" in content.unsolicited_statement
    assert content.question == QUESTION
    assert content.reference == off_label.reference


def test_letter_of_an_on_label_inquiry_has_no_unsolicited_statement(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    content = letter_content(answer)

    assert content.unsolicited_statement is None
    assert content.response.document_id == approved.standard.code  # type: ignore[union-attr]
    assert content.response.version == str(approved.number)
    assert content.references == tuple(item["citation"] for item in approved.references)


def test_letter_greets_a_doctor_by_title(
    msl: User, medinfo: User, approved: ResponseVersion
) -> None:
    weber = factories.hcp("Weber", credentials=["MD"])
    to_doctor = factories.inquiry(msl, requester_hcp=weber, requester_name=weber.full_name)
    answer = answer_inquiry(actor=medinfo, inquiry=to_doctor, version=approved)

    content = letter_content(answer)

    assert content.salutation == "Dear Dr Weber,"
    assert content.requester.display_name == f"Dr {weber.full_name}"


def test_letter_as_docx_carries_the_question_and_the_reference(
    msl: User, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    data = render_letter(actor=msl, answer=answer, fmt="docx")

    document = Document(io.BytesIO(data))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert QUESTION in text
    assert approved.references[0]["citation"] in text


def test_letter_as_pdf(medinfo: User, inquiry: Inquiry, approved: ResponseVersion) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    data = render_letter(actor=medinfo, answer=answer, fmt="pdf")

    assert data.startswith(b"%PDF")


def test_letter_in_an_unknown_format_is_refused(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    with pytest.raises(LiaisonError) as refused:
        render_letter(actor=medinfo, answer=answer, fmt="odt")

    assert refused.value.field == "fmt"


def test_letter_is_for_those_who_see_the_inquiry(
    other_msl: User, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    with pytest.raises(PermissionDenied):
        render_letter(actor=other_msl, answer=answer, fmt="docx")


def test_a_delivered_letter_still_prints_after_its_version_is_retired(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = _answer_on(medinfo, inquiry, approved)
    deliver_answer(actor=medinfo, answer=answer, method=DeliveryMethod.EMAIL)
    retire_version(actor=medinfo, version=approved, reason="new safety data")

    content = render_letter(actor=medinfo, answer=answer, fmt="docx")

    assert QUESTION in "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_delivered_letter_whose_text_no_longer_verifies_is_not_printed(
    medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = _answer_on(medinfo, inquiry, approved)
    deliver_answer(actor=medinfo, answer=answer, method=DeliveryMethod.EMAIL)
    ResponseVersion.objects.filter(pk=approved.pk).update(body="Any dose on dialysis.")
    answer = Answer.objects.select_related("version", "inquiry").get(pk=answer.pk)

    with pytest.raises(Conflict) as refused:
        render_letter(actor=medinfo, answer=answer, fmt="pdf")

    assert "no longer verifies" in refused.value.message


def test_references_as_ris(medinfo: User, inquiry: Inquiry, approved: ResponseVersion) -> None:
    answer = answer_inquiry(actor=medinfo, inquiry=inquiry, version=approved)

    ris = references_ris(answer)

    [reference] = approved.references
    assert ris.count("ER  - ") == 1
    assert f"TI  - {reference['citation']}\r\n" in ris
    assert f"AN  - {reference['pmid']}\r\n" in ris
