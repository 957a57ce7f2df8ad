"""Uploads and file jobs (core.uploads): the one path check, the owner check, the job
row, the task queued with the job's id and run over the file by the kind's runner."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from liaison import cli
from liaison.core import jobs, registry, uploads
from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import Job, JobStatus, User
from liaison.core.tests.apiclient import ApiClient

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DB_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
}
CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]

ECHO = registry.FileJob(
    kind="test-echo", runner=f"{__name__}.echo_runner", title="Echo {file_name} as {mode}"
)


def echo_runner(job: Job, path: Path, options: dict[str, Any], progress: jobs.Progress) -> str:
    """Counts the file's lines; ``mode="fail"`` fails on line 2 as a real import would."""
    lines = path.read_text(encoding="utf-8").splitlines()
    progress.set_total(len(lines))
    if options["mode"] == "fail":
        raise LiaisonError(f"{path.name}, row 2: {lines[1]!r} is not a number")
    progress.advance(len(lines), lines=len(lines))
    return f"{len(lines)} lines of {path.name} read by {job.owner.username}"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(apps.get_app_config("core"), "file_jobs", (ECHO,))
    return tmp_path


def incoming(name: str | None, content: bytes = b"1\n2\n3\n") -> uploads.FileChunks:
    return uploads.FileChunks(name or "", [content[:2], content[2:]])


# --- file names and the path check ------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("hcps.csv", "hcps.csv"),
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\ada\\My HCPs.csv", "My_HCPs.csv"),
        ("..", "upload"),
        ("", "upload"),
        (None, "upload"),
        ("a/b/", "upload"),
    ],
)
def test_a_file_name_keeps_only_a_safe_last_part(sent: str | None, kept: str) -> None:
    assert uploads.safe_file_name(sent) == kept


def test_a_long_file_name_is_shortened_keeping_its_extension() -> None:
    name = uploads.safe_file_name("x" * 300 + ".xlsx")
    assert len(name) == uploads.MAX_NAME and name.endswith("x.xlsx")


def test_an_upload_is_kept_in_its_own_folder_of_the_uploads_folder(msl: User, media: Path) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("../../../escape.csv"))

    assert upload.path == (media / "media" / "uploads" / str(upload.id) / "file" / "escape.csv")
    assert upload.path.read_bytes() == b"1\n2\n3\n"
    assert not (media / "escape.csv").exists()


@pytest.mark.parametrize("relative", ["../other", "/etc/passwd", "file/../../x", "."])
def test_paths_leaving_the_upload_folder_are_not_found(relative: str) -> None:
    with pytest.raises(NotFound):
        uploads._inside(uuid.uuid4(), relative)


@pytest.mark.parametrize("upload_id", ["..", "../../etc", "/tmp", "not-a-uuid"])
def test_an_upload_id_that_is_not_a_uuid_is_not_found(msl: User, upload_id: str) -> None:
    with pytest.raises(NotFound):
        uploads.get_upload(actor=msl, upload_id=upload_id)


def test_a_stored_file_replaced_by_a_symlink_to_elsewhere_is_not_found(
    msl: User, media: Path
) -> None:
    (media / "secret.txt").write_text("not yours")
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"))
    stored = media / "media" / "uploads" / str(upload.id) / "file" / "data.csv"
    stored.unlink()
    stored.symlink_to(media / "secret.txt")

    with pytest.raises(NotFound):
        _ = upload.path


def test_a_symlink_into_another_upload_is_not_found(msl: User, media: Path) -> None:
    mine = uploads.store_upload(owner=msl, file=incoming("data.csv"))
    theirs = uploads.store_upload(owner=msl, file=incoming("other.csv"))
    stored = mine.path
    stored.unlink()
    stored.symlink_to(theirs.path)

    with pytest.raises(NotFound):
        _ = mine.path


