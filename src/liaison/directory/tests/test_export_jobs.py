"""Exports past LIAISON_EXPORT_SYNC_MAX_ROWS run as download jobs; smaller ones come whole,
with their length. Web (a page, then the job) and API (422 for GET, 202 for POST)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from liaison.core import downloads
from liaison.core.models import Job, JobStatus, User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory import exporting, services
from liaison.directory.exporting import HEADER
from liaison.directory.models import HCP
from liaison.directory.selectors import HCPFilters

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
EXPORT = reverse("directory:hcp-export")


@pytest.fixture(autouse=True)
def media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LIAISON_EXPORT_SYNC_MAX_ROWS = 3
    yield


@pytest.fixture
def hcps(admin_user: User) -> list[HCP]:
    """Five German HCPs (alice's territory) and one Californian."""
    made = [
        services.create_hcp(
            actor=admin_user,
            data={"given_name": f"Anna {index}", "family_name": "Schmidt", "country": "DE"},
        )
        for index in range(5)
    ]
    made.append(
        services.create_hcp(
            actor=admin_user,
            data={"given_name": "Sam", "family_name": "Lee", "country": "US", "region": "US-CA"},
        )
    )
    return made


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_small_export_comes_whole_with_its_length(hcps: list[HCP], msl: User) -> None:
    response = client_for(msl).get(EXPORT, {"format": "csv", "country": "US"})
    assert isinstance(response, FileResponse)
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content)
    assert [row["Given name"] for row in csv_rows(content)] == ["Sam"]


def test_a_large_export_on_the_web_offers_a_job_and_starts_nothing(
    hcps: list[HCP], msl: User
) -> None:
    expected = exporting.count_rows(msl, HCPFilters(country="DE"))
    assert expected == 5
    response = client_for(msl).get(EXPORT, {"format": "csv", "country": "DE"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "5 HCPs match this list: more than the 3 an export writes while you wait" in html
    assert 'method="post"' in html and "country=DE" in html
    assert not Job.objects.exists()


def test_posting_the_export_runs_the_job_and_its_file_holds_every_row(
    hcps: list[HCP], msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(msl).post(f"{EXPORT}?format=csv&country=DE")
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.kind, job.owner, job.message) == ("hcp-export", msl, "5 HCPs exported.")
    assert (job.done, job.total) == (5, 5)
    page = client_for(msl).get(response["Location"]).content.decode()
    assert reverse("core:job-download", args=[job.pk]) in page
    download = client_for(msl).get(reverse("core:job-download", args=[job.pk]))
    rows = csv_rows(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    assert list(rows[0]) == list(HEADER)
    assert sorted(row["Given name"] for row in rows) == [f"Anna {index}" for index in range(5)]
    assert 'filename="hcps.csv"' in download["Content-Disposition"]


def test_the_job_writes_xlsx_too(
    hcps: list[HCP], admin_user: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_user).post(f"{EXPORT}?format=xlsx")
    job = Job.objects.get()
    workbook = openpyxl.load_workbook(downloads.result_path(job), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == HEADER and len(rows) == 1 + 6


def test_another_user_cannot_download_the_file(
    hcps: list[HCP],
    msl: User,
    other_msl: User,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(msl).post(f"{EXPORT}?format=csv")
    job = Job.objects.get()
    assert client_for(other_msl).get(reverse("core:job-download", args=[job.pk])).status_code == 404
    assert ApiClient(other_msl).get(f"/jobs/{job.pk}/download").status_code == 404


def test_an_export_failing_half_way_fails_its_job_without_a_file(
    hcps: list[HCP],
    msl: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: CaptureCommits,
    tmp_path: Path,
) -> None:
    real_row = exporting.hcp_row
    written: list[int] = []

    def row_then_break(hcp: HCP, related: exporting.Related) -> list[str]:
        written.append(hcp.pk)
        if len(written) == 3:
            raise RuntimeError("the database went away")
        return real_row(hcp, related)

    monkeypatch.setattr(exporting, "hcp_row", row_then_break)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(msl).post(f"{EXPORT}?format=csv")
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "the database went away" in job.message and job.result_file == ""
    assert not any(path.is_file() for path in (tmp_path / "exports").rglob("*"))


def test_the_api_refuses_a_large_download_and_names_the_job(hcps: list[HCP], msl: User) -> None:
    response = ApiClient(msl).get("/hcps/export", {"format": "csv", "country": "DE"})
    assert response.status_code == 422
    message = response.json()["message"]
    assert "5 HCPs match" in message and "at most 3 at once" in message
    assert "POST /api/v1/hcps/export" in message


def test_the_api_sends_a_small_export_at_once(hcps: list[HCP], msl: User) -> None:
    response = ApiClient(msl).get("/hcps/export", {"format": "csv", "country": "US"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert int(response["Content-Length"]) == len(content)
    assert [row["Family name"] for row in csv_rows(content)] == ["Lee"]


def test_the_api_runs_a_large_export_as_a_job(
    hcps: list[HCP], msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    client = ApiClient(msl)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hcps/export?format=csv&country=DE")
    assert response.status_code == 202
    body = response.json()
    job = Job.objects.get()
    assert body == {
        "job_id": job.pk,
        "url": f"/jobs/{job.pk}/",
        "api_url": f"/api/v1/jobs/{job.pk}",
    }
    detail = client.get(f"/jobs/{job.pk}").json()
    assert detail["status"] == "succeeded"
    file = client.client.get(detail["api_download_url"], headers=client.headers)
    rows = csv_rows(b"".join(file.streaming_content))  # type: ignore[attr-defined]
    assert len(rows) == 5


def test_the_api_refuses_an_unknown_format(hcps: list[HCP], msl: User) -> None:
    response = ApiClient(msl).post("/hcps/export?format=pdf")
    assert response.status_code == 422
    assert "format" in response.json()["details"]
    assert not Job.objects.exists()
