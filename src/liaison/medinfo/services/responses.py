"""Response documents: standard responses in numbered versions, custom responses to
one inquiry, and their review. Every change is audited.

A version is drafted and changed by its author alone, submitted for review by
them, then approved or rejected by another member of medical information or
compliance with an electronic signature
(:mod:`liaison.core.signatures`: the password entered again, the meaning, the
exact content). The content signed is the version's canonical text
(:func:`canonical_content`: title, body, references, expiry); its digest is kept
on the version, so a text changed after approval no longer verifies and cannot be
sent (:func:`signature_holds`). Approving needs an expiry date in the future;
approving a standard response's version retires the versions it supersedes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from liaison.core import audit, policy, signatures
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import ElectronicSignature, SignatureMeaning, User
from liaison.core.refusals import check_keys, errors_of
from liaison.core.signatures import printed_name_of
from liaison.literature.reference_formats.model import normalise_doi, normalise_pmid
from liaison.medinfo.models import (
    Inquiry,
    ResponseVersion,
    StandardResponse,
    VersionStatus,
)
from liaison.medinfo.services.data import ReferenceData, StandardResponseData, VersionData
from liaison.medinfo.services.refusals import refusal

STANDARD_FIELDS = tuple(StandardResponseData.__annotations__)
VERSION_FIELDS = tuple(VersionData.__annotations__)


def _status(version: ResponseVersion) -> str:
    return VersionStatus(version.status).label.lower()


def clean_references(raw: object) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The references as stored (``citation``, and ``pmid`` and ``doi`` when given,
    normalised) and the reasons to refuse them, by place (``references.1.pmid``)."""
    if not isinstance(raw, list | tuple):
        return [], {"references": "give a list of references"}
    cleaned: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for index, item in enumerate(raw):
        place = f"references.{index}"
        if not isinstance(item, dict):
            errors[place] = "a reference has a citation, and a PMID or DOI if it has one"
            continue
        unknown = sorted(set(item) - {"citation", "pmid", "doi"})
        if unknown:
            errors[f"{place}.{unknown[0]}"] = "not a part of a reference (citation, pmid, doi)"
        citation = " ".join(str(item.get("citation") or "").split())
        if not citation:
            errors[f"{place}.citation"] = "give the citation as the letter prints it"
        reference = {"citation": citation}
        pmid_text = str(item.get("pmid") or "").strip()
        if pmid_text:
            pmid = normalise_pmid(pmid_text)
            if pmid is None:
                errors[f"{place}.pmid"] = f"{pmid_text!r} is not a PMID (1 to 9 digits)"
            else:
                reference["pmid"] = pmid
        doi_text = str(item.get("doi") or "").strip()
        if doi_text:
            doi = normalise_doi(doi_text)
            if doi is None:
                errors[f"{place}.doi"] = f"{doi_text!r} is not a DOI (10.<number>/<suffix>)"
            else:
                reference["doi"] = doi
        cleaned.append(reference)
    return cleaned, errors


def document_id(version: ResponseVersion) -> str:
    """The document a version belongs to: the standard response's code, or the
    inquiry's reference for a custom response."""
    if version.standard is not None:
        return version.standard.code
    inquiry = version.inquiry
    return f"{inquiry.reference}-custom" if inquiry is not None else "custom"


