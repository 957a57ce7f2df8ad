import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from liaison.core import services
from liaison.core.models import ApiToken, AuditEvent, Job, JobStatus, User
from liaison.directory import services as directory_services
from liaison.directory.models import HCP


@pytest.fixture
def hcp(admin_user: User) -> HCP:
    return directory_services.create_hcp(
        actor=admin_user, data={"given_name": "Jürgen", "family_name": "Müller", "country": "DE"}
    )


def streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- shell, login, errors ----------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_login_page_renders_labelled_fields(client: Client, db: None) -> None:
    response = client.get(reverse("core:login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username"' in body and '<label for="id_password"' in body
    assert 'class="skip-link"' in body
    assert "<script>" not in body and "style=" not in body and "onclick" not in body
    assert "<title>Sign in · Liaison</title>" in body and "{#" not in body


def test_stale_csrf_token_gets_a_readable_page(msl: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:login"), {"username": "alice", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_login_with_the_right_password_reaches_home(client: Client, msl: User) -> None:
    response = client.post(
        reverse("core:login"),
        {"username": "alice", "password": "correct horse battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert response.context["user"] == msl


def test_lockout_page_says_thirty_minutes(client: Client, msl: User) -> None:
    for _ in range(6):
        response = client.post(reverse("core:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert "locked for 30 minutes" in response.content.decode()


def test_logout_is_a_post(client: Client, msl: User) -> None:
    signed_in(client, msl)
    assert client.get(reverse("core:logout")).status_code == 405
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_home_shows_counts_territories_and_navigation(client: Client, msl: User, hcp: HCP) -> None:
    response = signed_in(client, msl).get(reverse("core:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "DACH" in body
    assert [item["count"] for item in response.context["counts"]][:1] == [1]
    assert [item["editable"] for item in response.context["counts"]][:1] == [1]
    labels = [item["label"] for item in response.context["navigation"]]
    assert "Audit trail" not in labels
    assert "Medical Science Liaison" in body  # the role in the user menu
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert "/static/django_htmx/htmx-2.min.js" in body


def test_compliance_navigation_has_the_audit_trail(client: Client, compliance: User) -> None:
    response = signed_in(client, compliance).get(reverse("core:home"))
    assert "Audit trail" in [item["label"] for item in response.context["navigation"]]


def test_locked_database_gets_the_unavailable_page_not_a_traceback() -> None:
    from django.db import OperationalError
    from django.test import RequestFactory

    from liaison.core.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/directory/hcps/")
    response = middleware.process_exception(request, OperationalError("database is locked"))
    assert response is not None and response.status_code == 503
    body = response.content.decode()
    assert "the database is busy" in body and "<title>" in body
    assert "Traceback" not in body


# --- audit trail ----------------------------------------------------------------


def test_audit_list_is_forbidden_for_an_msl(client: Client, msl: User) -> None:
    assert signed_in(client, msl).get(reverse("core:audit-list")).status_code == 403
    assert client.get(reverse("core:audit-export")).status_code == 403


def test_audit_list_shows_events_to_compliance(client: Client, compliance: User, hcp: HCP) -> None:
    response = signed_in(client, compliance).get(reverse("core:audit-list"))
    assert response.status_code == 200
    assert "Müller" in response.content.decode()
    assert response.context["page_obj"].paginator.count == 1


def test_audit_search_filters_by_actor_type_and_dates(
    client: Client, compliance: User, admin_user: User, hcp: HCP
) -> None:
    services.create_api_token(actor=compliance, user=compliance, name="mine")
    signed_in(client, compliance)
    by_actor = client.get(reverse("core:audit-list"), {"actor": "carla"})
    assert [e.record_type for e in by_actor.context["page_obj"]] == ["core.apitoken"]
    by_type = client.get(reverse("core:audit-list"), {"record_type": "directory.hcp"})
    assert [e.record_type for e in by_type.context["page_obj"]] == ["directory.hcp"]
    event_day = AuditEvent.objects.earliest("sequence").at.date()
    same_day = client.get(
        reverse("core:audit-list"),
        {"date_from": event_day.isoformat(), "date_to": event_day.isoformat()},
    )
    assert same_day.context["page_obj"].paginator.count == 2
    before = client.get(reverse("core:audit-list"), {"date_to": "2000-01-01"})
    assert before.context["page_obj"].paginator.count == 0


def test_audit_export_streams_the_filtered_events_as_csv(
    client: Client, compliance: User, hcp: HCP
) -> None:
    services.create_api_token(actor=compliance, user=compliance, name="=cmd")
    response = signed_in(client, compliance).get(
        reverse("core:audit-export"), {"record_type": "directory.hcp"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    assert [row["record_type"] for row in rows] == ["directory.hcp"]
    assert rows[0]["record_label"] == "Jürgen Müller"
    assert rows[0]["actor"] == "ada"
    everything = client.get(reverse("core:audit-export"))
    text = streamed(everything)
    assert "'=cmd" in text  # formula-like cells are neutralised


def test_a_large_audit_export_runs_as_a_download_job(
    client: Client,
    compliance: User,
    hcp: HCP,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LIAISON_EXPORT_SYNC_MAX_ROWS = 0  # the one event is above it
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    signed_in(client, compliance)
    url = reverse("core:audit-export") + "?record_type=directory.hcp"
    offer = client.get(url)
    assert offer.status_code == 200 and "in the background" in offer.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    job = Job.objects.get(owner=compliance, kind="audit-export")
    assert started.status_code == 302 and started["Location"].endswith(f"/jobs/{job.pk}/")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    download = client.get(reverse("core:job-download", args=[job.pk]))
    rows = list(csv.DictReader(io.StringIO(streamed(download).lstrip("\ufeff"))))
    assert [row["record_type"] for row in rows] == ["directory.hcp"]
    assert rows[0]["record_label"] == "Jürgen Müller"


# --- record history ------------------------------------------------------------


def test_record_history_shows_changes_to_a_reader_of_the_record(
    client: Client, msl: User, admin_user: User, hcp: HCP
) -> None:
    directory_services.update_hcp(
        actor=admin_user, hcp=hcp, data={"city": "München"}, reason="moved"
    )
    response = signed_in(client, msl).get(
        reverse("core:record-history", args=["directory.hcp", hcp.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "München" in body and "moved" in body and "ada" in body
    assert len(response.context["rows"]) == 2


def test_record_history_of_unknown_type_or_record_is_404(client: Client, msl: User) -> None:
    signed_in(client, msl)
    assert client.get(reverse("core:record-history", args=["nope.thing", "1"])).status_code == 404
    assert (
        client.get(reverse("core:record-history", args=["directory.hcp", "999"])).status_code == 404
    )
    assert (
        client.get(reverse("core:record-history", args=["directory.hcp", "x"])).status_code == 404
    )


def test_history_of_another_users_token_is_404(client: Client, msl: User, other_msl: User) -> None:
    token, _ = services.create_api_token(actor=other_msl, user=other_msl, name="bob's")
    response = signed_in(client, msl).get(
        reverse("core:record-history", args=["core.apitoken", token.pk])
    )
    assert response.status_code == 404


def test_deleted_record_history_is_shown_to_compliance_only(
    client: Client, compliance: User, msl: User, admin_user: User, hcp: HCP
) -> None:
    pk = hcp.pk
    directory_services.delete_hcp(actor=admin_user, hcp=hcp, reason="duplicate")
    url = reverse("core:record-history", args=["directory.hcp", pk])
    assert signed_in(client, msl).get(url).status_code == 404
    response = signed_in(client, compliance).get(url)
    assert response.status_code == 200
    assert "duplicate" in response.content.decode()


# --- jobs --------------------------------------------------------------------------


def test_job_detail_shows_progress_and_polls_while_running(client: Client, msl: User) -> None:
    job = Job.objects.create(
        owner=msl, kind="import", title="Import HCPs", status=JobStatus.RUNNING, total=200, done=50
    )
    response = signed_in(client, msl).get(reverse("core:job-detail", args=[job.pk]))
    body = response.content.decode()
    assert '<progress id="job-progress-bar" max="100" value="25">' in body
    assert 'hx-trigger="every 1s"' in body
    assert '<label for="job-progress-bar"' in body


def test_job_progress_fragment_stops_polling_when_finished(client: Client, msl: User) -> None:
    job = Job.objects.create(
        owner=msl,
        kind="import",
        title="Import HCPs",
        status=JobStatus.SUCCEEDED,
        total=10,
        done=10,
        counts={"created": 9, "skipped": 1},
        errors=["row 3, npi: '123' is not 10 digits"],
    )
    response = signed_in(client, msl).get(
        reverse("core:job-detail", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="job-progress"')
    assert "<html" not in body
    assert "every 1s" not in body
    assert "100%" in body and "row 3, npi" in body and "Skipped" in body


def test_jobs_of_others_are_hidden(
    client: Client, msl: User, other_msl: User, admin_user: User
) -> None:
    job = Job.objects.create(owner=other_msl, kind="export", title="Export")
    signed_in(client, msl)
    assert client.get(reverse("core:job-detail", args=[job.pk])).status_code == 404
    assert job not in client.get(reverse("core:job-list")).context["page_obj"].object_list
    signed_in(client, admin_user)
    assert client.get(reverse("core:job-detail", args=[job.pk])).status_code == 200


def test_job_download_streams_the_owners_file(
    client: Client, msl: User, other_msl: User, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "hcps.csv").write_text("npi\n1234567893\n")
    job = Job.objects.create(
        owner=msl,
        kind="export",
        title="Export",
        status=JobStatus.SUCCEEDED,
        result_file="exports/hcps.csv",
    )
    response = signed_in(client, msl).get(reverse("core:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert streamed(response) == "npi\n1234567893\n"
    assert (
        signed_in(client, other_msl).get(reverse("core:job-download", args=[job.pk])).status_code
        == 404
    )


def test_job_download_refuses_paths_outside_the_media_root(
    client: Client, msl: User, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "secret.txt").write_text("nope")
    job = Job.objects.create(owner=msl, kind="export", title="x", result_file="../secret.txt")
    assert (
        signed_in(client, msl).get(reverse("core:job-download", args=[job.pk])).status_code == 404
    )


# --- API tokens --------------------------------------------------------------------


def test_token_secret_is_shown_once(client: Client, msl: User) -> None:
    signed_in(client, msl)
    response = client.post(reverse("core:token-list"), {"name": "notebook"})
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=msl)
    assert token.key_hash == ApiToken.hash_secret(secret)
    again = client.get(reverse("core:token-list"))
    assert secret not in again.content.decode()
    assert "notebook" in again.content.decode()


def test_token_without_a_name_shows_the_field_error(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(reverse("core:token-list"), {"name": ""})
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_token_revoke_is_a_post_by_the_owner(client: Client, msl: User, other_msl: User) -> None:
    token, _ = services.create_api_token(actor=msl, user=msl, name="laptop")
    url = reverse("core:token-revoke", args=[token.pk])
    assert signed_in(client, other_msl).post(url).status_code == 404
    assert signed_in(client, msl).get(url).status_code == 405
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
