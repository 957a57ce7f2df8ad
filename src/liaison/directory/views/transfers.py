"""Import and export of the directory (CSV, XLSX): views and their URL patterns.

Import is a three-step flow for administrators: upload (file, kind, sheet,
skip flag) -> mapping of the file's columns to our fields, with a preview of
the first rows (nothing more is read) -> the report: every row checked and
matched, saying what it does ("new", or "updates" the record it found, linked,
and the key it matched on), with the confirmation of matches on name alone
-> a background job (core's job page shows its progress and the rows held
back). A file of more rows than ``LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS`` is not
checked while the page waits: the report offers to check it in a job, or to
import it (the job checks every row before writing). The upload and the choices made so far are kept by
:mod:`liaison.core.uploads`; the file caps (rows, an XLSX's unpacked size and
compression) are the settings', stated on the upload form.

Export writes the HCP list, filtered as on the list page, for every
medical-affairs role: at once up to ``LIAISON_EXPORT_SYNC_MAX_ROWS`` rows,
else (a page says so) as a download job.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from liaison.core import downloads, policy, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.models import User
from liaison.directory import exporting
from liaison.directory.importing import (
    Action,
    ImportReport,
    Kind,
    RowMatch,
    preview_file,
    review_file,
)
from liaison.directory.importing.fields import fields_for
from liaison.directory.importing.reading import MB, FileLimits, TooManyRows, file_format
from liaison.directory.models import HCP
from liaison.directory.selectors import HCPFilters
from liaison.directory.tasks import import_limits, start_hcp_export, start_import

SHOWN_PROBLEMS = 500
#: The most rows the report's table of what each row does shows at once.
SHOWN_ROWS = 1_000


def limits_text(limits: FileLimits) -> str:
    """The caps of an imported file, as the upload form states them."""
    return (
        f"At most {limits.max_rows:,} rows; an XLSX workbook may unpack to at most"
        f" {limits.max_unpacked_bytes // MB:,} MB, no part of it compressed more than"
        f" {limits.max_ratio} to 1, and no XML entities."
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File (CSV or XLSX)",
        help_text="UTF-8 CSV (comma, semicolon or tab) or an Excel workbook; row 1 holds the headers.",
    )
    kind = forms.ChoiceField(
        label="Records in the file",
        choices=[(Kind.HCPS.value, "HCPs"), (Kind.ORGANIZATIONS.value, "Organizations")],
    )
    sheet = forms.CharField(
        label="Sheet (XLSX only)",
        required=False,
        max_length=100,
        help_text="Leave empty to read the first sheet.",
    )
    skip_invalid = forms.BooleanField(
        label="Skip invalid rows (import the valid ones and list the rest)", required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            file_format(upload.name)
        except LiaisonError as error:
            raise forms.ValidationError(error.message) from None
        return upload


class ImportMappingForm(forms.Form):
    """One select per column of the file: which field it fills (or none)."""

    def __init__(
        self,
        *args: Any,
        header: list[str],
        kind: str,
        initial_mapping: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", "— do not import —")] + [
            (spec.name, f"{spec.label}{' (required)' if spec.required else ''}")
            for spec in fields_for(kind)
        ]
        for index, column in enumerate(header):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column or f"(column {index + 1} has no header)",
                choices=choices,
                required=False,
                initial=initial_mapping.get(column, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data.get(f"column_{index}") or ""
            for index, column in enumerate(self.header)
            if column
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for index, column in enumerate(self.header):
            name = data.get(f"column_{index}")
            if not name:
                continue
            if name in seen:
                self.add_error(
                    f"column_{index}", f"{name} is already filled by the column {seen[name]!r}"
                )
            seen[name] = column
        return data


# --- the upload (kept by core.uploads, its owner's alone) --------------------------


def _upload(request: AuthenticatedHttpRequest, upload_id: uuid.UUID) -> uploads.Upload:
    """The upload with its saved choices; only its uploader (an administrator) reaches it."""
    if not policy.can(request.user, "import", HCP):
        raise PermissionDenied("only administrators may import into the directory")
    return uploads.get_upload(actor=request.user, upload_id=upload_id)


def _state(upload: uploads.Upload) -> dict[str, Any]:
    """The choices made so far, with the file's name, as the templates show them."""
    return {**upload.state, "file_name": upload.file_name}


def save_upload(
    *,
    owner: User,
    file_name: str,
    chunks: Iterable[bytes],
    kind: str = Kind.HCPS.value,
    sheet: str = "",
    skip_invalid: bool = False,
) -> uuid.UUID:
    """Keep an uploaded file with the choices made on the upload form; returns the upload's id."""
    upload = uploads.store_upload(
        owner=owner,
        file=uploads.FileChunks(file_name, chunks),
        state={"kind": kind, "sheet": sheet, "skip_invalid": skip_invalid, "mapping": None},
        default_name="upload.csv",
    )
    return upload.id