def canonical_content(version: ResponseVersion) -> str:
    """The exact text an approval signs: the document and version, title, body,
    references and expiry, as canonical JSON (the same values give the same bytes)."""
    content = {
        "document": document_id(version),
        "version": version.number,
        "title": version.title,
        "body": version.body,
        "references": version.references,
        "expires_on": version.expires_on.isoformat() if version.expires_on else None,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def approval_of(version: ResponseVersion) -> ElectronicSignature | None:
    """The signature that approved ``version`` (None before approval)."""
    return signatures.signatures_for(version).filter(meaning=SignatureMeaning.APPROVED).last()


def signature_holds(version: ResponseVersion) -> bool:
    """Whether ``version``'s text is still the text its approval signed."""
    signature = approval_of(version)
    if signature is None or not version.content_digest:
        return False
    content = canonical_content(version)
    return version.content_digest == signature.content_digest and signatures.verify(
        signature, content
    )


def create_standard_response(*, actor: User, data: StandardResponseData) -> StandardResponse:
    """A new standard response document (its text comes in versions)."""
    policy.require(actor, "add", StandardResponse)
    values: dict[str, Any] = dict(data)
    check_keys(values, STANDARD_FIELDS, "a standard response")
    m2m = {"products": list(values.pop("products", None) or [])}
    values["code"] = str(values.get("code") or "").strip()
    values["topics"] = [str(topic).strip() for topic in values.get("topics") or [] if topic]
    document = StandardResponse(created_by=actor, **values)
    errors = errors_of(document)
    if values["code"] and StandardResponse.objects.filter(code__iexact=values["code"]).exists():
        errors["code"] = f"{values['code']!r} is the code of another standard response"
    if errors:
        raise refusal(errors, StandardResponse)
    with transaction.atomic():
        audit.create_record(actor=actor, instance=document, m2m=m2m)
    return document


def _version_values(data: VersionData) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = dict(data)
    check_keys(values, VERSION_FIELDS, "a response version")
    errors: dict[str, str] = {}
    if "references" in values:
        values["references"], errors = clean_references(values["references"] or [])
    return values, errors


def _check_version(version: ResponseVersion, errors: dict[str, str]) -> None:
    found = errors_of(version)
    if not (version.body or "").strip():
        found["body"] = "write the response's text"
    if not (version.title or "").strip():
        found["title"] = "give the response a title"
    found.update(errors)
    if found:
        raise refusal(found, ResponseVersion)


def new_response_version(
    *, actor: User, standard: StandardResponse, data: VersionData
) -> ResponseVersion:
    """The next version of ``standard``, as a draft by ``actor``."""
    policy.require(actor, "change", standard)
    values, errors = _version_values(data)
    values.setdefault("title", standard.title)
    version = ResponseVersion(standard=standard, author=actor, **values)
    _check_version(version, errors)
    with transaction.atomic():
        # Lock the document so two drafts cannot take the same number.
        StandardResponse.objects.select_for_update().filter(pk=standard.pk).first()
        latest = standard.versions.aggregate(latest=Max("number"))["latest"]
        version.number = (latest or 0) + 1
        audit.create_record(actor=actor, instance=version)
    return version


def draft_custom_response(
    *,
    actor: User,
    inquiry: Inquiry,
    title: str,
    body: str,
    references: list[ReferenceData] | None = None,
    expires_on: dt.date | None = None,
) -> ResponseVersion:
    """A response written for ``inquiry`` alone, as a draft; it is reviewed and
    approved like a standard response's version."""
    policy.require(actor, "work", inquiry)
    data: VersionData = {"title": title, "body": body, "references": list(references or [])}
    if expires_on is not None:
        data["expires_on"] = expires_on
    values, errors = _version_values(data)
    version = ResponseVersion(inquiry=inquiry, author=actor, **values)
    _check_version(version, errors)
    with transaction.atomic():
        Inquiry.objects.select_for_update().filter(pk=inquiry.pk).first()
        latest = inquiry.custom_responses.aggregate(latest=Max("number"))["latest"]
        version.number = (latest or 0) + 1
        audit.create_record(actor=actor, instance=version)
    return version


def _require_author(actor: User, version: ResponseVersion, doing: str) -> None:
    """Only a draft's author changes or submits it: a reviewer who edited another's
    draft would sign words of their own (four eyes)."""
    if version.author_id != actor.pk:
        raise PermissionDenied(
            f"only the author of this draft, {printed_name_of(version.author)}, {doing} it: "
            "its reviewer must not have written any of it (four eyes)"
        )


def _lock(version: ResponseVersion, status: str, doing: str) -> None:
    """Lock ``version``'s row and check it is still ``status`` (the caller holds the
    transaction): of two reviews, or an edit and a submission, at once, the second
    finds the first's change instead of passing the same check in memory."""
    current = (
        ResponseVersion.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=version.pk)
    )
    if current != status:
        now = VersionStatus(current).label.lower()
        raise Conflict(f"status: this version is now {now}; it is not {doing}", field="status")


def update_version(*, actor: User, version: ResponseVersion, data: VersionData) -> ResponseVersion:
    """Change a draft (title, body, references, expiry): its author alone."""
    policy.require(actor, "view", version)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(f"status: a version {_status(version)} is not edited", field="status")
    _require_author(actor, version, "changes")
    policy.require(actor, "change", version)
    values, errors = _version_values(data)
    candidate = ResponseVersion(
        **{field.attname: getattr(version, field.attname) for field in ResponseVersion._meta.fields}
    )
    for name, value in values.items():
        setattr(candidate, name, value)
    _check_version(candidate, errors)
    with transaction.atomic():
        _lock(version, VersionStatus.DRAFT, "edited")
        audit.update_record(actor=actor, instance=version, values=values)
    return version


