"""The turnaround report: for a period, by priority, the inquiries answered, on time
and late, the median business days to answer, and the open breaches; as a chart
with the same numbers in a table beside it, and as CSV."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.lib import charts
from liaison.lib.clocks import format_day
from liaison.medinfo import selectors
from liaison.medinfo.forms import PeriodForm
from liaison.medinfo.models import Inquiry

CSV_HEADER = (
    "priority",
    "answered",
    "on time",
    "late",
    "median business days",
    "open breaches",
)


def _median(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def turnaround_csv(report: selectors.TurnaroundReport) -> str:
    """The report's table as CSV, one row per priority and one for all."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(CSV_HEADER)
    for row in (*report.rows, report.total):
        writer.writerow(
            (
                row.label,
                row.answered,
                row.on_time,
                row.late,
                _median(row.median_business_days),
                row.open_breaches,
            )
        )
    return stream.getvalue()


@require_GET
@member_view
def turnaround_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can(request.user, "report", Inquiry):
        raise PermissionDenied(
            "the turnaround report is for medical information, compliance and managers"
        )
    now = timezone.now()
    form = PeriodForm(request.GET or None)
    start, end = form.period(timezone.localdate(now))
    report = selectors.turnaround_report(request.user, start, end, now=now)
    if request.GET.get("format") == "csv":
        response = HttpResponse(turnaround_csv(report), content_type="text/csv; charset=utf-8")
        name = f"turnaround-{start.isoformat()}-{end.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    chart = charts.stacked_bar_chart(
        title=f"Inquiries answered from {format_day(start)} to {format_day(end)}, by priority",
        labels=[row.label for row in report.rows],
        series=[
            charts.Series("On time", [row.on_time for row in report.rows]),
            charts.Series("Late", [row.late for row in report.rows]),
        ],
        table_id="turnaround-table",
    )
    context = {
        "form": form,
        "report": report,
        "chart": chart,
        "csv_query": f"start={start.isoformat()}&end={end.isoformat()}&format=csv",
    }
    return render(request, "medinfo/turnaround.html", context)


urlpatterns: list[URLPattern] = [
    path("reports/turnaround/", turnaround_report, name="turnaround"),
]
