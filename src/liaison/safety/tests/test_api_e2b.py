"""``/api/v1/safety``'s E2B(R3) operations: a case downloaded as an ICSR batch with
its validation in headers, which submits nothing until the file is marked sent; the
FDA example files imported and re-exported with the same safety report ids,
reactions and products; acknowledgements applied to the submissions they name;
files that are not what they should be, or over the cap, refused naming ``file``; a
file too large to read in the request imported by a job answered 202."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Job, JobStatus, User
from liaison.core.tests.apiclient import API, ApiClient
from liaison.safety.api import e2b as e2b_api
from liaison.safety.e2b import reader
from liaison.safety.e2b.records import Ack, AckCode, MessageAck, PartialDate
from liaison.safety.e2b.write_ack import write_ack
from liaison.safety.models import Case, CaseStatus, Submission, SubmissionStatus
from liaison.safety.tests import factories
from liaison.safety.tests.e2b_factories import batch_xml, minimal_icsr

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

FDA_EXAMPLES = (
    "FAERS2022Scenario1.xml",
    "FAERS2022Scenario2.xml",
    "FAERS2022Scenario3.xml",
    "FAERS2022Scenario5-1.xml",
    "FAERS2022Scenario5-3.xml",
    "FAERS2022Scenario6.xml",
    "FAERS2022Scenario8.xml",
)


def coded_case(reporter: User, **values: Any) -> Case:
    case = factories.case(reporter, **values)
    case.reactions.update(meddra_code="10037844", meddra_version="27.1")
    return case


def upload(api: ApiClient, path: str, name: str, content: bytes) -> Any:
    return api.client.post(
        API + path,
        {"file": SimpleUploadedFile(name, content, "application/xml")},
        headers=api.headers,
    )


def ack_file(submission: Submission, code: AckCode, text: str = "") -> bytes:
    """A regulator's acknowledgement of ``submission``'s message."""
    ack = Ack(
        ack_id="ACK-TEST-1",
        sender_id="ZZFDA",
        receiver_id="LIAISON",
        created_at=PartialDate("20260301101500"),
        icsr_batch_id=submission.batch_id,
        code=AckCode.APPLICATION_ACCEPT if code.accepted else AckCode.APPLICATION_ERROR,
        messages=(MessageAck(target_id=submission.message_id, code=code, text=text or None),),
    )
    stream = io.BytesIO()
    write_ack(ack, stream)
    return stream.getvalue()


@pytest.fixture
def no_schema_set(settings: Any) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = None


@pytest.fixture
def schema_set(settings: Any, shared_data: Path) -> Path:
    settings.LIAISON_E2B_SCHEMA_DIR = str(shared_data / "e2b" / "schema")
    return shared_data


def test_pharmacovigilance_downloads_a_case_as_e2b(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl)
    answer = ApiClient(pv).get(f"/safety/cases/{case.pk}/e2b")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/xml"
    assert answer["Content-Disposition"].startswith('attachment; filename="')
    assert answer["X-E2B-Valid"] == "unknown" and answer["X-E2B-Errors"] == "0"
    submission = Submission.objects.get(case=case)
    assert answer["X-E2B-Message-Id"] == submission.message_id
    (icsr,) = reader.read_icsrs(io.BytesIO(answer.content), name="export.xml")
    assert icsr.report_id == case.safety_report_id
    assert [reaction.meddra_code for reaction in icsr.reactions] == ["10037844"]
    assert icsr.patient.masked
    assert answer["X-E2B-Submission-Id"] == str(submission.pk)
    assert submission.status == SubmissionStatus.EXPORTED and submission.sent_at is None


def test_a_download_submits_nothing_and_leaves_the_clock_running(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl, expectedness="unexpected")
    case.reactions.update(hospitalisation=True)
    assert ApiClient(pv).get(f"/safety/cases/{case.pk}/e2b").status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.FORWARDED and case.submitted_at is None
    assert case.submission_status == SubmissionStatus.NOT_SUBMITTED
    shown = ApiClient(pv).get(f"/safety/cases/{case.pk}").json()
    assert shown["regulatory"]["state"] == "running"
    assert shown["submissions"][0]["status"] == "exported"


def test_marking_the_file_sent_submits_the_case_and_stops_its_clock(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl, expectedness="unexpected")
    case.reactions.update(hospitalisation=True)
    api = ApiClient(pv)
    submission_id = api.get(f"/safety/cases/{case.pk}/e2b")["X-E2B-Submission-Id"]
    answer = api.post(f"/safety/submissions/{submission_id}/sent", {})
    assert answer.status_code == 200, answer.json()
    shown = answer.json()
    assert shown["status"] == "submitted" and shown["submission_status"] == "sent"
    assert shown["regulatory"]["state"] == "met"
    assert shown["submissions"][0]["sent_by"] == pv.username
    case.refresh_from_db()
    assert case.submitted_at is not None


def test_a_file_sent_at_a_time_given_stops_the_clock_that_day(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl)
    submission = Submission.objects.create(
        case=case,
        message_id=case.safety_report_id,
        batch_id="B-GIVEN",
        exported_by=pv,
        exported_at=timezone.now() - dt.timedelta(days=3),
    )
    sent = timezone.now() - dt.timedelta(days=2)
    answer = ApiClient(pv).post(
        f"/safety/submissions/{submission.pk}/sent", {"sent_at": sent.isoformat()}
    )
    assert answer.status_code == 200, answer.json()
    case.refresh_from_db()
    assert case.submitted_at == sent


def test_a_file_that_fails_validation_is_not_marked_sent(msl: User, pv: User) -> None:
    case = coded_case(msl)
    submission = Submission.objects.create(
        case=case, message_id="M", batch_id="B-INVALID", exported_by=pv, valid=False
    )
    answer = ApiClient(pv).post(f"/safety/submissions/{submission.pk}/sent", {})
    assert answer.status_code == 422
    assert "does not validate" in answer.json()["details"]["submission"]
    case.refresh_from_db()
    assert case.submitted_at is None and case.status == CaseStatus.FORWARDED


def test_a_file_marked_sent_twice_is_a_conflict(msl: User, pv: User, no_schema_set: None) -> None:
    case = coded_case(msl)
    api = ApiClient(pv)
    submission_id = api.get(f"/safety/cases/{case.pk}/e2b")["X-E2B-Submission-Id"]
    assert api.post(f"/safety/submissions/{submission_id}/sent", {}).status_code == 200
    again = api.post(f"/safety/submissions/{submission_id}/sent", {})
    assert again.status_code == 409 and "already" in again.json()["message"]


def test_only_pharmacovigilance_marks_a_file_sent(msl: User, pv: User) -> None:
    case = coded_case(msl)
    submission = Submission.objects.create(
        case=case, message_id="M", batch_id="B-REPORTER", exported_by=pv
    )
    assert ApiClient(msl).post(f"/safety/submissions/{submission.pk}/sent", {}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.EXPORTED


@pytest.mark.shared_data
@pytest.mark.parametrize("regional", ["", "fda"])
def test_the_download_validates_against_the_schema_set(
    msl: User, pv: User, schema_set: Path, regional: str
) -> None:
    case = coded_case(msl, country="US")
    answer = ApiClient(pv).get(f"/safety/cases/{case.pk}/e2b", {"regional": regional})
    assert answer["X-E2B-Valid"] == "true", answer.content[:2000]
    assert Submission.objects.get(case=case).valid is True


def test_an_unknown_regional_profile_is_named(msl: User, pv: User, no_schema_set: None) -> None:
    case = coded_case(msl)
    answer = ApiClient(pv).get(f"/safety/cases/{case.pk}/e2b", {"regional": "pmda"})
    assert answer.status_code == 422 and list(answer.json()["details"]) == ["regional"]
    assert not Submission.objects.exists()


def test_a_case_with_an_uncoded_reaction_is_not_ready(msl: User, pv: User) -> None:
    case = factories.case(msl)
    answer = ApiClient(pv).get(f"/safety/cases/{case.pk}/e2b")
    assert answer.status_code == 409
    assert "reactions.0.meddra_code" in answer.json()["details"]
    assert "MedDRA code" in answer.json()["message"]
    assert not Submission.objects.exists()


def test_the_reporter_may_not_download(msl: User) -> None:
    case = coded_case(msl)
    assert ApiClient(msl).get(f"/safety/cases/{case.pk}/e2b").status_code == 403


@pytest.mark.shared_data
@pytest.mark.parametrize("name", FDA_EXAMPLES)
def test_an_fda_example_imports_and_re_exports_the_same(
    pv: User, schema_set: Path, name: str
) -> None:
    content = (schema_set / "e2b" / "r3" / name).read_bytes()
    originals = reader.read_icsrs(io.BytesIO(content), name=name)
    api = ApiClient(pv)
    answer = upload(api, "/safety/e2b/import", name, content)
    assert answer.status_code == 201, answer.json()
    imported = answer.json()
    assert [set(row) for row in imported] == [{"case", "report_id"}] * len(originals)
    assert [row["report_id"] for row in imported] == [icsr.report_id for icsr in originals]
    for row, original in zip(imported, originals, strict=True):
        export = api.get(f"/safety/cases/{row['case']}/e2b", {"regional": "fda"})
        assert export.status_code == 200, export.content[:500]
        assert export["X-E2B-Valid"] == "true"
        (again,) = reader.read_icsrs(io.BytesIO(export.content), name="re-export.xml")
        assert again.report_id == original.report_id
        assert [r.meddra_code for r in again.reactions] == [
            r.meddra_code for r in original.reactions
        ]
        assert sorted(d.product_name for d in again.drugs) == sorted(
            d.product_name for d in original.drugs
        )


@pytest.mark.shared_data
def test_an_acknowledgement_given_as_cases_points_to_the_ack_import(
    pv: User, shared_data: Path
) -> None:
    content = (shared_data / "e2b" / "r3" / "R3ack-positive.xml").read_bytes()
    answer = upload(ApiClient(pv), "/safety/e2b/import", "R3ack-positive.xml", content)
    assert answer.status_code == 422
    assert "import-ack" in answer.json()["details"]["file"]
    assert not Case.objects.exists()


def test_a_file_that_is_not_xml_is_named(pv: User) -> None:
    answer = upload(ApiClient(pv), "/safety/e2b/import", "notes.xml", b"Dear colleague,")
    assert answer.status_code == 422
    assert answer.json()["details"]["file"].startswith("notes.xml")


def test_an_import_without_a_file_names_file(pv: User) -> None:
    answer = ApiClient(pv).post("/safety/e2b/import")
    assert answer.status_code == 422 and list(answer.json()["details"]) == ["file"]


def test_only_pharmacovigilance_imports(msl: User) -> None:
    answer = upload(ApiClient(msl), "/safety/e2b/import", "cases.xml", b"<x/>")
    assert answer.status_code == 403
    answer = upload(ApiClient(msl), "/safety/e2b/ack", "ack.xml", b"<x/>")
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("code", "status"),
    [(AckCode.COMMIT_ACCEPT, "accepted"), (AckCode.COMMIT_REJECT, "rejected")],
)
def test_an_acknowledgement_updates_the_submission_it_names(
    msl: User, pv: User, no_schema_set: None, code: AckCode, status: str
) -> None:
    case = coded_case(msl)
    api = ApiClient(pv)
    assert api.get(f"/safety/cases/{case.pk}/e2b").status_code == 200
    submission = Submission.objects.get(case=case)
    answer = upload(api, "/safety/e2b/ack", "ack.xml", ack_file(submission, code, "checked"))
    assert answer.status_code == 200, answer.json()
    assert answer.json()["updated"] == [
        {"case": case.pk, "report_id": case.safety_report_id, "status": status}
    ]
    submission.refresh_from_db()
    case.refresh_from_db()
    assert submission.status == status and case.submission_status == status
    assert Case.objects.count() == 1


def test_a_positive_acknowledgement_of_a_file_never_marked_sent_submits_it(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl)
    api = ApiClient(pv)
    assert api.get(f"/safety/cases/{case.pk}/e2b").status_code == 200
    submission = Submission.objects.get(case=case)
    ack = ack_file(submission, AckCode.COMMIT_ACCEPT)
    assert upload(api, "/safety/e2b/ack", "ack.xml", ack).status_code == 200
    submission.refresh_from_db()
    case.refresh_from_db()
    # The regulator has it: it went when it was exported, by nobody Liaison knows.
    assert submission.sent_at == submission.exported_at and submission.sent_by is None
    assert case.submitted_at == submission.exported_at
    assert case.status == CaseStatus.SUBMITTED


def test_a_negative_acknowledgement_of_a_file_never_marked_sent_leaves_the_clock_running(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl)
    api = ApiClient(pv)
    assert api.get(f"/safety/cases/{case.pk}/e2b").status_code == 200
    submission = Submission.objects.get(case=case)
    ack = ack_file(submission, AckCode.COMMIT_REJECT, "E.i.2.1b is missing")
    assert upload(api, "/safety/e2b/ack", "ack.xml", ack).status_code == 200
    submission.refresh_from_db()
    case.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED and submission.sent_at is None
    assert case.submitted_at is None and case.status == CaseStatus.FORWARDED


def test_an_acknowledgement_of_nothing_we_sent_is_refused(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl)
    stranger = Submission(case=case, message_id="NOT-OURS", batch_id="B-X")
    answer = upload(
        ApiClient(pv), "/safety/e2b/ack", "ack.xml", ack_file(stranger, AckCode.COMMIT_ACCEPT)
    )
    assert answer.status_code == 422 and "names no submission" in answer.json()["details"]["file"]


def test_an_icsr_given_as_an_acknowledgement_points_to_the_case_import(
    msl: User, pv: User, no_schema_set: None
) -> None:
    case = coded_case(msl)
    api = ApiClient(pv)
    content = api.get(f"/safety/cases/{case.pk}/e2b").content
    answer = upload(api, "/safety/e2b/ack", "cases.xml", content)
    assert answer.status_code == 422 and "import-e2b" in answer.json()["details"]["file"]


def test_a_file_over_the_cap_is_refused_naming_it_and_the_limit(pv: User, settings: Any) -> None:
    settings.LIAISON_E2B_UPLOAD_MAX_MB = 0
    for path in ("/safety/e2b/import", "/safety/e2b/ack"):
        answer = upload(ApiClient(pv), path, "big.xml", batch_xml())
        assert answer.status_code == 422
        assert answer.json()["details"]["file"].startswith("big.xml: 0.0 MB, more than the 0 MB")
    assert not Case.objects.exists() and not Job.objects.exists()


@pytest.fixture
def every_upload_a_job(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    """Every upload past the size read in the request: each runs as a job, now."""
    monkeypatch.setattr(e2b_api, "READ_IN_REQUEST_MAX_MB", 0)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def test_a_file_too_large_for_the_request_is_imported_by_a_job(
    pv: User, every_upload_a_job: None, django_capture_on_commit_callbacks: Any
) -> None:
    api = ApiClient(pv)
    content = batch_xml(minimal_icsr("US-LIAISON-0001"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(api, "/safety/e2b/import", "cases.xml", content)

    assert answer.status_code == 202, answer.json()
    job = Job.objects.get()
    assert answer.json() == {
        "job_id": job.pk,
        "url": reverse("core:job-detail", args=[job.pk]),
        "api_url": f"{API}/jobs/{job.pk}",
    }
    polled = api.get(f"/jobs/{job.pk}").json()
    case = Case.objects.get()
    assert polled["status"] == JobStatus.SUCCEEDED
    assert polled["counts"] == {"created": 1, "new_versions": 0}
    assert f"{case.reference} (US-LIAISON-0001)" in polled["message"]


def test_a_job_of_a_file_the_service_refuses_fails_naming_the_file(
    pv: User, every_upload_a_job: None, django_capture_on_commit_callbacks: Any
) -> None:
    content = batch_xml(minimal_icsr(llt="1003784"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(ApiClient(pv), "/safety/e2b/import", "FAERS.xml", content)

    assert answer.status_code == 202
    job = Job.objects.get(pk=answer.json()["job_id"])
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("FAERS.xml, line ") and job.message.endswith("(E.i.2.1b)")
    assert not Case.objects.exists()


def test_an_acknowledgement_too_large_for_the_request_is_applied_by_a_job(
    msl: User,
    pv: User,
    no_schema_set: None,
    every_upload_a_job: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = coded_case(msl)
    api = ApiClient(pv)
    assert api.get(f"/safety/cases/{case.pk}/e2b").status_code == 200
    submission = Submission.objects.get(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(
            api, "/safety/e2b/ack", "ack.xml", ack_file(submission, AckCode.COMMIT_ACCEPT)
        )

    assert answer.status_code == 202
    polled = api.get(f"/jobs/{answer.json()['job_id']}").json()
    assert polled["status"] == JobStatus.SUCCEEDED
    assert polled["counts"] == {"accepted": 1, "rejected": 0, "not_from_liaison": 0}
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