def test_an_upload_folder_that_is_a_symlink_is_not_found(msl: User, media: Path) -> None:
    outside = media / "outside"
    (outside / "file").mkdir(parents=True)
    (outside / "file" / "data.csv").write_text("1\n")
    (outside / uploads.META_FILE).write_text(f'{{"owner": {msl.pk}, "file_name": "data.csv"}}')
    linked = uuid.uuid4()
    root = media / "media" / "uploads"
    root.mkdir(parents=True)
    (root / str(linked)).symlink_to(outside)

    with pytest.raises(NotFound):
        uploads.get_upload(actor=msl, upload_id=linked)


# --- owners -----------------------------------------------------------------------------


def test_an_upload_is_its_uploaders_alone(msl: User, other_msl: User, admin_user: User) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"), state={"sheet": "A"})

    assert uploads.get_upload(actor=msl, upload_id=upload.id).state == {"sheet": "A"}
    for someone_else in (other_msl, admin_user):
        with pytest.raises(NotFound):
            uploads.get_upload(actor=someone_else, upload_id=upload.id)


def test_saved_choices_are_read_back(msl: User) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"))
    uploads.save_upload_state(upload, {"mapping": {"A": "npi"}})
    assert uploads.get_upload(actor=msl, upload_id=str(upload.id)).state == {
        "mapping": {"A": "npi"}
    }


def test_a_job_cannot_start_over_another_users_upload(msl: User, other_msl: User) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"))
    with pytest.raises(NotFound):
        uploads.start_file_job(
            actor=other_msl, kind="test-echo", file=upload, options={"mode": "ok"}
        )
    assert not Job.objects.exists()


def test_a_job_whose_params_point_to_another_users_upload_has_no_file(
    msl: User, other_msl: User
) -> None:
    theirs = uploads.store_upload(owner=other_msl, file=incoming("data.csv"))
    job = Job.objects.create(
        owner=msl,
        kind="test-echo",
        title="forged",
        params={"upload": str(theirs.id), "file_name": "data.csv", "options": {}},
    )
    with pytest.raises(NotFound):
        uploads.job_file(job)


@pytest.mark.parametrize(
    "params",
    [
        {"upload": "../..", "file_name": "passwd"},
        {"file_name": "data.csv"},
        {"upload": "UPLOAD", "file_name": "../meta.json"},
        {"upload": "UPLOAD", "file_name": "/etc/passwd"},
    ],
)
def test_a_job_with_tampered_params_has_no_file(msl: User, params: dict[str, str]) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"))
    if params.get("upload") == "UPLOAD":
        params = {**params, "upload": str(upload.id)}
    job = Job.objects.create(owner=msl, kind="test-echo", title="forged", params=params)
    with pytest.raises(NotFound):
        uploads.job_file(job)


