"""Answers: an approved response sent to an inquiry, its delivery record, and the
letter that carries it (DOCX or PDF) with its references (RIS).

Only an approved version is sent, before its expiry and while its text is still
the text its approval signed; a custom response only to the inquiry it was
written for. This is checked when the answer is prepared, again when it is
delivered, and when its letter is printed before delivery. The letter of an
off-label inquiry opens with the statement that the request was unsolicited, and
when it was made: the provenance travels with the answer.

The sender's details come from the settings: ``LIAISON_MEDINFO_COMPANY``,
``LIAISON_MEDINFO_ADDRESS`` (lines), ``LIAISON_MEDINFO_PHONE``,
``LIAISON_MEDINFO_EMAIL`` and ``LIAISON_MEDINFO_DISCLAIMER``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import Conflict, LiaisonError
from liaison.core.models import User
from liaison.core.signatures import printed_name_of
from liaison.literature.reference_formats import Reference, ReferenceType, write_ris
from liaison.medinfo import turnaround
from liaison.medinfo.letters.content import (
    LetterContent,
    Requester,
    ResponseDocument,
    Sender,
    Signatory,
    unsolicited_statement,
)
from liaison.medinfo.models import (
    Answer,
    DeliveryMethod,
    Inquiry,
    InquiryStatus,
    ResponseVersion,
    VersionStatus,
)
from liaison.medinfo.services.refusals import refusal
from liaison.medinfo.services.responses import document_id, signature_holds

DEFAULT_DISCLAIMER = (
    "This response is provided for the personal use of the requester, in answer to a "
    "specific question. It is not intended as a recommendation for any use of the product "
    "beyond its approved prescribing information, which should be consulted before prescribing."
)
#: Credentials that make an HCP "Dr" in a salutation.
_DOCTORS = frozenset({"md", "do", "phd", "mbbs", "mbchb", "dmd", "dds", "pharmd", "dr"})

LetterFormat = Literal["docx", "pdf"]


#: Why a version whose text is no longer the text signed is never sent nor printed.
_NOT_VERIFIED = (
    "its text has changed since it was approved (the signature no longer verifies); "
    "submit it for approval again"
)


def sendable_refusal(version: ResponseVersion, inquiry: Inquiry, today: dt.date) -> str | None:
    """Why ``version`` cannot be sent to ``inquiry`` on ``today`` (None: it can)."""
    if version.inquiry_id is not None and version.inquiry_id != inquiry.pk:
        owner = version.inquiry.reference if version.inquiry is not None else "another inquiry"
        return f"this custom response was written for {owner}, not {inquiry.reference}"
    if version.status != VersionStatus.APPROVED:
        status = VersionStatus(version.status).label.lower()
        return f"it is {status}; only an approved version is sent"
    if version.expires_on is None or version.expires_on < today:
        expired = version.expires_on.isoformat() if version.expires_on else "an unknown day"
        return f"its approval expired on {expired}; approve a new version"
    if not signature_holds(version):
        return _NOT_VERIFIED
    return None


def version_name(version: ResponseVersion) -> str:
    """``SRD-ONV-001 version 3``: the document and the version, as a refusal names them."""
    return f"{document_id(version)} version {version.number}"


def letter_refusal(answer: Answer, today: dt.date) -> str | None:
    """Why the letter of ``answer`` is not printed on ``today`` (None: it is).

    Before delivery the letter is what will be sent, so its version must still be
    sendable (approved, unexpired, verifying). A delivered letter is the copy of what
    was sent and prints after its version expired or was retired, but never with a
    text its signature no longer covers."""
    version = answer.version
    if answer.delivered_at is None:
        reason = sendable_refusal(version, answer.inquiry, today)
    else:
        reason = None if signature_holds(version) else _NOT_VERIFIED
    return f"{version_name(version)} cannot be printed: {reason}" if reason else None


def answer_inquiry(
    *, actor: User, inquiry: Inquiry, version: ResponseVersion, cover_note: str = ""
) -> Answer:
    """Answer ``inquiry`` with an approved, unexpired ``version`` whose signature
    still verifies; the inquiry is then answered (its clock stops)."""
    policy.require(actor, "work", inquiry)
    if inquiry.status in (InquiryStatus.CLOSED, InquiryStatus.CANCELLED):
        status = InquiryStatus(inquiry.status).label.lower()
        raise Conflict(f"status: an inquiry {status} is not answered", field="status")
    policy.require(actor, "view", version)
    reason = sendable_refusal(version, inquiry, timezone.localdate())
    if reason:
        raise LiaisonError(
            f"version: {version_name(version)} cannot be sent: {reason}", field="version"
        )
    now = timezone.now()
    answer = Answer(
        inquiry=inquiry,
        version=version,
        cover_note=cover_note.strip(),
        prepared_by=actor,
        prepared_at=now,
    )
    with transaction.atomic():
        audit.create_record(actor=actor, instance=answer)
        audit.update_record(
            actor=actor,
            instance=inquiry,
            values={
                "status": InquiryStatus.ANSWERED,
                # The first answer stops the clock; a later one does not restart it.
                "answered_at": inquiry.answered_at or now,
            },
        )
    return answer


def deliver_answer(
    *,
    actor: User,
    answer: Answer,
    method: str,
    delivered_at: dt.datetime | None = None,
    note: str = "",
) -> Answer:
    """Record how and when ``answer`` reached the requester, and by whom (``actor``).

    Its version must still be sendable on the day of delivery: one expired, retired
    or no longer verifying since the answer was prepared is not delivered."""
    policy.require(actor, "change", answer)
    _require_undelivered(answer)
    errors: dict[str, str] = {}
    if method not in DeliveryMethod.values:
        names = ", ".join(DeliveryMethod.values)
        errors["method"] = f"{method!r} is not a way of delivering; choose one of {names}"
    when = delivered_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        errors["delivered_at"] = "it cannot be delivered in the future"
    elif when < answer.prepared_at:
        errors["delivered_at"] = "it cannot be delivered before the answer was prepared"
    if errors:
        raise refusal(errors, Answer)
    reason = sendable_refusal(answer.version, answer.inquiry, timezone.localdate(when))
    if reason:
        raise Conflict(
            f"version: {version_name(answer.version)} cannot be delivered: {reason}",
            field="version",
        )
    with transaction.atomic():
        # Locked and read again: of two deliveries at once, the second finds the first.
        _require_undelivered(Answer.objects.select_for_update().get(pk=answer.pk))
        audit.update_record(
            actor=actor,
            instance=answer,
            values={
                "delivery_method": method,
                "delivered_at": when,
                "delivered_by": actor,
                "delivery_note": note.strip()[:300],
            },
        )
    return answer


def _require_undelivered(answer: Answer) -> None:
    if answer.delivered_at is not None:
        raise Conflict(
            f"delivered_at: this answer was delivered on {answer.delivered_at:%Y-%m-%d}",
            field="delivered_at",
        )


def _sender() -> Sender:
    address = getattr(settings, "LIAISON_MEDINFO_ADDRESS", ())
    lines = tuple(address.splitlines() if isinstance(address, str) else address)
    return Sender(
        company=str(getattr(settings, "LIAISON_MEDINFO_COMPANY", "") or "Liaison Pharma"),
        address_lines=tuple(line.strip() for line in lines if line.strip()),
        phone=getattr(settings, "LIAISON_MEDINFO_PHONE", None) or None,
        email=getattr(settings, "LIAISON_MEDINFO_EMAIL", None) or None,
    )


def _requester(inquiry: Inquiry) -> tuple[Requester, str]:
    """The addressee and the salutation."""
    hcp = inquiry.requester_hcp
    doctor = hcp is not None and any(
        credential.lower().replace(".", "") in _DOCTORS for credential in hcp.credentials
    )
    requester = Requester(
        name=inquiry.requester_name,
        title="Dr" if doctor else None,
        organisation=inquiry.requester_organization or None,
        address_lines=tuple(
            line.strip() for line in inquiry.requester_address.splitlines() if line.strip()
        ),
    )
    if doctor and hcp is not None:
        return requester, f"Dear Dr {hcp.family_name},"
    return requester, f"Dear {inquiry.requester_name},"


def letter_content(answer: Answer) -> LetterContent:
    """What the letter of ``answer`` says (the caller has loaded it through the policy)."""
    inquiry = answer.inquiry
    requester, salutation = _requester(inquiry)
    statement = None
    if inquiry.off_label:
        asked = inquiry.unsolicited_requested_at or inquiry.received_at
        statement = unsolicited_statement(turnaround.day_of(asked, turnaround.zone_of(inquiry)))
    try:
        return _letter(answer, requester, salutation, statement)
    except ValueError as error:
        # The content names every missing part; a record that lacks one is the user's to fix.
        raise LiaisonError(str(error), field="letter") from None


def _letter(
    answer: Answer, requester: Requester, salutation: str, statement: str | None
) -> LetterContent:
    inquiry, version = answer.inquiry, answer.version
    return LetterContent(
        reference=inquiry.reference,
        # Dated where the inquiry was taken, as its days are.
        date=turnaround.day_of(answer.prepared_at, turnaround.zone_of(inquiry)),
        sender=_sender(),
        requester=requester,
        salutation=salutation,
        question=inquiry.question,
        response=ResponseDocument(
            title=version.title,
            document_id=document_id(version),
            version=str(version.number),
            body=version.body,
        ),
        disclaimer=str(getattr(settings, "LIAISON_MEDINFO_DISCLAIMER", "") or DEFAULT_DISCLAIMER),
        signatory=Signatory(name=printed_name_of(answer.prepared_by), title="Medical Information"),
        references=tuple(str(item.get("citation", "")) for item in version.references),
        unsolicited_statement=statement,
    )


def render_letter(*, actor: User, answer: Answer, fmt: LetterFormat | str) -> bytes:
    """The letter of ``answer`` as the bytes of a DOCX or PDF file, for whoever may
    see its inquiry; refused while its version may not be sent (:func:`letter_refusal`)."""
    policy.require(actor, "view", answer)
    reason = letter_refusal(answer, timezone.localdate())
    if reason:
        raise Conflict(f"version: {reason}", field="version")
    content = letter_content(answer)
    if fmt == "docx":
        from liaison.medinfo.letters.docx_writer import write_docx

        return write_docx(content)
    if fmt == "pdf":
        # WeasyPrint loads slowly: only when a PDF is asked for.
        from liaison.medinfo.letters.pdf_writer import write_pdf

        return write_pdf(content)
    raise LiaisonError(f"fmt: {fmt!r} is not a letter format; choose docx or pdf", field="fmt")


def references_ris(answer: Answer) -> str:
    """The references of ``answer``'s response as RIS text (the citation as the title,
    with its PMID and DOI), for the requester's reference manager."""
    references = [
        Reference(
            type=ReferenceType.GENERIC,
            title=str(item.get("citation") or "") or None,
            pmid=item.get("pmid") or None,
            doi=item.get("doi") or None,
        )
        for item in answer.version.references
    ]
    stream = io.StringIO()
    write_ris(references, stream)
    return stream.getvalue()
