"""E2B(R3) files in the web: pharmacovigilance downloads a case as an ICSR (with
the FDA regional elements as an option), which records the file as exported and
submits nothing; marks a file sent once it went to the regulator (the case is
then submitted, its regulatory clock stopped); uploads ICSR files and
acknowledgements, each read in the background as a file job (``tasks.start_import``)
whose page shows the cases it created or updated, or the error naming file, line
and element. A file over ``LIAISON_E2B_UPLOAD_MAX_MB``, or of the other kind (an
acknowledgement uploaded as cases), is refused on the form before any job starts,
and an acknowledgement so refused is pointed to its own upload.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.core.models import Job
from liaison.lib.forms import add_liaison_error
from liaison.safety import forms, tasks
from liaison.safety.models import Case, Submission
from liaison.safety.services import e2b as services
from liaison.safety.services.submissions import mark_submission_sent


def _posted(request: AuthenticatedHttpRequest) -> tuple[Any, Any]:
    """A POST's data and files (a form posted empty is still bound), else none."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def validation_text(export: services.Export) -> str:
    """What the schema check said, in words."""
    if export.valid is None:
        return "not validated (no ICH schema set is configured)"
    if export.valid:
        return "valid against the ICH E2B(R3) schema set"
    shown = "; ".join(export.errors[:5])
    more = f" (and {len(export.errors) - 5} more)" if len(export.errors) > 5 else ""
    return f"NOT valid against the ICH schema set: {shown}{more}"


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


def _started(request: AuthenticatedHttpRequest, started: list[Job]) -> HttpResponse:
    """To the job's page; several files' jobs are listed with the other jobs."""
    if len(started) == 1:
        return redirect("core:job-detail", pk=started[0].pk)
    messages.success(request, f"{len(started)} files are being read, each as its own job.")
    return redirect("core:job-list")


@require_http_methods(["GET", "POST"])
@member_view
def e2b_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "import", Case)
    form = forms.ImportForm(*_posted(request))
    acknowledgement = False
    if request.method == "POST" and form.is_valid():
        try:
            started = tasks.start_import(
                actor=request.user,
                kind=tasks.E2B_IMPORT_KIND,
                files=form.cleaned_data["e2b_files"],
            )
        except LiaisonError as error:
            if error.status_code != 400:
                raise
            form.add_error("e2b_files", error.message)
            acknowledgement = isinstance(error, tasks.WrongKindOfFile)
        else:
            return _started(request, started)
    context = {
        "form": form,
        "acknowledgement": acknowledgement,
        "limit_mb": tasks.upload_limit_mb(),
    }
    return render(request, "safety/e2b_import.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@member_view
def ack_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "import", Case)
    form = forms.AckForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            started = tasks.start_import(
                actor=request.user, kind=tasks.ACK_IMPORT_KIND, files=[form.cleaned_data["file"]]
            )
        except LiaisonError as error:
            if error.status_code != 400:
                raise
            form.add_error("file", error.message)
        else:
            return _started(request, started)
    context = {"form": form, "limit_mb": tasks.upload_limit_mb()}
    return render(request, "safety/ack_import.html", context, status=422 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/export/", case_export, name="case-export"),
    path("submissions/<int:pk>/sent/", submission_sent, name="submission-sent"),
    path("import/", e2b_import, name="e2b-import"),
    path("acknowledgements/", ack_import, name="ack-import"),
]
