"""/api/v1/trials: the list with its filters and one trial with sites, officials
and status history; every medical-affairs role reads."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.trials.ctgov import study_from_json
from liaison.trials.services import load_studies
from liaison.trials.tests.factories import study_json

pytestmark = pytest.mark.django_db


def load(*studies: dict[str, Any]) -> None:
    load_studies(actor=None, studies=[study_from_json(study) for study in studies])


@pytest.fixture
def trials(db: None) -> None:
    load(
        study_json("NCT09000001", title="Oncovirumab in Lung Cancer", last_update="2024-01-01"),
        study_json(
            "NCT09000002",
            title="Cardiox",
            status="COMPLETED",
            phases=("PHASE3",),
            sponsor_class="OTHER",
            last_update="2025-01-01",
            sites=(("Mayo Clinic", "Rochester", "United States"),),
        ),
    )


def nct_ids(body: dict[str, Any]) -> list[str]:
    return [item["nct_id"] for item in body["results"]]


def test_list_is_paginated_newest_update_first(trials: None, pv: User) -> None:
    response = ApiClient(pv).get("/trials", {"page_size": 1})
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 1)
    assert nct_ids(body) == ["NCT09000002"]
    first = body["results"][0]
    assert first["lead_sponsor"] == {"name": "Acme Pharma", "sponsor_class": "OTHER"}
    assert first["enrollment"] == {"count": 120, "type": "ESTIMATED"}
    assert first["phases"] == ["PHASE3"] and first["start_date"] == "2023-05"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "cardiox"}, ["NCT09000002"]),
        ({"condition": "ancer"}, []),
        ({"condition": "lung"}, ["NCT09000002", "NCT09000001"]),
        ({"intervention": "ONCOVIR"}, ["NCT09000002", "NCT09000001"]),
        ({"intervention": "virumab"}, []),
        ({"status": "COMPLETED"}, ["NCT09000002"]),
        ({"phase": "phase2"}, ["NCT09000001"]),
        ({"country": "United States"}, ["NCT09000002"]),
        ({"sponsor_class": "industry"}, ["NCT09000001"]),
        ({"sponsor": "Acme Pharma", "sort": "nct_id"}, ["NCT09000001", "NCT09000002"]),
    ],
)
def test_list_filters(trials: None, msl: User, params: dict[str, Any], expected: list[str]) -> None:
    assert nct_ids(ApiClient(msl).get("/trials", params).json()) == expected


def test_an_unknown_sort_is_a_422_naming_it(trials: None, msl: User) -> None:
    response = ApiClient(msl).get("/trials", {"sort": "title"})
    assert response.status_code == 422 and "sort" in response.content.decode()


def test_a_search_of_thousands_of_words_is_422_naming_q(trials: None, msl: User) -> None:
    # Each word is a condition: 3,000 of them were a 503 on SQLite ("Expression tree
    # is too large"). The web's search box holds 200 characters.
    response = ApiClient(msl).get("/trials", {"q": "ab " * 3000})
    assert response.status_code == 422
    assert response.json()["details"] == {"q": "String should have at most 200 characters"}
    assert ApiClient(msl).get("/trials", {"q": "ab " * 66}).status_code == 200


def test_one_trial_with_sites_officials_and_status_history(trials: None, msl: User) -> None:
    load(study_json("NCT09000001", status="COMPLETED", pmids=("123",)))
    response = ApiClient(msl).get("/trials/nct09000001")
    body = response.json()
    assert response.status_code == 200
    assert body["sites"][0]["facility"] == "Charité" and body["sites"][0]["country"] == "Germany"
    assert body["officials"] == [
        {
            "name": "Anna Schmidt",
            "affiliation": "Charité",
            "role": "PRINCIPAL_INVESTIGATOR",
            "hcp_id": None,
        }
    ]
    (change,) = body["status_history"]
    assert (change["old_status"], change["new_status"], change["notable"]) == (
        "RECRUITING",
        "COMPLETED",
        True,
    )
    assert body["reference_pmids"] == [123]


def test_an_unknown_trial_is_404(db: None, msl: User) -> None:
    assert ApiClient(msl).get("/trials/NCT00000000").status_code == 404


def test_an_account_without_a_role_is_refused(trials: None, outsider: User) -> None:
    assert ApiClient(outsider).get("/trials").status_code == 403
