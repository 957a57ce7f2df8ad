"""/api/v1/medinfo/inquiries/{id}/answers and /api/v1/medinfo/answers: only an approved,
unexpired, untampered version is sent; the delivery record; the letter (DOCX, PDF)
and its references (RIS) for whoever sees the inquiry; and the turnaround report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
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
def approved(medinfo: User, compliance: User) -> ResponseVersion:
    return factories.approved_version(medinfo, compliance)


@pytest.fixture
def answered(msl: User, medinfo: User, approved: ResponseVersion) -> Answer:
    inquiry = factories.inquiry(msl, requester_name="Dr Anna Weber")
    return Answer.objects.create(inquiry=inquiry, version=approved, prepared_by=medinfo)


def answer_path(inquiry: Inquiry) -> str:
    return f"/medinfo/inquiries/{inquiry.pk}/answers"


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_an_approved_version_answers_the_inquiry(
    medinfo: User, msl: User, approved: ResponseVersion
) -> None:
    inquiry = factories.inquiry(msl)
    response = ApiClient(medinfo).post(
        answer_path(inquiry), {"version_id": approved.pk, "cover_note": "As discussed."}
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["version"]["id"] == approved.pk
    assert approved.standard is not None
    assert answer["version"]["document"] == approved.standard.code
    assert answer["prepared_by"] == medinfo.username and answer["delivered_at"] is None
    detail = ApiClient(msl).get(f"/medinfo/inquiries/{inquiry.pk}").json()
    assert detail["status"] == InquiryStatus.ANSWERED
    assert detail["clock"]["stopped_on"] == timezone.localdate().isoformat()
    assert [item["id"] for item in detail["answers"]] == [answer["id"]]


def test_the_msl_cannot_answer(msl: User, approved: ResponseVersion) -> None:
    inquiry = factories.inquiry(msl)
    response = ApiClient(msl).post(answer_path(inquiry), {"version_id": approved.pk})
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_a_draft_is_not_sent(medinfo: User, msl: User) -> None:
    draft = factories.version(medinfo, expires_on=timezone.localdate() + dt.timedelta(days=9))
    response = ApiClient(medinfo).post(
        answer_path(factories.inquiry(msl)), {"version_id": draft.pk}
    )
    assert response.status_code == 422
    assert "only an approved version" in response.json()["details"]["version_id"]


def test_an_expired_version_is_not_sent(
    medinfo: User, msl: User, approved: ResponseVersion
) -> None:
    ResponseVersion.objects.filter(pk=approved.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    response = ApiClient(medinfo).post(
        answer_path(factories.inquiry(msl)), {"version_id": approved.pk}
    )
    assert response.status_code == 422
    assert "expired" in response.json()["details"]["version_id"]


def test_a_text_changed_after_approval_is_not_sent(
    medinfo: User, msl: User, approved: ResponseVersion
) -> None:
    ResponseVersion.objects.filter(pk=approved.pk).update(body="Tampered.")
    client = ApiClient(medinfo)
    shown = client.get(f"/medinfo/responses/versions/{approved.pk}").json()
    assert shown["signature_holds"] is False
    response = client.post(answer_path(factories.inquiry(msl)), {"version_id": approved.pk})
    assert response.status_code == 422
    assert "signature no longer verifies" in response.json()["details"]["version_id"]


def test_an_unknown_version_is_named(medinfo: User, msl: User) -> None:
    response = ApiClient(medinfo).post(answer_path(factories.inquiry(msl)), {"version_id": 999_999})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["version_id"]


def test_delivery_is_recorded_once_by_medical_information(
    answered: Answer, medinfo: User, msl: User
) -> None:
    path = f"/medinfo/answers/{answered.pk}/delivery"
    assert ApiClient(msl).post(path, {"method": "email"}).status_code == 403
    client = ApiClient(medinfo)
    wrong = client.post(path, {"method": "pigeon"})
    assert wrong.status_code == 422 and list(wrong.json()["details"]) == ["method"]
    delivered = client.post(path, {"method": "post", "note": "signed copy"})
    assert delivered.status_code == 200, delivered.content
    assert delivered.json()["delivery_method"] == "post"
    assert delivered.json()["delivered_by"] == medinfo.username
    assert delivered.json()["delivery_note"] == "signed copy"
    again = client.post(path, {"method": "email"})
    assert again.status_code == 409 and "delivered_at" in again.json()["details"]


def test_an_answer_whose_version_was_retired_is_neither_delivered_nor_printed(
    answered: Answer, medinfo: User
) -> None:
    ResponseVersion.objects.filter(pk=answered.version_id).update(status=VersionStatus.RETIRED)
    client = ApiClient(medinfo)
    delivery = client.post(f"/medinfo/answers/{answered.pk}/delivery", {"method": "email"})
    letter = client.get(f"/medinfo/answers/{answered.pk}/letter")
    assert delivery.status_code == 409, delivery.content
    assert "cannot be delivered: it is retired" in delivery.json()["details"]["version"]
    assert letter.status_code == 409, letter.content
    assert "cannot be printed: it is retired" in letter.json()["message"]
    assert Answer.objects.get(pk=answered.pk).delivered_at is None


def test_delivery_in_the_future_is_refused(answered: Answer, medinfo: User) -> None:
    later = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = ApiClient(medinfo).post(
        f"/medinfo/answers/{answered.pk}/delivery", {"method": "email", "delivered_at": later}
    )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["delivered_at"]


def test_the_receiver_downloads_the_letter_and_others_do_not_see_it(
    answered: Answer, msl: User, other_msl: User
) -> None:
    path = f"/medinfo/answers/{answered.pk}/letter"
    response = ApiClient(msl).get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert f"{answered.inquiry.reference}-letter.docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "Anna Weber" in text and answered.version.title in text
    assert ApiClient(other_msl).get(path).status_code == 404


def test_the_letter_of_an_off_label_inquiry_says_it_was_unsolicited(
    answered: Answer, medinfo: User
) -> None:
    Inquiry.objects.filter(pk=answered.inquiry_id).update(
        off_label=True,
        off_label_reason="no label in Germany",
        unsolicited_requested_by="Dr Weber",
        unsolicited_requested_at=timezone.now(),
        unsolicited_how="unprompted",
        unsolicited_words="Can I?",
    )
    response = ApiClient(medinfo).get(f"/medinfo/answers/{answered.pk}/letter")
    assert "your unsolicited request of" in docx_text(response.content)


def test_the_letter_as_pdf(answered: Answer, medinfo: User) -> None:
    response = ApiClient(medinfo).get(f"/medinfo/answers/{answered.pk}/letter", {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_unknown_letter_format_is_named(answered: Answer, medinfo: User) -> None:
    response = ApiClient(medinfo).get(f"/medinfo/answers/{answered.pk}/letter", {"format": "odt"})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["format"]


def test_references_as_ris(answered: Answer, msl: User) -> None:
    response = ApiClient(msl).get(f"/medinfo/answers/{answered.pk}/references.ris")
    assert response.status_code == 200
    text = response.content.decode()
    citation = answered.version.references[0]["citation"]
    assert f"TI  - {citation}" in text
    assert "123" in text and text.count("ER  -") == len(answered.version.references)


def test_an_answer_is_seen_with_its_inquiry(
    answered: Answer, field_manager: User, pv: User, insights_lead: User
) -> None:
    path = f"/medinfo/answers/{answered.pk}"
    assert ApiClient(field_manager).get(path).json()["id"] == answered.pk
    assert ApiClient(pv).get(path).status_code == 200
    assert ApiClient(insights_lead).get(path).status_code == 404


def test_turnaround_report_counts_on_time_and_late(
    medinfo: User, msl: User, approved: ResponseVersion
) -> None:
    today = timezone.localdate()
    now = timezone.now()
    factories.inquiry(
        msl,
        priority="high",
        answered_at=now,
        status=InquiryStatus.ANSWERED,
        due_on=today + dt.timedelta(days=1),
    )
    factories.inquiry(
        msl,
        priority="high",
        answered_at=now,
        status=InquiryStatus.ANSWERED,
        due_on=today - dt.timedelta(days=3),
    )
    factories.inquiry(msl, priority="low", due_on=today - dt.timedelta(days=1))
    response = ApiClient(medinfo).get(
        "/medinfo/reports/turnaround",
        {"start": (today - dt.timedelta(days=7)).isoformat(), "end": today.isoformat()},
    )
    assert response.status_code == 200, response.content
    report = response.json()
    high = next(row for row in report["rows"] if row["priority"] == "high")
    assert (high["answered"], high["on_time"], high["late"]) == (2, 1, 1)
    low = next(row for row in report["rows"] if row["priority"] == "low")
    assert low["open_breaches"] == 1 and low["answered"] == 0
    assert report["total"]["answered"] == 2 and report["total"]["open_breaches"] == 1


def test_turnaround_report_refuses_an_end_before_the_start_and_other_roles(
    medinfo: User, pv: User
) -> None:
    period = {"start": "2026-02-01", "end": "2026-01-01"}
    response = ApiClient(medinfo).get("/medinfo/reports/turnaround", period)
    assert response.status_code == 422 and list(response.json()["details"]) == ["end"]
    assert ApiClient(pv).get("/medinfo/reports/turnaround", period).status_code == 403


def test_turnaround_report_covers_the_last_30_days_by_default(medinfo: User) -> None:
    report = ApiClient(medinfo).get("/medinfo/reports/turnaround").json()
    today = timezone.localdate()
    assert report["end"] == today.isoformat()
    assert report["start"] == (today - dt.timedelta(days=29)).isoformat()
