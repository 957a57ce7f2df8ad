"""The standard response pages: a document and a version drafted, submitted, and
reviewed with an electronic signature (a wrong password refused beside its field,
nothing signed); the signature's manifestation and whether the text still verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import ElectronicSignature, Role, User
from liaison.medinfo.models import ResponseVersion, StandardResponse, VersionStatus
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(db: None) -> User:
    return factories.user("max", Role.MEDICAL_INFORMATION)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _in_review(author: User) -> ResponseVersion:
    return factories.version(
        author,
        status=VersionStatus.IN_REVIEW,
        expires_on=timezone.localdate() + dt.timedelta(days=200),
    )


def test_document_and_first_version_are_drafted_and_submitted(
    client: Client, medinfo: User
) -> None:
    product = factories.own_product()
    signed_in(client, medinfo)
    created = client.post(
        reverse("medinfo:response-create"),
        {"code": "SRD-0012", "title": "Onvexa in renal impairment", "products": [product.pk]},
    )
    document = StandardResponse.objects.get(code="SRD-0012")
    assert created["Location"] == reverse("medinfo:version-create", args=[document.pk])
    drafted = client.post(
        reverse("medinfo:version-create", args=[document.pk]),
        {
            "body": "# Summary\nNo dose adjustment.",
            "references": "Öberg B. Renal dosing. Lancet. 2024;1:1-9. | PMID 123 | DOI 10.1000/xyz",
        },
    )
    version = ResponseVersion.objects.get(standard=document)
    assert drafted["Location"] == reverse("medinfo:version-detail", args=[version.pk])
    assert version.title == "Onvexa in renal impairment" and version.number == 1
    assert version.references == [
        {
            "citation": "Öberg B. Renal dosing. Lancet. 2024;1:1-9.",
            "pmid": "123",
            "doi": "10.1000/xyz",
        }
    ]
    client.post(reverse("medinfo:version-submit", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW


def test_a_wrong_reference_is_shown_beside_the_references_by_line(
    client: Client, medinfo: User
) -> None:
    document = factories.standard_response(medinfo)
    response = signed_in(client, medinfo).post(
        reverse("medinfo:version-create", args=[document.pk]),
        {"body": "Text.", "references": "Good citation.\nBad citation. | PMID abc"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_references_error"' in html and "line 2, PMID" in html
    assert not ResponseVersion.objects.exists()


def test_approval_with_a_wrong_password_is_refused_and_nothing_is_signed(
    client: Client, medinfo: User, reviewer: User
) -> None:
    version = _in_review(medinfo)
    response = signed_in(client, reviewer).post(
        reverse("medinfo:version-review", args=[version.pk]),
        {"meaning": "approved", "password": "not my password"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_password_error"' in html and "this is not your password" in html
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW and not version.content_digest
    assert not ElectronicSignature.objects.exists()


def test_approval_signs_the_version_and_shows_the_manifestation(
    client: Client, medinfo: User, reviewer: User
) -> None:
    reviewer.first_name, reviewer.last_name = "Max", "Reviewer"
    reviewer.save()
    version = _in_review(medinfo)
    response = signed_in(client, reviewer).post(
        reverse("medinfo:version-review", args=[version.pk]),
        {"meaning": "approved", "password": factories.PASSWORD, "comment": "Checked."},
    )
    assert response["Location"] == reverse("medinfo:version-detail", args=[version.pk])
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    page = client.get(reverse("medinfo:version-detail", args=[version.pk])).content.decode()
    assert "Max Reviewer" in page and "Approved" in page
    assert "Matches the version shown" in page and "Can be sent" in page
    document = client.get(reverse("medinfo:response-detail", args=[version.standard_id]))
    assert "Text verifies" in document.content.decode()


def test_a_text_changed_after_approval_is_shown_as_not_verifying(
    client: Client, medinfo: User, reviewer: User
) -> None:
    version = factories.approved_version(medinfo, reviewer)
    ResponseVersion.objects.filter(pk=version.pk).update(body="Tampered with.")
    page = (
        signed_in(client, medinfo)
        .get(reverse("medinfo:version-detail", args=[version.pk]))
        .content.decode()
    )
    assert "Cannot be sent: its text changed after approval" in page
    assert "Does not match the version shown" in page


def test_rejection_needs_a_reason_in_the_comment(
    client: Client, medinfo: User, reviewer: User
) -> None:
    version = _in_review(medinfo)
    url = reverse("medinfo:version-review", args=[version.pk])
    refused = signed_in(client, reviewer).post(
        url, {"meaning": "rejected", "password": factories.PASSWORD}
    )
    assert refused.status_code == 422 and 'id="id_comment_error"' in refused.content.decode()
    client.post(
        url,
        {"meaning": "rejected", "password": factories.PASSWORD, "comment": "Dose table is old."},
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.REJECTED


def test_another_member_neither_edits_nor_is_offered_to_edit_a_draft(
    client: Client, medinfo: User, reviewer: User
) -> None:
    draft = factories.version(medinfo)
    edit = reverse("medinfo:version-edit", args=[draft.pk])
    signed_in(client, reviewer)
    page = client.get(reverse("medinfo:version-detail", args=[draft.pk])).content.decode()
    posted = client.post(edit, {"title": draft.title, "body": "Text written by max."})
    assert edit not in page
    assert posted.status_code == 403
    assert ResponseVersion.objects.get(pk=draft.pk).body == draft.body
    signed_in(client, medinfo)
    own = client.get(reverse("medinfo:version-detail", args=[draft.pk])).content.decode()
    assert edit in own


def test_the_author_is_not_offered_the_review(client: Client, medinfo: User) -> None:
    version = _in_review(medinfo)
    signed_in(client, medinfo)
    page = client.get(reverse("medinfo:version-detail", args=[version.pk])).content.decode()
    assert reverse("medinfo:version-review", args=[version.pk]) not in page
    assert client.get(reverse("medinfo:version-review", args=[version.pk])).status_code == 403


def test_retiring_a_version_needs_a_reason(client: Client, medinfo: User, reviewer: User) -> None:
    version = factories.approved_version(medinfo, reviewer)
    url = reverse("medinfo:version-retire", args=[version.pk])
    assert signed_in(client, medinfo).post(url, {"reason": ""}).status_code == 422
    client.post(url, {"reason": "superseded by the new label"})
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED


def test_msl_does_not_read_standard_responses(client: Client, msl: User) -> None:
    assert signed_in(client, msl).get(reverse("medinfo:response-list")).status_code == 403
