"""``/api/v1/safety/reconciliation``: every flag and case whose Day 0 falls in a
period, with its timeliness (a flag handled within its business day, a case
forwarded by its due date): what pharmacovigilance audits ask for.
Pharmacovigilance, compliance and administrators read it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from liaison.core import policy
from liaison.core.api_refusals import body_refusals
from liaison.lib.api import acting_user
from liaison.safety import selectors
from liaison.safety.models import Case
from liaison.safety.schemas.reconciliation import ReconciliationOut, ReconciliationQuery

router = Router(tags=["safety"])

#: The period when none is given: the 30 days up to ``end``.
DEFAULT_DAYS = 30


@router.get(
    "",
    response=ReconciliationOut,
    summary="Reconcile flags and cases of a period",
    description=(
        "Every flag and case whose Day 0 lies from `start` to `end` (inclusive; by default "
        f"the {DEFAULT_DAYS} days up to today), each with its due day, the day it was handled "
        "or forwarded and whether that was in time (`timely` null: open, not yet due). An "
        "`end` before `start` is a 422 naming `end`."
    ),
)
def reconcile(request: HttpRequest, query: Query[ReconciliationQuery]) -> dict[str, Any]:
    user = acting_user(request)
    policy.require(user, "reconcile", Case)
    end = query.end or timezone.localdate()
    period = dt.timedelta(days=DEFAULT_DAYS)
    start = query.start or (end - period if end > dt.date.min + period else dt.date.min)
    with body_refusals():
        report = selectors.reconciliation(user, start, end)
    rows = []
    for row in report.rows:
        values = dataclasses.asdict(row)
        values["id"] = values.pop("url_id")
        values.pop("url_kind")
        rows.append(values)
    return {"start": report.start, "end": report.end, "summary": report.summary, "rows": rows}
