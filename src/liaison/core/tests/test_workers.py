"""Background work that outlives trouble: a locked database is waited out, a dead
worker's job is marked interrupted and can run again, the worker's loop and
`liaison serve` start a worker again, and administrators see a worker that died.
The apps' periodic tasks are queued when due, by the live worker running longest
alone, and a task the broker refused is tried again at the next beat."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import threading
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from liaison.core import jobs, registry, workers
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


# --- periodic tasks -----------------------------------------------------------------

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
}
PROBE = "liaison.core.tests.test_workers.periodic_probe"
EVERY_5_MINUTES = registry.PeriodicTask(PROBE, every=dt.timedelta(minutes=5))


@task()
def periodic_probe() -> None:
    """Queued by the tests of periodic tasks (never run)."""


class FlakyTask:
    """A task whose first enqueue meets a broker that is down."""

    def __init__(self) -> None:
        self.calls = 0

    def enqueue(self) -> None:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("Error 111 connecting to localhost:6379. Connection refused.")


FLAKY = FlakyTask()


def queued() -> list[str]:
    return list(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True))


def running_since(name: str, minutes: int) -> None:
    """Worker ``name`` alive now, started ``minutes`` ago."""
    workers.beat(name)
    started = timezone.now() - dt.timedelta(minutes=minutes)
    WorkerHeartbeat.objects.filter(name=name).update(started_at=started)


def test_the_live_worker_running_longest_leads(db: None) -> None:
    running_since("host-a:1", minutes=30)
    running_since("host-b:2", minutes=5)
    assert workers.leading_worker() == "host-a:1"

    WorkerHeartbeat.objects.filter(name="host-a:1").update(
        seen_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert workers.leading_worker() == "host-b:2"  # the leader went silent

    workers.beat("host-b:2", stopped=True)
    assert workers.leading_worker() is None


def test_a_periodic_task_is_queued_when_due_by_the_leading_worker_alone(
    settings: Any, db: None
) -> None:
    settings.TASKS = DB_TASKS
    running_since("host-a:1", minutes=30)
    running_since("host-b:2", minutes=5)
    now = [1000.0]
    leader = workers.PeriodicTasks([EVERY_5_MINUTES], clock=lambda: now[0])
    other = workers.PeriodicTasks([EVERY_5_MINUTES], clock=lambda: now[0])

    assert other.queue_due("host-b:2") == []
    assert leader.queue_due("host-a:1") == [PROBE]  # at its first beat
    assert leader.queue_due("host-a:1") == []
    now[0] += 299
    assert leader.queue_due("host-a:1") == []
    now[0] += 1
    assert leader.queue_due("host-a:1") == [PROBE]
    assert queued() == [PROBE, PROBE]


def test_a_worker_taking_the_lead_queues_the_periodic_tasks_at_once(
    settings: Any, db: None
) -> None:
    settings.TASKS = DB_TASKS
    running_since("host-a:1", minutes=30)
    running_since("host-b:2", minutes=5)
    successor = workers.PeriodicTasks([EVERY_5_MINUTES], clock=lambda: 0.0)
    assert successor.queue_due("host-b:2") == []

    workers.beat("host-a:1", stopped=True)

    assert successor.queue_due("host-b:2") == [PROBE]
    assert queued() == [PROBE]


def test_a_task_the_broker_refused_is_queued_at_the_next_beat(
    settings: Any, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    settings.TASKS = DB_TASKS
    workers.beat("host-a:1")
    flaky = registry.PeriodicTask("liaison.core.tests.test_workers.FLAKY", dt.timedelta(hours=1))
    periodic = workers.PeriodicTasks([flaky, EVERY_5_MINUTES], clock=lambda: 0.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FLAKY, "calls", 0)
        with caplog.at_level("WARNING", logger="liaison.core.workers"):
            first = periodic.queue_due("host-a:1")
        second = periodic.queue_due("host-a:1")

    assert first == [PROBE]  # the other task is queued all the same
    assert "could not queue the periodic task liaison.core.tests.test_workers.FLAKY" in caplog.text
    assert second == [flaky.task]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_queues_the_periodic_tasks_the_apps_declare(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = DB_TASKS
    config = cast(registry.LiaisonAppConfig, apps.get_app_config("core"))
    monkeypatch.setattr(config, "periodic_tasks", (EVERY_5_MINUTES,))
    heartbeat = workers.Heartbeat(interval=60)  # beaten by hand, from a thread as it runs

    for _ in range(2):
        beating = threading.Thread(target=heartbeat.beat_once)
        beating.start()
        beating.join()

    # Alone, it leads: every declared task once (not due again for five minutes).
    assert sorted(queued()) == sorted(periodic.task for periodic in registry.periodic_tasks())
    assert queued().count(PROBE) == 1
    assert WorkerHeartbeat.objects.get().name == heartbeat.name


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        ((EVERY_5_MINUTES, EVERY_5_MINUTES), "is declared twice"),
        ((registry.PeriodicTask(PROBE, dt.timedelta(0)),), "must run every positive interval"),
    ],
)
def test_a_periodic_task_declared_twice_or_never_due_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, declared: tuple[registry.PeriodicTask, ...], reason: str
) -> None:
    config = cast(registry.LiaisonAppConfig, apps.get_app_config("core"))
    monkeypatch.setattr(config, "periodic_tasks", declared)
    with pytest.raises(ImproperlyConfigured, match=reason):
        registry.periodic_tasks()
