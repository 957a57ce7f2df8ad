"""E2B(R3) files and acknowledgements read as file jobs: the job creates the cases of
a file (or versions them) all or none and says which; a file the service refuses
fails its job with the file, the ICSR or line and the field, writing nothing; a job
run again after its import committed imports nothing twice; an acknowledgement's
job lists the submissions it updated; files over the cap or of the other kind are
refused before any job starts; only pharmacovigilance starts one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liaison.conftest import make_user
from liaison.core import jobs, registry, uploads
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Job, JobStatus, Role, User
from liaison.safety import tasks
from liaison.safety.e2b import AckCode
from liaison.safety.models import Case, CaseStatus, Submission, SubmissionStatus
from liaison.safety.services import e2b as services
from liaison.safety.tests.e2b_factories import batch_xml, minimal_icsr
from liaison.safety.tests.test_api_e2b import ack_file, coded_case

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
#: The job pages' reports, as ``apps.py`` declares them (``FileJob.report_template``).
REPORTS = {
    tasks.E2B_IMPORT_KIND: "safety/e2b_import_report.html",
    tasks.ACK_IMPORT_KIND: "safety/ack_import_report.html",
}


@pytest.fixture(autouse=True)
def immediate(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    settings.LIAISON_E2B_SCHEMA_DIR = None


@pytest.fixture
def job_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety jobs' report templates declared (whatever ``apps.py`` says today)."""
    config = cast(registry.LiaisonAppConfig, apps.get_app_config("safety"))
    declared = tuple(
        dataclasses.replace(kind, report_template=REPORTS[kind.kind]) for kind in config.file_jobs
    )
    monkeypatch.setattr(config, "file_jobs", declared)


def xml_file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


def run(capture: CaptureCommits, actor: User, kind: str, *files: SimpleUploadedFile) -> list[Job]:
    """Start the jobs over ``files`` and run them now; the jobs as they ended."""
    with capture(execute=True):
        started = tasks.start_import(actor=actor, kind=kind, files=files)
    for job in started:
        job.refresh_from_db()
    return started


