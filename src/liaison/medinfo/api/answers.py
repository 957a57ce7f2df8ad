"""``/api/v1/medinfo/answers``: an answer of an inquiry, its delivery record, the
response letter (DOCX or PDF) and its references (RIS).

An answer is seen by whoever sees its inquiry; medical information records its
delivery. The letter of an off-label inquiry states that the question was
unsolicited and when it was asked.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from liaison.core.errors import Conflict, LiaisonError
from liaison.lib.api import Id, Records, acting_user
from liaison.medinfo import services
from liaison.medinfo.api.refusals import body_refusals
from liaison.medinfo.models import Answer
from liaison.medinfo.schemas.answers import AnswerDeliveryIn, AnswerLetterQuery, InquiryAnswerOut

router = Router(tags=["medical information"])
ANSWERS = Records(Answer, related=("inquiry", "version__standard", "prepared_by", "delivered_by"))
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
RIS = "application/x-research-info-systems"


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    "/{answer_id}",
    response=InquiryAnswerOut,
    summary="Get an answer",
    description="The response version sent, its cover note, and its delivery record.",
)
def get_answer(request: HttpRequest, answer_id: Id) -> Answer:
    return ANSWERS.show(request, answer_id)


@router.post(
    "/{answer_id}/delivery",
    response=InquiryAnswerOut,
    summary="Record an answer's delivery",
    description=(
        "How (`method`: email, post, phone, in_person, fax) and when (`delivered_at`, now "
        "unless given) the answer reached the requester; you are recorded as who delivered "
        "it. Medical information; once per answer (409 after)."
    ),
)
def deliver_answer(request: HttpRequest, answer_id: Id, payload: AnswerDeliveryIn) -> Answer:
    user = acting_user(request)
    answer = ANSWERS.load(user, "change", answer_id)
    with body_refusals():
        services.deliver_answer(
            actor=user,
            answer=answer,
            method=payload.method,
            delivered_at=payload.delivered_at,
            note=payload.note,
        )
    return ANSWERS.answer(user, answer_id)


@router.get(
    "/{answer_id}/letter",
    response={200: None},
    summary="Download the response letter",
    description=(
        "The letter as DOCX (`format=docx`, the default) or PDF: the cover letter to the "
        "requester, the response, its references and the disclaimer."
    ),
)
def download_letter(
    request: HttpRequest, answer_id: Id, query: Query[AnswerLetterQuery]
) -> HttpResponse:
    user = acting_user(request)
    answer = ANSWERS.load(user, "view", answer_id)
    try:
        content = services.render_letter(actor=user, answer=answer, fmt=query.format)
    except LiaisonError as error:
        if type(error) is not LiaisonError:
            raise
        # The record lacks a part of the letter: the inquiry's to complete, not the query's.
        raise Conflict(error.message, field=error.field) from None
    filename = f"{answer.inquiry.reference}-letter.{query.format}"
    return attachment(content, CONTENT_TYPES[query.format], filename)


@router.get(
    "/{answer_id}/references.ris",
    response={200: None},
    summary="Download the answer's references as RIS",
    description="The references of the response sent, for a reference manager.",
)
def download_references(request: HttpRequest, answer_id: Id) -> HttpResponse:
    answer = ANSWERS.load(acting_user(request), "view", answer_id)
    filename = f"{answer.inquiry.reference}-references.ris"
    return attachment(services.references_ris(answer), RIS, filename)
