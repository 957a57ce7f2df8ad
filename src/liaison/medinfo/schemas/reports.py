"""API schemas of the turnaround report: by priority, the inquiries answered in a
period, on time and late, the median business days, and the open breaches."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.lib.api import InputSchema

#: The period of a report whose start is not given: the 30 days to its end.
DEFAULT_DAYS = 30


class TurnaroundQuery(InputSchema):
    start: dt.date | None = Field(
        None, description="the first day; 29 days before the end unless given"
    )
    end: dt.date | None = Field(None, description="the last day (inclusive); today unless given")


class TurnaroundRowOut(Schema):
    priority: str | None = Field(description="null for the total of every priority")
    label: str
    answered: int = Field(description="answered in the period")
    on_time: int = Field(description="answered by their due day")
    late: int
    median_business_days: float | None = Field(
        description="from receipt to answer, in business days of the requester's country"
    )
    open_breaches: int = Field(description="received by the end, still open and overdue today")


class TurnaroundOut(Schema):
    start: dt.date
    end: dt.date
    today: dt.date
    rows: list[TurnaroundRowOut]
    total: TurnaroundRowOut
