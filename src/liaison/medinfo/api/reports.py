"""``/api/v1/medinfo/reports``: the turnaround report, for medical information,
compliance, field managers and administrators (others 403), over the inquiries
each of them sees."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.lib.api import acting_user, query_error
from liaison.medinfo import selectors
from liaison.medinfo.models import Inquiry
from liaison.medinfo.schemas.reports import DEFAULT_DAYS, TurnaroundOut, TurnaroundQuery

router = Router(tags=["medical information"])


@router.get(
    "/turnaround",
    response=TurnaroundOut,
    summary="Turnaround report",
    description=(
        "By priority and in total: the inquiries answered from `start` to `end` "
        "(inclusive; by default the 30 days to today), how many on time and late, the median business days from receipt "
        "to answer (in the requester's country), and the inquiries received by `end` "
        "still open and overdue today."
    ),
)
def turnaround_report(
    request: HttpRequest, query: Query[TurnaroundQuery]
) -> selectors.TurnaroundReport:
    user = acting_user(request)
    if not policy.can(user, "report", Inquiry):
        raise PermissionDenied(
            "the turnaround report is read by medical information, compliance, field "
            "managers and administrators"
        )
    now = timezone.now()
    end = query.end or timezone.localdate(now)
    start = query.start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise query_error("end", f"{end.isoformat()} is before the start, {start.isoformat()}")
    return selectors.turnaround_report(user, start, end, now=now)
