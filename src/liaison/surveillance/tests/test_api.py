"""/api/v1/watches and /api/v1/alerts."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.api import api
from liaison.core.audit import history_for
from liaison.core.models import Job, Team, User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory.models import TherapeuticArea
from liaison.surveillance import services
from liaison.surveillance.models import Alert, Watch
from liaison.surveillance.tests.factories import add_publications, publication_watch

pytestmark = pytest.mark.django_db


def test_create_a_trial_watch_with_tags(msl: User) -> None:
    TherapeuticArea.objects.create(code="oncology", name="Oncology")
    response = ApiClient(msl).post(
        "/watches",
        {
            "name": "PD-1 competitors",
            "kind": "trial",
            "intervention": "pembrolizumab",
            "phases": ["PHASE3"],
            "therapeutic_area": "oncology",
            "is_competitor": True,
            "schedule": "weekly",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == "alice" and body["team_id"] is None
    assert body["therapeutic_area"] == "oncology" and body["phases"] == ["PHASE3"]
    assert history_for(Watch.objects.get()).get().source == "api"


def test_a_bad_watch_names_the_field(msl: User) -> None:
    response = ApiClient(msl).post("/watches", {"name": "X", "kind": "trial", "phases": ["PHASE9"]})
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"condition", "phases"}


def test_a_watch_for_a_team_one_is_not_in_is_refused(
    msl: User, other_msl: User, field_manager: User
) -> None:
    team = Team.objects.get()
    client = ApiClient(other_msl)
    response = client.post(
        "/watches", {"name": "X", "kind": "publication", "query": "x", "team_id": team.pk}
    )
    assert response.status_code == 403 and "not in team" in response.json()["message"]
    response = client.post(
        "/watches", {"name": "X", "kind": "publication", "query": "x", "team_id": 999999}
    )
    assert response.status_code == 400
    assert "no team with id 999999" in response.json()["details"]["team_id"]
    assert not Watch.objects.exists()


def test_team_watch_is_seen_by_the_team(msl: User, field_manager: User, other_msl: User) -> None:
    team = Team.objects.get()
    created = ApiClient(msl).post(
        "/watches", {"name": "Team", "kind": "publication", "query": "x", "team_id": team.pk}
    )
    watch_id = created.json()["id"]
    assert ApiClient(field_manager).get(f"/watches/{watch_id}").status_code == 200
    assert ApiClient(other_msl).get(f"/watches/{watch_id}").status_code == 404
    assert ApiClient(field_manager).get("/watches").json()["count"] == 1
    assert ApiClient(other_msl).get("/watches").json()["count"] == 0


def test_a_team_member_cannot_take_a_team_watch_through_the_api(
    msl: User, field_manager: User
) -> None:
    watch = publication_watch(None, team=Team.objects.get())
    response = ApiClient(msl).patch(f"/watches/{watch.pk}", {"team_id": None})
    assert response.status_code == 403
    assert response.json()["details"] == {
        "team": "only the watch's owner, its team's manager or an administrator may give it "
        "to another owner or team"
    }
    # The manager still sees the team's watch, and may take it.
    assert ApiClient(field_manager).get(f"/watches/{watch.pk}").status_code == 200
    response = ApiClient(field_manager).patch(f"/watches/{watch.pk}", {"team_id": None})
    assert response.status_code == 200
    assert (response.json()["owner"], response.json()["team_id"]) == ("fiona", None)


def test_patch_and_delete_a_watch(msl: User) -> None:
    watch = publication_watch(msl)
    client = ApiClient(msl)
    response = client.patch(f"/watches/{watch.pk}", {"query": "uveal melanoma", "active": False})
    assert response.status_code == 200 and response.json()["query"] == "uveal melanoma"
    assert response.json()["active"] is False
    assert client.patch(f"/watches/{watch.pk}", {"name": None}).status_code == 422
    assert client.delete(f"/watches/{watch.pk}").status_code == 204
    assert not Watch.objects.exists()


def test_run_a_watch_queues_a_job(msl: User) -> None:
    watch = publication_watch(msl)
    response = ApiClient(msl).post(f"/watches/{watch.pk}/run")
    assert response.status_code == 202
    job = Job.objects.get()
    assert response.json() == {"job_id": job.pk, "url": f"/jobs/{job.pk}/"}


def test_the_run_answer_and_the_job_list_are_documented_apart() -> None:
    # Both schemas were named JobOut: the document described GET /api/v1/jobs's items
    # as {job_id, url} (Schemathesis's response_schema_conformance found it).
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    run = document["paths"]["/api/v1/watches/{watch_id}/run"]["post"]["responses"][202]
    run_schema = run["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schemas[run_schema]["properties"]) == {"job_id", "url"}
    item = schemas["JobPageOut"]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert {"id", "status", "kind"} <= set(schemas[item]["properties"])


@pytest.fixture
def alerts(msl: User, tmp_path: Path) -> list[Alert]:
    add_publications(tmp_path, (101, "Melanoma one"), (102, "Melanoma two"))
    services.run_watch(publication_watch(msl).pk)
    return list(Alert.objects.order_by("pk"))


def test_list_alerts_with_unread_count_and_filters(msl: User, alerts: list[Alert]) -> None:
    client = ApiClient(msl)
    body = client.get("/alerts").json()
    assert body["count"] == 2 and body["unread"] == 2
    assert {row["pmid"] for row in body["results"]} == {101, 102}
    services.mark_alert(actor=msl, alert=alerts[0], read=True)
    body = client.get("/alerts", {"unread": "true"}).json()
    assert body["count"] == 1 and body["unread"] == 1 and body["results"][0]["id"] == alerts[1].pk


def test_patch_triages_and_marks_read(msl: User, alerts: list[Alert]) -> None:
    client = ApiClient(msl)
    response = client.patch(f"/alerts/{alerts[0].pk}", {"state": "relevant", "note": "KOL meeting"})
    assert response.status_code == 200
    body = response.json()
    assert (body["triage_state"], body["triage_note"], body["read"]) == (
        "relevant",
        "KOL meeting",
        True,
    )
    assert history_for(alerts[0]).get().source == "api"
    response = client.patch(f"/alerts/{alerts[0].pk}", {"read": False})
    assert response.json()["read"] is False and response.json()["triage_state"] == "relevant"
    assert client.patch(f"/alerts/{alerts[0].pk}", {"state": "maybe"}).status_code == 422


def test_another_users_alert_is_404(other_msl: User, alerts: list[Alert]) -> None:
    assert ApiClient(other_msl).get(f"/alerts/{alerts[0].pk}").status_code == 404
    assert ApiClient(other_msl).patch(f"/alerts/{alerts[0].pk}", {"read": True}).status_code == 404
