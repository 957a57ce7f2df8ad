"""Running watches in the background and from the command line."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Job, JobStatus, User
from liaison.surveillance.models import Alert, Watch
from liaison.surveillance.tests.factories import add_publications, publication_watch

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_run_now_runs_the_watch_as_a_job_with_progress(
    client: Client,
    msl: User,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    add_publications(tmp_path, (101, "Melanoma one"), (102, "Melanoma two"))
    watch = publication_watch(msl)
    client.force_login(msl)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveillance:watch-run", args=[watch.pk]))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.counts == {"matched": 2, "fetched": 0, "alerts": 2}
    assert job.message == "2 matching, 2 new alerts"
    assert watch.runs.get().job == job
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "2 matching, 2 new alerts" in page


def test_a_capped_first_run_says_why_on_its_job_page(
    client: Client,
    msl: User,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    add_publications(tmp_path, *((500 + n, f"Melanoma study {n}") for n in range(23)))
    watch = publication_watch(msl)
    client.force_login(msl)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveillance:watch-run", args=[watch.pk]))
    job = Job.objects.get()
    assert job.message.startswith("23 matching, 20 new alerts. A watch's first run alerts only")
    assert "its 20 newest matches" in job.message
    assert "the other 3 were not alerted, and later runs alert only what is new" in job.message
    assert "The watch's page lists all 23 matches." in job.message
    page = client.get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "the other 3 were not alerted" in page
    assert reverse("surveillance:watch-detail", args=[watch.pk]) in page
    # The second run has no cap to explain.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveillance:watch-run", args=[watch.pk]))
    second = Job.objects.order_by("-pk").first()
    assert second is not None and second.message == "0 matching, 0 new alerts"


def test_run_due_runs_due_watches_only(msl: User, tmp_path: Path) -> None:
    add_publications(tmp_path, (101, "Melanoma"))
    due = publication_watch(msl, name="due")
    manual = publication_watch(msl, name="manual", schedule="manual")
    out = StringIO()
    call_command("surveillance", "run-due", stdout=out, verbosity=0)
    assert out.getvalue().strip() == "1 of 1 due watch ran, 1 new alert"
    assert Alert.objects.filter(watch=due).count() == 1
    assert not Alert.objects.filter(watch=manual).exists()
    out = StringIO()
    call_command("surveillance", "run-due", stdout=out, verbosity=0)
    assert out.getvalue().strip() == "0 of 0 due watches ran, 0 new alerts"


def test_run_due_catches_up_a_day_later(msl: User, tmp_path: Path) -> None:
    watch = publication_watch(msl)
    Watch.objects.filter(pk=watch.pk).update(
        last_run_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    call_command("surveillance", "run-due", stdout=StringIO(), verbosity=0)
    watch.refresh_from_db()
    assert watch.last_run_at is not None and timezone.now() - watch.last_run_at < dt.timedelta(
        minutes=1
    )


def test_run_one_names_an_unknown_watch() -> None:
    with pytest.raises(CommandError, match="no watch with id 999"):
        call_command("surveillance", "run", "999")


def test_digest_command_sends_mail(msl: User, tmp_path: Path) -> None:
    User.objects.filter(pk=msl.pk).update(email="alice@example.org")
    add_publications(tmp_path, (101, "Melanoma"))
    call_command("surveillance", "run", str(publication_watch(msl).pk), stdout=StringIO())
    out = StringIO()
    call_command("surveillance", "digest", "--base-url", "https://liaison.example.org", stdout=out)
    assert out.getvalue().strip() == "1 digest sent"
    assert "https://liaison.example.org/literature/101/" in mail.outbox[0].body


def test_a_live_watch_that_cannot_reach_pubmed_keeps_the_error_on_its_run(
    msl: User, settings: Any
) -> None:
    settings.LIAISON_EUTILS_URL = "http://127.0.0.1:9/"  # nothing listens on the discard port
    watch = publication_watch(msl, mode="live")
    with pytest.raises(CommandError):
        call_command("surveillance", "run", str(watch.pk), stdout=StringIO())
    run = watch.runs.get()
    assert run.error and run.finished_at is not None
    watch.refresh_from_db()
    assert watch.last_run_at is None


# --- live mode, over real HTTP against the local replay server -------------------------------


@pytest.fixture
def server() -> Any:
    from tests.replay import ReplayServer

    with ReplayServer() as replay:
        yield replay


def test_live_publication_watch_fetches_stores_and_alerts(
    msl: User, server: Any, settings: Any
) -> None:
    from liaison.literature.models import Publication
    from liaison.literature.tests.test_eutils import efetch, esearch

    settings.LIAISON_EUTILS_URL = server.url
    server.add("/esearch.fcgi", esearch(2))
    server.add("/efetch.fcgi", efetch(101, 102))
    watch = publication_watch(msl, mode="live", query="asthma[mh]")
    call_command("surveillance", "run", str(watch.pk), stdout=StringIO())
    assert set(Publication.objects.values_list("pmid", flat=True)) == {101, 102}
    assert {
        a.publication.pmid for a in Alert.objects.select_related("publication") if a.publication
    } == {101, 102}
    search = server.requests_to("/esearch.fcgi")[0]
    assert search.query["term"] == "asthma[mh]" and search.query["datetype"] == "edat"
    assert watch.runs.get().fetched == 2


def test_live_trial_watch_fetches_stores_and_alerts(msl: User, server: Any, settings: Any) -> None:
    from tests.replay import Reply

    from liaison.trials.tests.factories import study_json

    settings.LIAISON_CTGOV_URL = server.url
    server.add("/studies", Reply.json({"studies": [study_json("NCT09000001")], "totalCount": 1}))
    watch = Watch.objects.create(
        name="Lung", kind="trial", mode="live", condition="lung cancer", owner=msl
    )
    call_command("surveillance", "run", str(watch.pk), stdout=StringIO())
    alert = Alert.objects.select_related("trial").get()
    assert alert.trial is not None and alert.trial.nct_id == "NCT09000001"
    request = server.requests_to("/studies")[0]
    assert request.query["query.cond"] == "lung cancer"


def test_a_starting_worker_queues_a_run_of_the_due_watches(settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from liaison.core.management.commands.worker import enqueue_startup_tasks

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
    }
    enqueue_startup_tasks()
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "liaison.surveillance.tasks.run_due_watches_task" in queued


def test_the_due_watches_task_runs_them(msl: User, tmp_path: Path) -> None:
    from liaison.surveillance.tasks import run_due_watches_task

    add_publications(tmp_path, (101, "Melanoma"))
    publication_watch(msl)
    assert run_due_watches_task.call() == 1
    assert Alert.objects.count() == 1
