"""Response services: standard responses and their versions (changed by their author
alone), custom responses, the review with electronic signatures (four eyes, password,
expiry, what is signed, once)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pytest
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import ElectronicSignature, Role, SignatureMeaning, User
from liaison.medinfo.models import ResponseVersion, StandardResponse, VersionStatus
from liaison.medinfo.services import (
    approve_version,
    create_standard_response,
    draft_custom_response,
    new_response_version,
    reject_version,
    retire_version,
    submit_for_review,
    update_version,
)
from liaison.medinfo.services.responses import canonical_content, signature_holds
from liaison.medinfo.tests import factories
from liaison.medinfo.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


@pytest.fixture
def reviewer(db: None) -> User:
    """A second member of medical information, who reviews mia's versions."""
    return factories.user("max", Role.MEDICAL_INFORMATION)


def in_review(author: User, **values: object) -> ResponseVersion:
    return factories.version(author, status=VersionStatus.IN_REVIEW, **values)


def signatures_of(version: ResponseVersion) -> list[ElectronicSignature]:
    return list(
        ElectronicSignature.objects.filter(
            record_label="medinfo.ResponseVersion", record_id=str(version.pk)
        )
    )


# Standard responses and versions


def test_medical_information_creates_a_standard_response(medinfo: User) -> None:
    product = factories.own_product()

    document = create_standard_response(
        actor=medinfo,
        data={"code": " SRD-0012 ", "title": "Onvexa in renal impairment", "products": [product]},
    )

    assert document.code == "SRD-0012"
    assert list(document.products.all()) == [product]


def test_standard_response_codes_are_unique_whatever_the_case(medinfo: User) -> None:
    factories.standard_response(medinfo, code="SRD-0012")

    with pytest.raises(LiaisonError) as refused:
        create_standard_response(actor=medinfo, data={"code": "srd-0012", "title": "Another"})

    assert "another standard response" in refused.value.details["code"]


