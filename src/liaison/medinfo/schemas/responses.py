"""API schemas of standard responses and response versions (standard or custom): the
documents, their versions with the signatures of their review, and the bodies of
drafting, review and retirement. A password sent to sign is a secret: it is never
shown back, logged or kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import SecretStr, field_validator

from liaison.core import signatures
from liaison.core.models import ElectronicSignature
from liaison.lib.api import Id, InputSchema, PageQuery, PatchIn, refuse_nul
from liaison.medinfo.models import ResponseVersion, StandardResponse
from liaison.medinfo.services.responses import signature_holds

# --- answers ---------------------------------------------------------------------------


class ResponseReferenceOut(Schema):
    citation: str
    pmid: str | None = None
    doi: str | None = None


class ResponseProductOut(Schema):
    id: int
    name: str


class ResponseVersionSummaryOut(Schema):
    id: int
    number: int
    title: str
    status: str = Field(description="draft, in_review, approved, rejected or retired")
    expires_on: dt.date | None
    approved_at: dt.datetime | None


class StandardResponseOut(Schema):
    id: int
    code: str
    title: str
    therapeutic_area: str | None = Field(description="the therapeutic area's code")
    products: list[ResponseProductOut]
    topics: list[str]
    created_by: str
    created_at: dt.datetime
    versions: list[ResponseVersionSummaryOut] = Field(description="newest first")

    @staticmethod
    def resolve_therapeutic_area(obj: StandardResponse) -> str | None:
        return obj.therapeutic_area.code if obj.therapeutic_area else None

    @staticmethod
    def resolve_products(obj: StandardResponse) -> list[dict[str, Any]]:
        return [{"id": product.pk, "name": product.name} for product in obj.products.all()]

    @staticmethod
    def resolve_created_by(obj: StandardResponse) -> str:
        return obj.created_by.get_username()

    @staticmethod
    def resolve_versions(obj: StandardResponse) -> list[ResponseVersion]:
        return list(obj.versions.all())


class StandardResponsePageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[StandardResponseOut]


class ResponseSignatureOut(Schema):
    """An electronic signature as it is shown: printed name, date and time, meaning."""

    printed_name: str
    signer: str
    meaning: str = Field(description="approved or rejected")
    signed_at: dt.datetime
    comment: str

    @staticmethod
    def resolve_signer(obj: ElectronicSignature) -> str:
        return obj.signer.get_username()


class ResponseVersionOut(Schema):
    id: int
    standard_id: int | None = Field(description="null for a custom response")
    inquiry_id: int | None = Field(description="the inquiry a custom response is written for")
    number: int
    title: str
    body: str
    references: list[ResponseReferenceOut]
    status: str = Field(description="draft, in_review, approved, rejected or retired")
    expires_on: dt.date | None
    author: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    review_note: str
    content_digest: str = Field(description="SHA-256 of the text its approval signed")
    signature_holds: bool = Field(description="its text is still the text its approval signed")
    signatures: list[ResponseSignatureOut]

    @staticmethod
    def resolve_author(obj: ResponseVersion) -> str:
        return obj.author.get_username()

    @staticmethod
    def resolve_signature_holds(obj: ResponseVersion) -> bool:
        return signature_holds(obj)

    @staticmethod
    def resolve_signatures(obj: ResponseVersion) -> list[ElectronicSignature]:
        return list(signatures.signatures_for(obj))


# --- queries and bodies ------------------------------------------------------------


class StandardResponseListQuery(PageQuery):
    q: str = Field("", max_length=200, description="words of the code or title")
    product_id: Id | None = None
    sendable: bool | None = Field(
        None, description="true: only documents with an approved version not yet expired"
    )


class ResponseReferenceIn(InputSchema):
    citation: str = Field("", max_length=2000, description="as the letter prints it")
    pmid: str = Field("", max_length=20)
    doi: str = Field("", max_length=300)


class StandardResponseIn(InputSchema):
    code: str = Field(max_length=40)
    title: str = Field(max_length=250)
    therapeutic_area: str | None = Field(None, max_length=100, description="its code")
    product_ids: list[Id] = Field(default_factory=list, max_length=200)
    topics: list[str] = Field(default_factory=list, max_length=50)


class ResponseVersionIn(InputSchema):
    title: str = Field("", max_length=250, description="the document's title unless given")
    body: str = Field(max_length=100000)
    references: list[ResponseReferenceIn] = Field(default_factory=list, max_length=200)
    expires_on: dt.date | None = None


class ResponseVersionPatchIn(PatchIn):
    """A draft's fields; only those sent change."""

    nullable = frozenset({"expires_on"})

    title: str | None = Field(None, max_length=250)
    body: str | None = Field(None, max_length=100000)
    references: list[ResponseReferenceIn] | None = Field(None, max_length=200)
    expires_on: dt.date | None = None


class ResponseSigningIn(InputSchema):
    """A body that signs: the password is checked, never stored or shown."""

    password: SecretStr = Field(max_length=4096, description="yours, entered again to sign")

    @field_validator("password")
    @classmethod
    def _password_is_text(cls, value: SecretStr) -> SecretStr:
        refuse_nul(value.get_secret_value())
        return value


class ResponseApproveIn(ResponseSigningIn):
    expires_on: dt.date | None = Field(None, description="the version's own unless given")
    comment: str = Field("", max_length=2000)


class ResponseRejectIn(ResponseSigningIn):
    reason: str = Field(max_length=2000)


class ResponseRetireIn(InputSchema):
    reason: str = Field(max_length=2000)
