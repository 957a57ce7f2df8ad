"""Import and export of the directory (CSV, XLSX): views and their URL patterns.

Import is a three-step flow for administrators: upload (file, kind, sheet,
skip flag) -> mapping of the file's columns to our fields, with a preview ->
validation report -> a background job (core's job page shows its progress).
The upload and the choices made so far are kept by :mod:`liaison.core.uploads`.
Export streams the HCP list, filtered as on the list page, to every
medical-affairs role.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core import policy, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.models import User
from liaison.directory import exporting
from liaison.directory.importing import Kind, preview_file, validate_file
from liaison.directory.importing.fields import fields_for
from liaison.directory.importing.reading import file_format
from liaison.directory.models import HCP
from liaison.directory.selectors import HCPFilters
from liaison.directory.tasks import start_import

SHOWN_PROBLEMS = 500


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


@require_http_methods(["GET", "POST"])
@member_view
def import_report(request: AuthenticatedHttpRequest, upload: uuid.UUID) -> HttpResponseBase:
    kept = _upload(request, upload)
    state = _state(kept)
    if request.method == "POST":
        skip = state["skip_invalid"] or request.POST.get("skip_invalid") == "on"
        job = start_import(
            actor=request.user,
            upload=kept,
            kind=state["kind"],
            mapping=state["mapping"],
            sheet=state["sheet"],
            skip_invalid=skip,
        )
        return redirect(reverse("core:job-detail", args=[job.pk]))
    report = validate_file(
        actor=request.user,
        path=kept.path,
        kind=state["kind"],
        mapping=state["mapping"],
        sheet=state["sheet"] or None,
        file_name=kept.file_name,
    )
    context = {
        "state": state,
        "report": report,
        "problems": report.problems[:SHOWN_PROBLEMS],
        "hidden_problems": max(0, report.errors - SHOWN_PROBLEMS),
        "header_broken": 1 in report.invalid_rows,
        "upload": upload,
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


@require_GET
@member_view
def hcp_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The HCP list, with the list's filters, as CSV or XLSX (streamed)."""
    if not policy.grants_any(request.user, "export", HCP):
        raise PermissionDenied("only medical-affairs roles may export the directory")
    export_format = request.GET.get("format", "csv")
    if export_format not in exporting.FORMATS:
        raise LiaisonError(f"format: {export_format!r} is not csv or xlsx", field="format")
    rows = exporting.export_rows(request.user, _filters(request))
    if export_format == "xlsx":
        return FileResponse(
            exporting.xlsx_tempfile(rows),
            as_attachment=True,
            filename="hcps.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        exporting.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="hcps.csv"'
    return response


urlpatterns: list[URLPattern] = [
    path("hcps/export/", hcp_export, name="hcp-export"),
    path("import/", import_start, name="import-start"),
    path("import/<uuid:upload>/mapping/", import_mapping, name="import-mapping"),
    path("import/<uuid:upload>/report/", import_report, name="import-report"),
]
