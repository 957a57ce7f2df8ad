"""/api/v1/jobs: the caller's background jobs, as the web's job list and page show them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core import jobs
from liaison.core.models import Job, JobStatus, User
from liaison.core.tests.apiclient import ApiClient

pytestmark = pytest.mark.django_db


def make_job(owner: User, title: str = "Export", **fields: Any) -> Job:
    return Job.objects.create(owner=owner, kind=fields.pop("kind", "export"), title=title, **fields)


def test_list_shows_my_jobs_newest_first(msl: User, other_msl: User) -> None:
    now = timezone.now()
    older = make_job(msl, "Older", created_at=now - dt.timedelta(hours=1))
    newer = make_job(msl, "Newer", created_at=now)
    make_job(other_msl, "Bob's")
    body = ApiClient(msl).get("/jobs").json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert {row["owner"] for row in body["results"]} == {"alice"}


def test_list_of_an_administrator_shows_everyones_jobs(
    msl: User, other_msl: User, admin_user: User
) -> None:
    make_job(msl, "Alice's")
    make_job(other_msl, "Bob's")
    rows = ApiClient(admin_user).get("/jobs").json()["results"]
    assert sorted(row["owner"] for row in rows) == ["alice", "bob"]


def test_list_is_paginated(msl: User) -> None:
    now = timezone.now()
    for minute in range(5):
        make_job(msl, f"Job {minute}", created_at=now - dt.timedelta(minutes=minute))
    body = ApiClient(msl).get("/jobs", {"page": 2, "page_size": 2}).json()
    assert (body["count"], body["page"], body["page_size"]) == (5, 2, 2)
    assert [row["title"] for row in body["results"]] == ["Job 2", "Job 3"]


def test_list_rejects_a_page_size_over_the_maximum(msl: User, settings: Any) -> None:
    response = ApiClient(msl).get("/jobs", {"page_size": settings.LIAISON_API_MAX_PAGE_SIZE + 1})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"page_size"}


def test_list_queries_do_not_grow_with_the_page(msl: User) -> None:
    client = ApiClient(msl)
    make_job(msl, "One")
    client.get("/jobs")  # the token's last_used_at is written on first use
    with CaptureQueriesContext(connection) as one:
        client.get("/jobs")
    for number in range(10):
        make_job(msl, f"Job {number}")
    with CaptureQueriesContext(connection) as eleven:
        assert len(client.get("/jobs").json()["results"]) == 11
    assert len(eleven) == len(one)


def test_detail_reports_the_progress_of_a_running_job(msl: User) -> None:
    job = jobs.create_job(owner=msl, kind="watch-run", title="Run watch Asthma")
    with pytest.raises(RuntimeError), jobs.running(job.pk) as progress:
        progress.set_total(8)
        progress.advance(2, status_changes=1, alerts=3)
        progress.error("NCT01234567: no status")
        progress.flush()
        body = ApiClient(msl).get(f"/jobs/{job.pk}").json()
        raise RuntimeError("stop here, mid-run")
    job.refresh_from_db()
    assert body["status"] == "running"
    assert (body["done"], body["total"], body["percent"]) == (2, 8, 25)
    assert body["counts"] == {"status_changes": 1, "alerts": 3}
    assert body["errors"] == ["NCT01234567: no status"]
    assert body["kind"] == "watch-run" and body["title"] == "Run watch Asthma"
    assert body["owner"] == "alice"
    assert body["started_at"] is not None and body["finished_at"] is None
    assert body["url"] == f"/jobs/{job.pk}/"


def test_detail_of_a_failed_job_gives_the_reason_and_times(msl: User) -> None:
    # Whole seconds: the API writes times to the millisecond.
    started = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=2)
    finished = started + dt.timedelta(minutes=1)
    job = make_job(
        msl,
        status=JobStatus.FAILED,
        total=10,
        done=4,
        message="row 5: bad file",
        started_at=started,
        finished_at=finished,
        created_at=started - dt.timedelta(minutes=1),
    )
    body = ApiClient(msl).get(f"/jobs/{job.pk}").json()
    assert body["status"] == "failed"
    assert body["percent"] == job.percent == 40
    assert body["message"] == "row 5: bad file"
    assert dt.datetime.fromisoformat(body["started_at"]) == started
    assert dt.datetime.fromisoformat(body["finished_at"]) == finished
    assert dt.datetime.fromisoformat(body["created_at"]) == job.created_at


def test_detail_gives_a_download_url_once_the_file_is_ready(msl: User) -> None:
    job = make_job(msl, status=JobStatus.RUNNING, result_file="exports/hcps.csv")
    client = ApiClient(msl)
    assert client.get(f"/jobs/{job.pk}").json()["download_url"] is None
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    assert client.get(f"/jobs/{job.pk}").json()["download_url"] == f"/jobs/{job.pk}/download/"


def test_detail_of_a_job_without_a_file_has_no_download_url(msl: User) -> None:
    job = make_job(msl, status=JobStatus.SUCCEEDED)
    assert ApiClient(msl).get(f"/jobs/{job.pk}").json()["download_url"] is None


def test_someone_elses_job_is_404_in_the_error_shape(msl: User, other_msl: User) -> None:
    job = make_job(other_msl, "Bob's")
    response = ApiClient(msl).get(f"/jobs/{job.pk}")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "details"}


def test_an_administrator_sees_anyones_job(msl: User, admin_user: User) -> None:
    job = make_job(msl, "Alice's")
    response = ApiClient(admin_user).get(f"/jobs/{job.pk}")
    assert response.status_code == 200
    assert response.json()["owner"] == "alice"


def test_a_missing_job_is_404(msl: User) -> None:
    assert ApiClient(msl).get("/jobs/999999").status_code == 404


def test_anonymous_jobs_are_401() -> None:
    assert ApiClient().get("/jobs").status_code == 401


def test_an_account_without_a_role_sees_no_jobs(outsider: User) -> None:
    assert ApiClient(outsider).get("/jobs").status_code == 403
