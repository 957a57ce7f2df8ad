"""The import web flow: upload -> mapping -> report -> job, with the task run at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liaison.core import uploads
from liaison.core.models import AuditEvent, Job, JobStatus, User
from liaison.directory.models import HCP
from liaison.directory.views.transfers import save_upload

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
GOOD = "First Name,Last Name,Country,NPI\nJürgen,Müller,DE,1000000004\nAnna,Schmidt,DE,\n"
ONE_BAD = GOOD + "Bad,Row,DE,1234567890\n"

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


@pytest.fixture(autouse=True)
def media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE
    yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, content: str, **fields: Any) -> str:
    response = client.post(
        reverse("directory:import-start"),
        {
            "file": SimpleUploadedFile("hcps.csv", content.encode("utf-8"), "text/csv"),
            "kind": "hcps",
            **fields,
        },
    )
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def test_upload_mapping_report_and_job_import_the_file(
    admin_user: User, django_capture_on_commit_callbacks: CaptureCommits, tmp_path: Path
) -> None:
    client = client_for(admin_user)
    mapping_url = upload(client, GOOD)
    page = client.get(mapping_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jürgen" in html  # the preview
    assert re.search(r'<option value="given_name" selected>', html)  # prefilled
    response = client.post(
        mapping_url,
        {
            "column_0": "given_name",
            "column_1": "family_name",
            "column_2": "country",
            "column_3": "npi",
        },
    )
    report_url = response["Location"]
    report = client.get(report_url)
    assert "All 2 rows are valid" in report.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url)
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.counts["created"] == 2 and job.counts["errors"] == 0
    assert job.params["options"]["kind"] == "hcps"
    assert uploads.job_file(job).relative_to(tmp_path / "uploads").name == "hcps.csv"
    assert HCP.objects.filter(npi="1000000004", npi_source="import:hcps.csv").exists()
    assert AuditEvent.objects.filter(source="import").count() == 2


def test_report_lists_bad_rows_and_disables_import(admin_user: User) -> None:
    client = client_for(admin_user)
    mapping_url = upload(client, ONE_BAD)
    report_url = client.post(
        mapping_url,
        {
            "column_0": "given_name",
            "column_1": "family_name",
            "column_2": "country",
            "column_3": "npi",
        },
    )["Location"]
    html = client.get(report_url).content.decode()
    assert "1 of 3 rows has 1 problem" in html
    assert '<td class="numeric">4</td>' in html and "check digit" in html
    assert re.search(r"<button type=\"submit\" disabled", html)
    assert "skip 1" in html
    assert HCP.objects.count() == 0


def test_skipping_from_the_report_imports_the_valid_rows(
    admin_user: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    client = client_for(admin_user)
    mapping_url = upload(client, ONE_BAD)
    report_url = client.post(
        mapping_url,
        {
            "column_0": "given_name",
            "column_1": "family_name",
            "column_2": "country",
            "column_3": "npi",
        },
    )["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url, {"skip_invalid": "on"})
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.counts["created"], job.counts["skipped"]) == (2, 1)
    assert any("row 4" in error for error in job.errors)
    assert HCP.objects.count() == 2


def test_job_of_an_invalid_file_fails_and_writes_nothing(
    admin_user: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    client = client_for(admin_user)
    mapping_url = upload(client, ONE_BAD)
    report_url = client.post(
        mapping_url,
        {
            "column_0": "given_name",
            "column_1": "family_name",
            "column_2": "country",
            "column_3": "npi",
        },
    )["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "nothing was imported" in job.message
    assert job.errors == [
        "hcps.csv, row 4, column 'NPI' (npi): '1234567890' fails the NPI check digit"
    ]
    assert HCP.objects.count() == 0 and not AuditEvent.objects.exists()


def test_mapping_two_columns_to_one_field_is_an_error(admin_user: User) -> None:
    client = client_for(admin_user)
    mapping_url = upload(client, GOOD)
    response = client.post(
        mapping_url,
        {"column_0": "given_name", "column_1": "given_name", "column_2": "country"},
    )
    assert response.status_code == 200
    assert "already filled by the column" in response.content.decode()


def test_upload_of_an_unsupported_file_type_is_refused(admin_user: User) -> None:
    response = client_for(admin_user).post(
        reverse("directory:import-start"),
        {"file": SimpleUploadedFile("hcps.pdf", b"%PDF", "application/pdf"), "kind": "hcps"},
    )
    assert response.status_code == 200
    assert "unsupported file type" in response.content.decode()


def test_missing_xlsx_sheet_is_shown_on_the_mapping_page(admin_user: User, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.worksheets[0].title = "Sheet A"
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    response = client_for(admin_user).post(
        reverse("directory:import-start"),
        {
            "file": SimpleUploadedFile("book.xlsx", path.read_bytes()),
            "kind": "hcps",
            "sheet": "HCPs",
        },
    )
    page = client_for(admin_user).get(response["Location"])
    assert page.status_code == 400
    assert "book.xlsx: there is no sheet &#x27;HCPs&#x27;" in page.content.decode()


def test_non_administrators_may_not_import(msl: User) -> None:
    assert client_for(msl).get(reverse("directory:import-start")).status_code == 403


def test_an_upload_is_only_its_uploaders(admin_user: User) -> None:
    other_admin = User.objects.create_user(username="root2", password="x", role="administrator")
    upload_id = save_upload(owner=other_admin, file_name="hcps.csv", chunks=[GOOD.encode()])
    client = client_for(admin_user)
    assert client.get(reverse("directory:import-mapping", args=[upload_id])).status_code == 404
    assert client.get(reverse("directory:import-report", args=[upload_id])).status_code == 404


# --- matching: the review's per-row status and the confirmation of name matches -------

WEISS_FILE = (
    "First Name,Last Name,Credentials,NPI,Country,City\n"
    "Jürgen,Weiß,MD,,DE,Köln\n"
    "Anna,Schmidt,,1000000004,DE,Berlin\n"
    "Chloé,Dubois,,,FR,Paris\n"
)
WEISS_MAPPING = {
    "column_0": "given_name",
    "column_1": "family_name",
    "column_2": "credentials",
    "column_3": "npi",
    "column_4": "country",
    "column_5": "city",
}


@pytest.fixture
def namesakes(admin_user: User) -> tuple[HCP, HCP]:
    weiss = HCP.objects.create(
        given_name="Jürgen",
        family_name="Weiß",
        country="DE",
        city="Freiburg",
        orcid="0000-0002-1825-0097",
    )
    schmidt = HCP.objects.create(
        given_name="Anna", family_name="Schmidt", country="DE", npi="1000000004"
    )
    return weiss, schmidt


def reviewed(client: Client) -> str:
    """Upload the Weiß file, map it and return its report's URL."""
    mapping_url = upload(client, WEISS_FILE)
    return str(client.post(mapping_url, WEISS_MAPPING)["Location"])


