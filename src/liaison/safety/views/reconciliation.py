"""The reconciliation report: every flag and case whose Day 0 falls in a period
(the last 30 days unless chosen) with its timeliness, as a page or as CSV
(``?format=csv``): what pharmacovigilance audits ask for."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from liaison.core import policy
from liaison.core.audit_export import safe_cell
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view, query_without
from liaison.safety import forms, selectors
from liaison.safety.models import Case

DEFAULT_DAYS = 30
COLUMNS = (
    "kind",
    "reference",
    "source",
    "day_0",
    "reported_by",
    "product",
    "status",
    "forwarded_or_handled_on",
    "due_on",
    "timely",
    "note",
)


def _timely(row: selectors.ReconciliationRow) -> str:
    if row.timely is None:
        return "open" if row.open else "no clock"
    return "yes" if row.timely else "no"


def write_csv(report: selectors.Reconciliation) -> bytes:
    """The report's rows as UTF-8 CSV (with a BOM, for spreadsheets)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for row in report.rows:
        writer.writerow(
            [
                row.kind,
                safe_cell(row.reference),
                safe_cell(row.source),
                row.day_zero.isoformat(),
                safe_cell(row.reported_by),
                safe_cell(row.product),
                row.status,
                row.forwarded_on.isoformat() if row.forwarded_on else "",
                row.due_on.isoformat() if row.due_on else "",
                _timely(row),
                safe_cell(row.note),
            ]
        )
    return text.getvalue().encode("utf-8-sig")


def _period(form: forms.PeriodForm) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    default = (today - dt.timedelta(days=DEFAULT_DAYS), today)
    if not form.is_bound:
        return default
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise LiaisonError(f"{form.fields[field].label}: {errors[0]}", field=field)
    return form.cleaned_data["start"], form.cleaned_data["end"]


@require_GET
@member_view
def reconciliation(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "reconcile", Case)
    bound = "start" in request.GET or "end" in request.GET
    form = forms.PeriodForm(request.GET if bound else None)
    try:
        start, end = _period(form)
        report = selectors.reconciliation(request.user, start, end)
    except LiaisonError as error:
        if request.GET.get("format") == "csv":
            raise
        if error.field in form.fields and error.field not in form.errors:
            form.add_error(error.field, error.message)
        return render(
            request, "safety/reconciliation.html", {"form": form, "report": None}, status=422
        )
    if request.GET.get("format") == "csv":
        response = HttpResponse(write_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            content_disposition_header(
                as_attachment=True, filename=f"reconciliation-{start}-{end}.csv"
            )
            or "attachment"
        )
        return response
    if not bound:
        form = forms.PeriodForm(initial={"start": start, "end": end})
    context: dict[str, Any] = {
        "form": form,
        "report": report,
        "csv_query": query_without(request.GET, "format") or f"start={start}&end={end}",
    }
    return render(request, "safety/reconciliation.html", context)


urlpatterns: list[URLPattern] = [
    path("reconciliation/", reconciliation, name="reconciliation"),
]
