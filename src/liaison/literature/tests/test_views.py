"""Library pages: search list with its HTMX fragment, a publication's page, the upload job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, JobStatus, User
from liaison.directory.models import HCP
from liaison.literature.models import Publication
from liaison.literature.tests.factories import article, article_set, load, write

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


@pytest.fixture(autouse=True)
def media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    yield


@pytest.fixture
def library(admin_user: User, tmp_path: Path) -> None:
    HCP.objects.create(
        given_name="Jürgen", family_name="Müller", country="DE", orcid="0000-0002-1825-0097"
    )
    load(
        admin_user,
        write(
            tmp_path / "library.xml",
            article(
                1,
                title="Neprilysin inhibition in heart failure",
                abstract="Sacubitril lowered mortality.",
                authors=[("Müller", "Jürgen"), ("Smith", "Anna")],
                orcids=["0000-0002-1825-0097"],
                mesh=[("D006333", "Heart Failure", True)],
                trials=["NCT01035255"],
            ),
            article(2, title="Lung cancer screening", abstract="Low-dose CT.", year=2022),
        ),
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_searches_titles_and_abstracts(library: None, msl: User) -> None:
    response = client_for(msl).get(reverse("literature:publication-list"), {"q": "sacubitril"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Neprilysin inhibition in heart failure" in page
    assert "Lung cancer screening" not in page
    assert "1 publication found" in page
    assert 'href="/literature/1/"' in page


def test_htmx_request_gets_only_the_results_and_the_count(library: None, msl: User) -> None:
    response = client_for(msl).get(
        reverse("literature:publication-list"), {"q": "screening"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "Lung cancer screening" in page
    assert 'hx-swap-oob="true"' in page
    # Not the search form (the results' basket buttons are forms of their own).
    assert 'role="search"' not in page and "<html" not in page


def test_filters_narrow_the_list(library: None, msl: User) -> None:
    response = client_for(msl).get(
        reverse("literature:publication-list"), {"has_trial": "yes", "date_from": "2010-01-01"}
    )
    page = response.content.decode()
    assert "Neprilysin" in page and "Lung cancer" not in page


def test_load_link_is_for_administrators(library: None, msl: User, admin_user: User) -> None:
    url = reverse("literature:publication-list")
    assert "Load PubMed records" not in client_for(msl).get(url).content.decode()
    assert "Load PubMed records" in client_for(admin_user).get(url).content.decode()


def test_detail_shows_authors_linked_to_hcps_mesh_and_trials(library: None, msl: User) -> None:
    hcp = HCP.objects.get(orcid="0000-0002-1825-0097")
    page = client_for(msl).get(reverse("literature:publication-detail", args=[1])).content.decode()
    assert f'href="/directory/hcps/{hcp.pk}/">Jürgen Müller</a>' in page
    assert "Anna Smith" in page
    assert "<strong>Heart Failure</strong>" in page
    assert 'href="/trials/NCT01035255/"' in page
    assert "Sacubitril lowered mortality." in page
    assert "<dt>Languages</dt><dd>English</dd>" in page  # a name, not PubMed's "eng"


def test_unknown_pmid_is_404(library: None, msl: User) -> None:
    assert client_for(msl).get("/literature/424242/").status_code == 404


def test_outsider_is_refused(library: None, outsider: User) -> None:
    assert client_for(outsider).get(reverse("literature:publication-list")).status_code == 403


def test_upload_runs_a_load_job(
    admin_user: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = article_set(article(51), article(52), deleted=[53]).encode("utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("literature:publication-load"),
            {"file": SimpleUploadedFile("update.xml", content, "application/xml")},
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.counts == {"new": 2, "updated": 0, "unchanged": 1, "deleted": 0, "failed": 0}
    assert job.done == job.total == len(content)
    assert sorted(Publication.objects.values_list("pmid", flat=True)) == [51, 52]


def test_upload_of_a_broken_file_fails_the_job_with_its_line(
    admin_user: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><Oops>'
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_user).post(
            reverse("literature:publication-load"),
            {"file": SimpleUploadedFile("broken.xml", content, "application/xml")},
        )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert any(message.startswith("broken.xml, line") for message in job.errors)


def test_upload_refuses_other_files(admin_user: User) -> None:
    response = client_for(admin_user).post(
        reverse("literature:publication-load"),
        {"file": SimpleUploadedFile("list.csv", b"a,b\n", "text/csv")},
    )
    assert response.status_code == 200
    assert "choose a PubMed XML file" in response.content.decode()
    assert not Job.objects.exists()
