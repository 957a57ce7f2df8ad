"""API schemas of the reconciliation report: every flag and case of a period with
its timeliness."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.lib.api import InputSchema


class ReconciliationQuery(InputSchema):
    start: dt.date | None = Field(None, description="First Day 0 (default: 30 days before end)")
    end: dt.date | None = Field(None, description="Last Day 0 (default: today)")


class ReconciliationRowOut(Schema):
    kind: str = Field(description="flag or case")
    id: int = Field(description="The flag's or the case's id")
    reference: str
    source: str
    day_zero: dt.date
    reported_by: str
    product: str
    status: str
    forwarded_on: dt.date | None = Field(description="Handled (a flag) or forwarded (a case)")
    due_on: dt.date | None
    timely: bool | None = Field(description="null: still open and not yet due")
    note: str


class ReconciliationSummaryOut(Schema):
    flags: int
    cases: int
    late: int
    open: int


class ReconciliationOut(Schema):
    start: dt.date
    end: dt.date
    summary: ReconciliationSummaryOut
    rows: list[ReconciliationRowOut]
