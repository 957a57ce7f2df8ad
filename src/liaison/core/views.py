"""Core pages: home, audit search and export, record history, jobs, API tokens."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import audit_display, policy, registry, selectors, services, uploads
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.forms import AuditFilterForm, TokenCreateForm
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    paginate,
    query_without,
    render_page_or_fragment,
)
from liaison.core.models import ApiToken, AuditEvent, Job

PAGE_SIZE = 50


def _dashboard_counts(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """The counts installed apps declare for the home page (``dashboard`` in their
    ``apps.py``): records the user may see, and may change."""
    counts = []
    for entry in registry.dashboard():
        model = apps.get_model(entry.model)
        counts.append(
            {
                "label": entry.label,
                "count": policy.scope(request.user, "view", model).count(),
                "editable": policy.scope(request.user, "change", model).count(),
                "url": reverse(entry.url_name),
                "link_text": entry.link_text,
            }
        )
    return counts


@require_GET
@member_view
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "counts": _dashboard_counts(request),
        "territories": selectors.territories_of(request.user),
        "jobs": selectors.jobs_of(request.user)[:5],
    }
    return render(request, "core/home.html", context)


# --- audit trail --------------------------------------------------------------


def _audit_filters(
    request: AuthenticatedHttpRequest,
) -> tuple[AuditFilterForm, selectors.AuditFilters]:
    form = AuditFilterForm(request.GET, record_types=selectors.audit_record_types(request.user))
    form.is_valid()
    data = form.cleaned_data  # only the fields that are valid
    filters = selectors.AuditFilters(
        actor=data.get("actor") or "",
        record_type=data.get("record_type") or "",
        action=data.get("action") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to") if "date_to" not in form.errors else None,
    )
    return form, filters


@require_GET
@member_view
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    selectors.require_view_any(request.user, AuditEvent)
    form, filters = _audit_filters(request)
    page = paginate(
        request, selectors.audit_events(request.user, filters).select_related(None), PAGE_SIZE
    )
    context = {
        "form": form,
        "page_obj": page,
        "rows": audit_display.describe_events(list(page), request.user),
        "query": query_without(request.GET, "page"),
    }
    return render(request, "core/audit_list.html", context)


AUDIT_CSV_COLUMNS = [
    "sequence",
    "at_utc",
    "actor",
    "source",
    "action",
    "record_type",
    "record_id",
    "record_label",
    "changes",
    "reason",
    "hash",
]


def safe_cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell that starts like a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_rows(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(AUDIT_CSV_COLUMNS)
    for event in events:
        yield writer.writerow(
            [
                event.sequence,
                event.at.isoformat(),
                safe_cell(event.actor_label),
                event.source,
                event.action,
                event.record_type,
                safe_cell(event.record_id),
                safe_cell(event.record_label),
                safe_cell(json.dumps(event.changes, ensure_ascii=False, sort_keys=True)),
                safe_cell(event.reason),
                event.hash,
            ]
        )


@require_GET
@member_view
def audit_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    selectors.require_view_any(request.user, AuditEvent)
    _, filters = _audit_filters(request)
    events = selectors.audit_events(request.user, filters).iterator(chunk_size=2000)
    response = StreamingHttpResponse(audit_csv_rows(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="liaison-audit.csv"'
    return response


@require_GET
@member_view
def record_history(
    request: AuthenticatedHttpRequest, record_type: str, record_id: str
) -> HttpResponse:
    record, events = selectors.record_history(request.user, record_type, record_id)
    model = selectors.model_for_record_type(record_type)
    page = paginate(request, events.select_related("actor"), PAGE_SIZE)
    rows = audit_display.describe_events(list(page), request.user)
    context = {
        "record": record,
        "record_type": record_type,
        "record_id": record_id,
        "model_name": model._meta.verbose_name,
        "label": str(record)
        if record is not None
        else (audit_display.shown_label(page[0]) if rows else record_id),
        "rows": rows,
        "page_obj": page,
        "query": query_without(request.GET, "page"),
    }
    return render(request, "core/record_history.html", context)


# --- jobs -----------------------------------------------------------------------


@require_GET
@member_view
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.jobs_of(request.user), PAGE_SIZE)
    return render(request, "core/job_list.html", {"page_obj": page, "query": ""})


@require_GET
@member_view
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = policy.get_for(request.user, "view", Job.objects.select_related("owner"), pk=pk)
    # A file job's kind may add its report (read through the job: owner and administrators).
    context = {"job": job, **uploads.job_report(job)}
    response = render_page_or_fragment(request, "core/job_detail.html", "progress", context)
    add_never_cache_headers(response)
    return response


def job_file_path(job: Job) -> Path:
    """The job's result file inside MEDIA_ROOT; anything pointing outside is not found."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / job.result_file).resolve()
    if not job.result_file or not path.is_relative_to(root) or not path.is_file():
        raise NotFound("this job has no file to download")
    return path


@require_GET
@member_view
def job_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = policy.get_for(request.user, "view", Job, pk=pk)
    path = job_file_path(job)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


# --- API tokens -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    secret = None
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_api_token(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except LiaisonError as error:
            form.add_error("name" if error.field == "name" else None, error.message)
        else:
            form = TokenCreateForm()
    tokens = policy.scope(request.user, "view", ApiToken).filter(user=request.user)
    context = {"form": form, "tokens": tokens, "secret": secret, "created": created}
    response = render(request, "core/token_list.html", context)
    # The page may carry the one-time secret: never cache it.
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


@require_POST
@member_view
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = policy.get_for(request.user, "delete", ApiToken, pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("core:token-list")
