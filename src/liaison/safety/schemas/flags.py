"""API schemas of flags: adverse-event language found in saved notes, waiting for
its author (or pharmacovigilance) to confirm it as a case or dismiss it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from liaison.lib.api import Id, InputSchema, PageQuery
from liaison.safety.models import FlagStatus
from liaison.safety.schemas.cases import CaseFields, CaseSourceOut

#: Which flags a list shows.
FlagShow = Literal["waiting", "mine", "escalated", "all"]


class FlagListQuery(PageQuery):
    show: FlagShow = Field(
        "waiting",
        description=(
            "waiting: open flags waiting for you (your own; for pharmacovigilance every "
            "escalated one too); mine: every flag raised on your notes; escalated: open flags "
            "escalated to pharmacovigilance; all: every flag you see"
        ),
    )
    status: FlagStatus | None = None


class FlagConfirmIn(CaseFields):
    """Confirm a flag as a case: Day 0, the product and the words found come from the
    flag; the fields sent add to them or replace them. An earlier `day_zero` is taken
    (someone heard it before); a later one needs `reason`."""

    flag_ids: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="Other flags of the same note, reported in the same case",
    )
    forward: bool = Field(
        True, description="Forward to pharmacovigilance now (false: keep it at intake)"
    )
    reason: str = Field(
        "",
        max_length=2000,
        description="Why `day_zero` is later than the flags were heard (required then; audited)",
    )


class FlagDismissIn(InputSchema):
    reason: str = Field("", max_length=2000, description="Why this is no adverse event (required)")


class FlagOut(Schema):
    id: int
    kind: str = Field(description="adverse_event, product_complaint or a special situation")
    status: str = Field(description="open, confirmed or dismissed")
    product_id: int | None
    product_name: str
    terms: str = Field(description="The words found (by_model: the words the model weighed most)")
    by_model: bool = Field(description="Found by the sentence model, no rule matched")
    sentence: str
    field: str = Field(description="Where it was found, e.g. Notes")
    heard_on: dt.date = Field(description="The day the author heard it: Day 0 of its case")
    country: str
    source: CaseSourceOut
    author: str
    handled_by: str | None
    handled_at: dt.datetime | None
    dismiss_reason: str
    case_id: int | None
    case_reference: str | None
    escalated_at: dt.datetime | None = Field(description="When it went to pharmacovigilance")
    escalation_due: dt.date = Field(description="Escalated when still open after this day")
    created_at: dt.datetime


class FlagPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[FlagOut]