# --- import -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can(request.user, "import", HCP):
        raise PermissionDenied("only administrators may import into the directory")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        upload = save_upload(
            owner=request.user,
            file_name=uploaded.name,
            chunks=uploaded.chunks(),
            kind=form.cleaned_data["kind"],
            sheet=form.cleaned_data["sheet"].strip(),
            skip_invalid=form.cleaned_data["skip_invalid"],
        )
        return redirect("directory:import-mapping", upload=upload)
    form.fields["file"].help_text += " " + limits_text(import_limits())
    return render(request, "directory/import_start.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view
def import_mapping(request: AuthenticatedHttpRequest, upload: uuid.UUID) -> HttpResponseBase:
    kept = _upload(request, upload)
    state = _state(kept)
    preview = preview_file(
        path=kept.path,
        kind=state["kind"],
        sheet=state["sheet"] or None,
        file_name=kept.file_name,
        limits=import_limits(),
    )
    form = ImportMappingForm(
        request.POST or None,
        header=preview.header,
        kind=state["kind"],
        initial_mapping=state["mapping"] or preview.mapping,
    )
    if request.method == "POST" and form.is_valid():
        uploads.save_upload_state(kept, {**kept.state, "mapping": form.mapping()})
        return redirect("directory:import-report", upload=upload)
    context = {"form": form, "state": state, "preview": preview, "upload": upload}
    return render(request, "directory/import_mapping.html", context)


def _sync_check_limits() -> FileLimits:
    """The caps of a check made while the report page waits: the import's, with
    at most ``LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS`` rows."""
    limits = import_limits()
    rows = min(limits.max_rows, int(settings.LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS))
    return FileLimits(rows, limits.max_unpacked_bytes, limits.max_ratio, limits.max_cell_chars)


def _pairs(values: list[str]) -> set[tuple[int, int]]:
    """``"row:record id"`` values of the report's form as pairs (others ignored)."""
    pairs: set[tuple[int, int]] = set()
    for value in values:
        row, _, pk = value.partition(":")
        if row.isdigit() and pk.isdigit():
            pairs.add((int(row), int(pk)))
    return pairs


def _start_import(request: AuthenticatedHttpRequest, kept: uploads.Upload) -> HttpResponseBase:
    """The report's POST: queue the import (or its check) with the user's choices.

    The matches on name alone the page listed come back as ``name_match``
    values; "Apply the N matches on name alone" (``confirm_all``) confirms
    them all, else each ticked ``confirm`` box its own; ``match_names`` (a file
    too large to review) applies any such match."""
    state = _state(kept)
    post = request.POST
    confirmed = _pairs(post.getlist("name_match") if post.get("confirm_all") == "on" else [])
    confirmed |= _pairs(post.getlist("confirm"))
    job = start_import(
        actor=request.user,
        upload=kept,
        kind=state["kind"],
        mapping=state["mapping"],
        sheet=state["sheet"],
        skip_invalid=state["skip_invalid"] or post.get("skip_invalid") == "on",
        check_only=post.get("check_only") == "on",
        match_names=post.get("match_names") == "on",
        confirmed=confirmed,
    )
    return redirect(reverse("core:job-detail", args=[job.pk]))


#: How the report names what a row does: (label, badge class).
ACTION_LABELS = {
    Action.CREATE: ("New", "badge"),
    Action.UPDATE: ("Updates", "badge badge-ok"),
    Action.UNCHANGED: ("Unchanged", "badge"),
    Action.HELD_BACK: ("Needs confirmation", "badge badge-danger"),
    "problem": ("Not imported", "badge badge-danger"),
}
#: The report's filters of its rows table: (value, label, actions shown; all when empty).
ROW_FILTERS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("", "All rows", frozenset()),
    ("new", "New", frozenset({Action.CREATE})),
    ("update", "Updates", frozenset({Action.UPDATE, Action.UNCHANGED})),
    ("name", "Matches on name alone", frozenset({Action.HELD_BACK})),
    ("problem", "Problems", frozenset({"problem"})),
)


