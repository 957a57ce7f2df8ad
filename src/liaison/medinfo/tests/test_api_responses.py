"""/api/v1/medinfo/responses: standard responses and versions, the review signed with
the password in the body (a wrong one names ``password`` and is never logged), four
eyes, expiry, retirement, and custom responses drafted for one inquiry."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from liaison.core.models import ElectronicSignature, Role, User
from liaison.core.tests.apiclient import ApiClient
from liaison.medinfo.models import ResponseVersion, StandardResponse, VersionStatus
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

NEXT_YEAR = (timezone.localdate() + dt.timedelta(days=365)).isoformat()


def version_path(version: ResponseVersion | int, action: str = "") -> str:
    pk = version if isinstance(version, int) else version.pk
    return f"/medinfo/responses/versions/{pk}" + (f"/{action}" if action else "")


def test_medical_information_creates_a_document_and_numbered_versions(medinfo: User) -> None:
    product = factories.own_product()
    client = ApiClient(medinfo)
    created = client.post(
        "/medinfo/responses",
        {
            "code": "SRD-ONV-001",
            "title": "Onvexa in renal impairment",
            "therapeutic_area": "oncology",
            "product_ids": [product.pk],
            "topics": ["dosing"],
        },
    )
    assert created.status_code == 201, created.content
    document = created.json()
    assert document["therapeutic_area"] == "oncology"
    assert document["products"] == [{"id": product.pk, "name": product.name}]
    path = f"/medinfo/responses/{document['id']}/versions"
    first = client.post(path, {"body": "No adjustment above eGFR 30.", "expires_on": NEXT_YEAR})
    second = client.post(path, {"body": "Updated.", "title": "Renal impairment, 2nd"})
    assert first.status_code == 201 and second.status_code == 201, second.content
    assert (first.json()["number"], second.json()["number"]) == (1, 2)
    assert first.json()["title"] == "Onvexa in renal impairment"
    assert first.json()["status"] == VersionStatus.DRAFT
    listed = client.get(f"/medinfo/responses/{document['id']}").json()
    assert [item["number"] for item in listed["versions"]] == [2, 1]


def test_a_taken_code_is_named(medinfo: User) -> None:
    factories.standard_response(medinfo, code="SRD-1")
    response = ApiClient(medinfo).post("/medinfo/responses", {"code": "srd-1", "title": "x"})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["code"]


@pytest.mark.parametrize(
    ("references", "field"),
    [
        ([{"citation": "Weber A. Lancet. 2024.", "pmid": "abc"}], "references.0.pmid"),
        ([{"citation": "ok", "doi": "1"}, {"citation": " "}], "references.1.citation"),
    ],
)
def test_a_bad_reference_is_named_by_its_place(
    medinfo: User, references: list[dict[str, str]], field: str
) -> None:
    document = factories.standard_response(medinfo)
    response = ApiClient(medinfo).post(
        f"/medinfo/responses/{document.pk}/versions", {"body": "Text.", "references": references}
    )
    assert response.status_code == 422
    assert field in response.json()["details"]
    assert not ResponseVersion.objects.exists()


def test_only_medical_information_writes_and_compliance_reads(
    msl: User, compliance: User, medinfo: User
) -> None:
    document = factories.standard_response(medinfo)
    assert ApiClient(msl).get("/medinfo/responses").status_code == 403
    assert ApiClient(msl).get(f"/medinfo/responses/{document.pk}").status_code == 403
    reader = ApiClient(compliance)
    assert reader.get("/medinfo/responses").json()["count"] == 1
    assert reader.post("/medinfo/responses", {"code": "X", "title": "x"}).status_code == 403
    refused = reader.post(f"/medinfo/responses/{document.pk}/versions", {"body": "x"})
    assert refused.status_code == 403


def test_review_flow_signs_the_exact_text(medinfo: User, compliance: User) -> None:
    version = factories.version(medinfo, expires_on=timezone.localdate() + dt.timedelta(days=90))
    author = ApiClient(medinfo)
    changed = author.patch(version_path(version), {"body": "Corrected text."})
    assert changed.status_code == 200 and changed.json()["body"] == "Corrected text."
    submitted = author.post(version_path(version, "submit"))
    assert submitted.json()["status"] == VersionStatus.IN_REVIEW
    assert author.patch(version_path(version), {"body": "Late."}).status_code == 409
    approved = ApiClient(compliance).post(
        version_path(version, "approve"),
        {"password": factories.PASSWORD, "comment": "checked against the label"},
    )
    assert approved.status_code == 200, approved.content
    answer = approved.json()
    assert answer["status"] == VersionStatus.APPROVED
    assert answer["signature_holds"] is True and len(answer["content_digest"]) == 64
    [signature] = answer["signatures"]
    assert signature["meaning"] == "approved" and signature["signer"] == compliance.username
    assert signature["printed_name"] == compliance.username
    assert signature["comment"] == "checked against the label"


def test_only_its_author_changes_or_submits_a_draft(medinfo: User, admin_user: User) -> None:
    colleague = factories.user("max", Role.MEDICAL_INFORMATION)
    draft = factories.version(medinfo)
    for other in (colleague, admin_user):
        client = ApiClient(other)
        assert client.patch(version_path(draft), {"body": "Mine now."}).status_code == 403
        assert client.post(version_path(draft, "submit")).status_code == 403
    stored = ResponseVersion.objects.get(pk=draft.pk)
    assert (stored.body, stored.status) == (draft.body, VersionStatus.DRAFT)
    assert ApiClient(medinfo).patch(version_path(draft), {"body": "Mine."}).status_code == 200


def test_the_author_cannot_approve_her_own_version(medinfo: User) -> None:
    version = factories.version(medinfo, status=VersionStatus.IN_REVIEW, expires_on=None)
    response = ApiClient(medinfo).post(
        version_path(version, "approve"), {"password": factories.PASSWORD, "expires_on": NEXT_YEAR}
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW


def test_a_wrong_password_is_named_and_never_logged(
    medinfo: User, compliance: User, caplog: pytest.LogCaptureFixture
) -> None:
    version = factories.version(medinfo, status=VersionStatus.IN_REVIEW)
    secret = "wrong-password-7Q"
    with caplog.at_level(logging.DEBUG):
        response = ApiClient(compliance).post(
            version_path(version, "approve"), {"password": secret, "expires_on": NEXT_YEAR}
        )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["password"]
    assert secret not in response.content.decode()
    assert all(secret not in record.getMessage() for record in caplog.records)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW
    assert not ElectronicSignature.objects.exists()


def test_approval_needs_an_expiry_after_today(medinfo: User, compliance: User) -> None:
    version = factories.version(medinfo, status=VersionStatus.IN_REVIEW)
    response = ApiClient(compliance).post(
        version_path(version, "approve"),
        {"password": factories.PASSWORD, "expires_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["expires_on"]


def test_rejection_needs_a_reason_and_a_signature(medinfo: User, compliance: User) -> None:
    version = factories.version(medinfo, status=VersionStatus.IN_REVIEW)
    client = ApiClient(compliance)
    without = client.post(version_path(version, "reject"), {"password": factories.PASSWORD})
    assert without.status_code == 422 and "reason" in without.json()["details"]
    rejected = client.post(
        version_path(version, "reject"),
        {"password": factories.PASSWORD, "reason": "the dose table is outdated"},
    )
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == VersionStatus.REJECTED
    assert rejected.json()["signatures"][0]["meaning"] == "rejected"
    assert rejected.json()["review_note"] == "the dose table is outdated"


def test_retiring_a_version_says_why_and_happens_once(medinfo: User, compliance: User) -> None:
    version = factories.approved_version(medinfo, compliance)
    client = ApiClient(medinfo)
    assert client.post(version_path(version, "retire"), {"reason": " "}).status_code == 422
    assert (
        ApiClient(compliance)
        .post(version_path(version, "retire"), {"reason": "new label"})
        .status_code
        == 403
    )
    retired = client.post(version_path(version, "retire"), {"reason": "new label"})
    assert retired.json()["status"] == VersionStatus.RETIRED
    assert client.post(version_path(version, "retire"), {"reason": "x"}).status_code == 409


def test_list_filters_sendable_product_and_words(medinfo: User, compliance: User) -> None:
    product = factories.own_product()
    sendable = factories.standard_response(medinfo, code="SRD-A", title="Renal impairment")
    sendable.products.add(product)
    factories.approved_version(medinfo, compliance, standard=sendable)
    draft_only = factories.standard_response(medinfo, code="SRD-B", title="Pregnancy")
    factories.version(medinfo, standard=draft_only)
    client = ApiClient(compliance)

    def codes(**params: str) -> list[str]:
        return [row["code"] for row in client.get("/medinfo/responses", params).json()["results"]]

    assert codes() == ["SRD-A", "SRD-B"]
    assert codes(sendable="true") == ["SRD-A"]
    assert codes(sendable="false") == ["SRD-B"]
    assert codes(product_id=str(product.pk)) == ["SRD-A"]
    assert codes(q="pregn") == ["SRD-B"]


def test_a_custom_response_is_drafted_for_one_inquiry(medinfo: User, msl: User) -> None:
    inquiry = factories.inquiry(msl)
    path = f"/medinfo/inquiries/{inquiry.pk}/custom-responses"
    assert ApiClient(msl).post(path, {"title": "t", "body": "b"}).status_code == 403
    response = ApiClient(medinfo).post(
        path,
        {
            "title": "For Dr Weber",
            "body": "In patients over 80 ...",
            "references": [{"citation": "Weber A. Lancet. 2024.", "pmid": "31562798"}],
        },
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["inquiry_id"] == inquiry.pk and answer["standard_id"] is None
    assert answer["references"] == [
        {"citation": "Weber A. Lancet. 2024.", "pmid": "31562798", "doi": None}
    ]
    assert StandardResponse.objects.count() == 0


def test_an_msl_sees_an_approved_custom_response_of_her_inquiry_only(
    medinfo: User, compliance: User, msl: User, other_msl: User
) -> None:
    inquiry = factories.inquiry(msl)
    version = factories.approved_version(medinfo, compliance, inquiry=inquiry)
    assert ApiClient(msl).get(version_path(version)).status_code == 200
    assert ApiClient(other_msl).get(version_path(version)).status_code == 404