def submit_for_review(*, actor: User, version: ResponseVersion) -> ResponseVersion:
    """Send a draft to review (its author): it can no longer be edited, only approved
    or rejected."""
    policy.require(actor, "view", version)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(f"status: a version {_status(version)} is not submitted", field="status")
    _require_author(actor, version, "submits")
    policy.require(actor, "change", version)
    with transaction.atomic():
        _lock(version, VersionStatus.DRAFT, "submitted")
        audit.update_record(
            actor=actor,
            instance=version,
            values={"status": VersionStatus.IN_REVIEW, "submitted_at": timezone.now()},
        )
    return version


def _require_reviewer(actor: User, version: ResponseVersion) -> None:
    policy.require(actor, "view", version)
    if version.status != VersionStatus.IN_REVIEW:
        raise Conflict(
            f"status: a version {_status(version)} is not reviewed; submit it first",
            field="status",
        )
    if version.author_id == actor.pk:
        raise PermissionDenied(
            "you wrote this version: another member of medical information or compliance reviews it"
        )
    policy.require(actor, "approve", version)


def approve_version(
    *,
    actor: User,
    version: ResponseVersion,
    password: str,
    expires_on: dt.date | None = None,
    comment: str = "",
) -> ResponseVersion:
    """Approve a version in review with ``actor``'s electronic signature (meaning
    approved) over its canonical text; the version can then be sent until it expires.
    ``expires_on`` (or the version's own) must be after today."""
    _require_reviewer(actor, version)
    expiry = expires_on or version.expires_on
    if expiry is None:
        raise LiaisonError("expires_on: give the day the approval expires", field="expires_on")
    if expiry <= timezone.localdate():
        raise LiaisonError(
            f"expires_on: {expiry.isoformat()} is not in the future; an approval expires "
            "after today",
            field="expires_on",
        )
    candidate = ResponseVersion(
        **{field.attname: getattr(version, field.attname) for field in ResponseVersion._meta.fields}
    )
    candidate.expires_on = expiry
    content = canonical_content(candidate)
    # Checked outside the transaction too: a refused password stays counted and audited.
    signatures.check_password(actor=actor, password=password, record=version)
    with transaction.atomic():
        _lock(version, VersionStatus.IN_REVIEW, "approved")
        # Signed first: a wrong password leaves the version untouched, in memory too.
        signature = signatures.sign_record(
            actor=actor,
            password=password,
            meaning=SignatureMeaning.APPROVED,
            record=version,
            content=content,
            comment=comment,
        )
        audit.update_record(
            actor=actor,
            instance=version,
            values={
                "expires_on": expiry,
                "status": VersionStatus.APPROVED,
                "approved_at": signature.signed_at,
                "content_digest": signature.content_digest,
                "review_note": comment.strip(),
            },
        )
        if version.standard_id is not None:
            superseded = ResponseVersion.objects.filter(
                standard_id=version.standard_id,
                status=VersionStatus.APPROVED,
                number__lt=version.number,
            )
            for old in superseded:
                audit.update_record(
                    actor=actor,
                    instance=old,
                    values={"status": VersionStatus.RETIRED},
                    reason=f"superseded by version {version.number}",
                )
    return version


def reject_version(
    *, actor: User, version: ResponseVersion, password: str, reason: str
) -> ResponseVersion:
    """Reject a version in review, saying why, with ``actor``'s electronic signature
    (meaning rejected); its author writes a new version."""
    _require_reviewer(actor, version)
    if not reason.strip():
        raise LiaisonError("reason: say why the version is rejected", field="reason")
    signatures.check_password(actor=actor, password=password, record=version)
    with transaction.atomic():
        _lock(version, VersionStatus.IN_REVIEW, "rejected")
        signatures.sign_record(
            actor=actor,
            password=password,
            meaning=SignatureMeaning.REJECTED,
            record=version,
            content=canonical_content(version),
            comment=reason,
        )
        audit.update_record(
            actor=actor,
            instance=version,
            values={"status": VersionStatus.REJECTED, "review_note": reason.strip()},
            reason=reason.strip(),
        )
    return version


def retire_version(*, actor: User, version: ResponseVersion, reason: str) -> ResponseVersion:
    """Withdraw a version (it is no longer sent), saying why: medical information,
    for a standard response's version or a custom response of an inquiry they work."""
    policy.require(actor, "view", version)
    owner_allows = (
        policy.can(actor, "change", version.standard)
        if version.standard is not None
        else version.inquiry is not None and policy.can(actor, "work", version.inquiry)
    )
    if not owner_allows:
        raise PermissionDenied("you may not retire this version")
    if version.status == VersionStatus.RETIRED:
        raise Conflict("status: this version is already retired", field="status")
    if not reason.strip():
        raise LiaisonError("reason: say why the version is retired", field="reason")
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=version,
            values={"status": VersionStatus.RETIRED},
            reason=reason.strip(),
        )
    return version
