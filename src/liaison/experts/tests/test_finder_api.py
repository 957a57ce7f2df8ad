"""/api/v1/experts/sites and /api/v1/experts/sites/investigators: the ranked lists
with their reasons, paging, and refusals naming the query parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.experts.tests.test_finder import FinderWorld, build_world


@pytest.fixture
def world(db: None, tmp_path: Path) -> FinderWorld:
    return build_world(tmp_path)


def test_sites_are_ranked_with_reasons_and_trials(world: FinderWorld, msl: User) -> None:
    response = ApiClient(msl).get("/experts/sites", {"condition": "melanoma"})
    assert response.status_code == 200
    body = response.json()
    assert (body["query"], body["count"], body["page"]) == ("melanoma", 3, 1)
    top = body["results"][0]
    assert (top["rank"], top["name"], top["organization_id"]) == (
        1,
        "Charité Berlin",
        world.charite.pk,
    )
    assert (top["country"], top["country_code"]) == ("Germany", "DE")
    assert top["experience"]["trials"] == 3
    assert (top["experience"]["phase_3"], top["experience"]["phase_2"]) == (2, 1)
    assert top["experience"]["stopped_for_accrual"] == 1
    assert top["experience"]["enrolled"] == 640
    assert top["reasons"].startswith("3 trials in melanoma (2 phase 3, 1 phase 2)")
    assert top["nct_ids"] == ["NCT00000003", "NCT00000001", "NCT00000002"]
    assert top["latest_trials"][2]["why_stopped"] == "Slow accrual"
    assert top["investigators"] == ["Anna Schmidt, MD"]
    points = [row["points"] for row in body["results"]]
    assert points == sorted(points, reverse=True)


def test_sites_are_paged(world: FinderWorld, msl: User) -> None:
    body = (
        ApiClient(msl)
        .get("/experts/sites", {"condition": "melanoma", "page": 2, "page_size": 2})
        .json()
    )
    assert body["count"] == 3
    assert [row["rank"] for row in body["results"]] == [3]
    beyond = (
        ApiClient(msl)
        .get("/experts/sites", {"condition": "melanoma", "page": 9, "page_size": 2})
        .json()
    )
    assert beyond["results"] == []


def test_sites_of_a_country_and_phase(world: FinderWorld, msl: User) -> None:
    body = (
        ApiClient(msl)
        .get("/experts/sites", {"condition": "melanoma", "country": "us", "phase": "phase 1"})
        .json()
    )
    assert body["query"] == "melanoma, phase 1 trials, in United States"
    assert [row["name"] for row in body["results"]] == ["MD Anderson Cancer Center"]


def test_investigators_with_expert_score_and_engagement(world: FinderWorld, msl: User) -> None:
    response = ApiClient(msl).get("/experts/sites/investigators", {"condition": "melanoma"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    top = body["results"][0]
    assert (top["name"], top["hcp_id"], top["country"]) == ("Anna Schmidt", world.schmidt.pk, "DE")
    assert top["expert_score"] == {
        "area_id": world.oncology.pk,
        "area": "Oncology",
        "score": 38.0,
        "tier": 1,
    }
    assert top["found_as"] == ["overall official", "site investigator"]
    assert top["engaged"] is False
    assert top["nct_ids"] == ["NCT00000001", "NCT00000002"]
    unresolved = next(row for row in body["results"] if row["name"] == "John Doe")
    assert unresolved["hcp_id"] is None and unresolved["expert_score"] is None


def test_condition_is_required(world: FinderWorld, msl: User) -> None:
    for path in ("/experts/sites", "/experts/sites/investigators"):
        response = ApiClient(msl).get(path)
        assert response.status_code == 422
        assert "condition" in response.json()["details"]
        blank = ApiClient(msl).get(path, {"condition": " "})
        assert blank.status_code == 422
        assert blank.json()["details"] == {"condition": "give a condition, e.g. melanoma"}


def test_unknown_country_and_phase_are_422_naming_both(world: FinderWorld, msl: User) -> None:
    response = ApiClient(msl).get(
        "/experts/sites", {"condition": "melanoma", "country": "XQ", "phase": "PHASE9"}
    )
    assert response.status_code == 422
    details = response.json()["details"]
    assert set(details) == {"country", "phase"}
    assert details["country"].startswith("“XQ” is not a country code")


def test_an_account_without_a_role_is_refused(world: FinderWorld, outsider: User) -> None:
    response = ApiClient(outsider).get("/experts/sites", {"condition": "melanoma"})
    assert response.status_code == 403
