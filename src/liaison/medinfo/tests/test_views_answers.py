"""The answer pages: only sendable versions are offered, an answer is sent from the
inquiry's page, its letter downloads as DOCX and PDF (the requester's name inside),
its references as RIS, its delivery is recorded; a custom response is drafted."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from liaison.core.models import Role, User
from liaison.medinfo.models import (
    Answer,
    Inquiry,
    InquiryStatus,
    ResponseVersion,
    VersionStatus,
)
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def reviewer(db: None) -> User:
    return factories.user("max", Role.MEDICAL_INFORMATION)


@pytest.fixture
def inquiry(msl: User) -> Inquiry:
    return factories.inquiry(
        msl,
        requester_name="Björn Öberg",
        question="Can Onvexa be given to patients on dialysis?",
        product=factories.own_product(),
    )


@pytest.fixture
def approved(medinfo: User, reviewer: User, inquiry: Inquiry) -> ResponseVersion:
    version = factories.approved_version(medinfo, reviewer)
    assert version.standard is not None
    version.standard.products.add(inquiry.product)  # type: ignore[arg-type]
    return version


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _answered(medinfo: User, inquiry: Inquiry, version: ResponseVersion) -> Answer:
    return Answer.objects.create(inquiry=inquiry, version=version, prepared_by=medinfo)


def test_only_sendable_versions_are_offered(
    client: Client, medinfo: User, reviewer: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    draft = factories.version(medinfo, standard=approved.standard, number=2, title="Draft text")
    expired = factories.approved_version(medinfo, reviewer, title="Expired text")
    ResponseVersion.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    tampered = factories.approved_version(medinfo, reviewer, title="Tampered text")
    ResponseVersion.objects.filter(pk=tampered.pk).update(body="Changed after approval.")
    page = (
        signed_in(client, medinfo)
        .get(reverse("medinfo:inquiry-detail", args=[inquiry.pk]))
        .content.decode()
    )
    assert f'value="{approved.pk}"' in page
    for refused in (draft, expired, tampered):
        assert f'name="version" value="{refused.pk}"' not in page


def test_answer_from_the_inquiry_page_then_record_the_delivery(
    client: Client, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    signed_in(client, medinfo).post(
        reverse("medinfo:inquiry-answer", args=[inquiry.pk]),
        {"version": approved.pk, "cover_note": "As discussed."},
    )
    answer = Answer.objects.get(inquiry=inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED and answer.cover_note == "As discussed."

    client.post(reverse("medinfo:answer-deliver", args=[answer.pk]), {"method": "post"})

    answer.refresh_from_db()
    assert answer.delivery_method == "post" and answer.delivered_by == medinfo
    page = client.get(reverse("medinfo:inquiry-detail", args=[inquiry.pk])).content.decode()
    assert "Post, " in page


def test_an_answer_whose_version_was_retired_says_why_it_is_not_sent(
    client: Client, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = _answered(medinfo, inquiry, approved)
    ResponseVersion.objects.filter(pk=approved.pk).update(status=VersionStatus.RETIRED)
    signed_in(client, medinfo)
    page = client.get(reverse("medinfo:inquiry-detail", args=[inquiry.pk])).content.decode()
    delivery = client.post(reverse("medinfo:answer-deliver", args=[answer.pk]), {"method": "post"})
    letter = client.get(reverse("medinfo:answer-letter", args=[answer.pk]))
    assert "cannot be printed: it is retired" in page
    assert reverse("medinfo:answer-deliver", args=[answer.pk]) not in page
    assert reverse("medinfo:answer-letter", args=[answer.pk]) not in page
    assert delivery.status_code == 422
    assert "cannot be delivered: it is retired" in delivery.content.decode()
    assert letter.status_code == 409
    assert Answer.objects.get(pk=answer.pk).delivered_at is None


def test_an_unsendable_version_posted_anyway_is_refused_beside_the_choice(
    client: Client, medinfo: User, inquiry: Inquiry
) -> None:
    draft = factories.version(medinfo)
    response = signed_in(client, medinfo).post(
        reverse("medinfo:inquiry-answer", args=[inquiry.pk]), {"version": draft.pk}
    )
    assert response.status_code == 422 and 'id="id_version_error"' in response.content.decode()
    assert not Answer.objects.exists()


def test_letter_downloads_as_docx_with_the_requester_and_as_pdf(
    client: Client, msl: User, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = _answered(medinfo, inquiry, approved)
    url = reverse("medinfo:answer-letter", args=[answer.pk])
    # The MSL who took the inquiry reads its letter too.
    docx = signed_in(client, msl).get(url, {"format": "docx"})
    pdf = client.get(url, {"format": "pdf"})
    assert docx.status_code == 200 and docx["Content-Type"] == DOCX
    assert f"{inquiry.reference}-letter.docx" in docx["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Björn Öberg" in text and inquiry.question in text
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_letter_in_another_format_is_refused(
    client: Client, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = _answered(medinfo, inquiry, approved)
    response = signed_in(client, medinfo).get(
        reverse("medinfo:answer-letter", args=[answer.pk]), {"format": "odt"}
    )
    assert response.status_code == 400 and "choose docx or pdf" in response.content.decode()


def test_references_download_as_ris(
    client: Client, medinfo: User, inquiry: Inquiry, approved: ResponseVersion
) -> None:
    answer = _answered(medinfo, inquiry, approved)
    response = signed_in(client, medinfo).get(
        reverse("medinfo:answer-references", args=[answer.pk])
    )
    body = response.content.decode()
    assert response["Content-Type"] == "application/x-research-info-systems"
    assert "TY  - GEN" in body and approved.references[0]["citation"] in body


def test_custom_response_is_drafted_for_the_inquiry(
    client: Client, medinfo: User, inquiry: Inquiry
) -> None:
    response = signed_in(client, medinfo).post(
        reverse("medinfo:inquiry-custom-response", args=[inquiry.pk]),
        {"title": "For Dr Öberg", "body": "In dialysis, the data are limited."},
    )
    version = ResponseVersion.objects.get(inquiry=inquiry)
    assert response["Location"] == reverse("medinfo:version-detail", args=[version.pk])
    assert version.status == VersionStatus.DRAFT and version.standard is None
    page = client.get(reverse("medinfo:inquiry-detail", args=[inquiry.pk])).content.decode()
    assert "For Dr Öberg" in page
