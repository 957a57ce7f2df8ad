"""Background work that outlives trouble: a locked database is waited out, a dead
worker's job is marked interrupted and can run again, the worker's loop and
`liaison serve` start a worker again, and administrators see a worker that died."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core import jobs, workers
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.management.commands import worker as worker_command
from liaison.core.models import Job, JobStatus, User, WorkerHeartbeat
from liaison.core.tasks import start_audit_verification
from liaison.demo.management.commands import serve

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HOST = socket.gethostname()


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def job(admin_user: User) -> Job:
    return Job.objects.create(owner=admin_user, kind="audit-verify", title="Verify")


# --- retries -------------------------------------------------------------------------


def test_a_locked_database_is_waited_out(job: Job) -> None:
    calls: list[int] = []
    pauses: list[float] = []
    progress = jobs.Progress(job.pk)

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            progress.advance(5, created=5)  # partial work, counted again on the retry
            raise OperationalError("database is locked")
        progress.advance(10, created=10)
        return "done"

    assert jobs.retrying(work, progress, sleep=pauses.append) == "done"
    assert pauses == [2.0, 4.0]
    assert (progress.done, progress.counts) == (10, {"created": 10})
    job.refresh_from_db()
    assert "attempt 3 of 5" in job.message


def test_the_job_fails_cleanly_after_the_last_attempt(job: Job) -> None:
    def work() -> None:
        raise OperationalError("could not connect to server")

    with pytest.raises(LiaisonError, match="after 3 attempts; what was written is kept"):
        jobs.retrying(work, jobs.Progress(job.pk), attempts=3, sleep=lambda _: None)


def test_other_errors_are_not_retried(job: Job) -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        jobs.retrying(work, jobs.Progress(job.pk), sleep=lambda _: None)
    assert calls == [1]


# --- interrupted jobs ------------------------------------------------------------------


def test_a_job_whose_worker_process_died_is_interrupted(job: Job, admin_user: User) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, runner=f"{HOST}:{dead_pid()}")
    alive = Job.objects.create(
        owner=admin_user,
        kind="x",
        title="alive",
        status=JobStatus.RUNNING,
        runner=f"{HOST}:{os.getpid()}",
    )
    assert jobs.sweep_interrupted() == 1
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED and "run the job again" in job.message
    assert alive.status == JobStatus.RUNNING


def test_a_job_of_a_silent_worker_elsewhere_is_interrupted(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, runner="other-host:41")
    WorkerHeartbeat.objects.create(name="other-host:41", host="other-host", pid=41)
    assert jobs.sweep_interrupted() == 0  # it was seen just now
    later = timezone.now() + dt.timedelta(minutes=5)
    assert jobs.sweep_interrupted(now=later) == 1


def test_an_interrupted_job_runs_again_for_its_owner(
    admin_user: User, settings: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        job = start_audit_verification(actor=admin_user)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.task_path.endswith("verify_audit_chain")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.INTERRUPTED, message="stopped")
    job.refresh_from_db()
    client.force_login(admin_user)
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "Interrupted" in page and "Run the job again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:job-run-again", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and "chain intact" in job.message


def test_only_a_failed_or_interrupted_job_runs_again(job: Job, admin_user: User) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, task_path="x.y")
    job.refresh_from_db()
    with pytest.raises(LiaisonError, match="this job is succeeded"):
        jobs.run_again(actor=admin_user, job=job)


def test_another_user_may_not_run_a_job_again(job: Job, msl: User) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, task_path="x.y")
    job.refresh_from_db()
    with pytest.raises(PermissionDenied):
        jobs.run_again(actor=msl, job=job)


# --- heartbeats and the administrators' warning ---------------------------------------


def test_no_warning_before_any_work(admin_user: User) -> None:
    assert workers.worker_alert() is None


def test_a_worker_that_stopped_reporting_is_shown_to_administrators(
    admin_user: User, client: Client, msl: User
) -> None:
    workers.beat("host-a:7")
    assert workers.worker_alert() is None
    later = timezone.now() + dt.timedelta(minutes=2)
    alert = workers.worker_alert(now=later)
    assert alert is not None and "(host-a:7) stopped reporting" in alert.message
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=2))
    client.force_login(admin_user)
    assert 'id="worker-alert"' in client.get(reverse("core:home")).content.decode()
    client.force_login(msl)
    assert 'id="worker-alert"' not in client.get(reverse("core:home")).content.decode()


def test_jobs_waiting_without_a_worker_are_counted(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    alert = workers.worker_alert()
    assert alert is not None
    assert alert.message.startswith("No background worker has run; 1 job waits")


def test_a_clean_stop_is_recorded(db: None) -> None:
    workers.beat("host-b:8")
    workers.beat("host-b:8", stopped=True)
    alert = workers.worker_alert()
    assert alert is not None and "(host-b:8) stopped" in alert.message


# --- the worker's loop and liaison serve ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_starts_again_after_a_database_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[bool] = []
    pauses: list[float] = []

    def work(self: Any, queues: list[str], *, burst: bool, verbosity: int) -> None:
        runs.append(burst)
        if len(runs) < 3:
            raise OperationalError("database is locked")

    monkeypatch.setattr(worker_command.Command, "work", work)
    monkeypatch.setattr("time.sleep", pauses.append)  # the worker's pauses, not waited
    monkeypatch.setattr(workers, "HEARTBEAT_SECONDS", 0.05)
    err = io.StringIO()
    call_command("worker", stderr=err)
    assert runs == [False, False, False]
    assert pauses == [1.0, 2.0]
    assert "database unavailable (database is locked); again in 1 s" in err.getvalue()
    beat = WorkerHeartbeat.objects.get()
    assert beat.stopped_at is not None and beat.pid == os.getpid()


def test_serve_starts_a_dead_worker_again_and_keeps_the_web(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve, "RESTART_FIRST_DELAY", 0.01)
    supervisor = serve.Supervisor()
    dying = [sys.executable, "-c", "raise SystemExit(3)"]
    supervisor.start("worker", dying)
    web = supervisor.start("web server", [sys.executable, "-c", "import time; time.sleep(30)"])
    starts: list[float] = []
    real_restart = supervisor.restart

    def restart(name: str, delay: float) -> bool:
        starts.append(delay)
        if len(starts) == 3:
            supervisor.stopping = True
        return real_restart(name, delay)

    monkeypatch.setattr(supervisor, "restart", restart)
    command = serve.Command(stderr=io.StringIO())
    try:
        assert command.watch(supervisor) is None
    finally:
        supervisor.stop_all()
    assert starts == [0.01, 0.02, 0.04]
    assert web.returncode is not None  # stopped by stop_all, not before
    assert "the worker stopped (exit status 3); starting it again" in command.stderr._out.getvalue()  # type: ignore[attr-defined]


def test_serve_stops_when_the_web_server_dies() -> None:
    supervisor = serve.Supervisor()
    supervisor.start("worker", [sys.executable, "-c", "import time; time.sleep(30)"])
    supervisor.start("web server", [sys.executable, "-c", "raise SystemExit(4)"])
    try:
        assert serve.Command(stderr=io.StringIO()).watch(supervisor) == ("web server", 4)
    finally:
        supervisor.stop_all()


def test_a_failed_jobs_technical_detail_is_kept_under_its_errors(job: Job) -> None:
    from liaison.lib.httpclient import HttpError

    with jobs.running(job.pk):
        raise HttpError(
            "PubMed could not be reached: no network connection",
            url="https://eutils.example/x",
            detail="GET https://eutils.example/x: [Errno -2] Name or service not known",
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "PubMed could not be reached: no network connection"
    assert job.errors == [
        "Details: GET https://eutils.example/x: [Errno -2] Name or service not known"
    ]
