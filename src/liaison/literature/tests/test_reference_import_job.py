"""The import of a user's reference file from the web: a file job whose page shows
the progress, then what matched the library (owner and administrators alone)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, JobStatus, User
from liaison.literature.models import LibraryItem
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]

MY_LIBRARY = (
    "TY  - JOUR\r\nTI  - Neprilysin inhibition (my copy)\r\nAN  - 101\r\nER  - \r\n"
    "TY  - JOUR\r\nTI  - Lung cancer screening\r\nDO  - 10.9999/TEST.102\r\nER  - \r\n"
    "TY  - JOUR\r\nTI  - Something we do not hold\r\nDO  - 10.1000/elsewhere\r\nER  - \r\n"
    "TY  - JOUR\r\nN1  - an entry with nothing to identify it\r\nER  - \r\n"
)


@pytest.fixture(autouse=True)
def library(settings: Any, tmp_path: Path, admin_user: User) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    load(
        admin_user,
        write(
            tmp_path / "library.xml",
            article(101, title="Neprilysin inhibition in heart failure"),
            article(102, title="Lung cancer screening"),
        ),
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_file(
    client: Client, name: str, content: str, capture: CaptureCommits
) -> tuple[Any, Job | None]:
    upload = SimpleUploadedFile(name, content.encode("utf-8"))
    with capture(execute=True):
        response = client.post(reverse("literature:import-references"), {"file": upload})
    return response, Job.objects.filter(kind="reference-import").first()


def test_an_upload_runs_a_job_whose_page_shows_the_report(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    client = client_for(msl)
    response, job = post_file(client, "endnote.ris", MY_LIBRARY, django_capture_on_commit_callbacks)

    assert job is not None and job.owner == msl
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.title == "Import references from endnote.ris"
    assert job.counts == {
        "read": 3,
        "matched": 2,
        "not_in_the_library": 1,
        "unreadable": 1,
        "warnings": 0,
        "added": 3,
        "already_there": 0,
    }
    assert job.done == job.total == 3
    assert LibraryItem.objects.filter(owner=msl).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "3 references read: 2 matched to PubMed records of the library" in page
    assert 'href="/literature/101/"' in page and "Something we do not hold" in page
    assert "endnote.ris, line 13: record has no title" in page


def test_the_job_page_lists_each_warning_with_its_file_entry_and_field(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = (
        "@article{ WOS:000000000000001,\nTitle = {{A trial}},\n"
        "Author-Email = {{a@example.org}},\nAuthor-Email = {{b@example.org}},\n}\n"
        "@article{,\n  author = SMITH # { and Jones, Anna},\n  title = {Second},\n"
        "  crossref = {elsewhere}\n}\n"
    )
    client = client_for(msl)
    response, job = post_file(client, "savedrecs.bib", content, django_capture_on_commit_callbacks)

    assert job is not None and job.status == JobStatus.SUCCEEDED, job and job.message
    assert job.counts["warnings"] == 3 and job.counts["unreadable"] == 0
    page = client.get(response["Location"]).content.decode()
    assert "<caption>Warnings (3): read, but otherwise than written</caption>" in page
    rows = [
        ("entry &#x27;WOS:000000000000001&#x27; (line 1)", "author-email", "given 2 times"),
        ("entry 2 (no key, line 6)", "author", "the macro &#x27;SMITH&#x27; is defined nowhere"),
        ("entry 2 (no key, line 6)", "crossref", "its parent entry &#x27;elsewhere&#x27;"),
    ]
    for entry, field, message in rows:
        assert (
            f"<td>savedrecs.bib</td>\n        <td>{entry}</td>\n        <td>{field}</td>\n"
            f"        <td>{message}"
        ) in page
    assert LibraryItem.objects.filter(owner=msl).count() == 2


def test_a_file_of_no_reference_format_is_refused_before_any_job(msl: User) -> None:
    upload = SimpleUploadedFile("notes.dat", b"Dear colleague,\n")

    response = client_for(msl).post(reverse("literature:import-references"), {"file": upload})

    assert response.status_code == 400
    assert "notes.dat: not a reference file" in response.content.decode()
    assert not Job.objects.exists()


def test_a_broken_reference_file_fails_its_job_naming_the_file_and_line(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    content = "FN Clarivate Analytics Web of Science\nVR 1.0\n"
    _, job = post_file(
        client_for(msl), "savedrecs.txt", content, django_capture_on_commit_callbacks
    )

    assert job is not None and job.status == JobStatus.FAILED
    assert job.message.startswith("savedrecs.txt, line 1: this is a Web of Science")
    assert not LibraryItem.objects.exists()


def test_another_msl_cannot_see_the_import_job_an_administrator_can(
    msl: User,
    other_msl: User,
    admin_user: User,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    response, job = post_file(
        client_for(msl), "endnote.ris", MY_LIBRARY, django_capture_on_commit_callbacks
    )
    assert job is not None

    assert client_for(other_msl).get(response["Location"]).status_code == 404
    assert client_for(other_msl).get(reverse("core:job-download", args=[job.pk])).status_code == 404
    page = client_for(admin_user).get(response["Location"])
    assert page.status_code == 200 and "Something we do not hold" in page.content.decode()
