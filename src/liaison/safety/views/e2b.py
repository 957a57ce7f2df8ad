"""E2B(R3) files in the web: pharmacovigilance downloads a case as an ICSR (with
the FDA regional elements as an option), which records the file as exported and
submits nothing; marks a file sent once it went to the regulator (the case is
then submitted, its regulatory clock stopped); uploads ICSR files (each file all or
nothing: the cases it created, or the error naming file, line and element), and
uploads acknowledgements, which update the submissions they name. An
acknowledgement is never taken for a case: the ICSR upload refuses it and points
to the acknowledgement upload.

Uploads are read in the request, up to ``LIAISON_E2B_UPLOAD_MAX_MB`` each.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.uploads import check_upload_size
from liaison.lib.forms import add_liaison_error
from liaison.safety import forms
from liaison.safety.e2b import reader
from liaison.safety.models import Case, Submission
from liaison.safety.services import e2b as services
from liaison.safety.services.submissions import mark_submission_sent


def _posted(request: AuthenticatedHttpRequest) -> tuple[Any, Any]:
    """A POST's data and files (a form posted empty is still bound), else none."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def upload_limit_mb() -> int:
    return int(getattr(settings, "LIAISON_E2B_UPLOAD_MAX_MB", 20))


def validation_text(export: services.Export) -> str:
    """What the schema check said, in words."""
    if export.valid is None:
        return "not validated (no ICH schema set is configured)"
    if export.valid:
        return "valid against the ICH E2B(R3) schema set"
    shown = "; ".join(export.errors[:5])
    more = f" (and {len(export.errors) - 5} more)" if len(export.errors) > 5 else ""
    return f"NOT valid against the ICH schema set: {shown}{more}"


def _read(upload: UploadedFile) -> tuple[str, io.BytesIO]:
    """The upload's name and bytes, refused past the size limit (read whole: the
    reader needs to seek, and the limit keeps it small)."""
    name = upload.name or "upload.xml"
    check_upload_size(upload, upload_limit_mb())
    return name, io.BytesIO(upload.read())


def _is_acknowledgement(stream: io.BytesIO, name: str) -> bool:
    stream.seek(0)
    try:
        return reader.sniff(stream, name=name) == "ack"
    except LiaisonError:
        return False


@require_http_methods(["GET", "POST"])
@member_view
def case_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "export", Case, pk=pk)
    form = forms.ExportForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            export = services.export_case(
                actor=request.user,
                case=case,
                regional=form.cleaned_data["regional"] or None,
                unmask_patient=form.cleaned_data["unmask_patient"],
            )
        except LiaisonError as error:
            if any(name in form.fields for name in error.details):
                add_liaison_error(form, error)
            else:
                form.add_error(None, error.message)
        else:
            result = validation_text(export)
            level = messages.WARNING if export.valid is False else messages.SUCCESS
            then = "" if export.valid is False else " Mark it as sent on the case once it is."
            messages.add_message(
                request, level, f"E2B file {export.file_name}: {result}; not sent yet.{then}"
            )
            response = HttpResponse(export.content, content_type="application/xml")
            response["Content-Disposition"] = (
                content_disposition_header(as_attachment=True, filename=export.file_name)
                or "attachment"
            )
            response["X-E2B-Valid"] = {None: "unknown", True: "true", False: "false"}[export.valid]
            return response
    context = {
        "case": case,
        "form": form,
        "problems": services.export_problems(case),
        "schema_configured": services.schema_dir() is not None,
    }
    return render(request, "safety/case_export.html", context, status=422 if form.errors else 200)


@require_POST
@member_view
def submission_sent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = policy.get_for(
        request.user, "change", Submission.objects.select_related("case"), pk=pk
    )
    try:
        mark_submission_sent(actor=request.user, submission=submission)
    except LiaisonError as error:
        if error.status_code not in (400, 409):
            raise
        messages.error(request, f"E2B file {submission.batch_id} was not marked sent: {error}.")
    else:
        messages.success(
            request,
            f"E2B file {submission.batch_id} is marked sent: "
            f"{submission.case.reference} is submitted.",
        )
    return redirect("safety:case-detail", pk=submission.case_id)


@dataclass
class FileResult:
    """What one uploaded file became: cases, or the error (and whether it is an ACK)."""

    name: str
    cases: list[Case] = field(default_factory=list)
    error: str = ""
    acknowledgement: bool = False


def _import_one(request: AuthenticatedHttpRequest, upload: UploadedFile) -> FileResult:
    try:
        name, stream = _read(upload)
    except LiaisonError as error:
        return FileResult(upload.name or "upload.xml", error=error.message)
    try:
        cases = services.import_e2b(actor=request.user, stream=stream, name=name)
    except LiaisonError as error:
        return FileResult(
            name, error=error.message, acknowledgement=_is_acknowledgement(stream, name)
        )
    return FileResult(name, cases=cases)


@require_http_methods(["GET", "POST"])
@member_view
def e2b_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "import", Case)
    form = forms.ImportForm(*_posted(request))
    results: list[FileResult] = []
    if request.method == "POST" and form.is_valid():
        results = [_import_one(request, upload) for upload in form.cleaned_data["e2b_files"]]
        created = sum(len(result.cases) for result in results)
        if created:
            messages.success(request, f"{created} case{'s' if created != 1 else ''} imported.")
    failed = any(result.error for result in results) or bool(form.errors)
    context = {"form": form, "results": results, "limit_mb": upload_limit_mb()}
    return render(request, "safety/e2b_import.html", context, status=422 if failed else 200)


@require_http_methods(["GET", "POST"])
@member_view
def ack_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "import", Case)
    form = forms.AckForm(*_posted(request))
    result: services.AckResult | None = None
    if request.method == "POST" and form.is_valid():
        try:
            name, stream = _read(form.cleaned_data["file"])
            result = services.import_ack(actor=request.user, stream=stream, name=name)
        except LiaisonError as error:
            form.add_error("file", error.message)
    context = {"form": form, "result": result, "limit_mb": upload_limit_mb()}
    return render(request, "safety/ack_import.html", context, status=422 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/export/", case_export, name="case-export"),
    path("submissions/<int:pk>/sent/", submission_sent, name="submission-sent"),
    path("import/", e2b_import, name="e2b-import"),
    path("acknowledgements/", ack_import, name="ack-import"),
]
