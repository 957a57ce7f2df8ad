"""API schemas of the resolution queue: shapes only (the rules are the services')."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.directory.models import HCP
from liaison.experts.models import Proposal
from liaison.lib.api import Id, InputSchema, PageQuery


class ProposalHCPOut(Schema):
    id: int
    full_name: str
    city: str
    country: str
    orcid: str | None


def _hcp(hcp: HCP | None) -> dict[str, Any] | None:
    if hcp is None:
        return None
    return {
        "id": hcp.pk,
        "full_name": hcp.full_name,
        "city": hcp.city,
        "country": hcp.country,
        "orcid": hcp.orcid,
    }


class ProposalOut(Schema):
    id: int
    kind: str = Field(description="link, discover or duplicate")
    status: str = Field(description="open, confirmed, rejected or superseded")
    hcp: ProposalHCPOut | None
    other_hcp: ProposalHCPOut | None
    mentions: list[str] = Field(description='"a:<authorship id>" or "o:<trial official id>"')
    score: float = Field(description="the probability that they are one person")
    evidence: dict[str, Any]
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    reason: str

    @staticmethod
    def resolve_hcp(obj: Proposal) -> dict[str, Any] | None:
        return _hcp(obj.hcp)

    @staticmethod
    def resolve_other_hcp(obj: Proposal) -> dict[str, Any] | None:
        return _hcp(obj.other_hcp)

    @staticmethod
    def resolve_decided_by(obj: Proposal) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None


class MentionOut(Schema):
    key: str
    name: str
    role: str
    affiliations: list[str]
    source: str = Field(description="PMID or NCT ID")
    url: str
    title: str
    year: int | None
    journal: str
    hcp_id: int | None


class ProposalDetailOut(ProposalOut):
    left: list[MentionOut] = Field(description="the proposal's mentions (or its first HCP's)")
    right: list[MentionOut] = Field(description="mentions of the HCP they are compared with")
    features: dict[str, Any] = Field(description="the resolver's features between the two")


class ProposalPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProposalOut]


class ProposalListQuery(PageQuery):
    status: str = Field("open", description="open, confirmed, rejected, superseded or all")
    kind: str = Field("", description="link, discover or duplicate (empty: every kind)")


class ConfirmIn(InputSchema):
    reason: str = Field("", max_length=2000)
    keep_id: Id | None = Field(None, description="a duplicate's HCP to keep (default: `hcp`)")
    country: str = Field(
        "",
        max_length=100,
        description="a discovered HCP's country (code or name) when the evidence names none",
    )


class RejectIn(InputSchema):
    reason: str = Field(..., max_length=2000, description="why; kept in the audit trail")


class MergeIn(InputSchema):
    keep_id: Id
    duplicate_id: Id
    reason: str = Field("", max_length=2000)


class SplitIn(InputSchema):
    hcp_id: Id
    mentions: list[str] = Field(..., max_length=1000, description="keys of the HCP's mentions")
    reason: str = Field(..., max_length=2000)
    given_name: str = Field("", max_length=120)
    family_name: str = Field("", max_length=120)
    country: str = Field("", max_length=100, description="the new HCP's country (code or name)")


class MergeOut(Schema):
    hcp_id: int
    moved: dict[str, int]
    copied: list[str]


class SplitOut(Schema):
    hcp_id: int = Field(description="the new HCP")
    moved: int