def test_a_user_without_a_role_cannot_start_a_file_job(outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        uploads.start_file_job(
            actor=outsider, kind="test-echo", file=incoming("a.csv"), options={"mode": "ok"}
        )
    assert not Job.objects.exists()


def test_an_undeclared_kind_is_refused(msl: User) -> None:
    with pytest.raises(LookupError, match="no-such-kind"):
        uploads.start_file_job(actor=msl, kind="no-such-kind", file=incoming("a.csv"))


# --- the job and its task ---------------------------------------------------------------


def test_a_file_job_runs_its_kinds_runner_over_the_file(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = uploads.start_file_job(
            actor=msl, kind="test-echo", file=incoming("data.csv"), options={"mode": "ok"}
        )
    job.refresh_from_db()
    assert (job.owner, job.title) == (msl, "Echo data.csv as ok")
    assert job.params["options"] == {"mode": "ok"}
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "3 lines of data.csv read by alice"
    assert (job.done, job.total, job.counts) == (3, 3, {"lines": 3})


def test_a_runners_error_fails_the_job_with_its_message(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = uploads.start_file_job(
            actor=msl, kind="test-echo", file=incoming("data.csv"), options={"mode": "fail"}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "data.csv, row 2: '2' is not a number"


def test_a_job_whose_file_is_gone_fails_saying_so(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"))
    upload.path.unlink()
    with django_capture_on_commit_callbacks(execute=True):
        job = uploads.start_file_job(
            actor=msl, kind="test-echo", file=upload, options={"mode": "ok"}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "data.csv: the uploaded file is gone"


def test_a_discarded_job_file_is_deleted_keeping_the_record_and_report(
    msl: User, media: Path, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = uploads.start_file_job(
            actor=msl, kind="test-echo", file=incoming("data.csv"), options={"mode": "ok"}
        )
    uploads.save_job_report(job, {"lines": 3})
    path = uploads.job_file(job)

    uploads.discard_job_file(job)
    uploads.discard_job_file(job)  # again: nothing left to delete

    folder = media / "media" / "uploads" / job.params["upload"]
    assert sorted(p.name for p in folder.iterdir()) == [uploads.META_FILE, uploads.REPORT_FILE]
    assert uploads.job_file(job) == path and not path.exists()  # run again: no file, no error
    with pytest.raises(NotFound):  # a new job cannot start over it
        uploads.get_upload(actor=msl, upload_id=job.params["upload"])


def test_a_discarded_file_is_refused_outside_its_upload(msl: User, media: Path) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"))
    (media / "keep").mkdir()
    (media / "keep" / "x").write_text("not ours to delete")
    folder = media / "media" / "uploads" / str(upload.id)
    (folder / "file" / "data.csv").unlink()
    (folder / "file").rmdir()
    (folder / "file").symlink_to(media / "keep")
    job = Job.objects.create(
        owner=msl,
        kind="test-echo",
        title="linked",
        params={"upload": str(upload.id), "file_name": "data.csv", "options": {}},
    )

    with pytest.raises(NotFound):
        uploads.discard_job_file(job)

    assert (media / "keep" / "x").exists()


def test_a_deleted_upload_leaves_nothing(msl: User, media: Path) -> None:
    upload = uploads.store_upload(owner=msl, file=incoming("data.csv"))

    uploads.delete_upload(upload)

    assert list((media / "media" / "uploads").iterdir()) == []


def test_an_apps_own_cap_replaces_the_general_one(msl: User, settings: Any) -> None:
    settings.LIAISON_UPLOAD_MAX_MB = 1
    content = b"1\n" * (1024 * 1024)  # 2 MB

    with pytest.raises(LiaisonError, match=r"big\.csv: 2\.0 MB, more than the 1 MB"):
        uploads.store_upload(owner=msl, file=SimpleUploadedFile("big.csv", content))
    kept = uploads.store_upload(owner=msl, file=SimpleUploadedFile("big.csv", content), max_mb=3)
    assert kept.path.read_bytes() == content
    with pytest.raises(LiaisonError, match="more than the 2 MB"):
        uploads.store_upload(owner=msl, file=SimpleUploadedFile("c.csv", content + b"1"), max_mb=2)


@override_settings(TASKS=DB_BACKEND)
@pytest.mark.django_db(transaction=True)
def test_the_task_is_queued_with_the_job_id_and_run_by_the_worker(msl: User) -> None:
    job = uploads.start_file_job(
        actor=msl, kind="test-echo", file=incoming("data.csv"), options={"mode": "ok"}
    )
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "liaison.core.tasks.run_file_job"
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}

    assert cli.run(["worker", "--burst"]) == 0

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.counts == {"lines": 3}


# --- who sees a file job ----------------------------------------------------------------


def test_a_file_job_is_seen_by_its_owner_and_administrators_alone(
    msl: User,
    other_msl: User,
    admin_user: User,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = uploads.start_file_job(
            actor=msl, kind="test-echo", file=incoming("data.csv"), options={"mode": "ok"}
        )
    # A result file, as an export job leaves one, so the download is there to refuse.
    result = uploads.job_file(job)
    Job.objects.filter(pk=job.pk).update(
        result_file=str(result.relative_to(Path(settings.MEDIA_ROOT).resolve()))
    )
    page = reverse("core:job-detail", args=[job.pk])
    download = reverse("core:job-download", args=[job.pk])

    for user, expected in ((msl, 200), (admin_user, 200), (other_msl, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(page).status_code == expected, user
        assert client.get(download).status_code == expected, user
        api = ApiClient(user)
        assert api.get(f"/jobs/{job.pk}").status_code == expected, user
        listed = [row["id"] for row in api.get("/jobs").json()["results"]]
        assert (job.pk in listed) == (expected == 200), user
