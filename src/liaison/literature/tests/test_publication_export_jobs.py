"""Exports of the library past LIAISON_EXPORT_SYNC_MAX_ROWS run as download jobs: the web
page offers the job (filters and selections alike), the API answers 422 for GET and 202
for POST; the job's file holds every publication and is its owner's alone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import rispy  # type: ignore[import-untyped]
from django.test import Client
from django.urls import reverse

from liaison.core import downloads
from liaison.core.models import Job, JobStatus, User
from liaison.core.tests.apiclient import ApiClient
from liaison.literature.tests.factories import article, load, write

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
EXPORT = reverse("literature:export")


@pytest.fixture(autouse=True)
def library(settings: Any, tmp_path: Path, admin_user: User) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LIAISON_EXPORT_SYNC_MAX_ROWS = 2
    load(
        admin_user,
        write(
            tmp_path / "library.xml",
            *(article(pmid, title=f"Heart failure study {pmid}") for pmid in range(101, 105)),
            article(201, title="Lung cancer screening"),
        ),
    )
    yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pmids_in(content: bytes) -> list[str]:
    return [entry["accession_number"] for entry in rispy.loads(content.decode("utf-8-sig"))]


def test_a_small_export_comes_at_once(msl: User) -> None:
    response = client_for(msl).get(EXPORT, {"q": "lung", "format": "ris"})
    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(response.content)
    assert pmids_in(response.content) == ["201"]


def test_a_large_export_offers_a_job_then_runs_it(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    client = client_for(msl)
    page = client.get(EXPORT, {"q": "heart", "format": "ris"})
    html = page.content.decode()
    assert "4 publications are selected: more than the 2 an export writes" in html
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{EXPORT}?q=heart&format=ris", {"background": "on"})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.kind, job.title) == (
        "publication-export",
        "Export 4 publications to RIS (EndNote, Zotero, Mendeley)",
    )
    assert job.message == "4 publications exported."
    download = client.get(reverse("core:job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert sorted(pmids_in(content)) == ["101", "102", "103", "104"]
    assert 'filename="publications.ris"' in download["Content-Disposition"]


def test_a_large_selection_keeps_its_order_in_the_job(
    msl: User, other_msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    client = client_for(msl)
    page = client.post(EXPORT, {"pmid": ["104", "201", "101"], "format": "ris"})
    html = page.content.decode()
    assert "3 publications are selected" in html
    assert html.count('name="pmid"') == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EXPORT, {"pmid": ["104", "201", "101"], "format": "ris", "background": "on"})
    job = Job.objects.get()
    assert pmids_in(downloads.result_path(job).read_bytes()) == ["104", "201", "101"]
    stranger = client_for(other_msl).get(reverse("core:job-download", args=[job.pk]))
    assert stranger.status_code == 404


def test_the_api_refuses_a_large_download_and_names_the_job(msl: User) -> None:
    response = ApiClient(msl).get("/publications/export", {"q": "heart", "format": "csv"})
    assert response.status_code == 422
    message = response.json()["message"]
    assert "4 publications match: a download answers at most 2 at once" in message
    assert "POST /api/v1/publications/export" in message


def test_the_api_runs_a_large_export_as_a_job(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    client = ApiClient(msl)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/publications/export?q=heart&format=ris")
    assert response.status_code == 202
    job = Job.objects.get()
    assert response.json()["api_url"] == f"/api/v1/jobs/{job.pk}"
    detail = client.get(f"/jobs/{job.pk}").json()
    assert detail["status"] == "succeeded"
    file = client.client.get(detail["api_download_url"], headers=client.headers)
    content = b"".join(file.streaming_content)  # type: ignore[attr-defined]
    assert sorted(pmids_in(content)) == ["101", "102", "103", "104"]
