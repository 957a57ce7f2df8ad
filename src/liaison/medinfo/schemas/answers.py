"""API schemas of answers: the approved response sent to an inquiry, its delivery
record, and the letter's format."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from liaison.lib.api import InputSchema
from liaison.medinfo.models import Answer
from liaison.medinfo.schemas.common import Moment
from liaison.medinfo.services.responses import document_id


class AnswerVersionOut(Schema):
    id: int
    document: str = Field(description="the standard response's code, or “<reference>-custom”")
    number: int
    title: str
    standard_id: int | None = Field(description="null for a custom response")


class InquiryAnswerOut(Schema):
    id: int
    inquiry_id: int
    version: AnswerVersionOut
    cover_note: str
    prepared_by: str
    prepared_at: dt.datetime
    delivered_at: dt.datetime | None
    delivered_by: str | None
    delivery_method: str = Field(description="empty until delivered")
    delivery_note: str

    @staticmethod
    def resolve_version(obj: Answer) -> dict[str, Any]:
        version = obj.version
        return {
            "id": version.pk,
            "document": document_id(version),
            "number": version.number,
            "title": version.title,
            "standard_id": version.standard_id,
        }

    @staticmethod
    def resolve_prepared_by(obj: Answer) -> str:
        return obj.prepared_by.get_username()

    @staticmethod
    def resolve_delivered_by(obj: Answer) -> str | None:
        return obj.delivered_by.get_username() if obj.delivered_by else None


class AnswerDeliveryIn(InputSchema):
    method: str = Field(description="email, post, phone, in_person or fax")
    delivered_at: Moment | None = Field(None, description="now unless given")
    note: str = Field("", max_length=300)


class AnswerLetterQuery(InputSchema):
    format: Literal["docx", "pdf"] = Field("docx", description="docx or pdf")