def test_msl_cannot_create_a_standard_response(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        create_standard_response(actor=msl, data={"code": "SRD-1", "title": "Dosing"})


def test_versions_are_numbered_in_turn(medinfo: User) -> None:
    document = factories.standard_response(medinfo, title="Dosing in the elderly")

    first = new_response_version(actor=medinfo, standard=document, data={"body": "Text one."})
    second = new_response_version(actor=medinfo, standard=document, data={"body": "Text two."})

    assert (first.number, second.number) == (1, 2)
    assert first.title == "Dosing in the elderly"
    assert second.status == VersionStatus.DRAFT
    assert second.author == medinfo


def test_a_version_needs_its_text(medinfo: User) -> None:
    document = factories.standard_response(medinfo)

    with pytest.raises(LiaisonError) as refused:
        new_response_version(actor=medinfo, standard=document, data={"body": " \n "})

    assert refused.value.details["body"] == "write the response's text"
    assert not ResponseVersion.objects.exists()


def test_references_are_checked_by_place(medinfo: User) -> None:
    document = factories.standard_response(medinfo)
    references = [
        {"citation": "Smith J. Renal dosing. Lancet. 2020;1:1-2.", "pmid": "12345678"},
        {"citation": " ", "pmid": "12a", "doi": "not a doi"},
    ]

    with pytest.raises(LiaisonError) as refused:
        new_response_version(
            actor=medinfo,
            standard=document,
            data={"body": "Text.", "references": references},  # type: ignore[typeddict-item]
        )

    details = refused.value.details
    assert set(details) == {"references.1.citation", "references.1.pmid", "references.1.doi"}
    assert "reference 2, PMID: '12a' is not a PMID" in refused.value.message


def test_references_are_stored_normalised(medinfo: User) -> None:
    document = factories.standard_response(medinfo)

    version = new_response_version(
        actor=medinfo,
        standard=document,
        data={
            "body": "Text.",
            "references": [
                {
                    "citation": "Smith  J.  Lancet.",
                    "pmid": " 00123 ",
                    "doi": "https://doi.org/10.1016/S0140-6736(20)30001-1",
                }
            ],
        },
    )

    assert version.references == [
        {"citation": "Smith J. Lancet.", "pmid": "123", "doi": "10.1016/S0140-6736(20)30001-1"}
    ]


def test_a_draft_is_edited_until_submitted(medinfo: User) -> None:
    version = factories.version(medinfo)

    update_version(actor=medinfo, version=version, data={"body": "Corrected text."})
    submit_for_review(actor=medinfo, version=version)

    stored = ResponseVersion.objects.get(pk=version.pk)
    assert (stored.body, stored.status) == ("Corrected text.", VersionStatus.IN_REVIEW)
    assert stored.submitted_at is not None
    with pytest.raises(Conflict):
        update_version(actor=medinfo, version=stored, data={"body": "Changed in review."})


def test_another_member_does_not_change_a_draft(medinfo: User, reviewer: User) -> None:
    draft = factories.version(medinfo)
    body = draft.body

    with pytest.raises(PermissionDenied) as refused:
        update_version(actor=reviewer, version=draft, data={"body": "Text written by max."})

    assert "only the author of this draft" in refused.value.message
    assert ResponseVersion.objects.get(pk=draft.pk).body == body


def test_another_member_does_not_submit_a_draft(medinfo: User, reviewer: User) -> None:
    draft = factories.version(medinfo)

    with pytest.raises(PermissionDenied):
        submit_for_review(actor=reviewer, version=draft)

    assert ResponseVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def _racing(
    monkeypatch: pytest.MonkeyPatch, verb: str, who: User, other: Callable[[], object]
) -> None:
    """Let ``other`` commit right after ``who`` passes the policy's ``verb`` check: two
    requests at once, both past their checks before either writes."""
    real = policy.require
    pending = [other]

    def require(user: object, action: str, target: object) -> None:
        real(user, action, target)  # type: ignore[arg-type]
        if action == verb and user == who and pending:
            pending.pop()()

    monkeypatch.setattr(policy, "require", require)


def test_an_edit_racing_a_submission_is_refused(
    medinfo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = factories.version(medinfo)
    other = ResponseVersion.objects.get(pk=draft.pk)
    _racing(monkeypatch, "change", medinfo, lambda: submit_for_review(actor=medinfo, version=other))

    with pytest.raises(Conflict) as refused:
        update_version(actor=medinfo, version=draft, data={"body": "Changed in review."})

    assert "now in review" in refused.value.message
    assert ResponseVersion.objects.get(pk=draft.pk).body != "Changed in review."


# Approval


def test_approval_signs_the_versions_exact_text(medinfo: User, reviewer: User) -> None:
    version = in_review(medinfo)

    approve_version(
        actor=reviewer, version=version, password=PASSWORD, expires_on=NEXT_YEAR, comment="ok"
    )

    stored = ResponseVersion.objects.get(pk=version.pk)
    assert stored.status == VersionStatus.APPROVED
    assert stored.expires_on == NEXT_YEAR
    [signature] = signatures_of(version)
    assert signature.meaning == SignatureMeaning.APPROVED
    assert signature.signer == reviewer
    expected = hashlib.sha256(canonical_content(stored).encode()).hexdigest()
    assert stored.content_digest == signature.content_digest == expected
    assert stored.approved_at == signature.signed_at
    assert signature_holds(stored)


def test_signed_text_holds_title_body_references_and_expiry(medinfo: User) -> None:
    version = factories.version(medinfo, expires_on=NEXT_YEAR)
    content = canonical_content(version)

    for changed in (
        {"title": "Another title"},
        {"body": "Another body."},
        {"references": [{"citation": "Other."}]},
        {"expires_on": NEXT_YEAR + dt.timedelta(days=1)},
    ):
        copy = ResponseVersion.objects.get(pk=version.pk)
        for name, value in changed.items():
            setattr(copy, name, value)
        assert canonical_content(copy) != content, changed


def test_author_cannot_approve_their_own_version(medinfo: User) -> None:
    version = in_review(medinfo)

    with pytest.raises(PermissionDenied) as refused:
        approve_version(actor=medinfo, version=version, password=PASSWORD, expires_on=NEXT_YEAR)

    assert "you wrote this version" in refused.value.message
    assert ResponseVersion.objects.get(pk=version.pk).status == VersionStatus.IN_REVIEW
    assert signatures_of(version) == []


def test_wrong_password_refuses_approval(medinfo: User, reviewer: User) -> None:
    version = in_review(medinfo)

    with pytest.raises(LiaisonError) as refused:
        approve_version(actor=reviewer, version=version, password="guess", expires_on=NEXT_YEAR)

    assert refused.value.field == "password"
    assert version.status == VersionStatus.IN_REVIEW
    assert ResponseVersion.objects.get(pk=version.pk).status == VersionStatus.IN_REVIEW
    assert signatures_of(version) == []


def test_two_reviews_at_once_sign_once(
    medinfo: User, reviewer: User, compliance: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = in_review(medinfo)
    other = ResponseVersion.objects.get(pk=version.pk)
    _racing(
        monkeypatch,
        "approve",
        compliance,
        lambda: approve_version(
            actor=reviewer, version=other, password=PASSWORD, expires_on=NEXT_YEAR
        ),
    )

    with pytest.raises(Conflict) as refused:
        reject_version(actor=compliance, version=version, password=PASSWORD, reason="Too long.")

    assert "now approved" in refused.value.message
    assert [s.meaning for s in signatures_of(version)] == [SignatureMeaning.APPROVED]
    assert ResponseVersion.objects.get(pk=version.pk).status == VersionStatus.APPROVED


@pytest.mark.parametrize("days", [0, -1])
def test_approval_needs_an_expiry_after_today(medinfo: User, reviewer: User, days: int) -> None:
    version = in_review(medinfo)
    expiry = timezone.localdate() + dt.timedelta(days=days)

    with pytest.raises(LiaisonError) as refused:
        approve_version(actor=reviewer, version=version, password=PASSWORD, expires_on=expiry)

    assert refused.value.field == "expires_on"
    assert signatures_of(version) == []


def test_approval_without_any_expiry_is_refused(medinfo: User, reviewer: User) -> None:
    version = in_review(medinfo)

    with pytest.raises(LiaisonError) as refused:
        approve_version(actor=reviewer, version=version, password=PASSWORD)

    assert refused.value.field == "expires_on"


def test_a_draft_is_not_approved_before_review(medinfo: User, reviewer: User) -> None:
    version = factories.version(medinfo)

    with pytest.raises(Conflict):
        approve_version(actor=reviewer, version=version, password=PASSWORD, expires_on=NEXT_YEAR)


def test_compliance_approves_and_pharmacovigilance_does_not(
    medinfo: User, compliance: User, pv: User
) -> None:
    version = in_review(medinfo)

    with pytest.raises(PermissionDenied):
        approve_version(actor=pv, version=version, password=PASSWORD, expires_on=NEXT_YEAR)
    approve_version(actor=compliance, version=version, password=PASSWORD, expires_on=NEXT_YEAR)

    assert ResponseVersion.objects.get(pk=version.pk).status == VersionStatus.APPROVED


def test_approving_a_version_retires_the_one_it_supersedes(medinfo: User, reviewer: User) -> None:
    first = factories.approved_version(medinfo, reviewer, number=1)
    second = in_review(medinfo, standard=first.standard, number=2)

    approve_version(actor=reviewer, version=second, password=PASSWORD, expires_on=NEXT_YEAR)

    assert ResponseVersion.objects.get(pk=first.pk).status == VersionStatus.RETIRED
    assert ResponseVersion.objects.get(pk=second.pk).status == VersionStatus.APPROVED


def test_a_text_changed_after_approval_no_longer_verifies(medinfo: User, reviewer: User) -> None:
    version = factories.approved_version(medinfo, reviewer)
    ResponseVersion.objects.filter(pk=version.pk).update(body="A quietly different text.")

    assert not signature_holds(ResponseVersion.objects.get(pk=version.pk))


# Rejection and retirement


def test_rejection_is_signed_with_its_reason(medinfo: User, reviewer: User) -> None:
    version = in_review(medinfo)

    reject_version(actor=reviewer, version=version, password=PASSWORD, reason="cite the SmPC")

    stored = ResponseVersion.objects.get(pk=version.pk)
    assert (stored.status, stored.review_note) == (VersionStatus.REJECTED, "cite the SmPC")
    [signature] = signatures_of(version)
    assert (signature.meaning, signature.comment) == (SignatureMeaning.REJECTED, "cite the SmPC")


def test_rejection_needs_a_reason(medinfo: User, reviewer: User) -> None:
    version = in_review(medinfo)

    with pytest.raises(LiaisonError) as refused:
        reject_version(actor=reviewer, version=version, password=PASSWORD, reason="")

    assert refused.value.field == "reason"
    assert signatures_of(version) == []


def test_an_approved_version_is_retired_with_a_reason(medinfo: User, reviewer: User) -> None:
    version = factories.approved_version(medinfo, reviewer)

    with pytest.raises(LiaisonError):
        retire_version(actor=medinfo, version=version, reason="")
    retire_version(actor=medinfo, version=version, reason="new safety data")

    assert ResponseVersion.objects.get(pk=version.pk).status == VersionStatus.RETIRED


def test_compliance_cannot_retire_a_version(
    medinfo: User, reviewer: User, compliance: User
) -> None:
    version = factories.approved_version(medinfo, reviewer)

    with pytest.raises(PermissionDenied):
        retire_version(actor=compliance, version=version, reason="new safety data")


# Custom responses


def test_custom_responses_are_numbered_per_inquiry(medinfo: User) -> None:
    inquiry = factories.inquiry(medinfo)
    other = factories.inquiry(medinfo)

    first = draft_custom_response(actor=medinfo, inquiry=inquiry, title="Answer", body="Text.")
    second = draft_custom_response(actor=medinfo, inquiry=inquiry, title="Answer", body="Text 2.")
    elsewhere = draft_custom_response(actor=medinfo, inquiry=other, title="Answer", body="Text.")

    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert first.inquiry == inquiry and first.standard is None
    assert not StandardResponse.objects.exists()


def test_custom_response_is_approved_like_a_standard_one(medinfo: User, reviewer: User) -> None:
    inquiry = factories.inquiry(medinfo)
    draft = draft_custom_response(
        actor=medinfo,
        inquiry=inquiry,
        title="Onvexa after progression",
        body="No data are available.",
        references=[{"citation": "Data on file."}],
    )
    submit_for_review(actor=medinfo, version=draft)

    approve_version(actor=reviewer, version=draft, password=PASSWORD, expires_on=NEXT_YEAR)

    assert signature_holds(ResponseVersion.objects.get(pk=draft.pk))


def test_msl_cannot_draft_a_custom_response(msl: User) -> None:
    inquiry = factories.inquiry(msl)

    with pytest.raises(PermissionDenied):
        draft_custom_response(actor=msl, inquiry=inquiry, title="Answer", body="Text.")