def _row_table(report: ImportReport, show: str) -> dict[str, Any]:
    """The report's rows, one entry per row (matched or with problems), filtered
    by ``show`` (a :data:`ROW_FILTERS` value), at most :data:`SHOWN_ROWS`."""
    matches = report.row_matches or {}
    reasons: dict[int, list[str]] = {}
    for problem in report.problems:
        if problem.row > 1:
            where = f"{problem.column}: " if problem.column else ""
            value = f"{problem.value!r} " if problem.value else ""
            reasons.setdefault(problem.row, []).append(f"{where}{value}{problem.reason}")
    actions: dict[int, str] = {row: match.action for row, match in matches.items()}
    actions.update(dict.fromkeys(reasons, "problem"))

    def shown(action: str, wanted: frozenset[str]) -> bool:
        return not wanted or action in wanted

    counts = {
        value: sum(shown(action, wanted) for action in actions.values())
        for value, _, wanted in ROW_FILTERS
    }
    wanted = next((chosen for value, _, chosen in ROW_FILTERS if value == show), frozenset())
    selected = [row for row in sorted(actions) if shown(actions[row], wanted)]
    entries = []
    for row in selected[:SHOWN_ROWS]:
        label, badge = ACTION_LABELS[actions[row]]
        match: RowMatch | None = matches.get(row)
        entries.append(
            {
                "row": row,
                "person": report.row_names.get(row, ""),
                "label": label,
                "badge": badge,
                "match": match,
                "problems": reasons.get(row, []),
            }
        )
    return {
        "rows": entries,
        "hidden_rows": max(0, len(selected) - SHOWN_ROWS),
        "filters": [
            {"value": value, "label": label, "count": counts[value], "current": value == show}
            for value, label, _ in ROW_FILTERS
        ],
    }


@require_http_methods(["GET", "POST"])
@member_view
def import_report(request: AuthenticatedHttpRequest, upload: uuid.UUID) -> HttpResponseBase:
    kept = _upload(request, upload)
    if request.method == "POST":
        return _start_import(request, kept)
    state = _state(kept)
    context: dict[str, Any] = {"state": state, "upload": upload}
    try:
        report = review_file(
            actor=request.user,
            path=kept.path,
            kind=state["kind"],
            mapping=state["mapping"],
            sheet=state["sheet"] or None,
            file_name=kept.file_name,
            limits=_sync_check_limits(),
        )
    except TooManyRows as error:
        # Too large to check while the page waits: the job checks it.
        context["too_large"] = f"{error.limit:,}"
        return render(request, "directory/import_report.html", context)
    show = request.GET.get("show", "")
    context |= {
        "report": report,
        "actions": report.actions(),
        "record_url": "directory:hcp-detail"
        if state["kind"] == Kind.HCPS.value
        else "directory:organization-detail",
        "show": show,
        "problems": report.problems[:SHOWN_PROBLEMS],
        "hidden_problems": max(0, report.errors - SHOWN_PROBLEMS),
        "header_broken": 1 in report.invalid_rows,
        "held_rows": [
            {"match": match, "person": report.row_names.get(match.row, "")}
            for match in report.held_back
        ],
        **_row_table(report, show),
    }
    return render(request, "directory/import_report.html", context)


# --- export -------------------------------------------------------------------------


def _filters(request: AuthenticatedHttpRequest) -> HCPFilters:
    get = request.GET
    return HCPFilters(
        q=get.get("q", "")[:200],
        therapeutic_area=get.get("therapeutic_area", ""),
        territory=get.get("territory", ""),
        country=get.get("country", "")[:2],
        specialty=get.get("specialty", ""),
        sort=get.get("sort", "name"),
    )


@require_http_methods(["GET", "POST"])
@member_view
def hcp_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The HCP list, with the list's filters, as CSV or XLSX: a file at once up to
    ``LIAISON_EXPORT_SYNC_MAX_ROWS`` rows, else a page offering a download job;
    POST starts that job and shows its page."""
    exporting.require_exporter(request.user)
    spec = exporting.export_format(request.GET.get("format", "csv"))
    filters = _filters(request)
    if request.method == "POST":
        job = start_hcp_export(actor=request.user, filters=filters, format=spec.name)
        return redirect(reverse("core:job-detail", args=[job.pk]))
    count = exporting.count_rows(request.user, filters)
    if count > downloads.sync_max_rows():
        context = {
            "count_text": f"{count:,}",
            "limit_text": f"{downloads.sync_max_rows():,}",
            "keep_days": settings.LIAISON_EXPORT_KEEP_DAYS,
            "format": spec,
        }
        return render(request, "directory/hcp_export_job.html", context)
    return FileResponse(
        exporting.export_file(request.user, filters, format=spec.name),
        as_attachment=True,
        filename=f"hcps.{spec.name}",
        content_type=spec.content_type,
    )


urlpatterns: list[URLPattern] = [
    path("hcps/export/", hcp_export, name="hcp-export"),
    path("import/", import_start, name="import-start"),
    path("import/<uuid:upload>/mapping/", import_mapping, name="import-mapping"),
    path("import/<uuid:upload>/report/", import_report, name="import-report"),
]
