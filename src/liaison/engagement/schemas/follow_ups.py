"""API schemas of follow-ups: shapes only (the rules are the service's)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.engagement.models import FollowUp
from liaison.lib.api import Id, InputSchema, PageQuery, PatchIn


class FollowUpHCPOut(Schema):
    id: int
    full_name: str


class FollowUpOut(Schema):
    id: int
    description: str
    due: dt.date
    done: bool
    done_at: dt.datetime | None
    overdue: bool
    owner: str = Field(description="Username of whoever promised it")
    hcp: FollowUpHCPOut | None
    interaction_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_done(obj: FollowUp) -> bool:
        return obj.is_done

    @staticmethod
    def resolve_overdue(obj: FollowUp) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_owner(obj: FollowUp) -> str:
        return obj.owner.get_username()

    @staticmethod
    def resolve_hcp(obj: FollowUp) -> dict[str, object] | None:
        return {"id": obj.hcp.pk, "full_name": obj.hcp.full_name} if obj.hcp else None


class FollowUpPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[FollowUpOut]


class FollowUpListQuery(PageQuery):
    status: str = Field("open", description="open, done or all")
    scope: str = Field("mine", description="mine, or team: every follow-up you see")
    overdue: bool = Field(False, description="Only open follow-ups past their due date")


class FollowUpCreateIn(InputSchema):
    description: str = Field(min_length=1, max_length=5000)
    due: dt.date
    hcp_id: Id | None = None
    interaction_id: Id | None = None


class FollowUpPatchIn(PatchIn):
    """Only the fields sent change; ``"done": true`` completes, ``false`` reopens."""

    nullable = frozenset({"hcp_id"})

    description: str | None = Field(None, min_length=1, max_length=5000)
    due: dt.date | None = None
    hcp_id: Id | None = Field(None, description="null: no HCP")
    done: bool | None = None
    reason: str = Field("", max_length=2000, description="Why, recorded in the audit trail")
