"""Background work: a liaison task runs through the database worker and through
RQ on Redis, and a job's progress lives in the database (survives restarts)."""

from __future__ import annotations

import socket
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from conftest import require
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from liaison import cli
from liaison.core import audit, jobs
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Job, JobStatus, Role, Territory, User
from liaison.core.tasks import start_audit_verification

REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/15"
# Each test names its backend, so the suite means the same whether or not
# LIAISON_REDIS_URL is set for the run.
DB_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
}
RQ_SETTINGS: dict[str, Any] = {
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    "RQ_QUEUES": {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}},
}


def redis_reachable() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1):
            return True
    except OSError:
        return False


@pytest.fixture
def auditor(transactional_db: None) -> User:
    user = User.objects.create_user(
        username="carla", password="irrelevant pw 1", role=Role.COMPLIANCE
    )
    # A few real events for the check to walk over.
    for code in ("north", "south", "east"):
        with transaction.atomic():
            territory = Territory(code=code, name=code.title())
            audit.create_record(actor=None, instance=territory)
    return user


def run_worker_burst() -> None:
    assert cli.run(["worker", "--burst"]) == 0


@override_settings(TASKS=DB_BACKEND)
@pytest.mark.django_db(transaction=True)
def test_task_runs_through_the_database_worker(auditor: User) -> None:
    job = start_audit_verification(actor=auditor)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id

    run_worker_burst()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.total, job.done, job.counts) == (3, 3, {"events": 3})
    assert job.message == "3 events, chain intact"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@override_settings(TASKS=DB_BACKEND)
@pytest.mark.django_db(transaction=True)
def test_task_failure_is_recorded_on_the_job(auditor: User) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET record_label = 'forged' WHERE sequence = 2")
    job = start_audit_verification(actor=auditor)
    run_worker_burst()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "event #2" in job.message


def test_only_auditors_may_start_a_verification(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        start_audit_verification(actor=msl)
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_task_runs_through_rq_on_redis(auditor: User) -> None:
    require(redis_reachable(), f"Redis is not reachable at {REDIS_URL}")
    import django_rq

    with override_settings(**RQ_SETTINGS):
        queue = django_rq.get_queue("default")
        cast(Any, queue).empty()  # rq is untyped
        job = start_audit_verification(actor=auditor)
        assert queue.count == 1
        assert not DBTaskResult.objects.exists()
        run_worker_burst()
        assert queue.count == 0

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.counts == {"events": 3}


# --- job progress ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_progress_is_read_back_after_a_restart(auditor: User) -> None:
    job = jobs.create_job(owner=auditor, kind="test", title="Counting")
    progress = jobs.Progress(job.pk, interval=3600)
    progress.set_total(10)
    progress.advance(4, created=3, skipped=1)
    progress.error("row 3, npi: '123' is not 10 digits")
    progress.flush()
    # Another process (the web, after a restart) reads the row afresh.
    connections.close_all()
    stored = Job.objects.get(pk=job.pk)
    assert (stored.total, stored.done, stored.percent) == (10, 4, 40)
    assert stored.counts == {"created": 3, "skipped": 1}
    assert stored.errors == ["row 3, npi: '123' is not 10 digits"]


@pytest.mark.django_db(transaction=True)
def test_running_job_records_a_domain_error_as_failure(auditor: User) -> None:
    job = jobs.create_job(owner=auditor, kind="test", title="Failing")
    with jobs.running(job.pk) as progress:
        progress.set_total(2)
        raise LiaisonError("row 2, country: 'XX' is not a country")
    connections.close_all()
    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.FAILED
    assert stored.message == "row 2, country: 'XX' is not a country"
    assert stored.finished_at is not None and stored.is_finished


def test_audit_events_untouched_by_progress(db: None) -> None:
    assert not AuditEvent.objects.exists()
