"""Download jobs (core.downloads): the file is written privately and whole, offered only
to its owner and administrators, and removed after the days the settings keep it."""

from __future__ import annotations

import datetime as dt
import functools
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from liaison.core import downloads, jobs
from liaison.core.errors import LiaisonError
from liaison.core.models import Job, JobStatus, User
from liaison.core.tests.apiclient import ApiClient

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


def write_greeting(job: Job, stream: IO[bytes], progress: jobs.Progress) -> str:
    stream.write(f"hello {job.owner.get_username()}\n".encode())
    progress.advance(1, rows=1)
    return "1 row exported."


@task()
def greeting_export(job_id: int) -> dict[str, int]:
    return downloads.write_job_file(job_id, write_greeting)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield tmp_path


def start(user: User, commits: CaptureCommits) -> Job:
    with commits(execute=True):
        job = downloads.start_download_job(
            actor=user,
            kind="greeting-export",
            title="Greet",
            file_name="hi.txt",
            task=greeting_export,
        )
    job.refresh_from_db()
    return job


def test_a_download_job_writes_its_file_privately_and_whole(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits, media: Path
) -> None:
    job = start(msl, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED and job.message == "1 row exported."
    path = downloads.result_path(job)
    assert path.read_text() == "hello alice\n"
    assert path.name == "hi.txt" and path.parent.parent == media / "exports"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not list(path.parent.glob("*.part"))
    assert job.counts == {"rows": 1}


def test_a_failing_writer_leaves_no_file_and_fails_the_job(
    msl: User, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_fail(job: Job, stream: IO[bytes], progress: jobs.Progress) -> str:
        stream.write(b"id\n1\n")
        raise LiaisonError("the selection changed while it was written")

    job = jobs.create_job(owner=msl, kind="greeting-export", title="Greet", params={})
    downloads.write_job_file(job.pk, half_then_fail)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "the selection changed while it was written"
    assert job.result_file == ""
    assert not any(path.is_file() for path in (media / "exports").rglob("*"))


def test_only_the_owner_and_administrators_download_the_file(
    msl: User,
    other_msl: User,
    admin_user: User,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    job = start(msl, django_capture_on_commit_callbacks)
    web = reverse("core:job-download", args=[job.pk])
    for user, status in ((msl, 200), (admin_user, 200), (other_msl, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(web).status_code == status, user
        api = ApiClient(user).get(f"/jobs/{job.pk}/download")
        assert api.status_code == status, user
        if status == 200:
            assert b"".join(api.streaming_content) == b"hello alice\n"  # type: ignore[attr-defined]
    detail = ApiClient(msl).get(f"/jobs/{job.pk}").json()
    assert detail["api_download_url"] == f"/api/v1/jobs/{job.pk}/download"


def test_a_running_job_offers_no_download(msl: User) -> None:
    job = jobs.create_job(owner=msl, kind="greeting-export", title="Greet")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    assert ApiClient(msl).get(f"/jobs/{job.pk}/download").status_code == 404
    assert ApiClient(msl).get(f"/jobs/{job.pk}").json()["api_download_url"] is None


def test_files_are_removed_after_the_days_kept(
    msl: User, settings: Any, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    settings.LIAISON_EXPORT_KEEP_DAYS = 7
    job = start(msl, django_capture_on_commit_callbacks)
    path = downloads.result_path(job)
    assert downloads.remove_expired_files(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert path.is_file()
    assert downloads.remove_expired_files(now=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert not path.exists() and not path.parent.exists()
    assert job.result_file == "" and "removed 7 days after" in job.message
    assert ApiClient(msl).get(f"/jobs/{job.pk}/download").status_code == 404


def test_a_locked_database_is_waited_out_and_the_file_written_afresh(
    msl: User, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # downloads calls jobs.retrying: no pause between the attempts here.
    monkeypatch.setattr(jobs, "retrying", functools.partial(jobs.retrying, sleep=lambda s: None))
    attempts: list[int] = []

    def locked_once(job: Job, stream: IO[bytes], progress: jobs.Progress) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            stream.write(b"the first attempt's half ")
            raise OperationalError("database is locked")
        return write_greeting(job, stream, progress)

    job = jobs.create_job(owner=msl, kind="greeting-export", title="Greet", params={})
    downloads.write_job_file(job.pk, locked_once)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and len(attempts) == 2
    # The second attempt wrote a new file: nothing of the first is left in it.
    assert downloads.result_path(job).read_text() == "hello alice\n"
    assert len(list((media / "exports").iterdir())) == 1


def test_a_run_again_starts_from_a_clean_folder_and_old_leftovers_go(
    msl: User, media: Path, settings: Any
) -> None:
    settings.LIAISON_EXPORT_KEEP_DAYS = 7
    job = jobs.create_job(owner=msl, kind="greeting-export", title="Greet", params={})
    killed = media / "exports" / f"{job.pk}-0123456789abcdef"
    killed.mkdir(parents=True)
    (killed / "export.part").write_text("half")
    stale = media / "exports" / "999999-fedcba9876543210"
    stale.mkdir()
    (stale / "hcps.csv.part").write_text("contact data")
    downloads.write_job_file(job.pk, write_greeting)
    assert not killed.exists()
    ten_days_ago = (timezone.now() - dt.timedelta(days=10)).timestamp()
    os.utime(stale, (ten_days_ago, ten_days_ago))
    downloads.remove_expired_files()
    assert not stale.exists()
    job.refresh_from_db()
    assert downloads.result_path(job).is_file()  # the offered file stays