def row_of(html: str, number: int) -> str:
    match = re.search(rf'<tr>\s*<td class="numeric">{number}</td>(.*?)</tr>', html, re.S)
    assert match, f"no row {number} in the table"
    return match.group(1)


def test_review_shows_each_rows_action_record_and_key(
    admin_user: User, namesakes: tuple[HCP, HCP]
) -> None:
    weiss, schmidt = namesakes
    html = client_for(admin_user).get(reviewed(client_for(admin_user))).content.decode()
    assert "create 1 new record, update 1 existing record and leave 0 unchanged" in html
    assert "1 row matches an existing HCP on name alone" in html
    weiss_row = row_of(html, 2)
    assert "Needs confirmation" in weiss_row
    assert f'href="{reverse("directory:hcp-detail", args=[weiss.pk])}"' in weiss_row
    assert "name and country" in weiss_row and "Freiburg, DE; ORCID" in weiss_row
    schmidt_row = row_of(html, 3)
    assert "Updates" in schmidt_row and ">NPI<" in schmidt_row
    assert f'href="{reverse("directory:hcp-detail", args=[schmidt.pk])}"' in schmidt_row
    assert "changes city" in schmidt_row
    assert "New" in row_of(html, 4)
    assert "Apply the 1 match on name alone" in html
    assert f'name="name_match" value="2:{weiss.pk}"' in html
    assert HCP.objects.get(pk=weiss.pk).city == "Freiburg"


