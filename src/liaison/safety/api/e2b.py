"""``/api/v1/safety``: cases as ICH E2B(R3) files.

* ``GET /cases/{case_id}/e2b``: pharmacovigilance downloads a case as an
  ``MCCI_IN200100UV01`` batch (``regional=fda`` adds the FDA regional elements).
  It stays a GET, a download, but it is not free of effect: each download is
  recorded (audited) as an exported submission, whose acknowledgement will name
  it. It submits nothing: the case and its regulatory clock are left alone. The
  validation against the ICH schema set is told in headers: ``X-E2B-Valid``
  (``true``, ``false``, or ``unknown`` when no schema set is configured),
  ``X-E2B-Errors`` (how many) and ``X-E2B-Submission-Id``. A case not ready (a
  reaction without its MedDRA code, no product) answers 409 naming what is missing.
* ``POST /submissions/{submission_id}/sent``: the file went to the regulator:
  the case is submitted and, the first time, its regulatory clock stops. A file
  that failed validation is refused (422), one marked sent already is a 409.
* ``POST /e2b/import``: every ICSR of an uploaded file becomes a case, all or
  none; an acknowledgement file is refused and pointed to ``/e2b/ack``.
* ``POST /e2b/ack``: an acknowledgement updates the submissions of the batch it
  names; an ICSR file is refused.

Uploads are ``multipart/form-data`` with the file in the field ``file``, up to
``LIAISON_E2B_UPLOAD_MAX_MB`` (the web's cap, checked in one place:
``tasks.check_upload``). A file up to :data:`READ_IN_REQUEST_MAX_MB` is read in
the request and answered with what it changed; a larger one runs as the web's
file job and answers 202 with the job to poll (``GET /api/v1/jobs/{id}``), whose
message names the cases. A file that cannot be read is a 422 naming ``file``, its
message naming the file, the line and the E2B element; in a job, the job fails
with that message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from liaison.core import downloads, policy
from liaison.core.api_refusals import Unprocessable, body_refusals
from liaison.core.errors import Conflict, LiaisonError
from liaison.core.models import User
from liaison.lib.api import Id, Records, acting_user
from liaison.safety import tasks
from liaison.safety.api.cases import case_answer
from liaison.safety.models import Case, Submission
from liaison.safety.schemas.cases import CaseOut
from liaison.safety.schemas.e2b import AckOut, E2BExportQuery, ImportedCaseOut, SubmissionSentIn
from liaison.safety.services import e2b as services
from liaison.safety.services.cases import refusal
from liaison.safety.services.submissions import mark_submission_sent

router = Router(tags=["safety"])
CASES = Records(Case)
SUBMISSIONS = Records(Submission, related=("case",))
#: An upload up to this many MB is read in the request; a larger one runs as a job (202).
READ_IN_REQUEST_MAX_MB = 5


class ImportStartedOut(Schema):
    """The answer (202) to an upload read as a job."""

    job_id: int
    url: str = Field(description="The job's web page: its progress, then what the file changed")
    api_url: str = Field(
        description="Poll it (GET) until `status` is succeeded (its `message` names the cases "
        "and `counts` counts them) or failed (`message` names the file, line and element)"
    )


def upload_body(description: str) -> dict[str, Any]:
    """The OpenAPI request body of an upload (read from ``request.FILES``, so that the
    policy answers before the body is looked at)."""
    schema = {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary", "description": description}},
        "required": ["file"],
    }
    return {
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    }


@contextmanager
def file_refusals() -> Iterator[None]:
    """A file that cannot be read or imported (a 400 of the services) is a 422 naming
    ``file``, with the services' sentence (file, line, element) as its reason."""
    try:
        yield
    except LiaisonError as error:
        if error.status_code != 400:
            raise
        raise Unprocessable(error.message, field="file") from None


def uploaded(request: HttpRequest, kind: str) -> tuple[UploadedFile, str]:
    """The request's ``file`` and its name, checked at the door for the job ``kind`` (a
    422 naming ``file`` when absent, too large or of the other kind)."""
    upload = request.FILES.get("file")
    if upload is None:
        reason = "send the E2B(R3) XML file as the multipart/form-data field “file”"
        raise Unprocessable(f"file: {reason}", field="file", details={"file": reason})
    with file_refusals():
        name = tasks.check_upload(upload, kind=kind)
    return upload, name


def in_background(user: User, upload: UploadedFile, kind: str) -> Status[dict[str, Any]] | None:
    """A file too large to read in the request, started as a job: the 202 answering it."""
    if (upload.size or 0) <= READ_IN_REQUEST_MAX_MB * 1024 * 1024:
        return None
    with file_refusals():
        (job,) = tasks.start_import(actor=user, kind=kind, files=[upload])
    return Status(202, downloads.started(job))


