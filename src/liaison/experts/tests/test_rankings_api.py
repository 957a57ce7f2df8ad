"""``/api/v1/experts``: ranked lists, an HCP's breakdown, definitions, weights, recompute;
and ``liaison experts score``."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from liaison.core.models import Job, User
from liaison.core.tests.apiclient import API, ApiClient
from liaison.directory.models import HCP
from liaison.experts import scoring_tasks
from liaison.experts.models import ExpertScore, WeightSet
from liaison.experts.services import scoring
from liaison.experts.tests import scoring_world as world

pytestmark = pytest.mark.django_db


def this_year() -> int:
    """Read per test: a module constant goes stale when a run crosses New Year."""
    return timezone.localdate().year


@pytest.fixture
def scored(admin_user: User) -> dict[str, HCP]:
    world.area()
    people = {"lead": world.hcp("Lead"), "coauthor": world.hcp("Coauthor", country="FR")}
    world.publication(
        people["lead"], people["coauthor"], year=this_year(), types=("Meta-Analysis",)
    )
    world.publication(people["lead"], year=this_year() - 1)
    world.trial((people["lead"], "PRINCIPAL_INVESTIGATOR"))
    scoring.score_all(actor=admin_user)
    return people


def put(client: ApiClient, path: str, body: Any) -> Any:
    return client.client.put(
        API + path, json.dumps(body), content_type="application/json", headers=client.headers
    )


def area_id() -> int:
    return world.area().pk


def test_the_ranked_list_needs_an_area_and_names_it(msl: User) -> None:
    response = ApiClient(msl).get("/experts")
    assert response.status_code == 422
    assert "area" in response.json()["details"]


def test_the_ranked_list_answers_scores_best_first(msl: User, scored: dict[str, HCP]) -> None:
    body = ApiClient(msl).get("/experts", {"area": area_id()}).json()
    assert body["count"] == 2 and body["area"]["code"] == "melanoma"
    first = body["results"][0]
    assert first["hcp_id"] == scored["lead"].pk
    assert first["tier"] == 1 and first["rank"] == 1
    assert set(first["components"]) == {"publication", "trial", "network"}
    assert first["engaged"] is False


def test_filters_of_the_ranked_list_apply(msl: User, scored: dict[str, HCP]) -> None:
    client = ApiClient(msl)
    french = client.get("/experts", {"area": area_id(), "country": "fr"}).json()
    assert [row["hcp_id"] for row in french["results"]] == [scored["coauthor"].pk]
    engaged = client.get("/experts", {"area": area_id(), "engaged": "yes"}).json()
    assert engaged["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "colour"}, "sort"),
        ({"engaged": "maybe"}, "engaged"),
        ({"territory": "nowhere"}, "territory"),
        ({"institution": 999999}, "institution"),
        ({"tier": 4}, "tier"),
    ],
)
def test_a_wrong_filter_is_a_422_naming_it(
    msl: User, scored: dict[str, HCP], params: dict[str, Any], field: str
) -> None:
    response = ApiClient(msl).get("/experts", {"area": area_id(), **params})
    assert response.status_code == 422
    assert field in json.dumps(response.json()["details"])


def test_a_refusal_gives_the_reason_alone_beside_the_field(
    msl: User, scored: dict[str, HCP]
) -> None:
    body = ApiClient(msl).get("/experts", {"area": area_id(), "territory": "xx"}).json()
    assert body["details"] == {"territory": "no territory with code “xx”"}
    assert body["message"] == "territory: no territory with code “xx”"


def test_an_unknown_area_is_a_422_naming_it(msl: User) -> None:
    response = ApiClient(msl).get("/experts", {"area": 987654})
    assert response.status_code == 422
    assert "area" in response.json()["details"]


def test_an_hcps_breakdown_lists_contributions_with_their_reasons(
    msl: User, scored: dict[str, HCP]
) -> None:
    body = ApiClient(msl).get(f"/experts/{scored['lead'].pk}/scores").json()
    (area,) = body["scores"]
    assert area["area"]["name"] == "Melanoma"
    assert area["contribution_count"] == 4
    kinds = {item["kind"] for item in area["contributions"]}
    assert kinds == {"publication", "trial", "network"}
    paper = next(item for item in area["contributions"] if item["kind"] == "publication")
    assert paper["publication"]["pmid"] and "author" in paper["detail"]
    limited = ApiClient(msl).get(f"/experts/{scored['lead'].pk}/scores", {"limit": 1}).json()
    assert len(limited["scores"][0]["contributions"]) == 1


def test_weights_are_read_by_all_and_saved_by_administrators(
    msl: User, admin_user: User, scored: dict[str, HCP]
) -> None:
    path = f"/experts/areas/{area_id()}/weights"
    assert ApiClient(msl).get(path).json()["version"] is None
    assert put(ApiClient(msl), path, {"weights": {}}).status_code == 403
    saved = put(ApiClient(admin_user), path, {"weights": {"network": 0}, "note": "no network"})
    assert saved.status_code == 200
    assert saved.json()["version"] == 1 and saved.json()["weights"]["network"] == 0
    assert saved.json()["history"][0]["note"] == "no network"
    assert Job.objects.filter(kind=scoring_tasks.RECOMPUTE_KIND).count() == 1


def test_a_wrong_weight_is_a_422_naming_its_key(admin_user: User, scored: dict[str, HCP]) -> None:
    response = put(
        ApiClient(admin_user),
        f"/experts/areas/{area_id()}/weights",
        {"weights": {"tiers": {"1": 10, "2": 5}}},
    )
    assert response.status_code == 422
    body = response.json()
    reason = body["details"]["weights.tiers.2"]
    assert reason.startswith("tier cut-offs must increase")
    assert body["message"] == f"weights.tiers.2: {reason}"
    assert not WeightSet.objects.exists()


def test_the_definition_is_read_and_changed(admin_user: User, scored: dict[str, HCP]) -> None:
    path = f"/experts/areas/{area_id()}/definition"
    client = ApiClient(admin_user)
    assert client.get(path).json()["mesh_terms"] == ["Melanoma"]
    changed = put(client, path, {"conditions": ["melanoma", "uveal melanoma"]}).json()
    assert changed["conditions"] == ["melanoma", "uveal melanoma"]
    assert changed["mesh_terms"] == ["Melanoma"]
    refused = put(client, path, {"search_query": '"open'})
    assert refused.status_code == 422 and "search_query" in refused.json()["details"]
    assert not refused.json()["details"]["search_query"].startswith("search_query")


def test_recompute_answers_202_with_the_job(insights_lead: User, msl: User) -> None:
    path = f"/experts/areas/{area_id()}/recompute"
    assert ApiClient(msl).post(path).status_code == 403
    response = ApiClient(insights_lead).post(path)
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job_id"])
    assert job.params["area"] == area_id()


def test_the_score_command_scores_and_reports_as_json(admin_user: User) -> None:
    world.area()
    world.publication(world.hcp("Cli"), year=this_year())
    out = io.StringIO()
    call_command("experts", "score", "--as", admin_user.username, "--format", "json", stdout=out)
    (report,) = json.loads(out.getvalue())
    assert report["area"] == "Melanoma" and report["experts"] == 1
    assert ExpertScore.objects.count() == 1


def test_the_score_command_refuses_an_msl_and_an_unknown_area(msl: User, admin_user: User) -> None:
    with pytest.raises(CommandError, match="may not recompute"):
        call_command("experts", "score", "--as", msl.username, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--area: no therapeutic area"):
        call_command(
            "experts", "score", "--as", admin_user.username, "--area", "nope", stdout=io.StringIO()
        )