def test_an_e2b_file_becomes_a_job_that_creates_its_cases(
    pv: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = batch_xml(minimal_icsr("US-LIAISON-0001"), minimal_icsr("US-LIAISON-0002"))

    (job,) = run(
        django_capture_on_commit_callbacks,
        pv,
        tasks.E2B_IMPORT_KIND,
        xml_file("cases.xml", content),
    )

    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.owner == pv and job.title == "Import adverse-event cases from cases.xml"
    assert job.counts == {"created": 2, "new_versions": 0}
    assert job.done == job.total == 1
    cases = list(Case.objects.order_by("pk"))
    assert [case.safety_report_id for case in cases] == ["US-LIAISON-0001", "US-LIAISON-0002"]
    assert {case.status for case in cases} == {CaseStatus.IN_REVIEW}
    named = ", ".join(f"{case.reference} ({case.safety_report_id})" for case in cases)
    assert job.message == f"cases.xml: 2 cases created: {named}."


def test_a_report_id_already_in_liaison_is_a_new_version_said_so(
    pv: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = batch_xml(minimal_icsr("US-LIAISON-0001"))
    run(django_capture_on_commit_callbacks, pv, tasks.E2B_IMPORT_KIND, xml_file("a.xml", content))

    (job,) = run(
        django_capture_on_commit_callbacks,
        pv,
        tasks.E2B_IMPORT_KIND,
        xml_file("follow-up.xml", content),
    )

    case = Case.objects.get()
    assert case.version_number == 2
    assert job.counts == {"created": 0, "new_versions": 1}
    assert job.message == (
        f"follow-up.xml: 1 new version of cases already in Liaison: "
        f"{case.reference} (US-LIAISON-0001)."
    )


def test_the_job_page_lists_the_cases_with_links_for_the_owner_alone(
    pv: User,
    admin_user: User,
    django_capture_on_commit_callbacks: CaptureCommits,
    job_reports: None,
) -> None:
    content = batch_xml(minimal_icsr("US-LIAISON-0001"))
    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.E2B_IMPORT_KIND, xml_file("a.xml", content)
    )
    case = Case.objects.get()
    client = Client()
    client.force_login(pv)

    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()

    link = f'<a href="{reverse("safety:case-detail", args=[case.pk])}">{case.reference}</a>'
    assert link in page and "<code>US-LIAISON-0001</code>" in page
    assert "<td>created</td>" in page
    other = Client()
    other.force_login(make_user("another-pv", Role.PHARMACOVIGILANCE))
    assert other.get(reverse("core:job-detail", args=[job.pk])).status_code == 404


def test_a_value_a_case_cannot_keep_fails_the_job_and_writes_nothing(
    pv: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    too_long = "US-" + "9" * 120
    content = batch_xml(minimal_icsr("US-LIAISON-0001"), minimal_icsr(too_long))

    (job,) = run(
        django_capture_on_commit_callbacks,
        pv,
        tasks.E2B_IMPORT_KIND,
        xml_file("cases.xml", content),
    )

    assert job.status == JobStatus.FAILED
    assert job.message.startswith("cases.xml, ICSR 2 (US-9")
    assert "Safety report id: Ensure this value has at most 100 characters" in job.message
    assert "(E2B C.1.1" in job.message
    assert not Case.objects.exists()  # the first ICSR's case went with the second's refusal
    assert "outcome" not in job.params


def test_a_file_broken_past_its_head_fails_the_job_at_its_line(
    pv: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = batch_xml(minimal_icsr(llt="1003784"))
    line = content[: content.index(b'code="1003784"')].count(b"\n") + 1

    (job,) = run(
        django_capture_on_commit_callbacks,
        pv,
        tasks.E2B_IMPORT_KIND,
        xml_file("FAERS.xml", content),
    )

    assert job.status == JobStatus.FAILED
    assert job.message == (
        f'FAERS.xml, line {line}: the reaction\'s MedDRA code "1003784" is not 8 digits (E.i.2.1b)'
    )
    assert not Case.objects.exists()


def test_a_job_run_again_after_its_import_committed_imports_nothing_twice(
    pv: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = batch_xml(minimal_icsr("US-LIAISON-0001"))
    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.E2B_IMPORT_KIND, xml_file("a.xml", content)
    )
    events = AuditEvent.objects.count()
    first_message = job.message
    # Its worker died after the import committed, before the job was marked done.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.INTERRUPTED, message="stopped")
    job.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_again(actor=pv, job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.message == first_message
    assert job.counts == {"created": 1, "new_versions": 0}
    case = Case.objects.get()
    assert case.version_number == 1  # read again, the ICSR would be a follow-up
    assert AuditEvent.objects.count() == events


def test_an_acknowledgement_job_updates_the_submission_it_names(
    msl: User,
    pv: User,
    settings: Any,
    django_capture_on_commit_callbacks: CaptureCommits,
    job_reports: None,
) -> None:
    case = coded_case(msl)
    submission = services.export_case(actor=pv, case=case).submission
    content = ack_file(submission, AckCode.COMMIT_REJECT, "E.i.2.1b is missing")

    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.ACK_IMPORT_KIND, xml_file("ack.xml", content)
    )

    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.title == "Apply the acknowledgement ack.xml"
    assert job.counts == {"accepted": 0, "rejected": 1, "not_from_liaison": 0}
    assert job.message == (
        f"ack.xml: batch {submission.batch_id} rejected; 1 submission updated: "
        f"{case.reference} rejected."
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED
    client = Client()
    client.force_login(pv)
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert f"Acknowledgement of batch <code>{submission.batch_id}</code>: rejected" in page
    assert f'{reverse("safety:case-detail", args=[case.pk])}">{case.reference}</a>' in page
    upload = job.params["upload"]
    assert kept_files(settings) == [f"{upload}/meta.json", f"{upload}/report.json"]


def test_an_acknowledgement_naming_nothing_of_ours_fails_its_job(
    msl: User, pv: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    stranger = Submission(case=coded_case(msl), message_id="NOT-OURS", batch_id="B-X")
    content = ack_file(stranger, AckCode.COMMIT_ACCEPT)

    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.ACK_IMPORT_KIND, xml_file("ack.xml", content)
    )

    assert job.status == JobStatus.FAILED
    assert job.message.startswith("ack.xml: the acknowledgement names no submission of Liaison")


def test_a_file_over_the_cap_is_refused_naming_it_and_the_limit_and_no_job_starts(
    pv: User, settings: Any
) -> None:
    settings.LIAISON_E2B_UPLOAD_MAX_MB = 1
    small = xml_file("small.xml", batch_xml())
    big = xml_file("big.xml", b" " * (1024 * 1024 + 1))

    with pytest.raises(LiaisonError) as refused:
        tasks.start_import(actor=pv, kind=tasks.E2B_IMPORT_KIND, files=[small, big])

    assert refused.value.message.startswith("big.xml: 1.0 MB, more than the 1 MB")
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("kind", "content", "reason"),
    [
        (tasks.E2B_IMPORT_KIND, b"", "this is an acknowledgement file, not a case"),
        (tasks.ACK_IMPORT_KIND, batch_xml(), "this is an ICSR file, not an acknowledgement"),
    ],
)
def test_a_file_of_the_other_kind_is_refused_before_any_job(
    msl: User, pv: User, kind: str, content: bytes, reason: str
) -> None:
    if not content:
        submission = services.export_case(actor=pv, case=coded_case(msl)).submission
        content = ack_file(submission, AckCode.COMMIT_ACCEPT)

    with pytest.raises(tasks.WrongKindOfFile) as refused:
        tasks.start_import(actor=pv, kind=kind, files=[xml_file("file.xml", content)])

    assert refused.value.message.startswith(f"file.xml: {reason}")
    assert not Job.objects.exists()


def test_only_pharmacovigilance_starts_an_import(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        tasks.start_import(
            actor=msl, kind=tasks.E2B_IMPORT_KIND, files=[xml_file("a.xml", batch_xml())]
        )
    assert not Job.objects.exists()


def kept_files(settings: Any) -> list[str]:
    """Every file of the uploads folder, by its path in it."""
    root = Path(settings.MEDIA_ROOT) / "uploads"
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_the_file_is_deleted_once_imported_and_the_job_page_keeps_its_report(
    pv: User, settings: Any, django_capture_on_commit_callbacks: CaptureCommits, job_reports: None
) -> None:
    content = batch_xml(minimal_icsr("US-LIAISON-0001"))

    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.E2B_IMPORT_KIND, xml_file("a.xml", content)
    )

    assert job.status == JobStatus.SUCCEEDED, job.message
    upload = job.params["upload"]
    assert kept_files(settings) == [f"{upload}/meta.json", f"{upload}/report.json"]
    client = Client()
    client.force_login(pv)
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "<code>US-LIAISON-0001</code>" in page


def test_a_refused_file_is_deleted_and_its_job_run_again_says_so(
    pv: User, settings: Any, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = batch_xml(minimal_icsr(llt="1003784"))
    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.E2B_IMPORT_KIND, xml_file("bad.xml", content)
    )
    assert job.status == JobStatus.FAILED
    assert kept_files(settings) == [f"{job.params['upload']}/meta.json"]

    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_again(actor=pv, job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "bad.xml: the file was deleted when it was refused; upload it again"
    assert not Case.objects.exists()


def test_a_runner_run_again_after_its_file_is_deleted_returns_its_outcome_counted_once(
    pv: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = batch_xml(minimal_icsr("US-LIAISON-0001"), minimal_icsr("US-LIAISON-0002"))
    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.E2B_IMPORT_KIND, xml_file("a.xml", content)
    )
    path = uploads.job_file(job)
    assert not path.exists()
    progress = jobs.Progress(job.pk)

    # As ``jobs.retrying`` would run it after the commit: twice, with its file gone.
    messages = [tasks.run_e2b_import(job, path, {}, progress) for _ in range(2)]

    assert messages == [job.message, job.message]
    assert progress.counts == {"created": 2, "new_versions": 0}
    assert progress.done == progress.total == 1
    assert Case.objects.count() == 2


def test_the_e2b_cap_is_the_one_cap_of_an_e2b_upload(
    pv: User, settings: Any, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    settings.LIAISON_UPLOAD_MAX_MB = 1
    settings.LIAISON_E2B_UPLOAD_MAX_MB = 2
    content = batch_xml(minimal_icsr("US-LIAISON-0001"))
    padded = content + b" " * (1024 * 1024 + 1 - len(content) + 1024)  # over 1 MB, under 2

    (job,) = run(
        django_capture_on_commit_callbacks, pv, tasks.E2B_IMPORT_KIND, xml_file("big.xml", padded)
    )

    assert job.status == JobStatus.SUCCEEDED, job.message
    assert Case.objects.get().safety_report_id == "US-LIAISON-0001"


def test_a_batch_whose_second_file_is_not_kept_starts_no_job_and_keeps_nothing(
    pv: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = uploads.store_upload
    stored: list[str] = []

    def full_disk_on_the_second(**kwargs: Any) -> uploads.Upload:
        if stored:
            raise OSError(28, "No space left on device")
        stored.append(kwargs["file"].name)
        return store(**kwargs)

    monkeypatch.setattr(uploads, "store_upload", full_disk_on_the_second)
    files = [xml_file(name, batch_xml(minimal_icsr())) for name in ("a.xml", "b.xml")]

    with pytest.raises(OSError, match="No space left"):
        tasks.start_import(actor=pv, kind=tasks.E2B_IMPORT_KIND, files=files)

    assert stored == ["a.xml"]
    assert not Job.objects.exists()
    assert kept_files(settings) == []