def test_review_filters_its_rows(admin_user: User, namesakes: tuple[HCP, HCP]) -> None:
    client = client_for(admin_user)
    html = client.get(reviewed(client) + "?show=name").content.decode()
    assert "Matches on name alone (1)" in html and "New (1)" in html
    table = html.split('id="rows-heading"')[1]
    assert '<td class="numeric">2</td>' in table
    assert '<td class="numeric">3</td>' not in table and '<td class="numeric">4</td>' not in table


def test_import_without_confirmation_holds_the_name_match_back(
    admin_user: User,
    namesakes: tuple[HCP, HCP],
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    weiss, _ = namesakes
    client = client_for(admin_user)
    report_url = reviewed(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url, {"name_match": f"2:{weiss.pk}"})
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.counts["created"], job.counts["updated"], job.counts["held_back"]) == (1, 1, 1)
    assert "1 held back" in job.message
    weiss.refresh_from_db()
    assert (weiss.city, weiss.credentials) == ("Freiburg", [])
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "1 row held back: a match on name alone" in page
    assert f'href="{reverse("directory:hcp-detail", args=[weiss.pk])}"' in page
    assert f'value="2:{weiss.pk}"' in page  # ticked there, the file is imported again


@pytest.mark.parametrize(
    "choice",
    [{"confirm_all": "on"}, {"confirm": "2:{pk}"}],
    ids=["apply-all", "tick-the-row"],
)
def test_confirmed_name_match_is_applied(
    admin_user: User,
    namesakes: tuple[HCP, HCP],
    django_capture_on_commit_callbacks: CaptureCommits,
    choice: dict[str, str],
) -> None:
    weiss, _ = namesakes
    client = client_for(admin_user)
    report_url = reviewed(client)
    data = {"name_match": f"2:{weiss.pk}"}
    data |= {name: value.format(pk=weiss.pk) for name, value in choice.items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url, data)
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.params["options"]["confirmed"] == [[2, weiss.pk]]
    assert (job.counts["updated"], job.counts["held_back"]) == (2, 0)
    weiss.refresh_from_db()
    assert (weiss.city, weiss.credentials) == ("Köln", ["MD"])


def test_job_page_applies_the_ticked_held_back_rows(
    admin_user: User,
    namesakes: tuple[HCP, HCP],
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    weiss, _ = namesakes
    client = client_for(admin_user)
    report_url = reviewed(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url, {"check_only": "on"})
    check = Job.objects.get()
    page = client.get(reverse("core:job-detail", args=[check.pk])).content.decode()
    assert "it was checked only" in page
    assert f'action="{report_url}"' in page
    assert HCP.objects.get(pk=weiss.pk).city == "Freiburg"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url, {"name_match": f"2:{weiss.pk}", "confirm": f"2:{weiss.pk}"})
    assert Job.objects.latest("pk").status == JobStatus.SUCCEEDED
    assert HCP.objects.get(pk=weiss.pk).city == "Köln"


def test_file_too_large_to_review_offers_to_apply_name_matches(
    admin_user: User,
    namesakes: tuple[HCP, HCP],
    settings: Any,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    settings.LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS = 2
    weiss, _ = namesakes
    client = client_for(admin_user)
    report_url = reviewed(client)
    html = client.get(report_url).content.decode()
    assert 'name="match_names"' in html and "on name and country alone" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url, {"match_names": "on"})
    job = Job.objects.get()
    assert job.params["options"]["match_names"] is True
    assert job.status == JobStatus.SUCCEEDED and job.counts["held_back"] == 0
    assert HCP.objects.get(pk=weiss.pk).city == "Köln"
