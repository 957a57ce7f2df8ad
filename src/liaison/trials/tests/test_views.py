"""Trial pages: the list with search and filters (and its HTMX fragment), a
trial's page, the competitor landscape and the upload that runs a load job."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, JobStatus, User
from liaison.directory.models import Product
from liaison.trials.ctgov import study_from_json
from liaison.trials.models import Trial, TrialStatusChange
from liaison.trials.services import load_studies
from liaison.trials.tests.factories import study_json

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


def load(*studies: dict[str, Any]) -> None:
    load_studies(actor=None, studies=[study_from_json(study) for study in studies])


@pytest.fixture
def trials(db: None) -> None:
    load(
        study_json(
            "NCT09000001",
            title="Oncovirumab in Lung Cancer",
            interventions=("Oncovirumab", "Placebo"),
            phases=("PHASE2", "PHASE3"),
            pmids=("31415926",),
        ),
        study_json(
            "NCT09000002",
            title="Cardiox After Infarction",
            status="COMPLETED",
            phases=("PHASE3",),
            sponsor="Heart Institute",
            sponsor_class="OTHER",
            interventions=("cardioxumab",),
            conditions=("Myocardial Infarction",),
            sites=(("Mayo Clinic", "Rochester", "United States"),),
        ),
        study_json(
            "NCT09000003",
            title="Oncovirumab Registry",
            status="NOT_YET_RECRUITING",
            phases=(),
            interventions=("oncovirumab",),
        ),
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, **params: Any) -> list[str]:
    response = client.get(reverse("trials:trial-list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return sorted(nct for nct in ("NCT09000001", "NCT09000002", "NCT09000003") if nct in html)


def test_the_list_searches_titles_conditions_interventions_and_sponsors(
    trials: None, msl: User
) -> None:
    client = client_for(msl)
    assert listed(client) == ["NCT09000001", "NCT09000002", "NCT09000003"]
    assert listed(client, q="lung") == ["NCT09000001", "NCT09000003"]
    assert listed(client, q="infarction") == ["NCT09000002"]
    assert listed(client, q="CARDIOXUMAB") == ["NCT09000002"]
    assert listed(client, q="heart institute") == ["NCT09000002"]
    assert listed(client, q="oncovirumab registry") == ["NCT09000003"]


def test_the_list_filters_by_status_phase_country_and_sponsor_class(
    trials: None, msl: User
) -> None:
    client = client_for(msl)
    assert listed(client, status="COMPLETED") == ["NCT09000002"]
    assert listed(client, phase="PHASE3") == ["NCT09000001", "NCT09000002"]
    assert listed(client, phase="PHASE2") == ["NCT09000001"]
    assert listed(client, phase="none") == ["NCT09000003"]
    assert listed(client, country="United States") == ["NCT09000002"]
    assert listed(client, sponsor_class="OTHER") == ["NCT09000002"]
    assert listed(client, sponsor="Acme Pharma") == ["NCT09000001", "NCT09000003"]


def test_an_htmx_search_returns_the_results_fragment(trials: None, msl: User) -> None:
    response = client_for(msl).get(
        reverse("trials:trial-list"), {"q": "infarction"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "NCT09000002" in html and "NCT09000001" not in html
    assert 'hx-swap-oob="true"' in html and "1 trial found" in html


def test_the_trial_page_shows_sites_officials_history_and_publications(
    trials: None, medinfo: User
) -> None:
    load(study_json("NCT09000001", status="ACTIVE_NOT_RECRUITING", pmids=("31415926",)))
    assert TrialStatusChange.objects.count() == 1
    response = client_for(medinfo).get(reverse("trials:trial-detail", args=["NCT09000001"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Charité" in html and "Berlin" in html and "Germany" in html
    assert "Anna Schmidt" in html and "Principal investigator" in html
    assert "Recruiting → Active, not recruiting" in html
    assert 'href="/literature/31415926/"' in html


def test_an_unknown_trial_is_404(db: None, msl: User) -> None:
    response = client_for(msl).get(reverse("trials:trial-detail", args=["NCT00000000"]))
    assert response.status_code == 404


def test_the_landscape_counts_trials_by_product_phase_and_status(trials: None, msl: User) -> None:
    product = Product.objects.create(name="Oncovir", generic_name="oncovirumab", company="Us")
    Product.objects.create(name="Nothingin", company="Them")
    response = client_for(msl).get(reverse("trials:landscape"))
    html = response.content.decode()
    rows = response.context["rows"]
    oncovir = next(item for item in rows if item["row"].label == "Oncovir")
    assert oncovir["row"].total == 2
    assert oncovir["row"].by_phase == {"PHASE2": 1, "PHASE3": 1, "none": 1}
    assert oncovir["row"].by_status == {"RECRUITING": 1, "NOT_YET_RECRUITING": 1}
    assert f'href="/trials/?product={product.pk}&amp;phase=PHASE3"' in html
    nothing = next(item for item in rows if item["row"].label == "Nothingin")
    assert nothing["row"].total == 0
    # The cell's link lists what it counts.
    assert listed(client_for(msl), product=product.pk, phase="PHASE3") == ["NCT09000001"]


def test_the_landscape_by_sponsor(trials: None, msl: User) -> None:
    response = client_for(msl).get(reverse("trials:landscape"), {"by": "sponsor"})
    rows = {item["row"].label: item["row"] for item in response.context["rows"]}
    assert rows["Acme Pharma"].total == 2 and rows["Heart Institute"].total == 1
    assert rows["Heart Institute"].by_status == {"COMPLETED": 1}
    assert "sponsor=Heart+Institute" in response.content.decode()


@pytest.fixture
def media_and_tasks(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE


def test_an_upload_runs_a_load_job(
    media_and_tasks: None,
    admin_user: User,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    page = {"studies": [study_json("NCT09000001"), study_json("NCT09000002")]}
    content = json.dumps(page).encode()
    upload = SimpleUploadedFile("page.json", content, "application/json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(reverse("trials:trial-load"), {"file": upload})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.counts["new"] == 2
    assert job.done == job.total == len(content)  # progress in bytes of the file
    assert Trial.objects.count() == 2


def test_an_upload_with_a_bad_study_stores_the_others_and_names_it_on_the_job_page(
    media_and_tasks: None,
    admin_user: User,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    bad = study_json("NCT09000002")
    bad["protocolSection"]["designModule"]["phases"] = "PHASE2"
    studies = [study_json("NCT09000001"), bad, study_json("NCT09000003")]
    content = "\n".join(json.dumps(item) for item in studies)
    upload = SimpleUploadedFile("studies.jsonl", content.encode(), "application/json")
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("trials:trial-load"), {"file": upload})
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.counts["new"], job.counts["failed"]) == (2, 1)
    assert job.message == "2 new, 0 updated, 0 unchanged, 1 failed"
    (error,) = job.errors
    assert error.startswith("studies.jsonl, line 2, NCT09000002: protocolSection.designModule")
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {"NCT09000001", "NCT09000003"}
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "<dt>Failed</dt><dd>1</dd>" in page and "line 2, NCT09000002" in page


def test_an_upload_that_breaks_off_fails_its_job_keeping_what_was_stored(
    media_and_tasks: None,
    admin_user: User,
    django_capture_on_commit_callbacks: CaptureCommits,
) -> None:
    content = json.dumps(study_json("NCT09000001")) + "\n" + json.dumps(study_json("NCT09000002"))
    upload = SimpleUploadedFile("studies.jsonl", content[:-20].encode(), "application/json")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_user).post(reverse("trials:trial-load"), {"file": upload})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.message.endswith("; 1 file could not be read to the end")
    assert any(error.startswith("studies.jsonl, line 2: invalid JSON") for error in job.errors)
    # Both studies were in the batch the break interrupted: neither is stored.
    assert not Trial.objects.exists()


def test_the_upload_form_has_no_skip_invalid_choice(
    media_and_tasks: None, admin_user: User
) -> None:
    page = client_for(admin_user).get(reverse("trials:trial-load")).content.decode()
    assert 'name="file"' in page and "skip_invalid" not in page


def test_an_upload_of_another_file_type_is_refused(media_and_tasks: None, admin_user: User) -> None:
    upload = SimpleUploadedFile("hcps.csv", b"a,b\n", "text/csv")
    response = client_for(admin_user).post(reverse("trials:trial-load"), {"file": upload})
    assert response.status_code == 200 and not Job.objects.exists()
    assert "expected a .json, .jsonl or .gz file" in response.content.decode()


def test_an_msl_may_not_load(media_and_tasks: None, msl: User) -> None:
    assert client_for(msl).get(reverse("trials:trial-load")).status_code == 403