@router.get(
    "/cases/{case_id}/e2b",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The E2B(R3) file, an attachment",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        }
    },
    summary="Export a case as E2B(R3)",
    description=(
        "Pharmacovigilance: the case as an ICH E2B(R3) ICSR batch (application/xml, an "
        "attachment), the patient's initials masked unless `unmask_patient`; `regional=fda` "
        "adds the FDA regional elements. Each download is recorded as an exported submission "
        "(`X-E2B-Submission-Id`); it submits nothing and stops no clock: mark the file sent "
        "once it went to the regulator (`POST /submissions/{submission_id}/sent`). "
        "`X-E2B-Valid` says whether it validates against the ICH schema set (`unknown`: none "
        "configured) and `X-E2B-Errors` how many errors it found. A case not ready answers 409."
    ),
)
def export_case(request: HttpRequest, case_id: Id, query: Query[E2BExportQuery]) -> HttpResponse:
    user = acting_user(request)
    case = CASES.load(user, "export", case_id)
    problems = services.export_problems(case)
    if problems:
        error = refusal(problems)
        raise Conflict(
            f"the case is not ready for E2B: {error.message}",
            field=error.field,
            details=error.details,
        )
    with body_refusals():
        export = services.export_case(
            actor=user,
            case=case,
            regional=query.regional.strip().lower() or None,
            unmask_patient=query.unmask_patient,
        )
    response = HttpResponse(export.content, content_type="application/xml")
    file_name = re.sub(r"[^A-Za-z0-9._-]", "_", export.file_name)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-E2B-Valid"] = {True: "true", False: "false", None: "unknown"}[export.valid]
    response["X-E2B-Errors"] = str(len(export.errors))
    response["X-E2B-Message-Id"] = export.submission.message_id
    response["X-E2B-Submission-Id"] = str(export.submission.pk)
    return response


@router.post(
    "/submissions/{submission_id}/sent",
    response=CaseOut,
    exclude_unset=True,
    summary="Mark an E2B file as sent",
    description=(
        "Pharmacovigilance: the exported file went to the regulator at `sent_at` (now by "
        "default). The submission is sent, its case submitted and, the first time, the "
        "case's regulatory clock stops. Answers the case. A file that failed validation is a "
        "422 naming `submission`; one marked sent already, a 409."
    ),
)
def mark_sent(
    request: HttpRequest, submission_id: Id, payload: SubmissionSentIn | None = None
) -> dict[str, Any]:
    user = acting_user(request)
    submission = SUBMISSIONS.load(user, "change", submission_id)
    with body_refusals():
        mark_submission_sent(
            actor=user, submission=submission, sent_at=payload.sent_at if payload else None
        )
    return case_answer(user, submission.case_id)


@router.post(
    "/e2b/import",
    response={201: list[ImportedCaseOut], 202: ImportStartedOut},
    openapi_extra=upload_body("An E2B(R3) ICSR batch (MCCI_IN200100UV01)"),
    summary="Import cases from an E2B(R3) file",
    description=(
        "Pharmacovigilance: every ICSR of the file becomes a case in review, all or none; "
        "an ICSR whose safety report id is already in Liaison is the next version of that "
        "case (follow-up, amendment or nullification). Answers each case's id and safety "
        f"report id (201); a file over {READ_IN_REQUEST_MAX_MB} MB is read as a job, answered "
        "202 with the job to poll. A file over `LIAISON_E2B_UPLOAD_MAX_MB`, or that is not E2B(R3) XML (an "
        "E2B(R2) file, an acknowledgement, a truncated file, an XML bomb), is a 422 naming "
        "`file`; in a job, the job fails with that reason."
    ),
)
def import_cases(request: HttpRequest) -> Status[Any]:
    user = acting_user(request)
    policy.require(user, "import", Case)
    upload, name = uploaded(request, tasks.E2B_IMPORT_KIND)
    started = in_background(user, upload, tasks.E2B_IMPORT_KIND)
    if started is not None:
        return started
    with file_refusals():
        cases = services.import_e2b(actor=user, stream=upload, name=name)
    return Status(201, [{"case": case.pk, "report_id": case.safety_report_id} for case in cases])


@router.post(
    "/e2b/ack",
    response={200: AckOut, 202: ImportStartedOut},
    openapi_extra=upload_body("An E2B(R3) acknowledgement (MCCI_IN200101UV01)"),
    summary="Import an E2B(R3) acknowledgement",
    description=(
        "Pharmacovigilance: a positive or negative acknowledgement updates the submission "
        "status of each case it names; it never creates a case. A file over "
        f"{READ_IN_REQUEST_MAX_MB} MB is read as a job, answered 202 with the job to poll. A file over `LIAISON_E2B_UPLOAD_MAX_MB`, "
        "an ICSR file, or an acknowledgement naming no submission of Liaison, is a 422 "
        "naming `file`; in a job, the job fails with that reason."
    ),
)
def import_ack(request: HttpRequest) -> Status[Any]:
    user = acting_user(request)
    policy.require(user, "import", Case)
    upload, name = uploaded(request, tasks.ACK_IMPORT_KIND)
    started = in_background(user, upload, tasks.ACK_IMPORT_KIND)
    if started is not None:
        return started
    with file_refusals():
        result = services.import_ack(actor=user, stream=upload, name=name)
    answer = {
        "batch_id": result.batch_id,
        "accepted": result.accepted,
        "updated": [
            {"case": case.pk, "report_id": case.safety_report_id, "status": status}
            for case, status in result.updated
        ],
        "unknown": list(result.unknown),
    }
    return Status(200, answer)
