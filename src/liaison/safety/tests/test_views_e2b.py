"""E2B(R3) files in the web: pharmacovigilance downloads a case as XML (the
validation result said), an uncoded case is refused with the reason, uploads of
ICSR files run as jobs (one per file, each creating its cases or failing naming
the file at fault), a file that is not E2B or too large is refused on the form
before any job, an acknowledgement is refused there and pointed to its own
upload, whose job updates the submission."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from liaison.core.models import Job, JobStatus, User
from liaison.safety.e2b.records import Ack, AckCode, MessageAck, PartialDate
from liaison.safety.e2b.write_ack import write_ack
from liaison.safety.models import Case, Reaction, Submission, SubmissionStatus
from liaison.safety.tests import factories
from liaison.safety.tests.e2b_factories import batch_xml

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_jobs(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def coded_case(reporter: User, **values: Any) -> Case:
    case = factories.case(reporter, **values)
    Reaction.objects.filter(case=case).update(meddra_code="10037087", meddra_version="27.1")
    return case


def export(client: Client, case: Case, **data: Any) -> Any:
    return client.post(reverse("safety:case-export", args=[case.pk]), data)


def test_pv_export_downloads_the_case_as_e2b_xml(
    client: Client, msl: User, pv: User, settings: Any
) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = None
    case = coded_case(msl)
    response = export(signed_in(client, pv), case)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{case.safety_report_id}-" in disposition
    assert response["X-E2B-Valid"] == "unknown"
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "MCCI_IN200100UV01"
    assert case.safety_report_id.encode() in response.content
    submission = Submission.objects.get(case=case)
    assert submission.message_id.encode() in response.content
    html = client.get(reverse("safety:case-detail", args=[case.pk])).content.decode()
    assert "not validated (no ICH schema set is configured)" in html  # the message
    assert submission.message_id in html


def test_the_export_submits_nothing_until_the_file_is_marked_sent(
    client: Client, msl: User, pv: User, settings: Any
) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = None
    case = coded_case(msl)
    assert export(signed_in(client, pv), case).status_code == 200
    case.refresh_from_db()
    submission = Submission.objects.get(case=case)
    assert case.submitted_at is None and submission.status == SubmissionStatus.EXPORTED
    sent_url = reverse("safety:submission-sent", args=[submission.pk])
    page = client.get(reverse("safety:case-detail", args=[case.pk])).content.decode()
    assert f'action="{sent_url}"' in page and "Mark as sent" in page

    response = client.post(sent_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("safety:case-detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == "submitted" and case.submitted_at is not None
    page = client.get(response["Location"]).content.decode()
    assert f'action="{sent_url}"' not in page and "is submitted" in page


def test_a_file_that_does_not_validate_has_no_mark_as_sent_button(
    client: Client, msl: User, pv: User
) -> None:
    case = coded_case(msl)
    submission = Submission.objects.create(
        case=case, message_id="M", batch_id="B-BAD", exported_by=pv, valid=False
    )
    url = reverse("safety:submission-sent", args=[submission.pk])
    page = signed_in(client, pv).get(reverse("safety:case-detail", args=[case.pk]))
    html = page.content.decode()
    assert f'action="{url}"' not in html and "Not to be sent" in html
    refused = client.post(url, follow=True)
    assert "was not marked sent" in refused.content.decode()
    case.refresh_from_db()
    assert case.submitted_at is None


def test_export_with_the_fda_option_records_the_regional_submission(
    client: Client, msl: User, pv: User
) -> None:
    case = coded_case(msl)
    response = export(signed_in(client, pv), case, regional="fda")
    assert response.status_code == 200
    assert Submission.objects.get(case=case).regional == "fda"
    assert b"ZZFDA" in response.content


@pytest.mark.shared_data
def test_exported_file_is_said_valid_against_the_shared_schema_set(
    client: Client, msl: User, pv: User, settings: Any, shared_data: Path
) -> None:
    settings.LIAISON_E2B_SCHEMA_DIR = str(shared_data / "e2b" / "schema")
    case = coded_case(msl)
    response = export(signed_in(client, pv), case)
    assert response["X-E2B-Valid"] == "true"
    assert Submission.objects.get(case=case).valid is True
    html = client.get(reverse("safety:case-detail", args=[case.pk])).content.decode()
    assert "valid against the ICH E2B(R3) schema set" in html


def test_an_uncoded_case_is_refused_with_the_reason(client: Client, msl: User, pv: User) -> None:
    case = factories.case(msl)
    signed_in(client, pv)
    html = client.get(reverse("safety:case-export", args=[case.pk])).content.decode()
    assert "has no MedDRA code yet" in html
    response = export(client, case)
    assert response.status_code == 422
    assert "has no MedDRA code yet" in response.content.decode()
    assert not Submission.objects.filter(case=case).exists()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


def test_a_file_that_is_not_xml_is_named_and_no_job_starts(client: Client, pv: User) -> None:
    response = signed_in(client, pv).post(
        reverse("safety:e2b-import"), {"e2b_files": [upload("broken.xml", b"not xml at all")]}
    )
    assert response.status_code == 422
    assert "broken.xml" in response.content.decode()
    assert not Case.objects.exists() and not Job.objects.exists()


@pytest.mark.shared_data
def test_import_refuses_an_acknowledgement_and_points_to_its_upload(
    client: Client, pv: User, shared_data: Path
) -> None:
    content = (shared_data / "e2b" / "r3" / "R3ack-positive.xml").read_bytes()
    response = signed_in(client, pv).post(
        reverse("safety:e2b-import"), {"e2b_files": [upload("R3ack-positive.xml", content)]}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "acknowledgement file, not a case" in html
    assert f'href="{reverse("safety:ack-import")}">Upload it as an acknowledgement' in html
    assert not Case.objects.exists() and not Job.objects.exists()


@pytest.mark.shared_data
def test_an_fda_example_uploaded_runs_a_job_whose_page_names_its_cases(
    client: Client,
    pv: User,
    shared_data: Path,
    immediate_jobs: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    content = (shared_data / "e2b" / "r3" / "FAERS2022Scenario1.xml").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, pv).post(
            reverse("safety:e2b-import"),
            {"e2b_files": [upload("FAERS2022Scenario1.xml", content)]},
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    case = Case.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Import adverse-event cases from FAERS2022Scenario1.xml" in page
    assert f"{case.reference} ({case.safety_report_id})" in page


@pytest.mark.shared_data
def test_several_files_run_a_job_each_and_a_broken_one_fails_alone(
    client: Client,
    pv: User,
    shared_data: Path,
    immediate_jobs: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    folder = shared_data / "e2b" / "r3"
    files = [
        upload(name, (folder / name).read_bytes())
        for name in ("FAERS2022Scenario1.xml", "FAERS2022Scenario2.xml")
    ]
    whole = (folder / "FAERS2022Scenario5-1.xml").read_bytes()
    files.append(upload("truncated.xml", whole[: len(whole) // 2]))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, pv).post(reverse("safety:e2b-import"), {"e2b_files": files})
    assert response.status_code == 302 and response["Location"] == reverse("core:job-list")
    by_file = {job.params["file_name"]: job for job in Job.objects.all()}
    assert set(by_file) == {"FAERS2022Scenario1.xml", "FAERS2022Scenario2.xml", "truncated.xml"}
    assert by_file["FAERS2022Scenario1.xml"].status == JobStatus.SUCCEEDED
    assert by_file["FAERS2022Scenario2.xml"].status == JobStatus.SUCCEEDED
    failed = by_file["truncated.xml"]
    assert failed.status == JobStatus.FAILED and failed.message.startswith("truncated.xml")
    assert Case.objects.count() == 2  # one case per good file; the broken one wrote nothing
    page = client.get(response["Location"]).content.decode()
    assert "3 files are being read, each as its own job." in page


def test_one_file_refused_at_the_door_starts_no_job_for_the_others(
    client: Client, pv: User, immediate_jobs: None
) -> None:
    files = [upload("good.xml", batch_xml()), upload("notes.txt", b"Dear colleague,")]
    response = signed_in(client, pv).post(reverse("safety:e2b-import"), {"e2b_files": files})
    assert response.status_code == 422
    assert "notes.txt: not XML" in response.content.decode()
    assert not Job.objects.exists()


def test_an_acknowledgement_runs_a_job_that_updates_the_submission_it_names(
    client: Client,
    msl: User,
    pv: User,
    immediate_jobs: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = coded_case(msl)
    signed_in(client, pv)
    assert export(client, case).status_code == 200
    submission = Submission.objects.get(case=case)
    now = PartialDate.from_datetime(timezone.now())
    ack = Ack(
        ack_id="ACK-1",
        created_at=now,
        icsr_batch_id=submission.batch_id,
        code=AckCode.APPLICATION_ERROR,
        messages=(
            MessageAck(
                target_id=submission.message_id,
                code=AckCode.COMMIT_REJECT,
                text="E.i.2.1b is missing",
            ),
        ),
    )
    stream = io.BytesIO()
    write_ack(ack, stream)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("safety:ack-import"), {"file": upload("ack.xml", stream.getvalue())}
        )
    job = Job.objects.get(kind="ack-import")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert case.reference in client.get(response["Location"]).content.decode()
    submission.refresh_from_db()
    case.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED
    assert submission.ack_text == "E.i.2.1b is missing"
    assert case.submission_status == SubmissionStatus.REJECTED


def test_an_icsr_uploaded_as_an_acknowledgement_is_refused(
    client: Client, msl: User, pv: User
) -> None:
    case = coded_case(msl)
    content = export(signed_in(client, pv), case).content
    response = client.post(reverse("safety:ack-import"), {"file": upload("case.xml", content)})
    assert response.status_code == 422
    assert "this is an ICSR file, not an acknowledgement" in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "field"), [("safety:ack-import", "file"), ("safety:e2b-import", "e2b_files")]
)
def test_an_upload_over_the_limit_is_refused_naming_it_and_the_limit(
    client: Client, pv: User, settings: Any, url_name: str, field: str
) -> None:
    settings.LIAISON_E2B_UPLOAD_MAX_MB = 0
    response = signed_in(client, pv).post(
        reverse(url_name), {field: upload("big.xml", b"<x/>" * 10)}
    )
    assert response.status_code == 422
    assert "big.xml: 0.0 MB, more than the 0 MB" in response.content.decode()
    assert not Job.objects.exists()
